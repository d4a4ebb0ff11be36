using ClassroomGuard.Console.Tests.Administration;
using ClassroomGuard.Console.Tests.Support;
using ClassroomGuard.Storage.State;
using ClassroomGuard.Storage.Tests.TimeSeries.Support;

namespace ClassroomGuard.Console.Tests.Kiosk;

/// <summary><c>kiosk issue | list | revoke</c>, run as the real program against a state database.</summary>
public sealed class KioskCommandTests : IDisposable
{
    private readonly AdminTestContext context = new();

    private string[] Settings => [$"--State:Path={context.StateOptions.Path}", $"--Influx:Url=http://127.0.0.1:{InfluxdServer.FreePort()}", $"--Console:CertificatePath={context.CertificatePath}"];

    [Fact]
    public async Task IssueListRevoke_FileOnStdoutOnly_ListedThenRevoked()
    {
        await context.UserAsync("admin", "Head of IT", Role.Administrator);
        var room = await context.RoomAsync("Main", "Room 3");

        var issue = await ConsoleProcess.RunAsync(["kiosk", "issue", "--room", "room 3", "--console-url", "https://192.168.1.2:8443", .. Settings]);

        Assert.True(issue.ExitCode == 0, issue.Stdout + issue.Stderr);
        var lines = issue.Stdout.Split('\n');
        Assert.StartsWith("# ClassroomGuard classroom display — Room 3, issued ", lines[0], StringComparison.Ordinal);
        Assert.EndsWith(" by Head of IT", lines[0], StringComparison.Ordinal);
        Assert.Equal(["CONSOLE=https://192.168.1.2:8443", "PIN=" + context.Pin], [lines[1], lines[3]]);
        var credential = lines[2]["CREDENTIAL=".Length..];
        Assert.DoesNotContain(credential, issue.Stderr, StringComparison.Ordinal);
        Assert.NotNull(await context.Store.KioskCredentials.VerifyAsync(credential, AdminTestContext.Token));

        var list = await ConsoleProcess.RunAsync(["kiosk", "list", .. Settings]);
        Assert.Equal(0, list.ExitCode);
        Assert.Contains("\tRoom 3\tRoom 3 display\tin use\t", list.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(credential, list.Stdout, StringComparison.Ordinal);

        var revoke = await ConsoleProcess.RunAsync(["kiosk", "revoke", "--room", "Room 3", "--label", "room 3 DISPLAY", .. Settings]);
        Assert.True(revoke.ExitCode == 0, revoke.Stdout + revoke.Stderr);
        Assert.Null(await context.Store.KioskCredentials.VerifyAsync(credential, AdminTestContext.Token));
        Assert.Equal(["display.revoke", "display.issue"], (await context.Store.AdminAudit.ListAsync(10, AdminTestContext.Token)).Select(a => a.Action));
        Assert.Equal(room.Id, (await context.Store.KioskCredentials.ListAsync(null, AdminTestContext.Token))[0].RoomId);
    }

    [Fact]
    public async Task Issue_UnknownRoomOrNotATechnician_Exit65NothingIssued()
    {
        await context.UserAsync("admin", "Head of IT", Role.Administrator);
        await context.UserAsync("teacher", "A Teacher", Role.Teacher);
        await context.RoomAsync("Main", "Room 3");

        var noRoom = await ConsoleProcess.RunAsync(["kiosk", "issue", "--room", "Room 4", .. Settings]);
        var teacher = await ConsoleProcess.RunAsync(["kiosk", "issue", "--room", "Room 3", "--by", "teacher", .. Settings]);

        Assert.Equal((65, ""), (noRoom.ExitCode, noRoom.Stdout));
        Assert.Contains("there is no room called 'Room 4'. Rooms: Room 3.", noRoom.Stderr, StringComparison.Ordinal);
        Assert.Equal((65, ""), (teacher.ExitCode, teacher.Stdout));
        Assert.Contains("must be an enabled technician or administrator", teacher.Stderr, StringComparison.Ordinal);
        Assert.Empty(await context.Store.KioskCredentials.ListAsync(null, AdminTestContext.Token));
    }

    [Theory]
    [InlineData("issue")]
    [InlineData("revoke", "--room", "Room 3")]
    [InlineData("issue", "--room", "Room 3", "--console-url", "http://192.168.1.2:8443")]
    public async Task Usage_Wrong_Exit64(params string[] args)
    {
        var result = await ConsoleProcess.RunAsync(["kiosk", .. args, .. Settings]);

        Assert.Equal(64, result.ExitCode);
        Assert.Contains("Usage:", result.Stderr, StringComparison.Ordinal);
    }

    public void Dispose() => context.Dispose();
}

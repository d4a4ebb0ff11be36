using System.Diagnostics;
using ClassroomGuard.Agent.Tests.Support;
using ClassroomGuard.Storage.State;
using Xunit.Abstractions;

namespace ClassroomGuard.Agent.Tests.EndToEnd;

/// <summary>
/// The agent program itself (its own process, as on a pupil device) against the real console on loopback TLS, blanking
/// a real Xvfb: enrol, connect, a teacher's room blank maps the window, the release removes it.
/// </summary>
public sealed class AgentProcessTests(ITestOutputHelper output)
{
    private static readonly string AgentDll = Path.Combine(AppContext.BaseDirectory, "ClassroomGuard.Agent.dll");

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Agent_EnrolsConnectsAndBlanksXvfbOnTeacherAction()
    {
        await using var console = await ConsoleServer.StartAsync();
        using var x = await XvfbServer.StartAsync();
        var (teacher, room, token) = await console.RoomWithTokenAsync("E2E");
        var statePath = Path.Combine(console.Root, "agent", "agent.json");
        string[] settings = ["--Agent:ConsoleUrl=" + console.Url.ToString().TrimEnd('/'), "--Agent:StatePath=" + statePath, "--Agent:Display=" + x.Display, "--Agent:BlankMessage=Look up please"];

        var refused = await RunToEndAsync(["enrol", .. settings, "--Agent:EnrolmentToken=wrong"]);
        Assert.Equal(77, refused.ExitCode);
        Assert.False(File.Exists(statePath));

        using var agent = Start([.. settings, "--Agent:EnrolmentToken=" + token]);
        try
        {
            await UntilAsync(async () => File.Exists(statePath) && (await console.Store.Devices.ListAsync(room.Id, CancellationToken.None)).Count == 1, "the agent enrolled and saved its identity");
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(statePath));
            await Task.Delay(500); // let it connect

            var started = Stopwatch.StartNew();
            var action = await console.Store.TeacherActions.StartAsync(
                new NewTeacherAction(TeacherActionKind.Blank, teacher.Id, "e2e", ActionScope.Room, null, room.Id, DateTimeOffset.UtcNow.AddMinutes(5)), CancellationToken.None);
            await UntilAsync(async () => (await x.TreeAsync()).Contains("ClassroomGuard blank", StringComparison.Ordinal), "the blank window is mapped");
            output.WriteLine($"teacher action → window mapped: {started.ElapsedMilliseconds} ms (includes xwininfo polling)");
            Assert.Contains("Map State: IsViewable", await x.WindowInfoAsync("ClassroomGuard blank"), StringComparison.Ordinal);

            started.Restart();
            await console.Store.TeacherActions.ReleaseAsync(action.Id, teacher.Id, CancellationToken.None);
            await UntilAsync(async () => !(await x.TreeAsync()).Contains("ClassroomGuard blank", StringComparison.Ordinal), "the blank window is gone");
            output.WriteLine($"release → window gone: {started.ElapsedMilliseconds} ms");
        }
        finally
        {
            agent.Kill(entireProcessTree: true);
            await agent.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Agent_TokenRefused_Exits77AndConsoleUnreachable_KeepsTrying()
    {
        await using var console = await ConsoleServer.StartAsync();
        var statePath = Path.Combine(console.Root, "agent", "agent.json");

        var refused = await RunToEndAsync(["--Agent:ConsoleUrl=" + console.Url.ToString().TrimEnd('/'), "--Agent:StatePath=" + statePath, "--Agent:EnrolmentToken=wrong"]);
        Assert.True(refused.ExitCode == 77, refused.Output);

        var notEnrolled = await RunToEndAsync(["--Agent:ConsoleUrl=" + console.Url.ToString().TrimEnd('/'), "--Agent:StatePath=" + statePath]);
        Assert.True(notEnrolled.ExitCode == 78, notEnrolled.Output);

        using var unreachable = Start(["--Agent:ConsoleUrl=https://127.0.0.1:9", "--Agent:StatePath=" + statePath, "--Agent:EnrolmentToken=any"]);
        try
        {
            Assert.False(unreachable.WaitForExit(TimeSpan.FromSeconds(3)), "the agent gave up on an unreachable console");
        }
        finally
        {
            unreachable.Kill(entireProcessTree: true);
            await unreachable.WaitForExitAsync();
        }
    }

    private static Process Start(string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(AgentDll);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<(int ExitCode, string Output)> RunToEndAsync(string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(AgentDll);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        for (var i = 0; i < 300; i++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail("Timed out waiting until " + what);
    }
}

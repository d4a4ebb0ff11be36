using System.Text.RegularExpressions;
using ClassroomGuard.Console.Administration;
using ClassroomGuard.Console.Hosting;
using ClassroomGuard.Console.Kiosk;
using ClassroomGuard.Console.Tests.Administration;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Tests.Kiosk;

/// <summary>Issuing, listing and revoking display credentials as the room page's panel does, with the file shown once.</summary>
public sealed partial class KioskCredentialsAdminTests : IDisposable
{
    private readonly AdminTestContext context = new();

    [Fact]
    public async Task Issue_Technician_FileInTheContractFormat_WithTheCertificatePin_AndItSignsIn()
    {
        var tech = await context.UserAsync("tech", "Alex Tech", Role.Technician);
        var room = await context.RoomAsync("Main", "Room 3");

        var (result, issued) = await Admin().IssueAsync(AdminTestContext.Actor(tech), room.Id, "Room 3 display", new Uri("https://192.168.1.2:8443/admin/rooms/1"), AdminTestContext.Token);

        Assert.True(result.Succeeded, result.Message);
        var lines = issued!.FileText.Split('\n');
        Assert.Matches(Header(), lines[0]);
        Assert.Contains("— Room 3, issued ", lines[0], StringComparison.Ordinal);
        Assert.EndsWith(" by Alex Tech", lines[0], StringComparison.Ordinal);
        Assert.Equal("CONSOLE=https://192.168.1.2:8443", lines[1]);
        Assert.Matches(@"^CREDENTIAL=\d+\.[A-Za-z0-9_-]{43}$", lines[2]);
        Assert.Equal("PIN=" + context.Pin, lines[3]);
        Assert.Equal(("", 5), (lines[4], lines.Length)); // ends with a newline
        Assert.False(issued.PinMissing);
        Assert.NotNull(await context.Store.KioskCredentials.VerifyAsync(lines[2]["CREDENTIAL=".Length..], AdminTestContext.Token));
    }

    [Fact]
    public async Task Issue_PublicUrlSet_ConsoleLineUsesIt()
    {
        var tech = await context.UserAsync("tech", "Alex Tech", Role.Administrator);
        var room = await context.RoomAsync("Main", "Room 3");

        var (_, issued) = await Admin(publicUrl: "https://classroomguard.school.example:8443").IssueAsync(
            AdminTestContext.Actor(tech), room.Id, "Display", new Uri("https://127.0.0.1:8443/"), AdminTestContext.Token);

        Assert.Contains("\nCONSOLE=https://classroomguard.school.example:8443\n", issued!.FileText, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Role.Teacher)]
    [InlineData(Role.SafeguardingLead)]
    [InlineData(Role.Governor)]
    public async Task IssueListRevoke_NotTechnicianOrAdministrator_RefusedAndNothingIssued(Role role)
    {
        var tech = await context.UserAsync("tech", "Alex Tech", Role.Technician);
        var other = await context.UserAsync("other", "Other Person", role);
        var room = await context.RoomAsync("Main", "Room 3");
        var (_, issued) = await Admin().IssueAsync(AdminTestContext.Actor(tech), room.Id, "Display", new Uri("https://192.168.1.2:8443/"), AdminTestContext.Token);

        var (result, made) = await Admin().IssueAsync(AdminTestContext.Actor(other), room.Id, "Mine", new Uri("https://192.168.1.2:8443/"), AdminTestContext.Token);
        var listed = await Admin().ListAsync(AdminTestContext.Actor(other), room.Id, AdminTestContext.Token);
        var revoked = await Admin().RevokeAsync(AdminTestContext.Actor(other), room.Id, (await context.Store.KioskCredentials.ListAsync(room.Id, AdminTestContext.Token))[0].Id, AdminTestContext.Token);

        Assert.Equal((false, null), (result.Succeeded, made));
        Assert.Empty(listed);
        Assert.False(revoked.Succeeded);
        Assert.Single(await context.Store.KioskCredentials.ListAsync(room.Id, AdminTestContext.Token));
        Assert.NotNull(await context.Store.KioskCredentials.VerifyAsync(issued!.FileText.Split('\n')[2]["CREDENTIAL=".Length..], AdminTestContext.Token));
    }

    [Fact]
    public async Task List_WordsOnly_Revoke_OnlyInItsOwnRoom()
    {
        var tech = await context.UserAsync("tech", "Alex Tech", Role.Technician);
        var room = await context.RoomAsync("Main", "Room 3");
        var elsewhere = await context.RoomAsync("Annexe", "Room 9");
        var actor = AdminTestContext.Actor(tech);
        await Admin().IssueAsync(actor, room.Id, "Display", new Uri("https://192.168.1.2:8443/"), AdminTestContext.Token);
        var row = Assert.Single(await Admin().ListAsync(actor, room.Id, AdminTestContext.Token));

        Assert.Equal(("Display", "Never", "In use", true), (row.Label, row.LastUsed, row.State, row.Active));
        Assert.StartsWith("Alex Tech, ", row.Issued, StringComparison.Ordinal);
        Assert.False((await Admin().RevokeAsync(actor, elsewhere.Id, row.Id, AdminTestContext.Token)).Succeeded);
        Assert.True((await Admin().RevokeAsync(actor, room.Id, row.Id, AdminTestContext.Token)).Succeeded);
        Assert.StartsWith("Revoked by Alex Tech, ", Assert.Single(await Admin().ListAsync(actor, room.Id, AdminTestContext.Token)).State, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditLog_SaysIssueAndRevokeInWords()
    {
        var tech = await context.UserAsync("tech", "Alex Tech", Role.Technician);
        var room = await context.RoomAsync("Main", "Room 3");
        var actor = AdminTestContext.Actor(tech);
        await Admin().IssueAsync(actor, room.Id, "Room 3 display", new Uri("https://192.168.1.2:8443/"), AdminTestContext.Token);
        await Admin().RevokeAsync(actor, room.Id, (await context.Store.KioskCredentials.ListAsync(room.Id, AdminTestContext.Token))[0].Id, AdminTestContext.Token);

        var sentences = (await context.Store.AdminAudit.ListAsync(10, AdminTestContext.Token)).Select(e => AuditSentences.Describe(e, "Alex Tech")).ToList();

        Assert.Equal(
            ["Alex Tech revoked the classroom display credential 'Room 3 display' of the room 'Room 3'.", "Alex Tech issued the classroom display credential 'Room 3 display' for the room 'Room 3'."],
            sentences);
    }

    public void Dispose() => context.Dispose();

    private KioskCredentialsAdmin Admin(string? publicUrl = null)
    {
        var console = new ConsoleOptions { CertificatePath = context.CertificatePath, PublicUrl = publicUrl };
        return new KioskCredentialsAdmin(
            context.Store, new EnrolmentCommand(Options.Create(console), NullLogger<EnrolmentCommand>.Instance), context.Queries, Options.Create(context.StateOptions),
            Options.Create(console), NullLogger<KioskCredentialsAdmin>.Instance);
    }

    [GeneratedRegex(@"^# ClassroomGuard classroom display — Room 3, issued \d{1,2} [A-Z][a-z]+ \d{4} by Alex Tech$")]
    private static partial Regex Header();
}

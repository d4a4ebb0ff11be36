using Bunit;
using ClassroomGuard.Console.Components.Pages.Rooms;
using ClassroomGuard.Console.Tests.Administration;
using ClassroomGuard.Storage.State;
using MudBlazor;

namespace ClassroomGuard.Console.Tests.Kiosk;

/// <summary>The "Classroom displays" panel rendered (bUnit) over a real state database, signed in as a technician.</summary>
public sealed class ClassroomDisplaysComponentTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly AdminTestContext school = new();

    public void Dispose() => school.Dispose();

    [Fact]
    public async Task Panel_EmptyStateThenIssueShowsTheFileOnce_ThenRevokeAsksAndRevokes()
    {
        var tech = await school.UserAsync("sam.tech", "Sam Technician", Role.Technician);
        var room = await school.RoomAsync("Main", "Room 3");
        await using var ctx = school.Components(tech);
        var dialogs = ctx.Render<MudDialogProvider>();
        var panel = ctx.Render<ClassroomDisplays>(p => p.Add(x => x.RoomId, room.Id).Add(x => x.RoomName, room.Name));

        panel.WaitForAssertion(() => Assert.Contains("No displays yet", panel.Markup, StringComparison.Ordinal), Wait);
        await panel.InvokeAsync(() => panel.Find("#display-issue").Click());

        panel.WaitForAssertion(() => Assert.Contains("CREDENTIAL=", panel.Find("[data-kiosk-file]").TextContent, StringComparison.Ordinal), Wait);
        var text = panel.Find("[data-kiosk-file]").TextContent;
        Assert.Contains("PIN=" + school.Pin, text, StringComparison.Ordinal);
        Assert.StartsWith("data:text/plain;charset=utf-8;base64,", panel.Find("#display-download").GetAttribute("href"), StringComparison.Ordinal);
        Assert.Equal("classroomguard-kiosk.conf", panel.Find("#display-download").GetAttribute("download"));
        panel.WaitForAssertion(() => Assert.Contains("In use", panel.Find("#displays").TextContent, StringComparison.Ordinal), Wait);

        await panel.InvokeAsync(() => panel.Find("#displays button").Click());
        dialogs.WaitForAssertion(() => Assert.Contains("stops showing Room 3", dialogs.Markup, StringComparison.Ordinal), Wait);
        await dialogs.InvokeAsync(() => dialogs.Find("[data-confirm]").Click());

        panel.WaitForAssertion(() => Assert.Contains("Revoked by Sam Technician", panel.Find("#displays").TextContent, StringComparison.Ordinal), Wait);
        Assert.False(await school.Store.KioskCredentials.IsActiveAsync((await school.Store.KioskCredentials.ListAsync(room.Id, AdminTestContext.Token))[0].Id, AdminTestContext.Token));
    }
}

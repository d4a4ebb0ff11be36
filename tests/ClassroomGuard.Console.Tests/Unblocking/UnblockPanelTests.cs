using System.Globalization;
using System.Security.Claims;
using Bunit;
using ClassroomGuard.Console.Classroom;
using ClassroomGuard.Console.Components.Pages.Unblocking;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Console.Unblocking;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace ClassroomGuard.Console.Tests.Unblocking;

/// <summary>The room page's unblock panel and the ask dialog, rendered with the real services over a real state database.</summary>
public sealed class UnblockPanelTests : IAsyncLifetime
{
    private readonly UnblockWorld world = new();
    private readonly BunitContext bunit = new();

    public UnblockPanelTests()
    {
        bunit.JSInterop.Mode = JSRuntimeMode.Loose;
        bunit.Services.AddMudServices();
        bunit.Services.AddSingleton(world.Store);
        bunit.Services.AddSingleton(world.Times);
        bunit.Services.AddSingleton(world.Feed);
        bunit.Services.AddSingleton(world.Service);
        bunit.Services.AddScoped<CurrentUser>();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await bunit.DisposeAsync();
        world.Dispose();
    }

    [Fact]
    public async Task Decision_ArrivesLive_WaitingBecomesApprovedAndTheSiteIsShownOpen()
    {
        var (lab, _) = await world.RoomsAsync();
        var teacher = await SignedInTeacherOfAsync(lab);
        var dsl = await world.UserAsync("dsl", Role.SafeguardingLead);
        Assert.True((await world.Service.AskAsync(teacher, lab.Id, UnblockWorld.Ask(), UnblockWorld.Ct)).Ok);
        var panel = bunit.Render<UnblockPanel>(p => p.Add(x => x.RoomId, lab.Id));
        panel.WaitForAssertion(() => Assert.Equal("waiting", panel.Find("#unblock-requests tbody tr").GetAttribute("data-request-state")));
        Assert.Empty(panel.FindAll(".cg-open-unblock"));

        var request = Assert.Single(await world.Store.UnblockRequests.ListPendingAsync(UnblockWorld.Ct));
        Assert.True((await world.Store.UnblockRequests.ApproveAsync(request.Id, dsl.Id, null, UnblockWorld.Ct)).Succeeded);

        panel.WaitForAssertion(() => Assert.Equal("open", panel.Find("#unblock-requests tbody tr").GetAttribute("data-request-state")), TimeSpan.FromSeconds(10));
        Assert.Contains("Approved by Mrs Patel: open until 11:00", panel.Markup, StringComparison.Ordinal);
        Assert.Equal("poki.com open for this room until 11:00", panel.Find(".cg-open-unblock .mud-alert-message").TextContent.Trim());
    }

    [Fact]
    public async Task Withdraw_OwnWaitingRequest_AsksFirst_ThenListsItAsWithdrawnByYou()
    {
        var (lab, _) = await world.RoomsAsync();
        var teacher = await SignedInTeacherOfAsync(lab);
        Assert.True((await world.Service.AskAsync(teacher, lab.Id, UnblockWorld.Ask(), UnblockWorld.Ct)).Ok);
        var dialogs = bunit.Render<MudBlazor.MudDialogProvider>();
        var panel = bunit.Render<UnblockPanel>(p => p.Add(x => x.RoomId, lab.Id));
        panel.WaitForAssertion(() => Assert.NotNull(panel.Find("button[data-withdraw][aria-label='Withdraw your request for poki.com']")));

        await panel.InvokeAsync(() => panel.Find("button[data-withdraw]").Click());
        dialogs.WaitForAssertion(() => Assert.Contains("Withdraw your request to unblock poki.com?", dialogs.Markup, StringComparison.Ordinal));
        Assert.Single(await world.Store.UnblockRequests.ListPendingAsync(UnblockWorld.Ct)); // nothing before the confirmation
        await dialogs.InvokeAsync(() => dialogs.Find("button[data-confirm]").Click());

        panel.WaitForAssertion(() => Assert.Equal("withdrawn", panel.Find("#unblock-requests tbody tr").GetAttribute("data-request-state")), TimeSpan.FromSeconds(10));
        Assert.Equal("Withdrawn by you", panel.Find(".cg-status").TextContent);
        Assert.Empty(panel.FindAll("button[data-withdraw]"));
        Assert.Empty(await world.Store.UnblockRequests.ListPendingAsync(UnblockWorld.Ct));
    }

    [Fact]
    public async Task NoRequests_SaysWhatToDo_AndAnotherRoomShowsNothing()
    {
        var (lab, art) = await world.RoomsAsync();
        await SignedInTeacherOfAsync(lab);

        var own = bunit.Render<UnblockPanel>(p => p.Add(x => x.RoomId, lab.Id));
        var other = bunit.Render<UnblockPanel>(p => p.Add(x => x.RoomId, art.Id));

        own.WaitForAssertion(() => Assert.Contains("ask here with a reason", own.Find("#unblock-none").TextContent, StringComparison.Ordinal));
        Assert.NotNull(own.Find("#ask-unblock"));
        Assert.Empty(other.FindAll("#unblock-panel"));
    }

    [Fact]
    public async Task AskDialog_BadValues_ShowsEachReasonNextToItsFieldAndSendsNothing()
    {
        var (lab, _) = await world.RoomsAsync();
        await SignedInTeacherOfAsync(lab);
        var dialogs = bunit.Render<MudBlazor.MudDialogProvider>();
        var panel = bunit.Render<UnblockPanel>(p => p.Add(x => x.RoomId, lab.Id));
        panel.WaitForAssertion(() => Assert.NotNull(panel.Find("#ask-unblock")));

        var asking = panel.Find("#ask-unblock").ClickAsync(new()); // completes only when the dialog closes
        dialogs.WaitForAssertion(() => Assert.Contains("For this lesson (until 11:00)", dialogs.Markup, StringComparison.Ordinal));
        dialogs.Find("input#unblock-domain").Input("poki com");
        await dialogs.Find("#unblock-send").ClickAsync(new());

        dialogs.WaitForAssertion(() => Assert.Contains("'poki com' is not a web site's name", dialogs.Markup, StringComparison.Ordinal));
        Assert.Contains("Say why the class needs this site", dialogs.Markup, StringComparison.Ordinal);
        Assert.Contains("at the latest at 16:00, the end of the school day", dialogs.Markup, StringComparison.Ordinal);
        Assert.Empty(await world.Store.UnblockRequests.ListPendingAsync(UnblockWorld.Ct));
        Assert.False(asking.IsCompleted); // the dialog is still open for the teacher to mend the values
    }

    private async Task<ConsoleUser> SignedInTeacherOfAsync(Room room)
    {
        var teacher = await world.TeacherOfAsync(room, "t.lab");
        var auth = bunit.AddAuthorization();
        auth.SetAuthorized(teacher.UserName);
        auth.SetRoles(nameof(Role.Teacher));
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, teacher.Id.ToString(CultureInfo.InvariantCulture)));
        return teacher;
    }
}

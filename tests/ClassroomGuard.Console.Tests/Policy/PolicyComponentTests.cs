using Bunit;
using ClassroomGuard.Console.Components.Pages.Policy.Calendar;
using ClassroomGuard.Console.Components.Pages.Policy.Groups;
using ClassroomGuard.Console.Policy;
using ClassroomGuard.Storage.State;
using MudBlazor;

namespace ClassroomGuard.Console.Tests.Policy;

/// <summary>
/// The editor pages rendered as components (bUnit) over a real state database: the always-blocked categories have no
/// control at all, every edit asks for a reason and lands in the change-control log as a proposal, bad values are
/// refused beside their field, and another person's proposal shows as waiting.
/// </summary>
public sealed class PolicyComponentTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly PolicyTestContext school = new();

    private static CancellationToken Token => PolicyTestContext.Token;

    public void Dispose() => school.Dispose();

    [Fact]
    public async Task GroupPage_AlwaysOnRows_SayAlwaysBlockedAndHaveNoControl()
    {
        var tech = await school.UserAsync("sam.tech", "Sam Technician", Role.Technician);
        await using var ctx = school.Components(tech);
        var page = ctx.Render<GroupEditor>(p => p.Add(x => x.Key, "staff"));

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-always-on]")), Wait);

        foreach (var name in new[] { "Child sexual abuse content (IWF list)", "Terrorist content (CTIRU list)" })
        {
            var row = page.Find($"tr[data-category='{name}']");
            Assert.Contains("Always blocked — cannot be changed", row.TextContent, StringComparison.Ordinal);
            Assert.Empty(row.QuerySelectorAll("button, input, select, textarea, .mud-toggle-group"));
        }

        var games = page.Find("tr[data-category='Games']");
        Assert.NotEmpty(games.QuerySelectorAll(".mud-toggle-group"));
        Assert.Contains("Allowed Monday to Friday, 12:00 to 13:00", games.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("child_abuse", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GroupPage_AllowACategory_AsksForAReason_ThenProposesAndShowsItWaiting()
    {
        var tech = await school.UserAsync("sam.tech", "Sam Technician", Role.Technician);
        await using var ctx = school.Components(tech);
        var dialogs = ctx.Render<MudDialogProvider>();
        var page = ctx.Render<GroupEditor>(p => p.Add(x => x.Key, "ks3"));
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("tr[data-category='Gambling'] .mud-toggle-item")), Wait);

        await page.InvokeAsync(() => page.FindAll("tr[data-category='Gambling'] .mud-toggle-item").Single(b => b.TextContent.Contains("Allowed", StringComparison.Ordinal)).Click());
        dialogs.WaitForAssertion(() => Assert.Contains("Allow Gambling for Pupils: Key Stage 3 at all times", dialogs.Find("[data-summary]").TextContent, StringComparison.Ordinal), Wait);

        await dialogs.InvokeAsync(() => dialogs.Find("form").Submit());
        dialogs.WaitForAssertion(() => Assert.Contains("Say why", dialogs.Markup, StringComparison.Ordinal), Wait);
        Assert.Empty(await school.Store.ChangeControl.GetPendingAsync(Token));

        await dialogs.InvokeAsync(() => dialogs.Find("textarea").Input("Maths probability project, spring term"));
        await dialogs.InvokeAsync(() => dialogs.Find("form").Submit());
        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("form")), Wait);

        var pending = await school.SinglePendingAsync();
        Assert.Equal(new UnblockCategoryChange("ks3", "gambling"), pending.Change);
        Assert.Equal("Maths probability project, spring term", pending.Reason);
        page.WaitForAssertion(() => Assert.Contains("Waiting for approval: Allow Gambling for Pupils: Key Stage 3 at all times", page.Find("[data-pending]").TextContent, StringComparison.Ordinal), Wait);
        Assert.Contains("href=\"/admin/changes\"", page.Find("[data-pending]").InnerHtml, StringComparison.Ordinal);
        Assert.NotEmpty(page.FindAll("tr[data-category='Gambling'] [data-row-pending]"));
    }

    [Fact]
    public async Task GroupPage_OverlappingWindow_RefusedBesideTheStartTime_NothingProposed()
    {
        var tech = await school.UserAsync("sam.tech", "Sam Technician", Role.Technician);
        await using var ctx = school.Components(tech);
        ctx.Render<MudDialogProvider>();
        var page = ctx.Render<GroupEditor>(p => p.Add(x => x.Key, "staff"));
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("tr[data-category='Games'] button")), Wait);

        // "Add a window" on the Games row fills the form's category; the form's 12:00-13:00 on school days overlaps lunchtime.
        await page.InvokeAsync(() => page.FindAll("tr[data-category='Games'] button").Single(b => b.TextContent.Contains("Add a window", StringComparison.Ordinal)).Click());
        await page.InvokeAsync(() => page.Find("#window-form form").Submit());

        page.WaitForAssertion(() => Assert.Contains("This overlaps the window allowed Monday to Friday, 12:00 to 13:00", page.Find("#window-form").TextContent, StringComparison.Ordinal), Wait);
        Assert.Empty(await school.Store.ChangeControl.GetPendingAsync(Token));
    }

    [Fact]
    public async Task GroupPage_WindowWithNoDay_RefusedBesideTheDays()
    {
        var tech = await school.UserAsync("sam.tech", "Sam Technician", Role.Technician);
        await using var ctx = school.Components(tech);
        ctx.Render<MudDialogProvider>();
        var page = ctx.Render<GroupEditor>(p => p.Add(x => x.Key, "ks4"));
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-days] input[type=checkbox]")), Wait);
        await page.InvokeAsync(() => page.FindAll("tr[data-category='Chat'] .mud-toggle-item").Single(b => b.TextContent.Contains("In time windows", StringComparison.Ordinal)).Click());

        for (var i = 0; i < 5; i++)
        {
            await page.InvokeAsync(() => page.FindAll("[data-days] input[type=checkbox]")[i].Change(false));
        }

        await page.InvokeAsync(() => page.Find("#window-form form").Submit());

        page.WaitForAssertion(() => Assert.Contains("Tick at least one day.", page.Find("#window-form").TextContent, StringComparison.Ordinal), Wait);
        Assert.Empty(await school.Store.ChangeControl.GetPendingAsync(Token));
    }

    [Fact]
    public async Task GroupPage_EndBeforeStart_RefusedBesideTheEndTime()
    {
        var tech = await school.UserAsync("sam.tech", "Sam Technician", Role.Technician);
        await using var ctx = school.Components(tech);
        ctx.Render<MudDialogProvider>();
        var page = ctx.Render<GroupEditor>(p => p.Add(x => x.Key, "ks4"));
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("tr[data-category='Chat'] .mud-toggle-item")), Wait);
        await page.InvokeAsync(() => page.FindAll("tr[data-category='Chat'] .mud-toggle-item").Single(b => b.TextContent.Contains("In time windows", StringComparison.Ordinal)).Click());

        await page.InvokeAsync(() => page.Find("[data-end] input, input[data-end]").Change("11:00"));
        await page.InvokeAsync(() => page.Find("#window-form form").Submit());

        page.WaitForAssertion(() => Assert.Contains("The window must end after it starts", page.Find("#window-form").TextContent, StringComparison.Ordinal), Wait);
        Assert.Empty(await school.Store.ChangeControl.GetPendingAsync(Token));
    }

    [Fact]
    public async Task GroupPage_ProposalByA_ShownToBAsWaiting_WithWhoProposedIt()
    {
        var a = await school.UserAsync("alex.tech", "Alex Tech", Role.Technician);
        var b = await school.UserAsync("bea.admin", "Bea Admin", Role.Administrator);
        var proposed = await school.Store.ChangeControl.ProposeAsync(a.Id, new SetSafeSearchChange("ks5", SafeSearchMode.Strict), "Sixth form safeguarding review", Token);
        Assert.True(proposed.Succeeded);
        await using var ctx = school.Components(b);

        var page = ctx.Render<GroupEditor>(p => p.Add(x => x.Key, "ks5"));

        page.WaitForAssertion(() => Assert.Contains("Waiting for approval: Set SafeSearch for Pupils: Key Stage 5 (sixth form) to strict", page.Find("[data-pending]").TextContent, StringComparison.Ordinal), Wait);
        Assert.Contains("proposed by Alex Tech", page.Find("[data-pending]").TextContent, StringComparison.Ordinal);
        Assert.Contains("Sixth form safeguarding review", page.Find("[data-pending]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GroupsPage_NewGroupNameInUse_RefusedBesideTheName()
    {
        var tech = await school.UserAsync("sam.tech", "Sam Technician", Role.Technician);
        await using var ctx = school.Components(tech);
        ctx.Render<MudDialogProvider>();
        var page = ctx.Render<Groups>();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-new-name] input, input[data-new-name]")), Wait);

        await page.InvokeAsync(() => page.FindAll("[data-new-name] input, input[data-new-name]")[0].Input("Staff"));
        await page.InvokeAsync(() => page.FindAll("form")[0].Submit());

        page.WaitForAssertion(() => Assert.Contains("There is already a group called Staff", page.Markup, StringComparison.Ordinal), Wait);
        Assert.Contains("Default for unknown devices", page.Find("tr[data-group='Guests and BYOD']").TextContent, StringComparison.Ordinal);
        Assert.Empty(await school.Store.ChangeControl.GetPendingAsync(Token));
    }

    [Fact]
    public async Task CalendarPage_Empty_ExplainsWhatTermDatesDoAndNamesTheTimeZone()
    {
        var tech = await school.UserAsync("sam.tech", "Sam Technician", Role.Technician);
        await using var ctx = school.Components(tech);
        ctx.Render<MudDialogProvider>();

        var page = ctx.Render<CalendarEditor>();

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-empty]")), Wait);
        Assert.Contains("term time only", page.Find("[data-empty]").TextContent, StringComparison.Ordinal);
        Assert.Contains("Europe/London", page.Find("[data-zone]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CalendarPage_LastDayBeforeFirst_RefusedBesideTheLastDay()
    {
        var tech = await school.UserAsync("sam.tech", "Sam Technician", Role.Technician);
        await using var ctx = school.Components(tech);
        ctx.Render<MudDialogProvider>();
        var page = ctx.Render<CalendarEditor>();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("form")), Wait);

        await page.InvokeAsync(() => page.Find("[data-entry-name] input, input[data-entry-name]").Input("Autumn term"));
        await page.InvokeAsync(() => page.Find("[data-first-day] input, input[data-first-day]").Change("18/12/2026"));
        await page.InvokeAsync(() => page.Find("[data-last-day] input, input[data-last-day]").Change("01/09/2026"));
        await page.InvokeAsync(() => page.Find("form").Submit());

        page.WaitForAssertion(() => Assert.Contains("The last day cannot be before the first day.", page.Markup, StringComparison.Ordinal), Wait);
        Assert.Empty(await school.Store.ChangeControl.GetPendingAsync(Token));
    }

    [Fact]
    public async Task CalendarPage_EntryInWords_RemovalProposedWithAReason_ThenShownWaiting()
    {
        var a = await school.UserAsync("alex.tech", "Alex Tech", Role.Technician);
        var b = await school.UserAsync("bea.admin", "Bea Admin", Role.Administrator);
        var added = await school.Store.ChangeControl.ProposeAsync(a.Id, new AddCalendarEntryChange(CalendarEntryKind.Holiday, "October half term", new DateOnly(2026, 10, 26), new DateOnly(2026, 10, 30)), "LA dates", Token);
        Assert.True((await school.Store.ChangeControl.ApproveAsync(b.Id, added.Entry!.ChangeId, null, Token)).Succeeded);
        await using var ctx = school.Components(a);
        var dialogs = ctx.Render<MudDialogProvider>();
        var page = ctx.Render<CalendarEditor>();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("tr[data-entry='October half term']")), Wait);

        var row = page.Find("tr[data-entry='October half term']").TextContent;
        Assert.Contains("Holiday", row, StringComparison.Ordinal);
        Assert.Contains("Mon 26 Oct 2026", row, StringComparison.Ordinal);
        Assert.Contains("Fri 30 Oct 2026", row, StringComparison.Ordinal);
        await page.InvokeAsync(() => page.Find("tr[data-entry='October half term'] button[aria-label='Remove October half term']").Click());
        dialogs.WaitForAssertion(() => Assert.Contains("Remove the holiday October half term", dialogs.Find("[data-summary]").TextContent, StringComparison.Ordinal), Wait);
        await dialogs.InvokeAsync(() => dialogs.Find("textarea").Input("Half term moved by the LA"));
        await dialogs.InvokeAsync(() => dialogs.Find("form").Submit());

        page.WaitForAssertion(() => Assert.Contains("removal waiting for approval", page.Find("tr[data-entry='October half term']").TextContent, StringComparison.Ordinal), Wait);
        Assert.Equal("Half term moved by the LA", (await school.SinglePendingAsync()).Reason);
        Assert.Contains("Waiting for approval: Remove the holiday October half term", page.Find("[data-pending]").TextContent, StringComparison.Ordinal);
    }
}

using Bunit;
using ClassroomGuard.Console.Components.Pages.Policy.Rules;
using ClassroomGuard.Console.Policy.Rules;
using ClassroomGuard.Console.Tests.Administration;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace ClassroomGuard.Console.Tests.Policy.Rules;

/// <summary>
/// The two pages rendered as components (bUnit) over a real state database, signed in as a technician: the precedence
/// and the wildcard rules are on the page, each bad value is refused beside its field, a proposal shows as waiting for
/// approval, and the address tester answers with the rule.
/// </summary>
public sealed class RulesComponentTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly AdminTestContext school = new();

    public void Dispose() => school.Dispose();

    [Fact]
    public async Task Membership_ShowsPrecedence_RefusesABadSubnetBesideItsField_TesterAnswers()
    {
        var tech = await school.UserAsync("sam.tech", "Sam Technician", Role.Technician);
        await using var ctx = Context(tech);
        var page = ctx.Render<Membership>();

        page.WaitForAssertion(() => Assert.Contains("Else the default group, now Guests and BYOD.", page.Markup, StringComparison.Ordinal), Wait);
        var precedence = page.Find("[data-precedence]").TextContent;
        Assert.Contains("The device's own group", precedence, StringComparison.Ordinal);
        Assert.Contains("Else a MAC mapping", precedence, StringComparison.Ordinal);
        Assert.Contains("Else an exact IP mapping", precedence, StringComparison.Ordinal);
        Assert.Contains("the longest matching subnet", precedence, StringComparison.Ordinal);
        page.WaitForAssertion(() => Assert.Contains("No subnet, address or MAC is mapped yet", page.Markup, StringComparison.Ordinal), Wait);

        await page.InvokeAsync(() => page.Find("input[data-field=value]").Input("10.0.0.1/33"));
        await page.InvokeAsync(() => page.Find("input[data-field=reason]").Input("Year 9 laptops"));
        await page.InvokeAsync(() => page.FindAll("form")[0].Submit());
        page.WaitForAssertion(() => Assert.Contains("an IPv4 prefix is /1 to /32", page.Find("input[data-field=value]").Closest(".mud-input-control")!.TextContent, StringComparison.Ordinal), Wait);
        Assert.Empty(await school.Store.ChangeControl.GetPendingAsync(AdminTestContext.Token));

        await page.InvokeAsync(() => page.Find("input[data-field=test-ip]").Input("10.1"));
        await page.InvokeAsync(() => page.FindAll("form").Last().Submit());
        page.WaitForAssertion(() => Assert.Contains("four numbers from 0 to 255", page.Markup, StringComparison.Ordinal), Wait);
        await page.InvokeAsync(() => page.Find("input[data-field=test-ip]").Input("10.1.20.31"));
        await page.InvokeAsync(() => page.FindAll("form").Last().Submit());
        page.WaitForAssertion(() => Assert.Contains("Rule 5: No device group, MAC, IP or subnet mapping names 10.1.20.31", page.Find("[data-answer]").TextContent, StringComparison.Ordinal), Wait);
    }

    [Fact]
    public async Task Domains_RefusesSpacesBesideTheField_ThenProposesAndShowsItWaiting()
    {
        var tech = await school.UserAsync("sam.tech", "Sam Technician", Role.Technician);
        await using var ctx = Context(tech);
        var page = ctx.Render<Domains>();

        page.WaitForAssertion(() => Assert.Contains("Deny beats allow", page.Markup, StringComparison.Ordinal), Wait);
        Assert.Contains("example.org covers every name under it", page.Markup, StringComparison.Ordinal);
        page.WaitForAssertion(() => Assert.Contains("No entries yet", page.Markup, StringComparison.Ordinal), Wait);

        await page.InvokeAsync(() => page.Find("input[data-field=domain]").Input("exa mple.org"));
        await page.InvokeAsync(() => page.Find("form").Submit());
        page.WaitForAssertion(() => Assert.Contains("A domain name has no spaces", page.Find("input[data-field=domain]").Closest(".mud-input-control")!.TextContent, StringComparison.Ordinal), Wait);
        Assert.Contains("Choose whether the name is always allowed or always blocked.", page.Markup, StringComparison.Ordinal);
        Assert.Contains("Say why", page.Markup, StringComparison.Ordinal);

        await page.InvokeAsync(() => page.Find("input[data-field=domain]").Input("https://www.games.example/play"));
        page.WaitForAssertion(() => Assert.Contains("Will be proposed as www.games.example.", page.Markup, StringComparison.Ordinal), Wait);
        await page.InvokeAsync(() => page.FindAll("[data-field=effect] input[type=radio]")[1].Click());
        await page.InvokeAsync(() => page.Find("input[data-field=reason]").Input("Games in lessons"));
        await page.InvokeAsync(() => page.Find("form").Submit());

        page.WaitForAssertion(() => Assert.Contains("Always block www.games.example for every group", page.Find("[data-pending]").TextContent, StringComparison.Ordinal), Wait);
        var pending = Assert.Single(await school.Store.ChangeControl.GetPendingAsync(AdminTestContext.Token));
        Assert.Equal((new SetDomainRuleChange("www.games.example", null, RuleAction.Deny) as PolicyChange, "Games in lessons"), (pending.Change, pending.Reason));
    }

    [Fact]
    public async Task Domains_RemoveAnEntry_AsksForTheReasonInTheSharedDialog_ThenShowsTheRemovalWaiting()
    {
        var tech = await school.UserAsync("sam.tech", "Sam Technician", Role.Technician);
        var second = await school.UserAsync("bea.tech", "Bea Technician", Role.Technician);
        var proposed = await school.Store.ChangeControl.ProposeAsync(tech.Id, new SetDomainRuleChange("poki.com", "ks3", RuleAction.Deny), "Games in lessons", AdminTestContext.Token);
        Assert.True((await school.Store.ChangeControl.ApproveAsync(second.Id, proposed.Entry!.ChangeId, null, AdminTestContext.Token)).Succeeded);
        await using var ctx = Context(tech);
        var dialogs = ctx.Render<MudDialogProvider>();
        var page = ctx.Render<Domains>();

        page.WaitForAssertion(() => Assert.Contains("approved by Bea Technician", page.Find("tbody").TextContent, StringComparison.Ordinal), Wait);
        Assert.Contains("Games in lessons", page.Find("tbody").TextContent, StringComparison.Ordinal);
        Assert.Contains("Pupils: Key Stage 3", page.Find("tbody").TextContent, StringComparison.Ordinal);
        await page.InvokeAsync(() => page.Find("button[aria-label='Remove the entry for poki.com']").Click());
        dialogs.WaitForAssertion(() => Assert.Contains("Remove \"always blocked\" for poki.com", dialogs.Markup, StringComparison.Ordinal), Wait);
        await dialogs.InvokeAsync(() => dialogs.Find("form").Submit());
        dialogs.WaitForAssertion(() => Assert.Contains("Say why", dialogs.Markup, StringComparison.Ordinal), Wait);
        Assert.Empty(await school.Store.ChangeControl.GetPendingAsync(AdminTestContext.Token));
        await dialogs.InvokeAsync(() => dialogs.Find("textarea").Input("Games are allowed at lunch now"));
        await dialogs.InvokeAsync(() => dialogs.Find("form").Submit());

        page.WaitForAssertion(() => Assert.Contains("Remove the allow or block rule for poki.com", page.Find("[data-pending]").TextContent, StringComparison.Ordinal), Wait);
        var pending = Assert.Single(await school.Store.ChangeControl.GetPendingAsync(AdminTestContext.Token));
        Assert.Equal("Games are allowed at lunch now", pending.Reason);
    }

    private BunitContext Context(UserAccount account)
    {
        var ctx = school.Components(account);
        ctx.Services.AddPolicyRules();
        ctx.Render<MudPopoverProvider>();
        return ctx;
    }
}

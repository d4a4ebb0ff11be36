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
        // "For" has no default (a whole-school block by mistake was too easy): not chosen is refused beside the field.
        Assert.Contains("Choose every group or one group.", page.Find("[data-field=group]").Closest(".mud-input-control")!.TextContent, StringComparison.Ordinal);

        await page.InvokeAsync(() => page.Find("input[data-field=domain]").Input("https://www.games.example/play"));
        page.WaitForAssertion(() => Assert.Contains("Will be proposed as www.games.example.", page.Markup, StringComparison.Ordinal), Wait);
        await page.InvokeAsync(() => page.FindAll("[data-field=effect] input[type=radio]")[1].Click());
        await page.InvokeAsync(() => page.Find("input[data-field=reason]").Input("Games in lessons"));
        await page.InvokeAsync(() => page.Find("form").Submit());
        Assert.Empty(await school.Store.ChangeControl.GetPendingAsync(AdminTestContext.Token));
        var group = page.FindComponents<MudSelect<string>>().Single(s => s.Instance.Label == "For");
        await page.InvokeAsync(() => group.Instance.SelectOption(DomainRuleForm.EveryGroup));
        page.WaitForAssertion(() => Assert.Equal("Every group (the whole school)", page.Find("[data-field=group][role=combobox]").TextContent), Wait);
        await page.InvokeAsync(() => page.Find("form").Submit());

        page.WaitForAssertion(() => Assert.Contains("Always block www.games.example for every group", page.Find("[data-pending]").TextContent, StringComparison.Ordinal), Wait);
        var pending = Assert.Single(await school.Store.ChangeControl.GetPendingAsync(AdminTestContext.Token));
        Assert.Equal((new SetDomainRuleChange("www.games.example", null, RuleAction.Deny) as PolicyChange, "Games in lessons"), (pending.Change, pending.Reason));
    }

    [Fact]
    public async Task Domains_WaitingChange_EmptyStateSaysSo_ProposerWithdrawsAfterConfirming_OthersSeeNoWithdraw()
    {
        var tech = await school.UserAsync("sam.tech", "Sam Technician", Role.Technician);
        var second = await school.UserAsync("bea.tech", "Bea Technician", Role.Technician);
        var proposed = await school.Store.ChangeControl.ProposeAsync(tech.Id, new SetDomainRuleChange("poki.com", "ks3", RuleAction.Deny), "Games in lessons", AdminTestContext.Token);
        var id = proposed.Entry!.ChangeId;

        await using (var others = Context(second))
        {
            var seen = others.Render<Domains>();
            seen.WaitForAssertion(() => Assert.Contains("1 change is waiting for approval above; it appears here once approved", seen.Find("[data-empty]").TextContent, StringComparison.Ordinal), Wait);
            Assert.Empty(seen.FindAll("[data-pending] [data-withdraw]"));
        }

        await using var ctx = Context(tech);
        var dialogs = ctx.Render<MudDialogProvider>();
        var page = ctx.Render<Domains>();
        page.WaitForAssertion(() => Assert.Contains("1 change is waiting for approval above", page.Find("[data-empty]").TextContent, StringComparison.Ordinal), Wait);
        Assert.DoesNotContain("Add one with Add an entry above", page.Markup, StringComparison.Ordinal);

        await page.InvokeAsync(() => page.Find("[data-pending] button[data-withdraw]").Click());
        dialogs.WaitForAssertion(() => Assert.Contains("Withdraw \"Always block poki.com", dialogs.Markup, StringComparison.Ordinal), Wait);
        Assert.Single(await school.Store.ChangeControl.GetPendingAsync(AdminTestContext.Token)); // nothing before the confirmation
        await dialogs.InvokeAsync(() => dialogs.Find("button[data-confirm]").Click());

        page.WaitForAssertion(() => Assert.Contains("Withdrawn: the change will not be applied", page.Find("[data-done]").TextContent, StringComparison.Ordinal), Wait);
        Assert.Empty(await school.Store.ChangeControl.GetPendingAsync(AdminTestContext.Token));
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-pending]")), Wait);
        Assert.Contains("Add one with Add an entry above", page.Find("[data-empty]").TextContent, StringComparison.Ordinal);
        var last = (await school.Store.ChangeControl.GetEntriesAsync(0, 100, AdminTestContext.Token))[^1];
        Assert.Equal((ChangeEvent.Rejected, id, tech.Id), (last.Event, last.ChangeId, last.ActorId));
    }

    [Fact]
    public async Task Membership_ProposerWithdrawsOwnWaitingChange_AfterConfirming()
    {
        var tech = await school.UserAsync("sam.tech", "Sam Technician", Role.Technician);
        var proposed = await school.Store.ChangeControl.ProposeAsync(tech.Id, new SetClientMappingChange(ClientMappingKind.Subnet, "10.1.20.0/24", "ks3"), "Year 9 laptops", AdminTestContext.Token);
        await using var ctx = Context(tech);
        var dialogs = ctx.Render<MudDialogProvider>();
        var page = ctx.Render<Membership>();

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-pending] button[data-withdraw]")), Wait);
        await page.InvokeAsync(() => page.Find("[data-pending] button[data-withdraw]").Click());
        dialogs.WaitForAssertion(() => Assert.NotNull(dialogs.Find("button[data-confirm]")), Wait);
        await dialogs.InvokeAsync(() => dialogs.Find("button[data-confirm]").Click());

        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-pending]")), Wait);
        Assert.Empty(await school.Store.ChangeControl.GetPendingAsync(AdminTestContext.Token));
        var last = (await school.Store.ChangeControl.GetEntriesAsync(0, 100, AdminTestContext.Token))[^1];
        Assert.Equal((ChangeEvent.Rejected, proposed.Entry!.ChangeId, tech.Id), (last.Event, last.ChangeId, last.ActorId));
    }

    [Theory]
    [InlineData(0, "No entries yet: every name is decided by the category lists and each group's rules. Add one with Add an entry above.")]
    [InlineData(1, "No entries yet: 1 change is waiting for approval above; it appears here once approved.")]
    [InlineData(3, "No entries yet: 3 changes are waiting for approval above; they appear here once approved.")]
    public void Domains_EmptyState_WordsFollowTheWaitingChanges(int waiting, string expected)
        => Assert.StartsWith(expected, DomainRulesService.NoEntries(waiting), StringComparison.Ordinal);

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

using Bunit;
using ClassroomGuard.Console.Components.Pages.Administration.Changes;
using ClassroomGuard.Console.Components.Pages.ChangeLog;
using ClassroomGuard.Storage.State;
using MudBlazor;

namespace ClassroomGuard.Console.Tests.ChangeLog;

/// <summary>The change-control log page and the Approvals page rendered with bUnit over a real state database.</summary>
public sealed class ChangeLogComponentTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Log_Governor_SeesIntactChainChangesInWords_AndNoDecisionButtons()
    {
        using var world = await ChangeLogWorld.CreateAsync();
        await world.ApprovedAsync(new BlockCategoryChange("ks5", "social_networking"), "Year 9 playing in lessons");
        var head = (await world.Store.ChangeControl.VerifyChainAsync(null, ChangeLogWorld.Token)).Head.Hash;
        await using var ctx = world.Components(world.Governor);
        ctx.Render<MudPopoverProvider>();

        var page = ctx.Render<ChangeControlLog>();

        page.WaitForAssertion(() => Assert.Contains("Social networking for the group Pupils: Key Stage 5 (sixth form):", page.Markup, StringComparison.Ordinal), Wait);
        Assert.Contains("Log intact: 2 entries, head hash", page.Markup, StringComparison.Ordinal);
        page.WaitForAssertion(() => Assert.Contains("The 2 entries record 1 change: each change has one entry for its proposal and one for its decision", page.Find("[data-entries-explained]").TextContent, StringComparison.Ordinal), Wait);
        Assert.Equal("1 and 2", page.Find("[data-entries]").TextContent.Trim()); // the entry numbers the check counts, no "No. 1"
        Assert.DoesNotContain("No. ", page.Markup, StringComparison.Ordinal);
        Assert.Equal(head, page.Find("[data-head-hash]").TextContent);
        Assert.Empty(page.FindAll("[data-chain=broken]"));
        Assert.Contains("Block Social networking for the group Pupils: Key Stage 5 (sixth form)", page.Markup, StringComparison.Ordinal);
        Assert.Contains("Approved by Kim Technician and applied", page.Markup, StringComparison.Ordinal);
        Assert.Contains("Year 9 playing in lessons", page.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("social_networking", page.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("\"blocked\"", page.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain(page.FindAll("button"), b => b.TextContent.Contains("Approve", StringComparison.Ordinal));
        Assert.Contains("/change-log/export.csv?kind=All", page.Find("[data-export]").GetAttribute("href"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Log_RowAlteredInTheDatabase_RedWarningNamesTheEntry()
    {
        using var world = await ChangeLogWorld.CreateAsync();
        await world.ApprovedAsync(new BlockCategoryChange("ks5", "social_networking"), "Year 9");
        await world.ApprovedAsync(new SetDomainRuleChange("poki.com", null, RuleAction.Deny), "Games site");
        world.Tamper("UPDATE change_log SET actor_name = 'mallory', body = replace(body, 'Agreed', 'Refused') WHERE seq = 4;");
        await using var ctx = world.Components(world.Governor);
        ctx.Render<MudPopoverProvider>();

        var page = ctx.Render<ChangeControlLog>();

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-chain=broken]")), Wait);
        Assert.Empty(page.FindAll("[data-chain=intact]"));
        Assert.Contains("tampered with", page.Markup, StringComparison.Ordinal);
        Assert.Matches(@"^Entry 4 \(approval on \w{3} \d{1,2} \w{3} \d{4} at \d{2}:\d{2} by Kim Technician, of the change proposed in entry 3\) has been altered or removed\.$", page.Find("[data-broken]").TextContent.Trim());
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-untrusted]")), Wait); // change 3 (entries 3 and 4), not change 1
        var row = Assert.Single(page.FindAll("tr.cg-untrusted-row"));
        Assert.Contains("3 and 4", row.TextContent, StringComparison.Ordinal);
        var mark = page.Find("[data-untrusted]");
        Assert.Equal("0", mark.GetAttribute("tabindex")); // reachable from the keyboard
        Assert.Contains("Not verified: this change has an entry at or after the altered one", mark.TextContent, StringComparison.Ordinal); // and spoken in full
        Assert.Contains("marked", page.Find("[data-chain=broken]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Log_EmptyLog_SaysWhatWillAppear()
    {
        using var world = await ChangeLogWorld.CreateAsync();
        await using var ctx = world.Components(world.Governor);
        ctx.Render<MudPopoverProvider>();

        var page = ctx.Render<ChangeControlLog>();

        page.WaitForAssertion(() => Assert.Contains("No change has been proposed yet", page.Markup, StringComparison.Ordinal), Wait);
        Assert.Contains("Log intact: 0 entries", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Log_TemporaryUnblock_Marked()
    {
        using var world = await ChangeLogWorld.CreateAsync();
        var room = await world.School.RoomAsync("Main", "Room 12");
        var now = DateTimeOffset.UtcNow;
        await world.ApprovedAsync(new TemporaryUnblockChange("youtube.com", ActionScope.Room, null, room.Id, now, now.AddHours(1)), "Science video");
        await using var ctx = world.Components(world.Kim);
        ctx.Render<MudPopoverProvider>();

        var page = ctx.Render<ChangeControlLog>();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-unblock]")), Wait);
        Assert.Contains("youtube.com for the room Room 12: filtered as usual", page.Find("ul.cg-diff").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Approvals_ShowsTheDiff_ProposerCannotApprove_AnotherCan()
    {
        using var world = await ChangeLogWorld.CreateAsync();
        await world.ProposedAsync(new SetDomainRuleChange("poki.com", null, RuleAction.Deny), "Games site in lessons");

        await using (var mine = world.Components(world.Sam))
        {
            mine.Render<MudDialogProvider>();
            var page = mine.Render<Changes>();
            page.WaitForAssertion(() => Assert.Contains("poki.com for every group:", page.Markup, StringComparison.Ordinal), Wait);
            Assert.Contains("always blocked", page.Find("[data-diff]").TextContent, StringComparison.Ordinal);
            Assert.Contains("Proposed by you", page.Markup, StringComparison.Ordinal);
            Assert.Matches(@"^Affects: Every group: \d+ devices? on record$", page.Find("[data-affects]").TextContent.Trim());
            Assert.Contains("A change to the school's filtering applies only when a second person approves it", page.Markup, StringComparison.Ordinal);
            Assert.DoesNotMatch(@"change \d", page.Find(".cg-change").TextContent); // no bare change numbers
            Assert.Equal("Approve: Always block poki.com for every group", page.FindAll("button").Single(b => b.TextContent.Trim() == "Approve").GetAttribute("aria-label"));
            Assert.Contains("expires", page.Markup, StringComparison.Ordinal);
            Assert.True(page.FindAll("button").Single(b => b.TextContent.Trim() == "Approve").HasAttribute("disabled"));
            Assert.Contains(page.FindAll("button"), b => b.TextContent.Trim() == "Withdraw");
        }

        await using var theirs = world.Components(world.Kim);
        var dialogs = theirs.Render<MudDialogProvider>();
        var approver = theirs.Render<Changes>();
        approver.WaitForAssertion(() => Assert.Contains("Proposed by Sam Technician", approver.Markup, StringComparison.Ordinal), Wait);
        await approver.InvokeAsync(() => approver.FindAll("button").Single(b => b.TextContent.Trim() == "Approve").Click());
        dialogs.WaitForAssertion(() => Assert.NotEmpty(dialogs.FindAll("form")), Wait);
        Assert.Contains("poki.com for every group", dialogs.Find("[data-dialog-diff]").TextContent, StringComparison.Ordinal);
        Assert.Equal("Games site in lessons", dialogs.Find("[data-dialog-why]").TextContent.Trim()); // the reason on its own, not run into the diff
        Assert.DoesNotContain("Games site", dialogs.Find("[data-dialog-diff]").TextContent, StringComparison.Ordinal);
        await dialogs.InvokeAsync(() => dialogs.Find("form").Submit());

        approver.WaitForAssertion(() => Assert.Contains("Nothing is waiting for approval", approver.Markup, StringComparison.Ordinal), Wait);
        Assert.Contains((await world.Store.Policy.GetSnapshotAsync(ChangeLogWorld.Token)).DomainRules, r => r.Domain == "poki.com");
    }

    [Fact]
    public async Task Approvals_GroupChange_SaysHowManyDevicesItAffects()
    {
        using var world = await ChangeLogWorld.CreateAsync();
        var snapshot = await world.Store.Policy.GetSnapshotAsync(ChangeLogWorld.Token);
        await world.ProposedAsync(new UnblockCategoryChange("ks3", "games"), "Games club at lunch");
        await using var ctx = world.Components(world.Kim);
        ctx.Render<MudDialogProvider>();

        var page = ctx.Render<Changes>();

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-affects]")), Wait);
        var name = snapshot.Groups.Single(g => g.Key == "ks3").Name;
        Assert.Matches($@"^Affects: {System.Text.RegularExpressions.Regex.Escape(name)}: \d+ devices? in it now$", page.Find("[data-affects]").TextContent.Trim());
    }

    [Fact]
    public async Task Badge_CountsPending_AndFollowsADecision()
    {
        using var world = await ChangeLogWorld.CreateAsync();
        var first = await world.ProposedAsync(new SetDomainRuleChange("poki.com", null, RuleAction.Deny), "a");
        await world.ProposedAsync(new SetDomainRuleChange("crazygames.com", null, RuleAction.Deny), "b");
        await using var ctx = world.Components(world.Kim);

        var badge = ctx.Render<PendingChangesBadge>();
        badge.WaitForAssertion(() => Assert.Equal("2", badge.Find("[data-pending-count]").TextContent), Wait);
        await world.Store.ChangeControl.ApproveAsync(world.Kim.Id, first, null, ChangeLogWorld.Token);
        await ctx.Services.GetService<Console.ChangeLog.PendingChangesFeed>()!.TickAsync(); // what the shared timer does every 2 s

        badge.WaitForAssertion(() => Assert.Equal("1", badge.Find("[data-pending-count]").TextContent), Wait);
    }

    [Fact]
    public async Task Badge_FollowsADecision_EvenWhenTheDecidersPageCountedFirst()
    {
        using var world = await ChangeLogWorld.CreateAsync();
        var first = await world.ProposedAsync(new SetDomainRuleChange("poki.com", null, RuleAction.Deny), "a");
        await world.ProposedAsync(new SetDomainRuleChange("crazygames.com", null, RuleAction.Deny), "b");
        await using var ctx = world.Components(world.Kim);
        var feed = ctx.Services.GetService<Console.ChangeLog.PendingChangesFeed>()!;

        var badge = ctx.Render<PendingChangesBadge>();
        badge.WaitForAssertion(() => Assert.Equal("2", badge.Find("[data-pending-count]").TextContent), Wait);
        await feed.TickAsync();
        await world.Store.ChangeControl.ApproveAsync(world.Kim.Id, first, null, ChangeLogWorld.Token);
        Assert.Equal(1, await feed.GetAsync(ChangeLogWorld.Token)); // the approver's own page counts again at once
        await feed.TickAsync();

        badge.WaitForAssertion(() => Assert.Equal("1", badge.Find("[data-pending-count]").TextContent), Wait);
    }
}

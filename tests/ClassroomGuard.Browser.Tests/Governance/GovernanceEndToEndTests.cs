using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using ClassroomGuard.Browser.Tests.Support;
using ClassroomGuard.Storage.State;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ClassroomGuard.Browser.Tests.Governance;

/// <summary>
/// Change control end to end, in Chromium against the real console, DNS filter, influxd and unbound: technician A
/// proposes blocking a site for Key Stage 3 and cannot approve it; technician B approves it; dig as a Key Stage 3
/// device is then blocked and as a staff device is not; a governor reads the whole story in the change-control log,
/// verified intact, and is refused every page that changes anything. After a row of the log is altered with the real
/// sqlite3, both the log page and the real <c>verify-log</c> command name the broken entry.
/// </summary>
[Collection(GovernanceCollection.Name)]
public sealed class GovernanceEndToEndTests(GovernanceFixture fixture, ITestOutputHelper output)
{
    private const string Site = "www.bbc.com"; // one of Appliance.UpstreamNames: resolves unless the filter blocks it

    [Fact]
    public async Task DenyEntry_ProposedByA_ApprovedByB_BlocksKeyStage3NotStaff_GovernorReadsItInTheLog()
    {
        var appliance = fixture.Appliance;
        var reason = "Pupils stream the World Cup in lessons " + Suffix();
        var comment = "Agreed with the head of Year 8 " + Suffix();
        Assert.Contains("192.0.2.", await Dig.UntilAsync(appliance.DnsPort, Site, GovernanceFixture.PupilAddress, Resolves), StringComparison.Ordinal);

        // A proposes on the allow and deny lists page: the proposal is shown as waiting, and nothing is applied yet.
        var alex = await fixture.SignedInAsync(fixture.Alex);
        var errors = Watch(alex);
        long changeId;
        try
        {
            await GoAsync(alex, "/policy/domains");
            await alex.GetByRole(AriaRole.Heading, new() { Name = "Allow and deny lists" }).WaitForAsync();
            await alex.GetByRole(AriaRole.Textbox, new() { Name = "Domain", Exact = true }).FillAsync(Site);
            await alex.GetByRole(AriaRole.Radio, new() { Name = "Always block" }).CheckAsync();
            await alex.GetByLabel("For", new() { Exact = true }).ClickAsync();
            await alex.Locator(".mud-popover-open").GetByText("Pupils: Key Stage 3", new() { Exact = true }).ClickAsync();
            await alex.GetByRole(AriaRole.Textbox, new() { Name = "Reason", Exact = true }).FillAsync(reason);
            await alex.GetByRole(AriaRole.Button, new() { Name = "Propose", Exact = true }).ClickAsync();

            var waiting = alex.Locator("[data-pending]");
            await waiting.GetByText(reason, new() { Exact = false }).WaitForAsync();
            var pendingText = await waiting.InnerTextAsync();
            Assert.Contains("Waiting for approval", pendingText, StringComparison.Ordinal);
            Assert.Contains($"Always block {Site} for the group Pupils: Key Stage 3", pendingText, StringComparison.Ordinal);
            Assert.Contains("proposed by you", pendingText, StringComparison.Ordinal);
            Assert.DoesNotContain("ks3", pendingText, StringComparison.Ordinal); // words, not keys
            Assert.Equal(0, await alex.GetByRole(AriaRole.Row).Filter(new() { HasText = Site }).CountAsync()); // not among the entries in force
            await alex.WaitForTimeoutAsync(400); // the snackbar has finished sliding in
            await Artefacts.ShootBothAsync(alex, "governance-domains-pending", fullPage: true);

            var pending = Assert.Single(await appliance.Store.ChangeControl.GetPendingAsync(CancellationToken.None),
                p => p.Change is SetDomainRuleChange { Domain: Site, GroupKey: "ks3", Action: RuleAction.Deny });
            changeId = pending.ChangeId;

            // Nothing half-applied: the filter recompiles on every state revision (a 250 ms poll), so give a premature
            // application several chances to show before approval.
            for (var i = 0; i < 6; i++)
            {
                var before = await Dig.QueryAsync(appliance.DnsPort, Site, GovernanceFixture.PupilAddress);
                Assert.True(Resolves(before), "blocked before approval:\n" + before);
                await Task.Delay(250);
            }

            // A on Approvals: the change is listed with its reason, and A's own approve button is disabled, saying why.
            await GoAsync(alex, "/admin/changes");
            var card = alex.Locator($"[data-change='{changeId}']");
            await card.WaitForAsync();
            Assert.Contains(reason, await card.InnerTextAsync(), StringComparison.Ordinal);
            Assert.True(await card.GetByRole(AriaRole.Button, new() { Name = $"Approve: Always block {Site} for the group Pupils: Key Stage 3", Exact = true }).IsDisabledAsync());
            Assert.True(await card.GetByText("You proposed this, so another technician or administrator must approve it.").IsVisibleAsync());
            Assert.True(await card.GetByRole(AriaRole.Button, new() { Name = $"Withdraw: Always block {Site} for the group Pupils: Key Stage 3", Exact = true }).IsEnabledAsync());
            Assert.Contains("Affects: Pupils: Key Stage 3: ", await card.InnerTextAsync(), StringComparison.Ordinal);
            Assert.DoesNotMatch(@"change \d", await card.InnerTextAsync()); // no bare change numbers
            // And behind the page the store refuses it too, writing nothing.
            var own = await appliance.Store.ChangeControl.ApproveAsync(fixture.Alex.Id, changeId, null, CancellationToken.None);
            Assert.False(own.Succeeded);
            Assert.Single(await appliance.Store.ChangeControl.GetPendingAsync(CancellationToken.None), p => p.ChangeId == changeId);
            Assert.Empty(errors);
        }
        finally
        {
            await alex.Context.CloseAsync();
        }

        // B approves with a comment; the pupil's device is blocked within seconds, the staff laptop is not.
        var bea = await fixture.SignedInAsync(fixture.Bea);
        errors = Watch(bea);
        try
        {
            await GoAsync(bea, "/admin/changes");
            var card = bea.Locator($"[data-change='{changeId}']");
            await card.WaitForAsync();
            var cardText = await card.InnerTextAsync();
            Assert.Contains($"Always block {Site} for the group Pupils: Key Stage 3", cardText, StringComparison.Ordinal);
            Assert.Contains("Proposed by Alex Turner", cardText, StringComparison.Ordinal);
            await Artefacts.ShootBothAsync(bea, "governance-approvals-as-b", show: card, fullPage: true);

            var approve = card.GetByRole(AriaRole.Button, new() { Name = $"Approve: Always block {Site} for the group Pupils: Key Stage 3", Exact = true });
            Assert.True(await approve.IsEnabledAsync());
            await approve.ClickAsync();
            var dialog = bea.GetByRole(AriaRole.Dialog);
            await dialog.GetByLabel("Comment (optional)").FillAsync(comment);
            await bea.WaitForTimeoutAsync(300); // the dialog's opening animation
            await Artefacts.ShootBothAsync(bea, "governance-approve-dialog");
            var clicked = Stopwatch.StartNew();
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Approve and apply" }).ClickAsync();

            var blocked = await Dig.UntilAsync(appliance.DnsPort, Site, GovernanceFixture.PupilAddress, a => a.Contains("0.0.0.0", StringComparison.Ordinal));
            var elapsed = clicked.Elapsed;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"approval click to first blocked answer from {GovernanceFixture.PupilAddress}: {elapsed.TotalMilliseconds:0} ms"));
            Assert.Contains("EDE: 15 (Blocked)", blocked, StringComparison.Ordinal);
            var staff = await Dig.QueryAsync(appliance.DnsPort, Site, GovernanceFixture.StaffAddress);
            Assert.True(Resolves(staff), "blocked for staff too:\n" + staff);
            Assert.Contains("192.0.2.", await Dig.QueryAsync(appliance.DnsPort, "www.bbc.co.uk", GovernanceFixture.PupilAddress), StringComparison.Ordinal); // the name, not the whole site family

            await card.WaitForAsync(new() { State = WaitForSelectorState.Detached }); // no longer waiting

            // Now an entry in force on the lists page, with its reason; nothing waiting any more.
            await GoAsync(bea, "/policy/domains");
            var entry = bea.GetByRole(AriaRole.Row).Filter(new() { HasText = Site });
            await entry.WaitForAsync();
            var entryText = await entry.InnerTextAsync();
            Assert.Contains("Pupils: Key Stage 3", entryText, StringComparison.Ordinal);
            Assert.Contains(reason, entryText, StringComparison.Ordinal);
            Assert.Equal(0, await bea.Locator("[data-pending]").CountAsync());
            await Artefacts.ShootBothAsync(bea, "governance-domains-applied", fullPage: true);
            Assert.Empty(errors);
        }
        catch
        {
            output.WriteLine("dnsfilter:\n" + appliance.DnsFilter.Output);
            throw;
        }
        finally
        {
            await bea.Context.CloseAsync();
        }

        // The governor: the change with both people and both reasons, the chain intact with its count; no way in to change anything.
        var chain = await appliance.Store.ChangeControl.VerifyChainAsync(null, CancellationToken.None);
        Assert.True(chain.IsValid);
        var gwen = await fixture.SignedInAsync(fixture.Gwen);
        errors = Watch(gwen);
        try
        {
            await GoAsync(gwen, "/");
            Assert.Equal(0, await gwen.GetByRole(AriaRole.Link, new() { Name = "Approvals" }).CountAsync());
            Assert.Equal(0, await gwen.Locator("a[href='/admin/changes'], a[href='/policy/domains']").CountAsync());
            await gwen.Locator("[data-chain-summary=intact]").WaitForAsync(); // the home page checks the log too
            Assert.Equal(1, await gwen.GetByRole(AriaRole.Link, new() { Name = "Open the change-control log" }).CountAsync());
            await Artefacts.ShootBothAsync(gwen, "governance-governor-home", fullPage: true);

            await GoAsync(gwen, "/change-log");
            var intact = gwen.Locator("[data-chain=intact]");
            await intact.WaitForAsync();
            var entries = chain.EntryCount.ToString("N0", CultureInfo.InvariantCulture);
            Assert.Contains($"Log intact: {entries} entries", await intact.InnerTextAsync(), StringComparison.Ordinal);
            Assert.Equal(chain.Head.Hash, (await gwen.Locator("[data-head-hash]").InnerTextAsync()).Trim());

            var row = gwen.GetByRole(AriaRole.Row).Filter(new() { HasText = reason });
            await row.WaitForAsync();
            var rowText = await row.InnerTextAsync();
            Assert.Matches(string.Create(CultureInfo.InvariantCulture, $@"\b{changeId} and \d+\b"), rowText); // its two log entries: the proposal's and the decision's
            Assert.DoesNotContain("No. ", rowText, StringComparison.Ordinal);
            Assert.Contains("each change has one entry for its proposal and one for its decision", await intact.InnerTextAsync(), StringComparison.Ordinal);
            Assert.Contains($"Always block {Site} for the group Pupils: Key Stage 3", rowText, StringComparison.Ordinal);
            Assert.Contains("Alex Turner", rowText, StringComparison.Ordinal);
            Assert.Contains("Why: " + reason, rowText, StringComparison.Ordinal);
            Assert.Contains("Approved by Bea Khan", rowText, StringComparison.Ordinal);
            Assert.Contains("Comment: " + comment, rowText, StringComparison.Ordinal);
            Assert.Equal("Approved", await row.Locator("[data-outcome]").GetAttributeAsync("data-outcome"));
            await Artefacts.ShootBothAsync(gwen, "governance-change-log-intact", fullPage: true);
            Assert.Empty(errors);

            foreach (var path in (string[])["/admin/changes", "/policy/domains"])
            {
                var refused = await gwen.GotoAsync(path);
                Assert.Equal(403, refused!.Status);
                var refusal = await gwen.ContentAsync();
                Assert.Contains("Not for your role", refusal, StringComparison.Ordinal);
                Assert.Contains("Your account cannot open ", refusal, StringComparison.Ordinal); // which page, in words
                Assert.Contains("Instead, you can open <a href=\"/change-log\">", refusal, StringComparison.Ordinal);
            }

            await Artefacts.ShootBothAsync(gwen, "governance-governor-refused");
        }
        finally
        {
            await gwen.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task ChangeLogRowAlteredWithSqlite3_PageAndVerifyLogNameTheEntry_RestoredItVerifiesAgain()
    {
        var store = fixture.Appliance.Store;
        var reason = "Coursework portal for Year 10 " + Suffix();
        var proposed = await store.ChangeControl.ProposeAsync(fixture.Alex.Id, new SetDomainRuleChange($"portal-{Suffix()}.example", "ks3", RuleAction.Allow), reason, CancellationToken.None);
        Assert.True(proposed.Succeeded, proposed.Detail);
        var approved = await store.ChangeControl.ApproveAsync(fixture.Bea.Id, proposed.Entry!.ChangeId, "Checked with the head of Computing", CancellationToken.None);
        Assert.True(approved.Succeeded, approved.Detail);
        var tampered = proposed.Entry;

        // Intact first: the command and the store agree on the count and the head.
        var chain = await store.ChangeControl.VerifyChainAsync(null, CancellationToken.None);
        var intact = await fixture.VerifyLogAsync();
        Assert.True(intact.ExitCode == 0, intact.Stdout + intact.Stderr);
        Assert.Equal(string.Create(CultureInfo.InvariantCulture, $"change log intact: entries={chain.EntryCount} head={chain.Head.Hash}"), intact.Stdout.Trim());

        var gwen = await fixture.SignedInAsync(fixture.Gwen);
        var trigger = (await fixture.Sqlite3Async("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'change_log_no_update';")).Trim();
        Assert.StartsWith("CREATE TRIGGER change_log_no_update", trigger, StringComparison.Ordinal);
        var where = string.Create(CultureInfo.InvariantCulture, $"WHERE seq = {tampered.Sequence}");
        try
        {
            await GoAsync(gwen, "/change-log");
            await gwen.Locator("[data-chain=intact]").WaitForAsync();

            // What someone with the database file would do: drop the guard, rewrite the reason.
            await fixture.Sqlite3Async($"DROP TRIGGER change_log_no_update; UPDATE change_log SET body = replace(body, '{reason}', 'Nothing to see here') {where};");
            Assert.Contains("Nothing to see here", await fixture.Sqlite3Async($"SELECT body FROM change_log {where};"), StringComparison.Ordinal);

            await gwen.ReloadAsync(new() { WaitUntil = WaitUntilState.NetworkIdle });
            var broken = gwen.Locator("[data-chain=broken]");
            await broken.WaitForAsync();
            Assert.Equal(0, await gwen.Locator("[data-chain=intact]").CountAsync());
            var named = await broken.Locator("[data-broken]").InnerTextAsync();
            Assert.Matches(EntryNamed(tampered.Sequence), named);
            Assert.Contains("tampered with", await broken.InnerTextAsync(), StringComparison.Ordinal);
            await gwen.WaitForTimeoutAsync(400);
            await Artefacts.ShootBothAsync(gwen, "governance-change-log-broken", fullPage: true);

            var refused = await fixture.VerifyLogAsync();
            Assert.True(refused.ExitCode == 65, $"exit {refused.ExitCode}: {refused.Stdout}{refused.Stderr}");
            Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"change log BROKEN: first bad entry={tampered.Sequence}"), refused.Stdout, StringComparison.Ordinal);
            Assert.Matches(EntryNamed(tampered.Sequence), refused.Stdout);
        }
        finally
        {
            // Put the row and its guard back (so the order of the tests does not matter), and the chain verifies again:
            // the check is of the content, not a flag that stays up.
            await fixture.Sqlite3Async($"DROP TRIGGER IF EXISTS change_log_no_update; UPDATE change_log SET body = replace(body, 'Nothing to see here', '{reason}') {where}; {trigger}{(trigger.EndsWith(';') ? string.Empty : ";")}");
            await gwen.Context.CloseAsync();
        }

        var restored = await fixture.VerifyLogAsync();
        Assert.True(restored.ExitCode == 0, restored.Stdout + restored.Stderr);
        var again = await Assert.ThrowsAsync<InvalidOperationException>(() => fixture.Sqlite3Async($"UPDATE change_log SET actor_name = 'mallory' {where};"));
        Assert.Contains("change_log is append-only", again.Message, StringComparison.Ordinal); // the guard is back
    }

    /// <summary>"Entry 7 (proposal on Mon 7 Dec 2026 at 02:40 by Alex Turner) has been altered or removed."</summary>
    private static Regex EntryNamed(long sequence) => new(string.Create(CultureInfo.InvariantCulture,
        $@"Entry {sequence} \(proposal on \w{{3}} \d{{1,2}} \w{{3}} \d{{4}} at \d{{2}}:\d{{2}} by Alex Turner\) has been altered or removed\."));

    private static bool Resolves(string answer) => answer.Contains("192.0.2.", StringComparison.Ordinal) && !answer.Contains("EDE", StringComparison.Ordinal);

    private static string Suffix() => Guid.NewGuid().ToString("N")[..6];

    /// <summary>Opens <paramref name="path"/> and waits until its circuit has connected (a click before that does nothing).</summary>
    private static async Task GoAsync(IPage page, string path)
    {
        var response = await page.GotoAsync(path, new() { WaitUntil = WaitUntilState.NetworkIdle });
        Assert.Equal(200, response!.Status);
        await page.WaitForTimeoutAsync(700);
    }

    private static List<string> Watch(IPage page)
    {
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add(message.Text);
            }
        };
        return errors;
    }
}

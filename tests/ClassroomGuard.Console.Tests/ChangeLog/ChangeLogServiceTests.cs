using System.Text;
using ClassroomGuard.Console.ChangeLog;
using ClassroomGuard.Storage.State;
using CsvHelper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Tests.ChangeLog;

/// <summary>The log service over a real state database: rows in words, roles, verification, expiry, CSV.</summary>
public sealed class ChangeLogServiceTests
{
    private static CancellationToken Token => ChangeLogWorld.Token;

    [Fact]
    public async Task Page_EveryOutcome_InWordsWithNamesAndReasons()
    {
        using var world = await ChangeLogWorld.CreateAsync();
        var approved = await world.ApprovedAsync(new BlockCategoryChange("ks5", "social_networking"), "Year 9 playing in lessons");
        var rejected = await world.ProposedAsync(new SetDomainRuleChange("poki.com", null, RuleAction.Deny), "Games site");
        await world.Store.ChangeControl.RejectAsync(world.Kim.Id, rejected, "Already blocked as Games", Token);
        var withdrawn = await world.ProposedAsync(new SetSafeSearchChange("ks5", SafeSearchMode.Strict), "Sixth form");
        await world.Store.ChangeControl.RejectAsync(world.Sam.Id, withdrawn, "Proposed by mistake", Token);
        var waiting = await world.ProposedAsync(new SetDefaultGroupChange("staff"), "Try");

        var page = await world.Service.PageAsync(ChangeLogWorld.Actor(world.Governor), new ChangeLogFilter(), 0, 25, oldestFirst: true, Token);

        Assert.Equal(4, page.Total);
        var rows = page.Items.ToDictionary(r => r.ChangeId);
        Assert.Equal("Block Social networking for the group Pupils: Key Stage 5 (sixth form)", rows[approved].What);
        Assert.Equal("Social networking for the group Pupils: Key Stage 5 (sixth form): allowed → blocked", Assert.Single(rows[approved].Diff).ToString());
        Assert.Equal("Sam Technician", rows[approved].ProposedBy);
        Assert.Equal("Year 9 playing in lessons", rows[approved].Reason);
        Assert.Equal(ChangeOutcome.Approved, rows[approved].Outcome);
        Assert.Equal("Approved by Kim Technician and applied", rows[approved].OutcomeText);
        Assert.Equal("Agreed at the e-safety meeting", rows[approved].Comment);
        Assert.Equal(ChangeOutcome.Rejected, rows[rejected].Outcome);
        Assert.Equal("Rejected by Kim Technician", rows[rejected].OutcomeText);
        Assert.Equal("Already blocked as Games", rows[rejected].Comment);
        Assert.Equal(ChangeOutcome.Withdrawn, rows[withdrawn].Outcome);
        Assert.Equal(ChangeOutcome.Waiting, rows[waiting].Outcome);
        Assert.Null(rows[waiting].DecidedAt);
        Assert.All(page.Items, r => Assert.False(r.TemporaryUnblock));
        Assert.Matches(@"^\w{3} \d{1,2} \w{3} \d{4}, \d{2}:\d{2}$", rows[approved].ProposedAt);
    }

    [Theory]
    [InlineData(Role.Teacher)]
    public async Task Page_RoleWithoutTheLog_Refused(Role role)
    {
        using var world = await ChangeLogWorld.CreateAsync();
        var user = role == Role.Teacher ? world.Teacher : world.Governor;

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => world.Service.PageAsync(ChangeLogWorld.Actor(user), new ChangeLogFilter(), 0, 25, false, Token));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => world.Service.VerifyAsync(ChangeLogWorld.Actor(user), Token));
    }

    [Fact]
    public async Task Pending_Governor_Refused_TechnicianSeesDiffAndExpiry()
    {
        using var world = await ChangeLogWorld.CreateAsync();
        await world.ProposedAsync(new SetDomainRuleChange("poki.com", null, RuleAction.Deny), "Games site");

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => world.Service.PendingAsync(ChangeLogWorld.Actor(world.Governor), Token));
        var mine = Assert.Single(await world.Service.PendingAsync(ChangeLogWorld.Actor(world.Sam), Token));
        var theirs = Assert.Single(await world.Service.PendingAsync(ChangeLogWorld.Actor(world.Kim), Token));

        Assert.True(mine.ProposedByYou);
        Assert.False(theirs.ProposedByYou);
        Assert.Equal("poki.com for every group: no rule (the categories decide) → always blocked", Assert.Single(theirs.Diff).ToString());
        Assert.Equal("Sam Technician", theirs.ProposedBy);
        Assert.NotEqual(theirs.ProposedAt, theirs.ExpiresAt);
    }

    [Fact]
    public async Task Decide_ProposerApprovesOwnChange_RefusedOnTheServerAndNothingApplied()
    {
        using var world = await ChangeLogWorld.CreateAsync();
        var change = await world.ProposedAsync(new SetDomainRuleChange("poki.com", null, RuleAction.Deny), "Games site");

        var result = await world.School.Actions.DecideChangeAsync(ChangeLogWorld.Actor(world.Sam), change, approve: true, "self", Token);

        Assert.False(result.Succeeded);
        Assert.Contains("someone other than its proposer", result.Message, StringComparison.Ordinal);
        Assert.Single(await world.Store.ChangeControl.GetPendingAsync(Token));
        Assert.DoesNotContain((await world.Store.Policy.GetSnapshotAsync(Token)).DomainRules, r => r.Domain == "poki.com");
    }

    [Fact]
    public async Task Verify_Intact_ThenAltered_NamesTheEntryInWords()
    {
        using var world = await ChangeLogWorld.CreateAsync();
        await world.ApprovedAsync(new BlockCategoryChange("ks5", "social_networking"), "Year 9");
        await world.ApprovedAsync(new SetDomainRuleChange("poki.com", null, RuleAction.Deny), "Games site");
        var governor = ChangeLogWorld.Actor(world.Governor);

        var intact = await world.Service.VerifyAsync(governor, Token);
        world.Tamper("UPDATE change_log SET body = replace(body, 'poki.com', 'pokii.com') WHERE seq = 3;");
        var broken = await world.Service.VerifyAsync(governor, Token);

        Assert.True(intact.Intact);
        Assert.Equal(4, intact.Entries);
        Assert.Matches("^[0-9a-f]{64}$", intact.HeadHash);
        Assert.False(broken.Intact);
        Assert.Matches(@"^Entry 3 \(proposal on \w{3} \d{1,2} \w{3} \d{4} at \d{2}:\d{2} by Sam Technician\) has been altered or removed\.$", broken.Broken);
        Assert.Contains("edited", broken.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_ApprovalDeleted_NamesTheMissingEntry()
    {
        using var world = await ChangeLogWorld.CreateAsync();
        await world.ApprovedAsync(new BlockCategoryChange("ks5", "social_networking"), "Year 9");
        await world.ApprovedAsync(new SetDomainRuleChange("poki.com", null, RuleAction.Deny), "Games site");

        world.Tamper("DROP TRIGGER change_log_no_delete; DELETE FROM change_log WHERE seq = 2;");
        var broken = await world.Service.VerifyAsync(ChangeLogWorld.Actor(world.Kim), Token);

        Assert.False(broken.Intact);
        Assert.Equal("Entry 2 has been altered or removed.", broken.Broken);
    }

    [Fact]
    public async Task Expiry_FakeClock_OnlyStaleProposalsExpire_ThenCannotBeApproved()
    {
        using var world = await ChangeLogWorld.CreateAsync();
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        using var store = StateStore.Open(world.School.StateOptions, clock);
        var stale = (await store.ChangeControl.ProposeAsync(world.Sam.Id, new SetDomainRuleChange("old.example", null, RuleAction.Deny), "old", Token)).Entry!.ChangeId;
        clock.Advance(TimeSpan.FromDays(13));
        var fresh = (await store.ChangeControl.ProposeAsync(world.Sam.Id, new SetDomainRuleChange("new.example", null, RuleAction.Deny), "new", Token)).Entry!.ChangeId;
        var expiry = new ChangeExpiryService(store, Options.Create(new ChangeControlOptions()), clock, NullLogger<ChangeExpiryService>.Instance);

        Assert.Equal(0, await expiry.ExpireOnceAsync(Token)); // 13 days: not yet
        clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        Assert.Equal(1, await expiry.ExpireOnceAsync(Token));
        Assert.Equal(0, await expiry.ExpireOnceAsync(Token));

        Assert.Equal([fresh], (await store.ChangeControl.GetPendingAsync(Token)).Select(p => p.ChangeId));
        var late = await world.School.Actions.DecideChangeAsync(ChangeLogWorld.Actor(world.Kim), stale, approve: true, null, Token);
        Assert.False(late.Succeeded);
        Assert.Contains("expired", late.Message, StringComparison.Ordinal);
        var row = (await world.Service.PageAsync(ChangeLogWorld.Actor(world.Governor), new ChangeLogFilter(ChangeLogKind.NotApplied), 0, 25, false, Token)).Items.Single();
        Assert.Equal(stale, row.ChangeId);
        Assert.Equal(ChangeOutcome.Expired, row.Outcome);
        Assert.Contains("14 days", row.Comment, StringComparison.Ordinal);
        Assert.True((await world.Service.VerifyAsync(ChangeLogWorld.Actor(world.Governor), Token)).Intact);
    }

    [Fact]
    public async Task Csv_ParsedBackWithCsvHelper_EveryChangeInWords_FormulaEscaped()
    {
        using var world = await ChangeLogWorld.CreateAsync();
        await world.ApprovedAsync(new BlockCategoryChange("ks5", "social_networking"), "Year 9, \"Minecraft\" in lessons");
        var hostile = await world.ProposedAsync(new SetDomainRuleChange("poki.com", null, RuleAction.Deny), "=HYPERLINK(\"http://evil.example\")");
        await world.Store.ChangeControl.RejectAsync(world.Kim.Id, hostile, "No", Token);
        using var output = new MemoryStream();

        var count = await ChangeLogCsv.WriteAsync(world.Service.AllAsync(ChangeLogWorld.Actor(world.Governor), new ChangeLogFilter(), Token), output, Token);

        Assert.Equal(2, count);
        Assert.Equal(Encoding.UTF8.Preamble.ToArray(), output.ToArray()[..3]);
        output.Position = 0;
        using var reader = CsvReader.Create(output);
        var rows = reader.GetRecords<ChangeLogCsvRow>().ToList();
        Assert.Equal(2, rows.Count);
        Assert.Equal("Block Social networking for the group Pupils: Key Stage 5 (sixth form)", rows[0].What);
        Assert.Equal("Social networking for the group Pupils: Key Stage 5 (sixth form): allowed → blocked", rows[0].BeforeAfter);
        Assert.Equal("Year 9, \"Minecraft\" in lessons", rows[0].Reason);
        Assert.Equal("Sam Technician", rows[0].ProposedBy);
        Assert.Equal("Approved by Kim Technician and applied", rows[0].Outcome);
        Assert.Equal("Policy change", rows[0].Kind);
        Assert.Equal("No", rows[0].TemporaryUnblock);
        Assert.Equal("Rejected by Kim Technician", rows[1].Outcome);
        Assert.StartsWith("'=", rows[1].Reason, StringComparison.Ordinal); // a spreadsheet shows it as text, never runs it
    }

    [Fact]
    public async Task Csv_Teacher_Refused()
    {
        using var world = await ChangeLogWorld.CreateAsync();

        await Assert.ThrowsAsync<UnauthorizedAccessException>(async () =>
            await ChangeLogCsv.WriteAsync(world.Service.AllAsync(ChangeLogWorld.Actor(world.Teacher), new ChangeLogFilter(), Token), Stream.Null, Token));
    }

    [Fact]
    public async Task All_MoreThanOneStorePage_StreamsEveryChangeInOrder()
    {
        using var world = await ChangeLogWorld.CreateAsync();
        for (var i = 0; i < ChangeControl.MaxPageSize + 3; i++)
        {
            await world.Store.ChangeControl.ProposeAsync(world.Sam.Id, new SetDomainRuleChange($"site{i}.example", null, RuleAction.Deny), "bulk", Token);
        }

        var ids = new List<long>();
        await foreach (var row in world.Service.AllAsync(ChangeLogWorld.Actor(world.Governor), new ChangeLogFilter(), Token))
        {
            ids.Add(row.ChangeId);
        }

        Assert.Equal(ChangeControl.MaxPageSize + 3, ids.Count);
        Assert.Equal(ids.Order(), ids);
    }

    [Theory]
    [InlineData("Everything", null, null)]
    [InlineData("7", null, null)]
    [InlineData(null, "03/12/2026", null)]
    [InlineData(null, "2026-12-32", null)]
    [InlineData(null, null, "yesterday")]
    [InlineData(null, "2026-12-05", "2026-12-01")]
    public void CsvFilter_Malformed_Refused(string? kind, string? from, string? to)
        => Assert.False(ChangeLogCsv.TryFilter(kind, from, to, out _, out var problem) || problem is null);

    [Fact]
    public void CsvFilter_Link_RoundTrips()
    {
        var filter = new ChangeLogFilter(ChangeLogKind.TemporaryUnblocks, new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30));
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri("https://x" + ChangeLogCsv.Link(filter)).Query);

        Assert.True(ChangeLogCsv.TryFilter(query["kind"], query["from"], query["to"], out var back, out _));
        Assert.Equal(filter, back);
    }
}

/// <summary>A clock the test moves.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset now = start;

    public override DateTimeOffset GetUtcNow() => now;

    public void Advance(TimeSpan by) => now += by;
}

using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Storage.Tests.State;

/// <summary>Expiry of stale proposals (on a fake clock) and the log read as changes, paged and filtered in the database.</summary>
public sealed class ChangeControlLogTests
{
    private static readonly TimeSpan Fortnight = TimeSpan.FromDays(14);

    private static CancellationToken Token => StateTestContext.Token;

    [Fact]
    public async Task ExpireStaleAsync_OnlyOlderThanMaxAge_ExpiresAndCannotBeApproved()
    {
        using var context = new StateTestContext();
        var alice = await context.UserAsync("alice", Role.Technician);
        var bob = await context.UserAsync("bob", Role.Technician);
        var old = await context.Store.ChangeControl.ProposeAsync(alice.Id, new SetDomainRuleChange("old.example", null, RuleAction.Deny), "old", Token);
        context.Clock.Advance(TimeSpan.FromDays(10));
        var recent = await context.Store.ChangeControl.ProposeAsync(alice.Id, new SetDomainRuleChange("recent.example", null, RuleAction.Deny), "recent", Token);
        context.Clock.Advance(TimeSpan.FromDays(4)); // old is now exactly 14 days old, recent 4

        var expired = await context.Store.ChangeControl.ExpireStaleAsync(Fortnight, Token);

        var entry = Assert.Single(expired);
        Assert.Equal(old.Entry!.ChangeId, entry.ChangeId);
        Assert.Equal(ChangeEvent.Expired, entry.Event);
        Assert.Equal(ChangeControl.SystemActorId, entry.ActorId);
        Assert.Equal(ChangeControl.SystemActorName, entry.ActorName);
        Assert.Contains("14 days", entry.Body, StringComparison.Ordinal);
        Assert.Equal([recent.Entry!.ChangeId], (await context.Store.ChangeControl.GetPendingAsync(Token)).Select(p => p.ChangeId));
        Assert.Equal(1, await context.Store.ChangeControl.CountPendingAsync(Token));

        var approve = await context.Store.ChangeControl.ApproveAsync(bob.Id, old.Entry.ChangeId, "late", Token);
        Assert.Equal(ChangeRefusal.NotPending, approve.Refusal);
        Assert.Contains("expired", approve.Detail, StringComparison.Ordinal);
        var reject = await context.Store.ChangeControl.RejectAsync(bob.Id, old.Entry.ChangeId, "late", Token);
        Assert.Equal(ChangeRefusal.NotPending, reject.Refusal);

        // Read back as Expired, and the chain (with the system's entry in it) still verifies.
        var logged = (await context.Store.ChangeControl.QueryChangesAsync(new ChangeLogQuery(NewestFirst: false), Token)).Changes;
        Assert.Equal(ChangeEvent.Expired, logged[0].Decision!.Event);
        Assert.Contains("expired", logged[0].DecisionComment, StringComparison.Ordinal);
        Assert.Null(logged[1].Decision);
        var verified = await context.Store.ChangeControl.VerifyChainAsync(null, Token);
        Assert.True(verified.IsValid, verified.Problem);
        Assert.Equal(3, verified.EntryCount);
    }

    [Fact]
    public async Task ExpireStaleAsync_RunTwice_WritesOneEntryPerChange()
    {
        using var context = new StateTestContext();
        var alice = await context.UserAsync("alice", Role.Technician);
        await context.Store.ChangeControl.ProposeAsync(alice.Id, new SetDomainRuleChange("a.example", null, RuleAction.Deny), "a", Token);
        context.Clock.Advance(TimeSpan.FromDays(15));

        Assert.Single(await context.Store.ChangeControl.ExpireStaleAsync(Fortnight, Token));
        Assert.Empty(await context.Store.ChangeControl.ExpireStaleAsync(Fortnight, Token));
        Assert.Equal(0, await context.Store.ChangeControl.CountPendingAsync(Token));
    }

    [Fact]
    public async Task ExpireStaleAsync_DecidedChanges_Untouched()
    {
        using var context = new StateTestContext();
        await ChainFixtures.WriteApprovedChangesAsync(context, 2);
        context.Clock.Advance(TimeSpan.FromDays(30));

        Assert.Empty(await context.Store.ChangeControl.ExpireStaleAsync(Fortnight, Token));
        Assert.Equal(4, (await context.Store.ChangeControl.VerifyChainAsync(null, Token)).EntryCount);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public async Task ExpireStaleAsync_NonPositiveAge_Throws(int days)
    {
        using var context = new StateTestContext();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => context.Store.ChangeControl.ExpireStaleAsync(TimeSpan.FromDays(days), Token));
    }

    [Fact]
    public async Task QueryChangesAsync_PagesInTheDatabase_WithTotals()
    {
        using var context = new StateTestContext();
        await ChainFixtures.WriteApprovedChangesAsync(context, 7);

        var first = await context.Store.ChangeControl.QueryChangesAsync(new ChangeLogQuery(Offset: 0, Limit: 3), Token);
        var last = await context.Store.ChangeControl.QueryChangesAsync(new ChangeLogQuery(Offset: 6, Limit: 3), Token);

        Assert.Equal(7, first.Total);
        Assert.Equal([13L, 11L, 9L], first.Changes.Select(c => c.Proposal.Sequence));
        Assert.All(first.Changes, c => Assert.Equal(ChangeEvent.Approved, c.Decision!.Event));
        Assert.Equal("ok", first.Changes[0].DecisionComment);
        Assert.Equal(new SetDomainRuleChange("site6.example", null, RuleAction.Deny), first.Changes[0].Change);
        Assert.Equal("reason 6", first.Changes[0].Reason);
        Assert.Equal("""{"action":null}""", first.Changes[0].Before);
        Assert.Equal("""{"action":"deny"}""", first.Changes[0].After);
        Assert.Equal([1L], last.Changes.Select(c => c.Proposal.Sequence));
    }

    [Fact]
    public async Task QueryChangesAsync_KindAndPeriodFilters()
    {
        using var context = new StateTestContext();
        var alice = await context.UserAsync("alice", Role.Technician);
        var bob = await context.UserAsync("bob", Role.Technician);
        var room = await context.Store.Sites.CreateRoomAsync((await context.Store.Sites.CreateSiteAsync("Main", Token)).Id, "Room 12", Token);
        var applied = await context.Store.ChangeControl.ProposeAsync(alice.Id, new SetDomainRuleChange("a.example", null, RuleAction.Deny), "a", Token);
        await context.Store.ChangeControl.ApproveAsync(bob.Id, applied.Entry!.ChangeId, null, Token);
        var withdrawn = await context.Store.ChangeControl.ProposeAsync(alice.Id, new SetDomainRuleChange("b.example", null, RuleAction.Deny), "b", Token);
        await context.Store.ChangeControl.RejectAsync(alice.Id, withdrawn.Entry!.ChangeId, "mistake", Token);
        context.Clock.Advance(TimeSpan.FromDays(3));
        var now = context.Clock.Now;
        var unblock = await context.Store.ChangeControl.ProposeAsync(
            alice.Id, new TemporaryUnblockChange("c.example", ActionScope.Room, null, room.Id, now, now.AddHours(1)), "lesson", Token);
        Assert.True(unblock.Succeeded, unblock.Detail);

        async Task<long[]> Ids(ChangeLogQuery q) => (await context.Store.ChangeControl.QueryChangesAsync(q, Token)).Changes.Select(c => c.Proposal.Sequence).ToArray();

        Assert.Equal([unblock.Entry!.ChangeId], await Ids(new ChangeLogQuery(ChangeLogKind.TemporaryUnblocks)));
        Assert.Equal([withdrawn.Entry.ChangeId, applied.Entry.ChangeId], await Ids(new ChangeLogQuery(ChangeLogKind.PolicyChanges)));
        Assert.Equal([withdrawn.Entry.ChangeId], await Ids(new ChangeLogQuery(ChangeLogKind.NotApplied)));
        Assert.Equal([unblock.Entry.ChangeId], await Ids(new ChangeLogQuery(From: now.AddMinutes(-1))));
        Assert.Equal([withdrawn.Entry.ChangeId, applied.Entry.ChangeId], await Ids(new ChangeLogQuery(Until: now.AddMinutes(-1))));
        var page = await context.Store.ChangeControl.QueryChangesAsync(new ChangeLogQuery(ChangeLogKind.NotApplied), Token);
        Assert.True(page.Changes[0].Withdrawn);
    }

    [Theory]
    [InlineData(-1, 10)]
    [InlineData(0, 0)]
    [InlineData(0, ChangeControl.MaxPageSize + 1)]
    public async Task QueryChangesAsync_BadPage_Throws(int offset, int limit)
    {
        using var context = new StateTestContext();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => context.Store.ChangeControl.QueryChangesAsync(new ChangeLogQuery(Offset: offset, Limit: limit), Token));
    }

    [Fact]
    public async Task QueryChangesAsync_BodyAlteredToGarbage_StillListsTheChange()
    {
        using var context = new StateTestContext();
        await ChainFixtures.WriteApprovedChangesAsync(context, 2);
        context.RawSql("DROP TRIGGER change_log_no_update; UPDATE change_log SET body = 'not json' WHERE seq = 3;");

        var page = await context.Store.ChangeControl.QueryChangesAsync(new ChangeLogQuery(ChangeLogKind.PolicyChanges), Token);

        Assert.Equal(2, page.Total);
        Assert.Null(page.Changes.Single(c => c.Proposal.Sequence == 3).Change);
        Assert.Equal(3, (await context.Store.ChangeControl.GetEntryAsync(3, Token))!.Sequence);
        Assert.Null(await context.Store.ChangeControl.GetEntryAsync(99, Token));
    }
}

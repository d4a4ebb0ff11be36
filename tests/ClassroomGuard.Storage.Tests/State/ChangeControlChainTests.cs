using ClassroomGuard.Storage.State;
using ClassroomGuard.Storage.State.Internal;

namespace ClassroomGuard.Storage.Tests.State;

/// <summary>Tampering with the change-control log outside the store is detected and the first bad entry named.</summary>
public sealed class ChangeControlChainTests
{
    private const string Unlock = "DROP TRIGGER change_log_no_update; DROP TRIGGER change_log_no_delete;";

    private static CancellationToken Token => StateTestContext.Token;

    [Fact]
    public async Task VerifyChainAsync_UntouchedChain_Valid()
    {
        using var context = new StateTestContext();
        await ChainFixtures.WriteApprovedChangesAsync(context, 3);

        var result = await context.Store.ChangeControl.VerifyChainAsync(null, Token);

        Assert.True(result.IsValid, result.Problem);
        Assert.Equal(6, result.EntryCount);
        Assert.Null(result.FirstBadSequence);
        Assert.Equal(6, result.Head.Sequence);
        Assert.Equal(context.RawScalar("SELECT hash FROM change_log WHERE seq = 6"), result.Head.Hash);
    }

    [Fact]
    public async Task VerifyChainAsync_EmptyChain_Valid()
    {
        using var context = new StateTestContext();

        var result = await context.Store.ChangeControl.VerifyChainAsync(null, Token);

        Assert.True(result.IsValid, result.Problem);
        Assert.Equal(new ChainCheckpoint(0, ChangeChain.Genesis), result.Head);
    }

    [Fact]
    public async Task RawSql_UpdateOrDeleteLog_RefusedByTriggers()
    {
        using var context = new StateTestContext();
        await ChainFixtures.WriteApprovedChangesAsync(context, 1);

        Assert.Contains("append-only", Assert.ThrowsAny<Exception>(() => context.RawSql("UPDATE change_log SET body = '{}'")).Message, StringComparison.Ordinal);
        Assert.Contains("append-only", Assert.ThrowsAny<Exception>(() => context.RawSql("DELETE FROM change_log")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyChainAsync_BodyEditedWithSqlite3Cli_NamesEditedEntry()
    {
        using var context = new StateTestContext();
        await ChainFixtures.WriteApprovedChangesAsync(context, 3);

        var (exit, output) = StateTestContext.Sqlite3(context.DbPath, Unlock + " UPDATE change_log SET body = replace(body, 'site1.example', 'evil.example') WHERE seq = 3;");
        var result = await context.Store.ChangeControl.VerifyChainAsync(null, Token);

        Assert.True(exit == 0, output);
        Assert.False(result.IsValid);
        Assert.Equal(3, result.FirstBadSequence);
        Assert.Contains("edited", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyChainAsync_ApproverNameEdited_NamesEditedEntry()
    {
        using var context = new StateTestContext();
        await ChainFixtures.WriteApprovedChangesAsync(context, 3);

        context.RawSql(Unlock + " UPDATE change_log SET actor_name = 'mallory' WHERE seq = 4;");
        var result = await context.Store.ChangeControl.VerifyChainAsync(null, Token);

        Assert.Equal(4, result.FirstBadSequence);
    }

    [Fact]
    public async Task VerifyChainAsync_EntryDeleted_NamesMissingEntry()
    {
        using var context = new StateTestContext();
        await ChainFixtures.WriteApprovedChangesAsync(context, 3);

        context.RawSql(Unlock + " DELETE FROM change_log WHERE seq = 2;");
        var result = await context.Store.ChangeControl.VerifyChainAsync(null, Token);

        Assert.Equal(2, result.FirstBadSequence);
        Assert.Contains("missing", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyChainAsync_TwoEntriesSwapped_NamesFirstSwappedEntry()
    {
        using var context = new StateTestContext();
        await ChainFixtures.WriteApprovedChangesAsync(context, 3);

        context.RawSql(Unlock + " UPDATE change_log SET seq = -3 WHERE seq = 3; UPDATE change_log SET seq = 3 WHERE seq = 4; UPDATE change_log SET seq = 4 WHERE seq = -3;");
        var result = await context.Store.ChangeControl.VerifyChainAsync(null, Token);

        Assert.Equal(3, result.FirstBadSequence);
    }

    [Fact]
    public async Task VerifyChainAsync_ForgedEntryInsertedInMiddle_NamesEntryAfterForgery()
    {
        using var context = new StateTestContext();
        await ChainFixtures.WriteApprovedChangesAsync(context, 3);
        var hash3 = (string)context.RawScalar("SELECT hash FROM change_log WHERE seq = 3")!;
        var forgedHash = ChangeChain.Hash(4, 4, "proposed", 0, 1, "alice", false, "{}", hash3);

        // Make room at 4 (renumbering from the end), insert a well-formed forged entry linked to entry 3.
        context.RawSql(Unlock + $"""
             UPDATE change_log SET seq = seq + 100 WHERE seq >= 4; UPDATE change_log SET seq = seq - 99 WHERE seq >= 100;
             INSERT INTO change_log (seq, change_id, event, at, actor_id, actor_name, single_approver, body, prev_hash, hash)
             VALUES (4, 4, 'proposed', 0, 1, 'alice', 0, '{"{}"}', '{hash3}', '{forgedHash}');
             """);
        var result = await context.Store.ChangeControl.VerifyChainAsync(null, Token);

        // The forgery is self-consistent; the original entry after it no longer links.
        Assert.False(result.IsValid);
        Assert.Equal(5, result.FirstBadSequence);
        Assert.Contains("does not link", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyChainAsync_ForgedEntryAppendedWithBadHash_NamesForgedEntry()
    {
        using var context = new StateTestContext();
        await ChainFixtures.WriteApprovedChangesAsync(context, 2);
        var head = (string)context.RawScalar("SELECT hash FROM change_log WHERE seq = 4")!;

        context.RawSql($"INSERT INTO change_log VALUES (5, 5, 'proposed', 0, 1, 'alice', 0, '{{}}', '{head}', '{new string('a', 64)}')");
        var result = await context.Store.ChangeControl.VerifyChainAsync(null, Token);

        Assert.Equal(5, result.FirstBadSequence);
    }

    [Fact]
    public async Task VerifyChainAsync_ForgedEntryAppendedWithValidHash_DetectedByHeadAnchor()
    {
        using var context = new StateTestContext();
        await ChainFixtures.WriteApprovedChangesAsync(context, 2);
        var head = (string)context.RawScalar("SELECT hash FROM change_log WHERE seq = 4")!;
        var forged = ChangeChain.Hash(5, 5, "proposed", 0, 1, "alice", false, "{}", head);

        context.RawSql($"INSERT INTO change_log VALUES (5, 5, 'proposed', 0, 1, 'alice', 0, '{{}}', '{head}', '{forged}')");
        var result = await context.Store.ChangeControl.VerifyChainAsync(null, Token);

        Assert.Equal(5, result.FirstBadSequence);
        Assert.Contains("outside the store", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyChainAsync_TailTruncated_DetectedByHeadAnchor()
    {
        using var context = new StateTestContext();
        await ChainFixtures.WriteApprovedChangesAsync(context, 3);

        context.RawSql(Unlock + " DELETE FROM change_log WHERE seq >= 5;");
        var result = await context.Store.ChangeControl.VerifyChainAsync(null, Token);

        Assert.Equal(5, result.FirstBadSequence);
        Assert.Contains("truncated", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyChainAsync_TailTruncatedAndHeadRewritten_DetectedOnlyByExternalCheckpoint()
    {
        using var context = new StateTestContext();
        await ChainFixtures.WriteApprovedChangesAsync(context, 3);
        var checkpoint = (await context.Store.ChangeControl.VerifyChainAsync(null, Token)).Head; // e.g. printed in the governors' report

        context.RawSql(Unlock + " DELETE FROM change_log WHERE seq >= 5; UPDATE change_log_head SET seq = 4, hash = (SELECT hash FROM change_log WHERE seq = 4);");
        var withoutCheckpoint = await context.Store.ChangeControl.VerifyChainAsync(null, Token);
        var withCheckpoint = await context.Store.ChangeControl.VerifyChainAsync(checkpoint, Token);

        Assert.True(withoutCheckpoint.IsValid); // the documented limit of a keyless chain
        Assert.False(withCheckpoint.IsValid);
        Assert.Equal(5, withCheckpoint.FirstBadSequence);
    }

    [Fact]
    public async Task ProposeAsync_AfterTailTruncated_NewEntryDoesNotHideTheGap()
    {
        using var context = new StateTestContext();
        var (alice, _) = await ChainFixtures.WriteApprovedChangesAsync(context, 2);
        context.RawSql(Unlock + " DELETE FROM change_log WHERE seq = 4;");

        var proposed = await context.Store.ChangeControl.ProposeAsync(alice.Id, new BlockCategoryChange("staff", "chat"), "x", Token);
        var result = await context.Store.ChangeControl.VerifyChainAsync(null, Token);

        Assert.Equal(5, proposed.Entry!.Sequence);
        Assert.Equal(4, result.FirstBadSequence);
    }
}

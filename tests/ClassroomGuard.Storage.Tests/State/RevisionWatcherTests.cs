using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Storage.Tests.State;

public sealed class RevisionWatcherTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task WatchAsync_WriteFromAnotherProcess_ReportsNewRevision()
    {
        using var context = new StateTestContext();
        var store = context.Store;
        var start = await store.GetRevisionAsync(CancellationToken.None);
        using var watcher = store.CreateRevisionWatcher();
        using var cancel = new CancellationTokenSource(Generous);
        await using var revisions = watcher.WatchAsync(cancel.Token).GetAsyncEnumerator(cancel.Token);
        Assert.True(await revisions.MoveNextAsync());
        Assert.Equal(start, revisions.Current);

        // A second process (the sqlite3 shell, its own SQLite library) adds a room and bumps the revision
        // in one transaction, exactly as the store's writers do.
        var (exit, output) = StateTestContext.Sqlite3(context.DbPath, """
            BEGIN IMMEDIATE;
            INSERT INTO sites (name) VALUES ('Annexe');
            UPDATE state_revision SET revision = revision + 1, changed_at = 0 WHERE id = 1;
            COMMIT;
            """);
        Assert.True(exit == 0, output);

        Assert.True(await revisions.MoveNextAsync(), "no revision change seen within 5 s");
        Assert.Equal(start + 1, revisions.Current);
        Assert.Equal("Annexe", Assert.Single(await store.Sites.ListSitesAsync(CancellationToken.None)).Name);
    }

    [Fact]
    public async Task WatchAsync_LibraryWriteFromAnotherDotnetProcess_ReportsNewRevision()
    {
        using var context = new StateTestContext();
        var start = await context.Store.GetRevisionAsync(CancellationToken.None);
        using var watcher = context.Store.CreateRevisionWatcher();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30)); // includes starting a .NET process
        await using var revisions = watcher.WatchAsync(cancel.Token).GetAsyncEnumerator(cancel.Token);
        Assert.True(await revisions.MoveNextAsync());

        var writer = StateTestContext.RunWriterAsync(context.DbPath, 1, "annexe");

        Assert.True(await revisions.MoveNextAsync(), "no revision change seen");
        Assert.Equal(start + 1, revisions.Current);
        var (exit, output) = await writer;
        Assert.True(exit == 0, output);
        Assert.Equal("annexe-0", Assert.Single(await context.Store.Sites.ListSitesAsync(CancellationToken.None)).Name);
    }

    [Fact]
    public async Task WaitForChangeAsync_WriteFromAnotherStoreInstance_ReturnsNewRevision()
    {
        using var context = new StateTestContext();
        var start = await context.Store.GetRevisionAsync(CancellationToken.None);
        using var other = StateStore.Open(context.Options);
        using var watcher = context.Store.CreateRevisionWatcher();
        using var cancel = new CancellationTokenSource(Generous);

        var waiting = watcher.WaitForChangeAsync(start, cancel.Token);
        await other.Sites.CreateSiteAsync("Main", CancellationToken.None);

        Assert.Equal(start + 1, await waiting);
    }

    [Fact]
    public async Task WaitForChangeAsync_NoWrite_CancelledWithoutReportingAChange()
    {
        using var context = new StateTestContext();
        var start = await context.Store.GetRevisionAsync(CancellationToken.None);
        using var watcher = context.Store.CreateRevisionWatcher();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => watcher.WaitForChangeAsync(start, cancel.Token));
    }

    [Fact]
    public async Task Writes_ReadOnlyOrNoOpCalls_DoNotBumpRevision()
    {
        using var context = new StateTestContext();
        var store = context.Store;
        await store.Sites.CreateSiteAsync("Main", CancellationToken.None);
        var before = await store.GetRevisionAsync(CancellationToken.None);

        await store.Sites.CreateSiteAsync("Main", CancellationToken.None); // exists already
        await store.Policy.GetSnapshotAsync(CancellationToken.None);
        await store.Devices.ListAsync(null, CancellationToken.None);

        Assert.Equal(before, await store.GetRevisionAsync(CancellationToken.None));
    }
}

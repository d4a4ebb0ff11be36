using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Storage.Tests.State;

public sealed class StateStoreConcurrencyTests
{
    [Fact]
    public async Task Writes_ManyThreadsAndStoreInstancesAtOnce_LoseNothingAndBumpRevisionOncePerWrite()
    {
        using var context = new StateTestContext();
        var site = await context.Store.Sites.CreateSiteAsync("Main", CancellationToken.None);
        var start = await context.Store.GetRevisionAsync(CancellationToken.None);
        const int writers = 6;
        const int writesEach = 40;
        // Separate StateStore instances have separate connection pools: as close to separate processes as one test gets.
        var stores = Enumerable.Range(0, writers).Select(_ => StateStore.Open(context.Options)).ToList();
        try
        {
            using var gate = new Barrier(writers);
            var tasks = stores.Select((store, w) => Task.Run(async () =>
            {
                gate.SignalAndWait();
                for (var i = 0; i < writesEach; i++)
                {
                    await store.Sites.CreateRoomAsync(site.Id, $"w{w}-r{i}", CancellationToken.None);
                }
            })).ToArray();
            await Task.WhenAll(tasks);
        }
        finally
        {
            stores.ForEach(s => s.Dispose());
        }

        Assert.Equal((long)writers * writesEach, context.RawScalar("SELECT count(*) FROM rooms"));
        Assert.Equal(start + (writers * writesEach), await context.Store.GetRevisionAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Writes_ConcurrentWithSqlite3Process_BothLandAndRevisionCountsEvery()
    {
        using var context = new StateTestContext();
        var site = await context.Store.Sites.CreateSiteAsync("Main", CancellationToken.None);
        var start = await context.Store.GetRevisionAsync(CancellationToken.None);
        var script = string.Join('\n', Enumerable.Range(0, 50).Select(i =>
            $"BEGIN IMMEDIATE; INSERT INTO rooms (site_id, name) VALUES ({site.Id}, 'cli-{i}'); UPDATE state_revision SET revision = revision + 1 WHERE id = 1; COMMIT;"));

        var external = Task.Run(() => StateTestContext.Sqlite3(context.DbPath, script));
        for (var i = 0; i < 50; i++)
        {
            await context.Store.Sites.CreateRoomAsync(site.Id, $"lib-{i}", CancellationToken.None);
        }

        var (exit, output) = await external;
        Assert.True(exit == 0, output);
        Assert.Equal(100L, context.RawScalar("SELECT count(*) FROM rooms"));
        Assert.Equal(start + 100, await context.Store.GetRevisionAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Writes_TwoWriterProcessesAndThisOneAtOnce_LoseNothingAndRevisionCountsEvery()
    {
        using var context = new StateTestContext();
        var start = await context.Store.GetRevisionAsync(CancellationToken.None);

        var one = StateTestContext.RunWriterAsync(context.DbPath, 60, "p1");
        var two = StateTestContext.RunWriterAsync(context.DbPath, 60, "p2");
        for (var i = 0; i < 60; i++)
        {
            await context.Store.Sites.CreateSiteAsync($"here-{i}", CancellationToken.None);
        }

        foreach (var (exit, output) in await Task.WhenAll(one, two))
        {
            Assert.True(exit == 0, output);
        }

        Assert.Equal(180L, context.RawScalar("SELECT count(*) FROM sites"));
        Assert.Equal(start + 180, await context.Store.GetRevisionAsync(CancellationToken.None));
    }
}

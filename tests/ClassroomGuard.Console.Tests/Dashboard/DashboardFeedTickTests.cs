using ClassroomGuard.Console.Dashboard;
using ClassroomGuard.Console.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClassroomGuard.Console.Tests.Dashboard;

/// <summary>The feed's timer never piles refreshes up: a tick while one runs is skipped, and a disposed feed starts none.</summary>
public sealed class DashboardFeedTickTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    /// <summary>Real time, but timers that never fire: the test ticks the feed itself.</summary>
    private sealed class NoTimers : TimeProvider
    {
        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) => new Never();

        private sealed class Never : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => true;

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }

    [Fact]
    public async Task Tick_WhileARefreshRuns_IsSkipped_AndAfterDisposeStartsNothing()
    {
        _ = ConsoleSession.Store(fixture.Factory);
        var services = fixture.Factory.Services;
        var feed = new DashboardFeed(services.GetRequiredService<SchoolOverviewReader>(), new NoTimers(),
            services.GetRequiredService<IHostApplicationLifetime>(), NullLogger<DashboardFeed>.Instance);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = 0;
        using var subscription = feed.Subscribe(async _ =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                entered.SetResult();
                await release.Task; // a slow page: the refresh outlasts the next ticks
            }
        });

        var first = feed.OnTick();
        Assert.NotNull(first);
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Null(feed.OnTick());
        Assert.Null(feed.OnTick());

        release.SetResult();
        await first.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(1, calls);
        var second = feed.OnTick();
        Assert.NotNull(second);
        await second.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(2, calls);

        feed.Dispose();
        Assert.Null(feed.OnTick());
        Assert.NotNull(await feed.GetAsync(CancellationToken.None)); // a page's read after disposal still works
    }
}

using ClassroomGuard.Console.Dashboard;
using ClassroomGuard.Console.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace ClassroomGuard.Console.Tests.Dashboard;

/// <summary>One read serves every open home page: the feed shares reads and one refresh reaches every subscriber.</summary>
public sealed class DashboardFeedTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    [Fact]
    public async Task Refresh_TwoPagesSubscribed_BothGetTheSameSingleRead_AndUnsubscribeStopsIt()
    {
        _ = ConsoleSession.Store(fixture.Factory);
        var feed = fixture.Factory.Services.GetRequiredService<DashboardFeed>();
        var first = new List<SchoolOverview>();
        var second = new List<SchoolOverview>();
        var a = feed.Subscribe(o => { first.Add(o); return Task.CompletedTask; });
        var b = feed.Subscribe(o => { second.Add(o); return Task.CompletedTask; });
        Assert.Equal(2, feed.Subscribers);

        await feed.RefreshAsync();

        Assert.Same(Assert.Single(first), Assert.Single(second));
        var cached = await feed.GetAsync(CancellationToken.None);
        Assert.Same(first[0], cached); // within the shared age: no second read

        a.Dispose();
        a.Dispose(); // twice is harmless
        await feed.RefreshAsync();
        Assert.Single(first);
        Assert.Equal(2, second.Count);
        b.Dispose();
        Assert.Equal(0, feed.Subscribers);
    }
}

using ClassroomGuard.Agent.Hosting;

namespace ClassroomGuard.Agent.Tests.Hosting;

public sealed class BackoffTests
{
    [Fact]
    public void Next_Repeatedly_DoublesWithinJitterUpToMax()
    {
        var backoff = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8), new Random(1));
        double[] nominal = [1, 2, 4, 8, 8, 8];

        foreach (var seconds in nominal)
        {
            var delay = backoff.Next().TotalSeconds;
            Assert.InRange(delay, seconds * 0.8, seconds * 1.2);
        }
    }

    [Fact]
    public void Reset_AfterGrowth_StartsFromMin()
    {
        var backoff = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), new Random(2));
        backoff.Next();
        backoff.Next();
        backoff.Next();

        backoff.Reset();

        Assert.InRange(backoff.Next().TotalSeconds, 0.8, 1.2);
    }

    [Fact]
    public void Next_ManyAgents_SpreadsDelays()
    {
        var random = new Random(3);
        var delays = Enumerable.Range(0, 30).Select(_ => new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), random).Next()).Distinct().Count();

        Assert.True(delays > 20);
    }
}

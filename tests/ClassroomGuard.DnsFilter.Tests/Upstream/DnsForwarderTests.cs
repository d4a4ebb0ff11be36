using ClassroomGuard.DnsFilter.Protocol;
using ClassroomGuard.DnsFilter.Tests.Support;

namespace ClassroomGuard.DnsFilter.Tests.Upstream;

public sealed class DnsForwarderTests : IClassFixture<UnboundFixture>
{
    private static readonly byte[] ATest = DnsName.FromText("a.test");
    private readonly UnboundFixture _unbound;

    public DnsForwarderTests(UnboundFixture unbound)
    {
        _unbound = unbound;
    }

    [Fact]
    public async Task ForwardAsync_Unbound_ReturnsMatchingAnswer()
    {
        await using var host = await DnsTestHost.StartAsync([_unbound.Upstream]);
        var response = await host.Forwarder.ForwardAsync(ATest, 1, 1, false, false, CancellationToken.None);
        Assert.NotNull(response);
        Assert.Contains("AN a.test. 300 1 A 192.0.2.1", DnsText.Dump(response));
    }

    [Fact]
    public async Task ForwardAsync_FirstUpstreamDeadPort_FailsOverAndDemotesIt()
    {
        var dead = "127.0.0.1:" + FreePort.Dead().ToString(System.Globalization.CultureInfo.InvariantCulture);
        await using var host = await DnsTestHost.StartAsync([dead, _unbound.Upstream]);
        var first = await host.Forwarder.ForwardAsync(ATest, 1, 1, false, false, CancellationToken.None);
        Assert.NotNull(first);
        Assert.Equal(1, host.Forwarder.Upstreams[0].ConsecutiveFailures);
        Assert.True(host.Counter("upstream_errors") + host.Counter("upstream_timeouts") >= 1);

        // Now the healthy upstream is asked first: no further attempt on the dead one.
        var before = host.Counter("upstream_queries");
        var second = await host.Forwarder.ForwardAsync(DnsName.FromText("mail.test"), 15, 1, false, false, CancellationToken.None);
        Assert.NotNull(second);
        Assert.Equal(before + 1, host.Counter("upstream_queries"));
        Assert.Equal(1, host.Forwarder.Upstreams[0].ConsecutiveFailures);
    }

    [Fact]
    public async Task ForwardAsync_AllUpstreamsDead_ReturnsNullAndCounts()
    {
        var dead = "127.0.0.1:" + FreePort.Dead().ToString(System.Globalization.CultureInfo.InvariantCulture);
        await using var host = await DnsTestHost.StartAsync([dead]);
        Assert.Null(await host.Forwarder.ForwardAsync(ATest, 1, 1, false, false, CancellationToken.None));
        Assert.Equal(1, host.Counter("upstream_failed_queries"));
        Assert.Equal(3, host.Counter("upstream_queries")); // UpstreamAttempts default
    }

    [Fact]
    public async Task ForwardAsync_WrongIdAndWrongQuestionFirst_DropsThemAndAcceptsTheMatch()
    {
        using var fake = new FakeUpstream(FakeBehaviour.WrongThenRight);
        await using var host = await DnsTestHost.StartAsync([fake.Upstream]);
        var response = await host.Forwarder.ForwardAsync(DnsName.FromText("Www.Example.ORG"), 1, 1, false, false, CancellationToken.None);
        Assert.NotNull(response);
        Assert.Contains("203.0.113.7", DnsText.Dump(response));
        Assert.Contains("Q Www.Example.ORG.", DnsText.Dump(response));
        Assert.Equal(2, host.Counter("upstream_mismatched_dropped"));
    }

    [Fact]
    public async Task ForwardAsync_OnlyMismatchedAnswers_TimesOutWithNull()
    {
        using var fake = new FakeUpstream(FakeBehaviour.OnlyWrong);
        await using var host = await DnsTestHost.StartAsync([fake.Upstream], new Dictionary<string, string?>
        {
            ["Dns:UpstreamAttempts"] = "1",
            ["Dns:UpstreamTimeout"] = "00:00:00.300",
        });
        Assert.Null(await host.Forwarder.ForwardAsync(ATest, 1, 1, false, false, CancellationToken.None));
        Assert.Equal(2, host.Counter("upstream_mismatched_dropped"));
        Assert.Equal(1, host.Counter("upstream_timeouts"));
    }

    [Fact]
    public async Task ForwardAsync_TruncatedOverUdp_RetriesOverTcp()
    {
        await using var host = await DnsTestHost.StartAsync([_unbound.Upstream]);
        var response = await host.Forwarder.ForwardAsync(DnsName.FromText("many.test"), 1, 1, false, false, CancellationToken.None);
        Assert.NotNull(response);
        Assert.True(DnsHeader.TryRead(response, out var header));
        Assert.False(header.IsTruncated);
        Assert.Equal(UnboundServer.ManyCount, header.AnswerCount);
        Assert.Equal(1, host.Counter("upstream_tcp_fallbacks"));
    }

    [Fact]
    public async Task ForwardAsync_SeveralQueries_UseRandomIdsAndSourcePorts()
    {
        using var fake = new FakeUpstream(FakeBehaviour.Answer);
        await using var host = await DnsTestHost.StartAsync([fake.Upstream], new Dictionary<string, string?> { ["Dns:UpstreamTimeout"] = "00:00:05" });
        for (var i = 0; i < 6; i++)
        {
            Assert.NotNull(await host.Forwarder.ForwardAsync(ATest, 1, 1, false, false, CancellationToken.None));
        }

        var seen = fake.Seen.ToArray();
        Assert.Equal(6, seen.Length);
        Assert.True(seen.Select(s => s.Id).Distinct().Count() >= 5, "IDs are random, not sequential or fixed");
        Assert.True(seen.Select(s => s.Port).Distinct().Count() >= 5, "each query leaves from its own port");
        Assert.False(seen.Zip(seen.Skip(1)).All(p => p.Second.Id == (ushort)(p.First.Id + 1)), "IDs are not a counter");
    }
}

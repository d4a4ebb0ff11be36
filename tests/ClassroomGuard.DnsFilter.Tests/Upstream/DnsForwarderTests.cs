using ClassroomGuard.Dns.Protocol;
using ClassroomGuard.Dns.Tests.Support;
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
        Assert.Equal(1, host.Forwarder.Upstreams[0].ConsecutiveFailures); // nothing with our ID came back: demoted
    }

    [Fact]
    public async Task ForwardAsync_UpstreamAnswersOurIdForAnotherQuestion_DropsItWithoutDemotingTheUpstream()
    {
        // Issue #11: an answer that fails our check for one question (a name a client chose) must not mark an upstream
        // that does answer as failed for UpstreamRecheckInterval; the next attempt still goes to the next upstream.
        using var fake = new FakeUpstream(FakeBehaviour.OtherQuestion);
        await using var host = await DnsTestHost.StartAsync([fake.Upstream, _unbound.Upstream], new Dictionary<string, string?>
        {
            ["Dns:UpstreamAttempts"] = "2",
            ["Dns:UpstreamTimeout"] = "00:00:01", // the fake's reply must arrive within it on a loaded machine
        });

        var first = await host.Forwarder.ForwardAsync(ATest, 1, 1, false, false, CancellationToken.None);
        Assert.NotNull(first);
        Assert.Contains("AN a.test. 300 1 A 192.0.2.1", DnsText.Dump(first));
        Assert.Equal(1, host.Counter("upstream_mismatched_dropped"));
        Assert.Equal(0, host.Forwarder.Upstreams[0].ConsecutiveFailures);
        Assert.True(host.Forwarder.Upstreams[0].IsHealthy(TimeProvider.System.GetTimestamp()));

        // Still first in line: the next question is asked there first.
        Assert.NotNull(await host.Forwarder.ForwardAsync(DnsName.FromText("mail.test"), 15, 1, false, false, CancellationToken.None));
        Assert.Equal(2, fake.Queries);
    }

    [Fact]
    public async Task ForwardAsync_UdpAnswerLargerThanAdvertised_IsNotUsedCutButAskedOverTcp()
    {
        // UDP answers are received into MaxUdpSize + 1 bytes: a larger one is cut there, so it must go to TCP like a
        // TC answer (this fake has no TCP: the attempt fails), never be parsed or relayed cut.
        using var fake = new FakeUpstream(FakeBehaviour.Oversized);
        await using var host = await DnsTestHost.StartAsync([fake.Upstream], new Dictionary<string, string?> { ["Dns:UpstreamAttempts"] = "1" });
        Assert.Null(await host.Forwarder.ForwardAsync(ATest, 1, 1, false, false, CancellationToken.None));
        Assert.Equal(1, host.Counter("upstream_tcp_fallbacks"));
        Assert.Equal(0, host.Counter("upstream_mismatched_dropped"));
    }

    [Fact]
    public async Task Server_EveryByteValueInALabel_AnswersWhatUnboundAnswersAndCachesIt()
    {
        // Issue #11, through the real forwarder: every byte 0-255 inside a label (0x2E '.' and 0x5C '\' are just
        // bytes there), followed by a capital so that a fold which stopped at a high byte would show. Each query is
        // asked of unbound directly and of our filter; then the same name in other ASCII case comes from the cache.
        await using var host = await DnsTestHost.StartAsync([_unbound.Upstream], new Dictionary<string, string?>
        {
            ["Dns:UpstreamAttempts"] = "1",
            ["Dns:UpstreamTimeout"] = "00:00:02",
        });
        Assert.NotNull(await DnsClient.UdpAsync(host.EndPoint, DnsClient.BuildQuery(1, "a.test", DnsRecordType.A)));
        var suffix = DnsName.FromText("Bytes.test");
        for (var b = 0; b < 256; b++)
        {
            byte[] name = [2, (byte)b, (byte)'Q', .. suffix];
            var query = DnsClient.BuildQuery((ushort)(100 + b), name, DnsRecordType.A);
            var direct = await DnsClient.UdpAsync(_unbound.Unbound.EndPoint, query);
            var ours = await DnsClient.UdpAsync(host.EndPoint, query);
            Assert.True(direct is not null, $"unbound answers byte 0x{b:X2}");
            Assert.True(ours is not null, $"we answer byte 0x{b:X2}");
            Assert.NotEqual(DnsResponseCode.ServFail, DnsClient.ResponseCode(ours));
            Assert.Equal(DnsClient.ResponseCode(direct), DnsClient.ResponseCode(ours));
            Assert.Equal(query.AsSpan(12, name.Length + 4), ours.AsSpan(12, name.Length + 4)); // the client's spelling, exactly

            var other = (byte[])name.Clone();
            other[2] = (byte)'q';
            other[1] = (byte)(b is >= 'a' and <= 'z' ? b - 0x20 : b is >= 'A' and <= 'Z' ? b + 0x20 : b);
            var again = DnsClient.BuildQuery((ushort)(400 + b), other, DnsRecordType.A);
            var cached = await DnsClient.UdpAsync(host.EndPoint, again);
            Assert.True(cached is not null, $"we answer byte 0x{b:X2} again");
            Assert.Equal(DnsClient.ResponseCode(direct), DnsClient.ResponseCode(cached));
            Assert.Equal(again.AsSpan(12, other.Length + 4), cached.AsSpan(12, other.Length + 4));
        }

        Assert.Equal(0, host.Counter("upstream_mismatched_dropped"));
        Assert.Equal(0, host.Counter("upstream_timeouts"));
        Assert.Equal(0, host.Counter("servfail"));
        // Every second spelling, and the first spelling of b = 'a'..'z' too: "aQ" was cached as "aq" when b was 'A'.
        Assert.Equal(256 + 26, host.Counter("cache_hits"));
        Assert.Equal(0, host.Forwarder.Upstreams[0].ConsecutiveFailures);
        Assert.True(host.Forwarder.Upstreams[0].IsHealthy(TimeProvider.System.GetTimestamp()));

        // Ordinary names still come from the cache.
        var hit = await DnsClient.UdpAsync(host.EndPoint, DnsClient.BuildQuery(2, "A.Test", DnsRecordType.A));
        Assert.NotNull(hit);
        Assert.Contains("192.0.2.1", DnsText.Dump(hit));
        Assert.Equal(256 + 26 + 1, host.Counter("cache_hits"));
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

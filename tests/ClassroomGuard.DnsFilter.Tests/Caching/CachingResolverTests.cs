using System.Text.RegularExpressions;
using ClassroomGuard.Dns.Protocol;
using ClassroomGuard.Dns.Tests.Support;
using ClassroomGuard.DnsFilter.Tests.Support;

namespace ClassroomGuard.DnsFilter.Tests.Caching;

public sealed partial class CachingResolverTests : IClassFixture<UnboundFixture>
{
    private readonly UnboundFixture _unbound;

    public CachingResolverTests(UnboundFixture unbound)
    {
        _unbound = unbound;
    }

    [Fact]
    public async Task Resolve_SecondQuery_CacheHitWithAgedTtlAndTheClientsIdAndSpelling()
    {
        var clock = new ManualClock();
        await using var host = await DnsTestHost.StartAsync([_unbound.Upstream], time: clock);
        var first = await DnsClient.UdpAsync(host.EndPoint, DnsClient.BuildQuery(1111, "a.test", DnsRecordType.A));
        clock.Advance(TimeSpan.FromSeconds(100));
        var second = await DnsClient.UdpAsync(host.EndPoint, DnsClient.BuildQuery(2222, "A.TeSt", DnsRecordType.A));

        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.Equal(1, host.Counter("upstream_queries"));
        Assert.Equal(1, host.Counter("cache_hits"));
        var text = DnsText.Dump(second);
        Assert.StartsWith("id=2222 ", text);
        Assert.Contains("Q A.TeSt. 1 1", text); // 0x20-style clients get their own spelling back
        // The answer's owner is a pointer to the question, so it takes the client's spelling too (names are case-insensitive).
        Assert.Contains("AN A.TeSt. 200 1 A 192.0.2.1", text);
        Assert.Contains("AR . 0 1232 OPT", text);
    }

    [Fact]
    public async Task Resolve_AfterTtlExpires_AsksUpstreamAgain()
    {
        var clock = new ManualClock();
        await using var host = await DnsTestHost.StartAsync([_unbound.Upstream], time: clock);
        await DnsClient.UdpAsync(host.EndPoint, DnsClient.BuildQuery(1, "short.test", DnsRecordType.A));
        clock.Advance(TimeSpan.FromSeconds(6)); // TTL 5
        var again = await DnsClient.UdpAsync(host.EndPoint, DnsClient.BuildQuery(2, "short.test", DnsRecordType.A));
        Assert.NotNull(again);
        Assert.Equal(2, host.Counter("upstream_queries"));
        Assert.Contains("AN short.test. 5 1 A 192.0.2.5", DnsText.Dump(again));
    }

    [Fact]
    public async Task Resolve_TtlAboveMax_ClampedToCacheMaxTtl()
    {
        await using var host = await DnsTestHost.StartAsync([_unbound.Upstream], new Dictionary<string, string?> { ["Dns:CacheMaxTtl"] = "60" });
        var response = await DnsClient.UdpAsync(host.EndPoint, DnsClient.BuildQuery(1, "a.test", DnsRecordType.A));
        Assert.Contains("AN a.test. 60 1 A 192.0.2.1", DnsText.Dump(response!));
    }

    [Fact]
    public async Task Resolve_NxDomain_NegativelyCachedForSoaMinimum()
    {
        var clock = new ManualClock();
        await using var host = await DnsTestHost.StartAsync([_unbound.Upstream], time: clock);
        var first = await DnsClient.UdpAsync(host.EndPoint, DnsClient.BuildQuery(1, "nothing.test", DnsRecordType.A));
        clock.Advance(TimeSpan.FromSeconds(59));
        var cached = await DnsClient.UdpAsync(host.EndPoint, DnsClient.BuildQuery(2, "nothing.test", DnsRecordType.A));
        Assert.Equal(1, host.Counter("upstream_queries"));
        Assert.Equal(DnsResponseCode.NXDomain, DnsClient.ResponseCode(cached!));
        // SOA TTL 3600, MINIMUM 60: negative TTL min(3600, 60) = 60, served as 60 - 59.
        Assert.Matches(@"NS test\. 1 1 SOA", DnsText.Dump(cached!));
        Assert.Matches(@"NS test\. 60 1 SOA", DnsText.Dump(first!));

        clock.Advance(TimeSpan.FromSeconds(2));
        await DnsClient.UdpAsync(host.EndPoint, DnsClient.BuildQuery(3, "nothing.test", DnsRecordType.A));
        Assert.Equal(2, host.Counter("upstream_queries"));
    }

    [Fact]
    public async Task Resolve_NoData_NegativelyCached()
    {
        await using var host = await DnsTestHost.StartAsync([_unbound.Upstream]);
        await DnsClient.UdpAsync(host.EndPoint, DnsClient.BuildQuery(1, "mail.test", DnsRecordType.AAAA));
        var cached = await DnsClient.UdpAsync(host.EndPoint, DnsClient.BuildQuery(2, "mail.test", DnsRecordType.AAAA));
        Assert.Equal(DnsResponseCode.NoError, DnsClient.ResponseCode(cached!));
        Assert.Equal(1, host.Counter("upstream_queries"));
        Assert.Equal(1, host.Counter("cache_hits"));
    }

    [Fact]
    public async Task Resolve_UpstreamStoppedAfterExpiry_ServesStaleWithTtl30AndEde()
    {
        using var unbound = new UnboundServer();
        var clock = new ManualClock();
        await using var host = await DnsTestHost.StartAsync(["127.0.0.1:" + unbound.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            // 2 s, not less: on a loaded machine a shorter timeout can fail the FIRST query, leaving nothing cached to
            // serve stale (a stopped upstream on loopback answers with ICMP at once, so the stale query does not wait).
            new Dictionary<string, string?> { ["Dns:UpstreamAttempts"] = "1", ["Dns:UpstreamTimeout"] = "00:00:02" }, clock);
        var first = await DnsClient.UdpAsync(host.EndPoint, DnsClient.BuildQuery(1, "a.test", DnsRecordType.A));
        Assert.Equal(DnsResponseCode.NoError, DnsClient.ResponseCode(first!));
        unbound.Stop();
        clock.Advance(TimeSpan.FromSeconds(301));

        var stale = await DnsClient.UdpAsync(host.EndPoint, DnsClient.BuildQuery(2, "a.test", DnsRecordType.A));
        Assert.NotNull(stale);
        Assert.Equal(DnsResponseCode.NoError, DnsClient.ResponseCode(stale));
        var text = DnsText.Dump(stale);
        Assert.Contains("AN a.test. 30 1 A 192.0.2.1", text);
        Assert.Contains("OPT 000F00020003", text); // EDE 3: Stale Answer
        Assert.Equal(1, host.Counter("cache_stale_served"));

        // Within the stale refresh interval the upstream is not asked again.
        var queries = host.Counter("upstream_queries");
        var again = await DnsClient.UdpAsync(host.EndPoint, DnsClient.BuildQuery(3, "a.test", DnsRecordType.A));
        Assert.Contains("AN a.test. 30 1 A 192.0.2.1", DnsText.Dump(again!));
        Assert.Equal(queries, host.Counter("upstream_queries"));
        Assert.Equal(2, host.Counter("cache_stale_served"));
    }

    [Fact]
    public async Task Resolve_UpstreamDownBeyondMaxStaleAge_ServFail()
    {
        using var unbound = new UnboundServer();
        var clock = new ManualClock();
        await using var host = await DnsTestHost.StartAsync(["127.0.0.1:" + unbound.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            new Dictionary<string, string?> { ["Dns:UpstreamAttempts"] = "1", ["Dns:UpstreamTimeout"] = "00:00:00.300", ["Dns:MaxStaleAge"] = "00:10:00" }, clock);
        await DnsClient.UdpAsync(host.EndPoint, DnsClient.BuildQuery(1, "a.test", DnsRecordType.A));
        unbound.Stop();
        clock.Advance(TimeSpan.FromSeconds(300 + 601));
        var response = await DnsClient.UdpAsync(host.EndPoint, DnsClient.BuildQuery(2, "a.test", DnsRecordType.A));
        Assert.Equal(DnsResponseCode.ServFail, DnsClient.ResponseCode(response!));
        Assert.Contains("OPT 000F00020016", DnsText.Dump(response!)); // EDE 22: No Reachable Authority
        Assert.Equal(0, host.Counter("cache_stale_served"));
    }

    [Fact]
    public async Task Resolve_ConcurrentIdenticalQueries_OneUpstreamQuery()
    {
        using var fake = new FakeUpstream(FakeBehaviour.Answer, delay: TimeSpan.FromMilliseconds(400));
        await using var host = await DnsTestHost.StartAsync([fake.Upstream], new Dictionary<string, string?> { ["Dns:UpstreamTimeout"] = "00:00:05" });
        var queries = Enumerable.Range(0, 20)
            .Select(i => DnsClient.UdpAsync(host.EndPoint, DnsClient.BuildQuery((ushort)(100 + i), "same.example", DnsRecordType.A)))
            .ToArray();
        var responses = await Task.WhenAll(queries);

        Assert.All(responses, r => Assert.Contains("203.0.113.7", DnsText.Dump(r!)));
        Assert.Equal(Enumerable.Range(100, 20).Select(i => (ushort)i).ToHashSet(), responses.Select(r => (ushort)((r![0] << 8) | r[1])).ToHashSet());
        Assert.Equal(1, fake.Queries);
        Assert.Equal(19, host.Counter("coalesced_queries"));
    }

    [Fact]
    public async Task Udp_MoreUpstreamBoundQueriesThanContexts_BackPressureThenAllAnswered()
    {
        using var fake = new FakeUpstream(FakeBehaviour.Answer, delay: TimeSpan.FromMilliseconds(300));
        await using var host = await DnsTestHost.StartAsync([fake.Upstream], new Dictionary<string, string?>
        {
            ["Dns:MaxConcurrentQueries"] = "1", // plus the receive loop's own context: two in all
            ["Dns:UdpSocketsPerEndpoint"] = "1",
            ["Dns:UpstreamTimeout"] = "00:00:05",
        });
        var responses = await Task.WhenAll(Enumerable.Range(0, 6)
            .Select(i => DnsClient.UdpAsync(host.EndPoint, DnsClient.BuildQuery((ushort)i, $"n{i}.example", DnsRecordType.A), timeoutMs: 10000)));
        Assert.All(responses, r => Assert.Contains("203.0.113.7", DnsText.Dump(r!)));
        Assert.Equal(6, fake.Queries);
        Assert.True(host.Counter("udp_backpressure_waits") >= 1, "the third query found both contexts busy");
    }

    [Fact]
    public async Task Resolve_DifferentTypes_NotCoalescedTogether()
    {
        using var fake = new FakeUpstream(FakeBehaviour.Answer, delay: TimeSpan.FromMilliseconds(200));
        await using var host = await DnsTestHost.StartAsync([fake.Upstream], new Dictionary<string, string?> { ["Dns:UpstreamTimeout"] = "00:00:05" });
        await Task.WhenAll(
            DnsClient.UdpAsync(host.EndPoint, DnsClient.BuildQuery(1, "same.example", DnsRecordType.A)),
            DnsClient.UdpAsync(host.EndPoint, DnsClient.BuildQuery(2, "same.example", DnsRecordType.MX)));
        Assert.Equal(2, fake.Queries);
    }

    [Fact]
    public async Task Dig_CachedLargeAnswer_TruncatedOverUdpFullOverTcp()
    {
        await using var host = await DnsTestHost.StartAsync([_unbound.Upstream]);
        var tcp = await Tool.DigAsync(host.Port, "+tcp", "many.test");
        var udp = await Tool.DigAsync(host.Port, "+ignore", "many.test");
        Assert.Contains($"ANSWER: {UnboundServer.ManyCount},", tcp);
        Assert.Contains("flags: qr tc rd ra", udp);
        Assert.Equal(1, host.Counter("cache_hits"));
        Assert.Matches(TtlRegex(), tcp);
    }

    [GeneratedRegex(@"many\.test\.\s+300\s+IN\s+A")]
    private static partial Regex TtlRegex();
}

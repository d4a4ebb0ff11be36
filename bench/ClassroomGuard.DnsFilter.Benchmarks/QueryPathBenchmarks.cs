using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using ClassroomGuard.DnsFilter;
using ClassroomGuard.DnsFilter.Caching;
using ClassroomGuard.DnsFilter.Hosting;
using ClassroomGuard.DnsFilter.Policy;
using ClassroomGuard.Dns.Protocol;
using ClassroomGuard.DnsFilter.Server;
using ClassroomGuard.DnsFilter.Upstream;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

BenchmarkSwitcher.FromAssembly(typeof(QueryPathBenchmarks).Assembly).Run(args);

/// <summary>
/// The steady-state query path: parse a dig-style query (EDNS + cookie) and answer it from the cache into a reused
/// UDP context, exactly as a UDP worker does. The upstream is never contacted (the entry is fresh).
/// </summary>
[MemoryDiagnoser]
public class QueryPathBenchmarks
{
    // dig www.Example.org A with EDNS and a cookie, captured on the build machine.
    private static readonly byte[] Query = Convert.FromHexString("9f200120000100000000000103777777074578616d706c65036f7267000001000100002904d000000000000c000a00081646e06679e24622");
    private readonly byte[] _nameBuffer = new byte[DnsName.MaxLength];
    private DnsQueryProcessor _processor = null!;
    private DnsRequestContext _request = null!;

    [GlobalSetup]
    public void Setup()
    {
        var options = Options.Create(new DnsOptions { Upstreams = ["127.0.0.1:9"] });
        var counters = new DnsCounters();
        var time = TimeProvider.System;
        var cache = new DnsCache(options, time, counters);
        var forwarder = new DnsForwarder(options, time, counters, NullLogger<DnsForwarder>.Instance);
        var resolver = new CachingResolver(cache, forwarder, options, time, counters);
        var handler = new PolicyQueryHandler(new PassThroughDnsPolicy(), resolver, counters);
        _processor = new DnsQueryProcessor(handler, options, counters, NullLogger<DnsQueryProcessor>.Instance);

        // A cached answer for www.example.org A: two A records, TTL 3600.
        var response = new byte[512];
        var writer = new DnsMessageWriter(response) { Id = 1, Flags = DnsHeader.MakeFlags(true, DnsOpCode.Query, DnsHeader.FlagRecursionDesired | DnsHeader.FlagRecursionAvailable, DnsResponseCode.NoError) };
        var name = DnsName.FromText("www.example.org");
        writer.TryWriteQuestion(name, 1, 1);
        writer.TryWriteA(DnsSection.Answer, name, 3600, [192, 0, 2, 1]);
        writer.TryWriteA(DnsSection.Answer, name, 3600, [192, 0, 2, 2]);
        writer.Complete();
        var entry = DnsCacheEntry.Create(response.AsSpan(0, writer.Position), 0, 86400, 900, time.GetTimestamp())!;
        var key = new byte[DnsCache.MaxKeyLength];
        var keyLength = DnsCache.WriteKey(key, name, 1, 1, dnssecOk: false, checkingDisabled: false);
        cache.Store(key.AsSpan(0, keyLength), entry);

        _request = new DnsRequestContext(DnsTransport.Udp, 0, 4096);
        _request.SetQuery(Query, Query.Length);
        if (ParseAndAnswerFromCache() <= 0 || counters.Get("cache_hits") != 1)
        {
            throw new InvalidOperationException("the benchmark does not hit the cache");
        }
    }

    [Benchmark]
    public int ParseQuery() => DnsQuery.Parse(Query, _nameBuffer).NameLength;

    [Benchmark]
    public int ParseAndAnswerFromCache()
    {
        var pending = _processor.ProcessAsync(_request, CancellationToken.None);
        return pending.IsCompletedSuccessfully ? pending.Result : -1;
    }
}

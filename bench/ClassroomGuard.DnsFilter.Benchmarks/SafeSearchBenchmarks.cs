using System.Net;
using BenchmarkDotNet.Attributes;
using ClassroomGuard.DnsFilter;
using ClassroomGuard.DnsFilter.Caching;
using ClassroomGuard.DnsFilter.Events;
using ClassroomGuard.DnsFilter.Hosting;
using ClassroomGuard.Dns.Lists;
using ClassroomGuard.DnsFilter.Policy;
using ClassroomGuard.Dns.Protocol;
using ClassroomGuard.DnsFilter.Server;
using ClassroomGuard.DnsFilter.Upstream;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

/// <summary>
/// A SafeSearch rewrite answered from the cache, as a UDP worker does it: parse <c>www.google.co.uk A</c> → policy
/// (strict group) → the target <c>forcesafesearch.google.com A</c> looked up through the cache → CNAME + the target's
/// records written. The upstream is never contacted (the target's entry is fresh).
/// </summary>
[MemoryDiagnoser]
public class SafeSearchBenchmarks
{
    private DnsQueryProcessor _processor = null!;
    private DnsRequestContext _request = null!;
    private DnsCounters _counters = null!;

    [GlobalSetup]
    public void Setup()
    {
        var options = Options.Create(new DnsOptions { Upstreams = ["127.0.0.1:9"] });
        var policyOptions = Options.Create(new DnsPolicyOptions());
        _counters = new DnsCounters();
        var time = TimeProvider.System;
        var cache = new DnsCache(options, time, _counters);
        var forwarder = new DnsForwarder(options, time, _counters, NullLogger<DnsForwarder>.Instance);
        var resolver = new CachingResolver(cache, forwarder, options, time, _counters);
        var policyCounters = new PolicyCounters();
        var policy = new SchoolDnsPolicy(policyOptions, new DnsActivity(policyOptions, policyCounters), policyCounters, time);
        policy.Swap(CompiledPolicy.Fallback(LoadedLists.Empty(new CategoryMap()), policyOptions.Value, policy.SafeSearch)); // strict SafeSearch
        var handler = new SchoolQueryHandler(policy, resolver, _counters, policyCounters, policyOptions);
        _processor = new DnsQueryProcessor(handler, options, _counters, NullLogger<DnsQueryProcessor>.Instance);

        // The target's answer in the cache: two A records, TTL 3600.
        var response = new byte[512];
        var writer = new DnsMessageWriter(response) { Id = 1, Flags = DnsHeader.MakeFlags(true, DnsOpCode.Query, DnsHeader.FlagRecursionDesired | DnsHeader.FlagRecursionAvailable, DnsResponseCode.NoError) };
        var target = DnsName.FromText("forcesafesearch.google.com");
        writer.TryWriteQuestion(target, 1, 1);
        writer.TryWriteA(DnsSection.Answer, target, 3600, [216, 239, 38, 120]);
        writer.TryWriteA(DnsSection.Answer, target, 3600, [216, 239, 38, 121]);
        writer.Complete();
        var entry = DnsCacheEntry.Create(response.AsSpan(0, writer.Position), 0, 86400, 900, time.GetTimestamp())!;
        var key = new byte[DnsCache.MaxKeyLength];
        var keyLength = DnsCache.WriteKey(key, target, 1, 1, dnssecOk: false, checkingDisabled: false);
        cache.Store(key.AsSpan(0, keyLength), entry);

        // The client's query: www.google.co.uk A, RD, with EDNS (as dig sends it).
        var query = new byte[512];
        var q = new DnsMessageWriter(query) { Id = 0x1234, Flags = DnsHeader.FlagRecursionDesired };
        q.TryWriteQuestion(DnsName.FromText("www.google.co.uk"), 1, 1);
        q.TryWriteOpt(1232, false);
        q.Complete();
        _request = new DnsRequestContext(DnsTransport.Udp, 0, 4096);
        _request.SetQuery(query, q.Position);
        _request.ClientAddress = new IPEndPoint(IPAddress.Parse("10.1.2.3"), 40000).Serialize();
        if (Rewrite() <= 0 || _counters.Get("cache_hits") != 1 || _counters.Get("policy_answered") != 1)
        {
            throw new InvalidOperationException("the benchmark does not rewrite from the cache");
        }
    }

    [Benchmark]
    public int Rewrite()
    {
        var pending = _processor.ProcessAsync(_request, CancellationToken.None);
        return pending.IsCompletedSuccessfully ? pending.Result : -1;
    }
}

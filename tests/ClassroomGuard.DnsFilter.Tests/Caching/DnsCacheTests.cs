using ClassroomGuard.DnsFilter.Caching;
using ClassroomGuard.DnsFilter.Hosting;
using ClassroomGuard.Dns.Protocol;
using ClassroomGuard.Dns.Tests.Support;
using ClassroomGuard.DnsFilter.Tests.Support;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.DnsFilter.Tests.Caching;

public sealed class DnsCacheTests
{
    [Fact]
    public void Store_MoreThanMaxEntries_EvictsDownToTheLimit()
    {
        var counters = new DnsCounters();
        var cache = new DnsCache(Options.Create(new DnsOptions { CacheMaxEntries = 10 }), new ManualClock(), counters);
        var entry = DnsCacheEntry.Create(Convert.FromHexString(DnsCorpus.UnboundAnswerHex), 0, 86400, 900, 0)!;
        for (var i = 0; i < 50; i++)
        {
            cache.Store(Key($"n{i}.test"), entry);
        }

        Assert.InRange(cache.Count, 1, 10);
        Assert.Equal(40, counters.Get("cache_evictions"));
    }

    [Fact]
    public void Store_MoreThanMaxBytes_EvictsDownToTheLimit()
    {
        var entry = DnsCacheEntry.Create(Convert.FromHexString(DnsCorpus.UnboundAnswerHex), 0, 86400, 900, 0)!;
        var cache = new DnsCache(Options.Create(new DnsOptions { CacheMaxBytes = entry.Size * 5L + 100 }), new ManualClock(), new DnsCounters());
        for (var i = 0; i < 30; i++)
        {
            cache.Store(Key($"n{i}.test"), entry);
        }

        Assert.True(cache.Bytes <= entry.Size * 5L + 100);
        Assert.InRange(cache.Count, 1, 5);
    }

    [Fact]
    public void Store_MoreNegativeAnswersThanTheirBound_EvictsOnlyNegativeOnes()
    {
        // Issue #11: a flood of invented names fills at most CacheMaxNegativeEntries; positive answers stay.
        var counters = new DnsCounters();
        var cache = new DnsCache(Options.Create(new DnsOptions { CacheMaxNegativeEntries = 5 }), new ManualClock(), counters);
        var positive = DnsCacheEntry.Create(Convert.FromHexString(DnsCorpus.UnboundAnswerHex), 0, 86400, 900, 0)!;
        var negative = DnsCacheEntry.Create(DnsCorpus.NxDomain(), 0, 86400, 900, 0)!;
        Assert.True(negative is { IsNegative: true, Cacheable: true });
        Assert.False(positive.IsNegative);
        for (var i = 0; i < 20; i++)
        {
            cache.Store(Key($"p{i}.test"), positive);
        }

        for (var i = 0; i < 200; i++)
        {
            cache.Store(Key($"n{i}.test"), negative);
        }

        Assert.Equal(5, cache.NegativeCount);
        Assert.Equal(25, cache.Count);
        Assert.Equal(195, counters.Get("cache_evictions"));
        for (var i = 0; i < 20; i++)
        {
            Assert.True(cache.TryGet(Key($"p{i}.test"), out _));
        }
    }

    [Fact]
    public void Store_NegativeBoundZero_CachesOnlyPositiveAnswers()
    {
        var cache = new DnsCache(Options.Create(new DnsOptions { CacheMaxNegativeEntries = 0 }), new ManualClock(), new DnsCounters());
        cache.Store(Key("n.test"), DnsCacheEntry.Create(DnsCorpus.NxDomain(), 0, 86400, 900, 0)!);
        cache.Store(Key("p.test"), DnsCacheEntry.Create(Convert.FromHexString(DnsCorpus.UnboundAnswerHex), 0, 86400, 900, 0)!);
        Assert.Equal(1, cache.Count);
        Assert.Equal(0, cache.NegativeCount);
    }

    [Fact]
    public void Store_ReplacingAndExpiring_KeepsTheNegativeCountRight()
    {
        var clock = new ManualClock();
        var cache = new DnsCache(Options.Create(new DnsOptions { MaxStaleAge = TimeSpan.Zero }), clock, new DnsCounters());
        var negative = DnsCacheEntry.Create(DnsCorpus.NxDomain(), 0, 86400, 900, clock.GetTimestamp())!;
        cache.Store(Key("n.test"), negative);
        cache.Store(Key("n.test"), negative);
        Assert.Equal(1, cache.NegativeCount);
        cache.Store(Key("n.test"), DnsCacheEntry.Create(Convert.FromHexString(DnsCorpus.UnboundAnswerHex), 0, 86400, 900, clock.GetTimestamp())!);
        Assert.Equal(0, cache.NegativeCount);
        cache.Store(Key("m.test"), negative);
        clock.Advance(TimeSpan.FromSeconds(901));
        Assert.False(cache.TryGet(Key("m.test"), out _));
        Assert.Equal(0, cache.NegativeCount);
    }

    [Fact]
    public void TryGet_PastStaleWindow_RemovesAndMisses()
    {
        var clock = new ManualClock();
        var cache = new DnsCache(Options.Create(new DnsOptions { MaxStaleAge = TimeSpan.FromMinutes(1) }), clock, new DnsCounters());
        var entry = DnsCacheEntry.Create(Convert.FromHexString(DnsCorpus.UnboundAnswerHex), 0, 86400, 900, clock.GetTimestamp())!;
        cache.Store(Key("a.test"), entry);
        clock.Advance(TimeSpan.FromSeconds(300 + 30));
        Assert.True(cache.TryGet(Key("a.test"), out var stale));
        Assert.False(cache.IsFresh(stale));
        clock.Advance(TimeSpan.FromSeconds(31));
        Assert.False(cache.TryGet(Key("a.test"), out _));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void WriteKey_DifferentCaseSameName_SameKey()
    {
        Assert.Equal(Key("WWW.Example.org"), Key("www.example.ORG"));
        Assert.NotEqual(Key("www.example.org"), Key("www.example.org", dnssecOk: true));
    }

    [Theory]
    [InlineData(0, 86400, 300)]
    [InlineData(600, 86400, 600)]
    [InlineData(0, 60, 60)]
    public void Create_TtlClamped(int min, int max, int expected)
    {
        var entry = DnsCacheEntry.Create(Convert.FromHexString(DnsCorpus.UnboundAnswerHex), min, max, 900, 0)!;
        Assert.Equal(expected, entry.LifetimeSeconds);
        Assert.Contains($"AN a.test. {expected} 1 A", DnsText.Dump(entry.Message));
    }

    [Fact]
    public void Create_NxDomainWithoutSoa_NotCacheable()
    {
        var message = Convert.FromHexString("abcd85830001000000000000016104746573740000010001");
        var entry = DnsCacheEntry.Create(message, 0, 86400, 900, 0)!;
        Assert.False(entry.Cacheable);
    }

    [Fact]
    public void Create_ServFail_NotCacheable()
    {
        var message = Convert.FromHexString("abcd85820001000000000000016104746573740000010001");
        Assert.False(DnsCacheEntry.Create(message, 0, 86400, 900, 0)!.Cacheable);
    }

    [Fact]
    public void WriteResponse_LargerThanLimit_WritesTruncatedFormWithTc()
    {
        var entry = DnsCacheEntry.Create(DnsCorpus.AllTypesResponse(), 0, 86400, 900, 0)!;
        var name = new byte[255];
        var info = DnsQuery.Parse(Convert.FromHexString(DnsCorpus.DigQueryHex), name);
        var destination = new byte[4096];
        // The entry's question is www.example.org; the dig query asks www.Example.org: same length, as the cache guarantees.
        var length = entry.WriteResponse(destination, info, name.AsSpan(0, info.NameLength), 0, false, 30, 1232, 64);
        Assert.InRange(length, 12, 64);
        var text = DnsText.Dump(destination.AsSpan(0, length));
        Assert.Contains("flags=83", text); // QR, RD, TC
        Assert.DoesNotContain("AN ", text);
        Assert.Contains("OPT", text);
    }

    private static byte[] Key(string name, bool dnssecOk = false)
    {
        var key = new byte[DnsCache.MaxKeyLength];
        var length = DnsCache.WriteKey(key, DnsName.FromText(name), 1, 1, dnssecOk, false);
        return key[..length];
    }
}

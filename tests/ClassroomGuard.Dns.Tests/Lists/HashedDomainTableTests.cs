using ClassroomGuard.Dns.Lists;
using ClassroomGuard.Dns.Protocol;

namespace ClassroomGuard.Dns.Tests.Lists;

/// <summary>The block lists' compact table answers exactly as the exact-name table does.</summary>
public sealed class HashedDomainTableTests
{
    private static readonly HashedDomainTable Table = Build(("example.org", 1), ("ads.example.org", 2), ("Other.NET.", 4), ("*.wild.test", 8), (".dot.test", 16), ("example.org", 32));

    [Theory]
    [InlineData("example.org", 33UL, 0)]
    [InlineData("www.example.org", 33UL, 4)]
    [InlineData("x.ads.example.org", 35UL, 2)]
    [InlineData("EXAMPLE.ORG", 33UL, 0)]
    [InlineData("other.net", 4UL, 0)]
    [InlineData("a.wild.test", 8UL, 2)]
    [InlineData("dot.test", 16UL, 0)]
    [InlineData("example.com", 0UL, -1)]
    [InlineData("org", 0UL, -1)]
    [InlineData("xexample.org", 0UL, -1)]
    public void MatchSuffixes_ListedSuffixes_OrsTheirValuesAndFindsTheLongest(string name, ulong expected, int longest)
    {
        Assert.Equal(expected, Table.MatchSuffixes(DnsName.FromText(name), out var at));
        Assert.Equal(longest, at);
    }

    [Fact]
    public void Count_DuplicatesMerged() => Assert.Equal(5, Table.Count);

    [Fact]
    public void TryGetExact_OnlyTheNameItself()
    {
        Assert.True(Table.TryGetExact(DnsName.FromText("ads.example.org"), out var value));
        Assert.Equal(2UL, value);
        Assert.False(Table.TryGetExact(DnsName.FromText("www.ads.example.org"), out _));
    }

    [Fact]
    public void Empty_MatchesNothing()
    {
        Assert.Equal(0UL, HashedDomainTable.Empty.MatchSuffixes(DnsName.FromText("example.org"), out var at));
        Assert.Equal(-1, at);
        Assert.Equal(0UL, Table.MatchSuffixes([0], out _));
    }

    [Fact]
    public void CountPerBit_CountsEachNameOncePerCategory()
    {
        var perBit = Table.CountPerBit();

        Assert.Equal(1, perBit[0]); // example.org (1|32)
        Assert.Equal(1, perBit[5]);
        Assert.Equal(1, perBit[1]);
        Assert.Equal(0, perBit[6]);
    }

    [Fact]
    public void HighBytesInTheQuery_NeverMatchAnAsciiEntryAndNeverThrow()
    {
        for (var b = 0x80; b <= 0xff; b++)
        {
            byte[] wire = [3, (byte)'a', (byte)b, (byte)'s', 7, .. "example"u8, 3, .. "org"u8, 0];
            Assert.Equal(33UL, Table.MatchSuffixes(wire, out var at));
            Assert.Equal(4, at);
        }
    }

    /// <summary>200,000 generated names, as many misses: the compact table agrees with the exact-name table on every one.</summary>
    [Fact]
    public void ManyNames_AgreesWithTheExactTable()
    {
        const int count = 200_000;
        var exact = new DomainTableBuilder(1000);
        var hashed = new HashedDomainTableBuilder(1000); // grows on the way
        for (var i = 0; i < count; i++)
        {
            var name = DomainTableTests.GeneratedName(i);
            var value = (1UL << (i % 7)) | (i % 1000 == 0 ? 1UL << 40 : 0UL);
            Assert.True(exact.Add(name, value));
            Assert.True(hashed.Add(name, value));
            if (i % 5000 == 0)
            {
                hashed.Add(name, 1UL << 50); // a duplicate with another category: ORed
                exact.Add(name, 1UL << 50);
            }
        }

        var e = exact.Build();
        var h = hashed.Build();

        Assert.Equal(e.Count, h.Count);
        for (var i = 0; i < count; i += 3)
        {
            var name = DomainTableTests.GeneratedName(i);
            foreach (var query in new[] { "www." + name, name, name + "x.invalid", "n" + name })
            {
                var wire = DnsName.FromText(query);
                Assert.Equal(e.MatchSuffixes(wire, out var exactAt), h.MatchSuffixes(wire, out var hashedAt));
                Assert.Equal(exactAt, hashedAt);
            }
        }
    }

    [Fact]
    public void MatchSuffixes_Query_DoesNotAllocate()
    {
        var wire = DnsName.FromText("deep.www.ads.example.org");
        Table.MatchSuffixes(wire, out _);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            Table.MatchSuffixes(wire, out _);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void MemoryBytes_AboutElevenBytesAName()
    {
        var builder = new HashedDomainTableBuilder(16);
        for (var i = 0; i < 100_000; i++)
        {
            builder.Add(DomainTableTests.GeneratedName(i), 1);
        }

        var table = builder.Build();

        Assert.InRange(table.MemoryBytes / (double)table.Count, 10, 16);
    }

    private static HashedDomainTable Build(params (string Name, ulong Value)[] names)
    {
        var builder = new HashedDomainTableBuilder(4);
        foreach (var (name, value) in names)
        {
            Assert.True(builder.Add(name, value), name);
        }

        return builder.Build();
    }
}

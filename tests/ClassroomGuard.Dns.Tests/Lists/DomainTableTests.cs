using ClassroomGuard.Dns.Lists;
using ClassroomGuard.Dns.Protocol;

namespace ClassroomGuard.Dns.Tests.Lists;

public sealed class DomainTableTests
{
    private static readonly DomainTable Table = Build(("example.org", 1), ("ads.example.org", 2), ("Other.NET.", 4), ("*.wild.test", 8), (".dot.test", 16), ("example.org", 32));

    public static TheoryData<string, ulong, string?> Suffixes => new()
    {
        { "example.org", 1 | 32, "example.org." },
        { "EXAMPLE.org", 1 | 32, "EXAMPLE.org." },
        { "www.example.org", 1 | 32, "example.org." },
        { "x.ads.example.org", 1 | 2 | 32, "ads.example.org." },
        { "ads.example.org", 1 | 2 | 32, "ads.example.org." },
        { "notexample.org", 0, null },
        { "org", 0, null },
        { "example.org.evil.test", 0, null },
        { "other.net", 4, "other.net." },
        { "a.b.c.other.net", 4, "other.net." },
        { "wild.test", 8, "wild.test." },
        { "x.dot.test", 16, "dot.test." },
    };

    [Theory]
    [MemberData(nameof(Suffixes))]
    public void MatchSuffixes_Name_ReturnsOrOfListedSuffixes(string name, ulong expected, string? longest)
    {
        var wire = DnsName.FromText(name);

        var mask = Table.MatchSuffixes(wire, out var at);

        Assert.Equal(expected, mask);
        Assert.Equal(longest, at < 0 ? null : DnsName.ToText(wire.AsSpan(at)));
    }

    [Theory]
    [InlineData("example.org", true)]
    [InlineData("www.example.org", false)]
    [InlineData("Ads.Example.Org", true)]
    public void TryGetExact_Name_MatchesOnlyItself(string name, bool expected)
        => Assert.Equal(expected, Table.TryGetExact(DnsName.FromText(name), out _));

    [Fact]
    public void MatchSuffixes_EveryByteInALabelBeforeAListedName_StillMatchesInAnyCase()
    {
        // Issue #11: Ascii.ToLowerInPlace stopped folding at a byte ≥ 0x80, so "\255.ADS.EXAMPLE.ORG" escaped the
        // list. Every byte value, as a one-byte label in front of a capitalised listed name, must leave the match.
        var listed = DnsName.FromText("ADS.Example.ORG");
        var wire = new byte[2 + listed.Length];
        wire[0] = 1;
        listed.CopyTo(wire, 2);
        for (var b = 0; b < 256; b++)
        {
            wire[1] = (byte)b;
            Assert.Equal(1UL | 2 | 32, Table.MatchSuffixes(wire, out var at));
            Assert.Equal(2, at);
        }
    }

    [Fact]
    public void MatchSuffixes_Root_ReturnsNothing()
        => Assert.Equal(0UL, Table.MatchSuffixes([0], out _));

    [Fact]
    public void Build_Duplicates_AreMergedAndCountedOnce()
    {
        Assert.Equal(5, Table.Count);
        Assert.Contains(("example.org", 33UL), Table.Entries());
    }

    [Fact]
    public void Build_GeneratedNames_EveryNameMatchesAndNeighboursDoNot()
    {
        const int count = 200_000;
        var builder = new DomainTableBuilder(1000); // grows many times on the way
        for (var i = 0; i < count; i++)
        {
            Assert.True(builder.Add(GeneratedName(i), (ulong)(1 << (i % 7))));
        }

        var table = builder.Build();

        Assert.Equal(count, table.Count);
        for (var i = 0; i < count; i += 7)
        {
            Assert.Equal((ulong)(1 << (i % 7)), table.MatchSuffixes(DnsName.FromText("www." + GeneratedName(i)), out _));
            Assert.Equal(0UL, table.MatchSuffixes(DnsName.FromText(GeneratedName(i) + "x.invalid"), out _));
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

    internal static string GeneratedName(int i) => FormattableString.Invariant($"n{i:x}-{(i * 2654435761u) % 100000}.gen{i % 97}.example");

    private static DomainTable Build(params (string Name, ulong Value)[] names)
    {
        var builder = new DomainTableBuilder(4);
        foreach (var (name, value) in names)
        {
            Assert.True(builder.Add(name, value), name);
        }

        return builder.Build();
    }
}

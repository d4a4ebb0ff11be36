using ClassroomGuard.Dns.Protocol;

namespace ClassroomGuard.Dns.Tests.Protocol;

/// <summary>
/// RFC 4343 name comparison over every byte value: only 'A'–'Z' fold (to 'a'–'z'); every other byte, including
/// 0x80–0xFF, '.', '\' and controls inside a label, compares exactly (issue #11).
/// </summary>
public sealed class DnsNameTests
{
    public static TheoryData<int> AllBytes()
    {
        var data = new TheoryData<int>();
        for (var b = 0; b < 256; b++)
        {
            data.Add(b);
        }

        return data;
    }

    // The rule written out independently of the code under test: which bytes are ASCII capitals.
    private static int Expected(int b) => b is >= 0x41 and <= 0x5A ? b + 0x20 : b;

    [Theory]
    [MemberData(nameof(AllBytes))]
    public void FoldCase_EveryByte_FoldsOnlyAsciiCapitals(int b)
        => Assert.Equal(Expected(b), DnsName.FoldCase((byte)b));

    [Fact]
    public void EqualsIgnoreCase_EveryPairOfBytesInALabel_EqualIffAsciiFoldedBytesAreEqual()
    {
        // 65,536 pairs, each as the middle byte of a label "x?y" of the same name: the whole-name comparison must
        // agree with the byte rule, whatever the other bytes (a byte ≥ 0x80 must not end the folding).
        Span<byte> a = [3, (byte)'X', 0, (byte)'Y', 2, (byte)'T', (byte)'e', 0];
        Span<byte> b = [3, (byte)'x', 0, (byte)'y', 2, (byte)'t', (byte)'E', 0];
        for (var x = 0; x < 256; x++)
        {
            for (var y = 0; y < 256; y++)
            {
                a[2] = (byte)x;
                b[2] = (byte)y;
                var expected = Expected(x) == Expected(y);
                Assert.True(expected == DnsName.EqualsIgnoreCase(a, b), $"0x{x:X2} vs 0x{y:X2}");
                Assert.True(expected == DnsName.EqualsIgnoreCase(b, a), $"0x{y:X2} vs 0x{x:X2}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(AllBytes))]
    public void EqualsIgnoreCase_NameWithByte_EqualsItselfAndItsAsciiCaseVariants(int b)
    {
        // \bbb + "Flood" . "Test": the byte first, so a comparison that stops at it would miss the capitals after it.
        byte[] name = [6, (byte)b, (byte)'F', (byte)'l', (byte)'o', (byte)'o', (byte)'d', 4, (byte)'T', (byte)'e', (byte)'s', (byte)'t', 0];
        var lower = (byte[])name.Clone();
        DnsName.ToLowerInPlace(lower);
        var upper = (byte[])name.Clone();
        for (var i = 0; i < upper.Length; i++)
        {
            upper[i] = upper[i] is >= (byte)'a' and <= (byte)'z' ? (byte)(upper[i] - 0x20) : upper[i];
        }

        Assert.True(DnsName.EqualsIgnoreCase(name, name));
        Assert.True(DnsName.EqualsIgnoreCase(name, lower));
        Assert.True(DnsName.EqualsIgnoreCase(upper, lower));
        Assert.Equal([6, (byte)Expected(b), .. "flood"u8, 4, .. "test"u8, 0], lower);
    }

    [Fact]
    public void EqualsIgnoreCase_Corpus_MatchesTheRule()
    {
        (byte[] A, byte[] B, bool Equal)[] corpus =
        [
            ([3, .. "Www"u8, 0], [3, .. "wWW"u8, 0], true),
            ([1, 0xC3, 0], [1, 0xE3, 0], false),          // Ã vs ã in Latin-1: not ASCII, exact
            ([2, 0xC3, 0x84, 0], [2, 0xC3, 0xA4, 0], false), // UTF-8 Ä vs ä: exact
            ([1, (byte)'@', 0], [1, (byte)'`', 0], false), // 0x40/0x60 differ by 0x20 but are not letters
            ([1, (byte)'[', 0], [1, (byte)'{', 0], false), // 0x5B/0x7B likewise
            ([1, (byte)'.', 0], [1, 0x0E, 0], false),      // '.' inside a label is a byte like any other
            ([3, (byte)'a', (byte)'.', (byte)'b', 0], [1, (byte)'a', 1, (byte)'b', 0], false), // "a\.b" is one label
            ([1, (byte)'\\', 0], [1, (byte)'|', 0], false),
            ([1, 0xFF, 0], [1, 0xDF, 0], false),           // ÿ/ß: 0x20 apart, not ASCII
            ([1, (byte)'A', 0], [1, (byte)'a', 1, (byte)'a', 0], false),
        ];
        foreach (var (a, b, equal) in corpus)
        {
            Assert.Equal(equal, DnsName.EqualsIgnoreCase(a, b));
        }
    }

    [Fact]
    public void ToLowerInPlace_HighByteBeforeCapitals_FoldsTheCapitalsAfterIt()
    {
        // Ascii.ToLowerInPlace stops at the first byte ≥ 0x80; ours must not.
        byte[] name = [4, 0xFF, (byte)'A', (byte)'B', (byte)'C', 3, (byte)'C', (byte)'O', (byte)'M', 0];
        DnsName.ToLowerInPlace(name);
        Assert.Equal([4, 0xFF, .. "abc"u8, 3, .. "com"u8, 0], name);
    }
}

using System.Text;
using ClassroomGuard.Dns.Protocol;
using ClassroomGuard.Dns.Tests.Support;

namespace ClassroomGuard.Dns.Tests.Protocol;

/// <summary>
/// What the sniffer reads with the shared codec besides what the filter needs: dotted names in the reader's own buffer,
/// the mDNS class top bit, and addresses from A/AAAA answers. Hostile wire input (loops, forward pointers, long names)
/// is refused by <see cref="DnsName.TryRead"/> before any of these run (DnsMessageReaderTests).
/// </summary>
public sealed class DnsPassiveReadingTests
{
    [Theory]
    [InlineData("www.Example.org")]
    [InlineData("a")]
    [InlineData("xn--bcher-kva.example")]
    [InlineData("_dns.resolver.arpa")]
    public void TryDotInPlace_WireName_GivesDottedTextWithCaseKept(string text)
    {
        var buffer = new byte[255];
        Assert.True(DnsName.TryFromText(text, buffer, out var length));
        Assert.True(DnsDottedName.TryDotInPlace(buffer.AsSpan(0, length), out var dotted));
        Assert.Equal(text, Encoding.ASCII.GetString(dotted));
    }

    [Fact]
    public void TryDotInPlace_Root_IsEmpty()
    {
        Assert.True(DnsDottedName.TryDotInPlace(new byte[] { 0 }, out var dotted));
        Assert.True(dotted.IsEmpty);
    }

    [Fact]
    public void TryDotInPlace_LongestName_Is253()
    {
        // 4×(1+62) + 1+1 + root = 255 bytes on the wire.
        var text = string.Join('.', Enumerable.Repeat(new string('c', 62), 4)) + ".d";
        var buffer = new byte[255];
        Assert.True(DnsName.TryFromText(text, buffer, out var length));
        Assert.Equal(255, length);
        Assert.True(DnsDottedName.TryDotInPlace(buffer.AsSpan(0, length), out var dotted));
        Assert.Equal(DnsDottedName.MaxLength, dotted.Length);
        Assert.Equal(text, Encoding.ASCII.GetString(dotted));
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 3, (byte)'a', (byte)'b' })] // no root: label runs off the end
    [InlineData(new byte[] { 3, (byte)'a', (byte)'b', (byte)'c' })] // label ends at the end, no root byte
    [InlineData(new byte[] { 64, 0 })] // a label length no reader accepts
    [InlineData(new byte[] { 0xC0, 12 })] // a pointer: not an expanded name
    [InlineData(new byte[] { 1, (byte)'a', 0, 0 })] // bytes after the root
    public void TryDotInPlace_NotExactlyOneWireName_False(byte[] name) => Assert.False(DnsDottedName.TryDotInPlace(name, out _));

    [Fact]
    public void TryDotInPlace_EveryNameOfEveryCorpusMessage_MatchesThePresentationForm()
    {
        var checkedNames = 0;
        foreach (var (label, message) in DnsCorpus.Valid())
        {
            var reader = new DnsMessageReader(message);
            Assert.True(reader.TryReadHeader(out var header));
            var buffer = new byte[255];
            for (var i = 0; i < header.QuestionCount + header.AnswerCount + header.AuthorityCount + header.AdditionalCount; i++)
            {
                ReadOnlySpan<byte> wire;
                if (i < header.QuestionCount)
                {
                    Assert.True(reader.TryReadQuestion(buffer, out var question), label);
                    wire = question.Name;
                }
                else
                {
                    Assert.True(reader.TryReadRecord(buffer, out var record), label);
                    wire = record.Name;
                }

                var expected = DnsName.ToText(wire).TrimEnd('.');
                Assert.True(DnsDottedName.TryDotInPlace(buffer.AsSpan(0, wire.Length), out var dotted), label);
                Assert.Equal(expected, Encoding.ASCII.GetString(dotted));
                checkedNames++;
            }
        }

        Assert.True(checkedNames > 10);
    }

    [Theory]
    [InlineData(0x0001, 1, false)]
    [InlineData(0x8001, 1, true)]
    [InlineData(0x00FF, 255, false)]
    [InlineData(0xFFFF, 0x7FFF, true)]
    public void Multicast_ClassTopBit(int raw, int @class, bool topBit)
    {
        Assert.Equal(@class, DnsMulticast.ClassOf((ushort)raw));
        Assert.Equal(topBit, DnsMulticast.WantsUnicastResponse((ushort)raw));
        Assert.Equal(topBit, DnsMulticast.IsCacheFlush((ushort)raw));
    }

    [Fact]
    public void AddressOf_ReadsAAndAaaaOfClassIn_Only()
    {
        var message = DnsCorpus.AllTypesResponse();
        var reader = new DnsMessageReader(message);
        Assert.True(reader.TryReadHeader(out var header));
        Assert.True(reader.TryReadQuestion(new byte[255], out _));
        var addresses = new List<string>();
        for (var i = 0; i < header.AnswerCount + header.AuthorityCount + header.AdditionalCount; i++)
        {
            Assert.True(reader.TryReadRecord(default, out var record));
            var address = DnsRData.AddressOf(record);
            if (!address.IsEmpty)
            {
                addresses.Add(new System.Net.IPAddress(address).ToString());
            }
        }

        Assert.Equal(["192.0.2.10", "2001:db8::10"], addresses);
    }

    [Theory]
    [InlineData(1, 0x8001, 4, true)] // mDNS cache-flush A
    [InlineData(1, 3, 4, false)] // CHAOS "A"
    [InlineData(28, 1, 16, true)]
    [InlineData(28, 1, 4, false)] // AAAA with four bytes (only reachable by hand: the reader refuses it)
    [InlineData(5, 1, 4, false)]
    public void AddressOf_ByTypeClassAndLength(int type, int @class, int length, bool hasAddress)
    {
        var record = new DnsRecord(default, (ushort)type, (ushort)@class, 60, 0, 0, new byte[length]);
        Assert.Equal(hasAddress ? length : 0, DnsRData.AddressOf(record).Length);
    }

    [Theory]
    [InlineData(5, 0)] // QDCOUNT 5, one question present
    [InlineData(1, 9)] // ANCOUNT 9, none present
    public void Reader_CountsBeyondTheMessage_RefuseTheMissingEntries(int questions, int answers)
    {
        byte[] message = [.. DnsMessageReaderTests.Header((ushort)questions, (ushort)answers), 1, (byte)'a', 0, 0, 1, 0, 1];
        Assert.False(DnsText.ReadAll(message));
    }
}

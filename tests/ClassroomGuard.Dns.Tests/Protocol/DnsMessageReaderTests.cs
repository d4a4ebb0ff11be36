using System.Buffers.Binary;
using ClassroomGuard.Dns.Protocol;
using ClassroomGuard.Dns.Tests.Support;

namespace ClassroomGuard.Dns.Tests.Protocol;

public sealed class DnsMessageReaderTests
{
    public static TheoryData<string> Valid => DnsCorpus.ValidNames();

    [Theory]
    [MemberData(nameof(Valid))]
    public void ReadAll_ValidMessage_ReadsEverySectionToTheEnd(string name)
    {
        var message = DnsCorpus.Get(name);
        Assert.True(DnsText.ReadAll(message), name);
    }

    [Theory]
    [MemberData(nameof(Valid))]
    public void ReadAll_EveryTruncatedPrefix_ReturnsFalseWithoutThrowing(string name)
    {
        var message = DnsCorpus.Get(name);
        for (var length = 0; length < message.Length; length++)
        {
            Assert.False(DnsText.ReadAll(message.AsSpan(0, length)), $"{name} prefix {length}");
        }
    }

    [Fact]
    public void Dump_AllTypes_DecodesEveryTypedRecord()
    {
        var text = DnsText.Dump(DnsCorpus.AllTypesResponse());
        Assert.Contains("AN www.example.org. 300 1 CNAME web.example.org.", text);
        Assert.Contains("AN web.example.org. 300 1 A 192.0.2.10", text);
        Assert.Contains("AN web.example.org. 300 1 AAAA 2001:db8::10", text);
        Assert.Contains("AN example.org. 3600 1 MX 10 mail.example.org.", text);
        Assert.Contains("AN example.org. 60 1 TXT 0B763D73706631202D616C6C", text);
        Assert.Contains("PTR www.example.org.", text);
        Assert.Contains("AN example.org. 60 1 HTTPS 000100", text);
        Assert.Contains("NS example.org. 86400 1 NS ns1.example.org.", text); // compressed against example.org: case of a shared suffix is not kept
        Assert.Contains("AR . 32768 1232 OPT 000F", text);
    }

    [Fact]
    public void TryReadQuestion_PointerLoop_ReturnsFalse()
    {
        // Question name is a pointer to itself (offset 12).
        byte[] message = [0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 12, 0, 1, 0, 1];
        Assert.False(ReadQuestion(message));
    }

    [Fact]
    public void TryReadRecord_TwoPointersPointingAtEachOther_ReturnsFalse()
    {
        // Answer name at 22 points to 24, which points back to 22: forward pointer and loop.
        var message = Header(qd: 0, an: 1).Concat(new byte[] { 0xC0, 24, 0xC0, 22 }).Concat(new byte[10]).ToArray();
        var reader = new DnsMessageReader(message);
        Assert.True(reader.TryReadHeader(out _));
        Assert.False(reader.TryReadRecord(new byte[255], out _));
    }

    [Fact]
    public void TryReadQuestion_ForwardPointer_ReturnsFalse()
    {
        // Pointer to offset 20 (after itself), where a valid name "a." sits.
        byte[] message = [0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 20, 0, 1, 0, 1, 0, 0, 1, (byte)'a', 0];
        Assert.False(ReadQuestion(message));
    }

    [Fact]
    public void TryReadRecord_BackwardPointerChain_FollowsIt()
    {
        // Answer owner points back to the question name: the ordinary compression case.
        var message = Convert.FromHexString(DnsCorpus.UnboundAnswerHex);
        Assert.True(DnsText.ReadAll(message));
    }

    [Fact]
    public void TryReadRecord_PointerChainLongerThanLimit_ReturnsFalse()
    {
        // Offset 12 holds the root; pointer i (at 13+2i) points to the previous pointer (or the root).
        var body = new List<byte> { 0 };
        for (var i = 0; i < 20; i++)
        {
            body.AddRange([0xC0, (byte)(i == 0 ? 12 : 13 + ((i - 1) * 2))]);
        }

        var message = Header(qd: 0, an: 0).Concat(body).ToArray();
        var last = message.Length - 2;
        Assert.True(DnsName.TryRead(message, 13, new byte[255], 16, out _, out _), "one hop is fine");
        Assert.False(DnsName.TryRead(message, last, new byte[255], 16, out _, out _), "20 hops exceed 16");
        Assert.True(DnsName.TryRead(message, last, new byte[255], 32, out _, out _), "a higher limit allows it");
    }

    [Fact]
    public void TryReadQuestion_LabelLongerThan63_ReturnsFalse()
    {
        var name = new byte[] { 64 }.Concat(Enumerable.Repeat((byte)'a', 64)).Concat(new byte[] { 0 });
        var message = Header(qd: 1).Concat(name).Concat(new byte[] { 0, 1, 0, 1 }).ToArray();
        Assert.False(ReadQuestion(message));
    }

    [Fact]
    public void TryReadQuestion_NameLongerThan255_ReturnsFalse()
    {
        // 5 labels of 50 bytes = 255 bytes plus the root byte = 256.
        var name = Enumerable.Range(0, 5).SelectMany(_ => new byte[] { 50 }.Concat(Enumerable.Repeat((byte)'b', 50))).Concat(new byte[] { 0 });
        var message = Header(qd: 1).Concat(name).Concat(new byte[] { 0, 1, 0, 1 }).ToArray();
        Assert.False(ReadQuestion(message));
    }

    [Fact]
    public void TryReadQuestion_NameOfExactly255_Succeeds()
    {
        // 4×(1+62) + 1+1 + root = 255.
        var name = Enumerable.Range(0, 4).SelectMany(_ => new byte[] { 62 }.Concat(Enumerable.Repeat((byte)'c', 62)))
            .Concat(new byte[] { 1, (byte)'d', 0 }).ToArray();
        Assert.Equal(255, name.Length);
        var message = Header(qd: 1).Concat(name).Concat(new byte[] { 0, 1, 0, 1 }).ToArray();
        Assert.True(ReadQuestion(message));
    }

    [Fact]
    public void TryReadQuestion_NameOver255ThroughPointers_ReturnsFalse()
    {
        // A 200-byte name, then a name with 60 bytes of labels pointing to it: 260 expanded.
        var first = Enumerable.Range(0, 4).SelectMany(_ => new byte[] { 49 }.Concat(Enumerable.Repeat((byte)'e', 49))).Concat(new byte[] { 0 }).ToArray();
        var second = new byte[] { 59 }.Concat(Enumerable.Repeat((byte)'f', 59)).Concat(new byte[] { 0xC0, 12 });
        var message = Header(qd: 2).Concat(first).Concat(new byte[] { 0, 1, 0, 1 }).Concat(second).Concat(new byte[] { 0, 1, 0, 1 }).ToArray();
        var reader = new DnsMessageReader(message);
        Assert.True(reader.TryReadHeader(out _));
        Assert.True(reader.TryReadQuestion(new byte[255], out _));
        Assert.False(reader.TryReadQuestion(new byte[255], out _));
    }

    [Theory]
    [InlineData(0x40)]
    [InlineData(0x80)]
    public void TryReadQuestion_ReservedLabelType_ReturnsFalse(byte labelType)
    {
        byte[] message = [.. Header(qd: 1), labelType, 0, 0, 1, 0, 1];
        Assert.False(ReadQuestion(message));
    }

    [Fact]
    public void TryReadRecord_RDataLengthBeyondMessage_ReturnsFalse()
    {
        var message = Convert.FromHexString(DnsCorpus.UnboundAnswerHex);
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(message.Length - 6), 5);
        Assert.False(DnsText.ReadAll(message));
    }

    [Fact]
    public void TryReadRecord_ARecordWithWrongLength_ReturnsFalse()
    {
        var message = Convert.FromHexString(DnsCorpus.UnboundAnswerHex + "00");
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(message.Length - 7), 5);
        Assert.False(DnsText.ReadAll(message));
    }

    [Fact]
    public void Mutation_SeededRandomChangesToRealMessages_NeverThrow()
    {
        var random = new Random(20261122);
        var nameBuffer = new byte[255];
        var parsed = 0;
        foreach (var (_, original) in DnsCorpus.Valid())
        {
            for (var round = 0; round < 4000; round++)
            {
                var message = (byte[])original.Clone();
                var edits = 1 + random.Next(4);
                for (var e = 0; e < edits; e++)
                {
                    message[random.Next(message.Length)] = (byte)random.Next(256);
                }

                var length = random.Next(4) == 0 ? random.Next(message.Length + 1) : message.Length;
                if (DnsText.ReadAll(message.AsSpan(0, length)))
                {
                    parsed++;
                }

                _ = DnsQuery.Parse(message.AsSpan(0, length), nameBuffer);
                var copy = message.AsSpan(0, length).ToArray();
                _ = DnsQuery.Truncate(copy, copy.Length, 20);
            }
        }

        // Some mutations (in TTLs, IDs, addresses) keep the message valid: the reader must still accept those.
        Assert.InRange(parsed, 1, 5 * 4000 - 1);
    }

    internal static byte[] Header(ushort qd = 1, ushort an = 0) =>
        [0, 1, 1, 0, (byte)(qd >> 8), (byte)qd, (byte)(an >> 8), (byte)an, 0, 0, 0, 0];

    private static bool ReadQuestion(ReadOnlySpan<byte> message)
    {
        var reader = new DnsMessageReader(message);
        return reader.TryReadHeader(out _) && reader.TryReadQuestion(new byte[255], out _);
    }
}

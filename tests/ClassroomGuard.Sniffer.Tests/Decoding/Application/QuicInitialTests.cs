using ClassroomGuard.Sniffer.Capture;
using ClassroomGuard.Sniffer.Decoding;
using ClassroomGuard.Sniffer.Decoding.Application;
using ClassroomGuard.Sniffer.Tests.Support;

namespace ClassroomGuard.Sniffer.Tests.Decoding.Application;

public sealed class QuicInitialTests
{
    private static byte[] Datagram(byte[] quic, ushort port = 443) => Packets.EthernetIPv4Udp(51000, port, quic);

    private static RecordingSink Decode(params byte[][] frames)
    {
        var sink = new RecordingSink();
        using var decoder = new PacketDecoder(sink);
        foreach (var frame in frames)
        {
            decoder.Decode(LinkType.Ethernet, 1_000_000, frame.Length, frame);
        }

        return sink;
    }

    [Fact]
    public void TryReadInitial_Rfc9001Vector_ReadsHeader()
    {
        Assert.True(QuicLongHeader.TryReadInitial(QuicVectors.ClientInitialV1, out var header));
        Assert.Equal(QuicLongHeader.Version1, header.Version);
        Assert.Equal(QuicVectors.ConnectionId, header.DestinationConnectionId.ToArray());
        Assert.True(header.SourceConnectionId.IsEmpty);
        Assert.Equal(18, header.PacketNumberOffset);
        Assert.Equal(1200, header.PacketLength);
    }

    [Fact]
    public void Protect_Rfc9001AndRfc9369Payload_ReproducesVectorsByteForByte()
    {
        // The test-side encoder rebuilds both RFC packets exactly: the split-packet tests below can trust it.
        var frames = new byte[1162];
        QuicVectors.CryptoFrame.CopyTo(frames, 0);
        Assert.Equal(QuicVectors.ClientInitialV1, QuicInitialProtector.Protect(QuicInitialProtector.Version1, QuicVectors.ConnectionId, [], 2, frames));
        Assert.Equal(QuicVectors.ClientInitialV2, QuicInitialProtector.Protect(QuicInitialProtector.Version2, QuicVectors.ConnectionId, [], 2, frames));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Decode_RfcClientInitial_SniAndAlpnFromDecryptedClientHello(int version)
    {
        var sink = Decode(Datagram(version == 1 ? QuicVectors.ClientInitialV1 : QuicVectors.ClientInitialV2));
        Assert.Equal(("10.213.0.7", "example.com", "alpn", HelloTransport.Quic), Assert.Single(sink.ClientHellos));
        Assert.Empty(sink.Malformed);
    }

    [Fact]
    public void Decode_ClientHelloSplitAcrossThreeInitialsWithScrambledFrames_Reassembled()
    {
        // Like Chrome: a ~2.3 KB ClientHello in CRYPTO frames spread over three Initials, out of order, with PING and PADDING.
        var hello = Packets.ClientHelloMessage("quic-split.example.org", ["h3"], padding: 2000);
        var id = Convert.FromHexString("0102030405060708");
        byte[] First() => [.. QuicInitialProtector.CryptoFrame(900, hello.AsSpan(900, 200)), 0x01, 0x00, 0x00, .. QuicInitialProtector.CryptoFrame(0, hello.AsSpan(0, 900))];
        byte[] Second() => [.. QuicInitialProtector.CryptoFrame(1900, hello.AsSpan(1900)), 0x01];
        byte[] Third() => [0x00, .. QuicInitialProtector.CryptoFrame(1100, hello.AsSpan(1100, 800))];
        var packets = new[]
        {
            Datagram(QuicInitialProtector.Protect(1, id, [9, 9], 0, First())),
            Datagram(QuicInitialProtector.Protect(1, id, [9, 9], 1, Second())),
            Datagram(QuicInitialProtector.Protect(1, id, [9, 9], 2, Third())),
        };

        var sink = new RecordingSink();
        using var decoder = new PacketDecoder(sink);
        for (var i = 0; i < packets.Length; i++)
        {
            Assert.Empty(sink.ClientHellos);
            decoder.Decode(LinkType.Ethernet, 1_000_000 + i, packets[i].Length, packets[i]);
        }

        Assert.Equal(("10.213.0.7", "quic-split.example.org", "h3", HelloTransport.Quic), Assert.Single(sink.ClientHellos));
        Assert.Equal(3, decoder.Statistics.QuicInitials);
        Assert.Equal(0, decoder.PendingReassemblies);
    }

    [Fact]
    public void Decode_TamperedCiphertext_MalformedNotReported()
    {
        var tampered = (byte[])QuicVectors.ClientInitialV1.Clone();
        tampered[600] ^= 1;
        var sink = Decode(Datagram(tampered));
        Assert.Empty(sink.ClientHellos);
        Assert.Equal([PacketLayer.Quic], sink.Malformed);
    }

    [Fact]
    public void Decode_WrongPortOrShortDatagram_NotTried()
    {
        Assert.Empty(Decode(Datagram(QuicVectors.ClientInitialV1, port: 8443)).ClientHellos);
        Assert.Empty(Decode(Datagram(QuicVectors.ClientInitialV1[..1199])).Malformed);
    }

    [Fact]
    public void Decode_FloodOfFakeInitials_FailuresBoundedPerSecond()
    {
        var sink = new RecordingSink();
        using var decoder = new PacketDecoder(sink, new DecoderOptions { MaxQuicDecryptFailuresPerSecond = 10 });
        var fake = (byte[])QuicVectors.ClientInitialV1.Clone();
        fake[700] ^= 0xFF;
        var frame = Datagram(fake);
        for (var i = 0; i < 100; i++)
        {
            decoder.Decode(LinkType.Ethernet, 5_000_000 + i, frame.Length, frame);
        }

        Assert.Equal(90, decoder.Statistics.QuicSkipped);
        Assert.Equal(10, sink.Malformed.Count);

        // A second later the budget is back.
        decoder.Decode(LinkType.Ethernet, 6_100_000, frame.Length, frame);
        Assert.Equal(11, sink.Malformed.Count);
    }

    [Fact]
    public void Decode_EveryTruncatedPrefixAndMutations_NeverThrow()
    {
        using var decoder = new PacketDecoder(new RecordingSink(), new DecoderOptions { MaxQuicDecryptFailuresPerSecond = 1_000_000 });
        var frame = Datagram(QuicVectors.ClientInitialV2);
        for (var length = 0; length < frame.Length; length += 7)
        {
            decoder.Decode(LinkType.Ethernet, length, frame.Length, frame.AsSpan(0, length));
        }

        // Mutations in the unprotected header (where lengths live) and a few in the payload.
        var random = new Random(9369);
        for (var i = 0; i < 400; i++)
        {
            var mutated = (byte[])frame.Clone();
            mutated[42 + random.Next(i % 4 == 0 ? mutated.Length - 42 : 30)] = (byte)random.Next(256);
            decoder.Decode(LinkType.Ethernet, i, mutated.Length, mutated);
        }
    }

    [Fact]
    public void TryRead_Varint_AllLengths()
    {
        byte[] data = [0x25, 0x7b, 0xbd, 0x9d, 0x7f, 0x3e, 0x7d, 0xc2, 0x19, 0x7c, 0x5e, 0xff, 0x14, 0xe8, 0x8c];
        var offset = 0;
        Assert.True(QuicVarint.TryRead(data, ref offset, out var one));
        Assert.Equal(37UL, one);
        Assert.True(QuicVarint.TryRead(data, ref offset, out var two));
        Assert.Equal(15293UL, two);
        Assert.True(QuicVarint.TryRead(data, ref offset, out var four));
        Assert.Equal(494878333UL, four);
        Assert.True(QuicVarint.TryRead(data, ref offset, out var eight));
        Assert.Equal(151288809941952652UL, eight);
        Assert.False(QuicVarint.TryRead(data, ref offset, out _));
    }
}

using ClassroomGuard.Sniffer.Capture;
using ClassroomGuard.Sniffer.Decoding;
using ClassroomGuard.Sniffer.Tests.Support;

namespace ClassroomGuard.Sniffer.Tests.Decoding;

public sealed class PacketDecoderTests
{
    /// <summary>One full frame of every kind the decoder understands: the corpus for prefix and mutation tests.</summary>
    public static IEnumerable<byte[]> Frames()
    {
        yield return Packets.EthernetIPv4Tcp(51000, 443, Packets.ClientHelloRecord("classroom.example.org", ["h2", "http/1.1"]));
        yield return Packets.EthernetIPv4Udp(51000, 53, Packets.DnsQuery("www.example.org"));
        yield return Packets.EthernetIPv4Udp(53, 51000, Packets.DnsResponse("www.example.org", "edge.cdn.test", [192, 0, 2, 9]));
        yield return Packets.EthernetIPv4Udp(5353, 5353, Packets.DnsQuery("printer.local", 12));
        yield return Packets.EthernetIPv4Udp(68, 67, Packets.Dhcp(3, "pupil-laptop-07"));
        yield return Packets.EthernetIPv4Udp(137, 137, Packets.NetBiosRegistration("PUPIL-PC-07"));
        yield return Packets.EthernetIPv4Tcp(51001, 80, Packets.HttpGet("neverssl.example"));
        yield return Packets.EthernetIPv4Tcp(51002, 53, [0, 33, .. Packets.DnsQuery("tcp.example.org")]);
        yield return Packets.Ethernet(0x0806, Packets.Arp());
        yield return Packets.Ethernet(0x86DD, Packets.IPv6(17, Packets.Udp(51000, 53, Packets.DnsQuery("v6.example.org")), (0, Packets.OptionsHeaderBody())), 10, 20);
        yield return Packets.Ethernet(0x0800, Packets.IPv4(1, [8, 0, 0, 0, 0, 1, 0, 1, 0xAA], [1, 1, 1, 0]));
    }

    [Fact]
    public void Decode_EveryKindOfFrame_ReportsItsFact()
    {
        var sink = new RecordingSink();
        var decoder = new PacketDecoder(sink);
        foreach (var frame in Frames())
        {
            decoder.Decode(LinkType.Ethernet, 0, frame.Length, frame);
        }

        Assert.Equal(("10.213.0.7", "classroom.example.org", "h2,http/1.1", HelloTransport.Tcp), Assert.Single(sink.ClientHellos));
        Assert.Contains(("10.213.0.7", "www.example.org", false, DnsProtocol.Udp), sink.Dns);
        Assert.Contains(("10.213.0.7", "www.example.org", true, DnsProtocol.Udp), sink.Dns);
        Assert.Contains(("10.213.0.7", "printer.local", false, DnsProtocol.Multicast), sink.Dns);
        Assert.Contains(("10.213.0.7", "tcp.example.org", false, DnsProtocol.Tcp), sink.Dns);
        Assert.Contains(("fd00::7", "v6.example.org", false, DnsProtocol.Udp), sink.Dns);
        Assert.Contains("edge.cdn.test 1 192.0.2.9", sink.DnsAnswers);
        Assert.Equal(("02:00:00:00:00:07", "pupil-laptop-07", (byte)3, "MSFT 5.0", "0.0.0.0"), Assert.Single(sink.Dhcp));
        Assert.Equal(("PUPIL-PC-07", (byte)0, 5), Assert.Single(sink.NetBios));
        Assert.Equal(("10.213.0.7", "GET", "neverssl.example"), Assert.Single(sink.Http));
        Assert.Equal(("10.213.0.7", "02:00:00:00:00:07", 1), Assert.Single(sink.Arp));
        Assert.Empty(sink.Malformed);
        Assert.Equal(0, decoder.Statistics.Malformed);
        Assert.Equal(Frames().Count(), decoder.Statistics.Packets);
    }

    [Fact]
    public void Decode_EveryTruncatedPrefixOfEveryFrame_NeverThrows()
    {
        var decoder = new PacketDecoder(new RecordingSink());
        foreach (var frame in Frames())
        {
            for (var length = 0; length <= frame.Length; length++)
            {
                decoder.Decode(LinkType.Ethernet, 0, frame.Length, frame.AsSpan(0, length));
                decoder.Decode(LinkType.LinuxSll, 0, frame.Length, frame.AsSpan(0, length));
                decoder.Decode(LinkType.LinuxSll2, 0, frame.Length, frame.AsSpan(0, length));
                decoder.Decode(LinkType.Raw, 0, frame.Length, frame.AsSpan(Math.Min(14, length), length - Math.Min(14, length)));
            }
        }

        Assert.True(decoder.Statistics.Malformed > 0);
        Assert.True(decoder.Statistics.Truncated > 0);
    }

    [Fact]
    public void Decode_SeededMutations_NeverThrow()
    {
        var random = new Random(20261122);
        var decoder = new PacketDecoder(new RecordingSink(), new DecoderOptions { MaxReassemblyFlows = 8 });
        foreach (var frame in Frames())
        {
            for (var round = 0; round < 3000; round++)
            {
                var mutated = (byte[])frame.Clone();
                var flips = random.Next(1, 6);
                for (var i = 0; i < flips; i++)
                {
                    mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
                }

                var length = random.Next(4) == 0 ? random.Next(mutated.Length + 1) : mutated.Length;
                decoder.Decode(LinkType.Ethernet, round, mutated.Length, mutated.AsSpan(0, length));
            }
        }

        Assert.Equal(3000 * Frames().Count(), decoder.Statistics.Packets);
    }

    [Fact]
    public void Decode_MalformedLayers_CountedAndReported()
    {
        var sink = new RecordingSink();
        var decoder = new PacketDecoder(sink);
        var badDns = Packets.EthernetIPv4Udp(51000, 53, [.. Packets.DnsQuery("x.example")[..14]]);
        var badTcp = Packets.Ethernet(0x0800, Packets.IPv4(6, [1, 2, 3]));
        var badIp = Packets.Ethernet(0x0800, [0x46, 0, 0, 20, 0, 0, 0, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2]);
        byte[] runt = [1, 2, 3];
        foreach (var frame in new[] { badDns, badTcp, badIp, runt })
        {
            decoder.Decode(LinkType.Ethernet, 0, frame.Length, frame);
        }

        Assert.Equal([PacketLayer.Dns, PacketLayer.Transport, PacketLayer.Network, PacketLayer.Link], sink.Malformed);
        Assert.Equal(4, decoder.Statistics.Malformed);
    }

    [Fact]
    public void Decode_ClientHelloSplitAcrossSegments_Reassembled()
    {
        var sink = new RecordingSink();
        var decoder = new PacketDecoder(sink);
        var record = Packets.ClientHelloRecord("split.example.org", ["h2"], padding: 3000);
        uint sequence = 0xFFFF_FF00; // wraps inside the record
        var chunks = new[] { record[..1000], record[1000..2500], record[2500..] };
        foreach (var chunk in chunks)
        {
            var frame = Packets.EthernetIPv4Tcp(51000, 443, chunk, sequence);
            decoder.Decode(LinkType.Ethernet, 1, frame.Length, frame);
            sequence = unchecked(sequence + (uint)chunk.Length);
        }

        Assert.Equal(("10.213.0.7", "split.example.org", "h2", HelloTransport.TcpReassembled), Assert.Single(sink.ClientHellos));
        Assert.Equal(0, decoder.PendingReassemblies);
        Assert.Equal(1, decoder.Statistics.TlsReassembled);
    }

    [Fact]
    public void Decode_SplitClientHelloWithRetransmittedOverlap_Reassembled()
    {
        var sink = new RecordingSink();
        var decoder = new PacketDecoder(sink);
        var record = Packets.ClientHelloRecord("overlap.example.org", padding: 2000);
        Feed(decoder, record[..800], 5000);
        Feed(decoder, record[..800], 5000);            // retransmission of the first segment
        Feed(decoder, record[600..1500], 5600);        // overlaps 200 bytes already held
        Feed(decoder, record[1500..], 6500);
        Assert.Equal("overlap.example.org", Assert.Single(sink.ClientHellos).ServerName);
    }

    [Fact]
    public void Decode_SplitClientHelloWithGap_Abandoned()
    {
        var sink = new RecordingSink();
        var decoder = new PacketDecoder(sink);
        var record = Packets.ClientHelloRecord("gap.example.org", padding: 2000);
        Feed(decoder, record[..800], 5000);
        Feed(decoder, record[900..], 5900);
        Assert.Empty(sink.ClientHellos);
        Assert.Equal(1, decoder.Statistics.TlsReassemblyAbandoned);
        Assert.Equal(0, decoder.PendingReassemblies);
    }

    [Fact]
    public void Decode_ManyHalfSentClientHellos_BoundedByMaxFlows()
    {
        var decoder = new PacketDecoder(new RecordingSink(), new DecoderOptions { MaxReassemblyFlows = 4 });
        var record = Packets.ClientHelloRecord("flood.example.org", padding: 2000);
        for (ushort port = 1000; port < 1100; port++)
        {
            var frame = Packets.EthernetIPv4Tcp(port, 443, record[..500]);
            decoder.Decode(LinkType.Ethernet, port, frame.Length, frame);
        }

        Assert.Equal(4, decoder.PendingReassemblies);
        Assert.Equal(96, decoder.Statistics.TlsReassemblyAbandoned);
    }

    [Fact]
    public void Decode_ClientHelloLongerThanLimit_NotBuffered()
    {
        var decoder = new PacketDecoder(new RecordingSink(), new DecoderOptions { MaxClientHelloLength = 1024 });
        var record = Packets.ClientHelloRecord("big.example.org", padding: 4000);
        Feed(decoder, record[..1400], 1);
        Assert.Equal(0, decoder.PendingReassemblies);
        Assert.Equal(1, decoder.Statistics.TlsReassemblyAbandoned);
    }

    [Fact]
    public void Decode_IPv4LaterFragment_CountedNotDecodedFurther()
    {
        var sink = new RecordingSink { RecordPackets = true };
        var decoder = new PacketDecoder(sink);
        var frame = Packets.Ethernet(0x0800, Packets.IPv4(17, [1, 2, 3, 4, 5, 6, 7, 8, 9], flagsAndOffset: 0x0020));
        decoder.Decode(LinkType.Ethernet, 0, frame.Length, frame);
        Assert.Equal(1, decoder.Statistics.Fragments);
        Assert.Equal("10.213.0.7:0>10.213.0.1:0 p17 len9 fragTrue vlan0", Assert.Single(sink.Packets));
        Assert.Empty(sink.Malformed);
    }

    private static void Feed(PacketDecoder decoder, byte[] chunk, uint sequence)
    {
        var frame = Packets.EthernetIPv4Tcp(51000, 443, chunk, sequence);
        decoder.Decode(LinkType.Ethernet, 1, frame.Length, frame);
    }
}

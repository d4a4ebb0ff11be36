using Xunit.Abstractions;
using ClassroomGuard.Sniffer.Benchmarks;
using ClassroomGuard.Sniffer.Capture;
using ClassroomGuard.Sniffer.Circumvention;
using ClassroomGuard.Sniffer.Tests.Accounting;
using ClassroomGuard.Sniffer.Tests.Circumvention;
using ClassroomGuard.Sniffer.Tests.RealTraffic;
using ClassroomGuard.Sniffer.Tests.Support;

namespace ClassroomGuard.Sniffer.Tests.Oracle;

/// <summary>
/// Differential tests: every packet of the captures and corpora below is decoded by our decoders and by PacketDotNet, and
/// every field both expose must agree (<see cref="PacketDotNetOracle"/>); DNS messages are also checked against tshark.
/// The captures: the lab capture of real traffic (<see cref="LabCaptureFixture"/>, in its own class below), the
/// benchmarks' generated workload (<see cref="TrafficGenerator"/>), the capture files the sniffer-program tests build
/// (<see cref="SiteNamingCaptureTests"/>, <see cref="TimelineAttributionTests"/>, <see cref="QuicTsharkOracleTests"/>),
/// a sample of the hand-built packets of the decoder, accounting and circumvention tests (<see cref="HandBuilt"/>), and a
/// seeded corpus built with PacketDotNet's own constructors (<see cref="GeneratedPackets"/>). Not covered: the live
/// captures made at run time (LiveAccountingTests, the namespace tests other than the lab capture), the capture-format
/// tests' files (the lab capture as pcapng, damaged headers), and hand-built packets other tests build inline.
/// </summary>
public sealed class PacketDotNetOracleTests(ITestOutputHelper output)
{
    [Fact]
    public async Task GeneratedWorkload_EveryPacket_AgreesWithPacketDotNetAndTshark()
    {
        var path = Path.Combine(Path.GetTempPath(), $"cg-oracle-workload-{Guid.NewGuid():N}.pcap");
        try
        {
            TrafficGenerator.Write(path, 30_000);
            using var oracle = new PacketDotNetOracle();
            var number = CompareFile(oracle, path);
            Assert.Equal(30_000, number);
            await oracle.CompareDnsWithTsharkAsync(path);
            Report(output, oracle);
            AssertAgreed(oracle, "tcp", "udp", "dns", "dns by tshark", "arp", "icmp");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task HandBuiltPackets_EveryPacket_AgreesWithPacketDotNetAndTshark()
    {
        using var oracle = await CompareCaptureAsync(HandBuilt().Select((frame, i) => (i * 1000L, frame)));
        Report(output, oracle);
        AssertAgreed(oracle, "tcp", "udp", "dns", "dns by tshark", "dhcp", "arp", "ipv6", "vlan", "icmp", "icmpv6");
    }

    [Fact]
    public async Task GeneratedWithPacketDotNetConstructors_EveryPacket_AgreesWithPacketDotNetAndTshark()
    {
        using var oracle = await CompareCaptureAsync(GeneratedPackets.Sample(seed: 16, count: 3000).Select((frame, i) => (i * 1000L, frame)));
        Report(output, oracle);
        AssertAgreed(oracle, "tcp", "udp", "dns", "dns by tshark", "dhcp", "arp", "ipv4", "ipv6", "vlan", "icmp", "icmpv6");
        Assert.Equal(0, oracle.Statistics.Malformed);
    }

    public static TheoryData<string> BuiltCaptures => ["site naming", "timeline, binding before, own MAC", "timeline, binding before, router MAC", "timeline, binding after", "QUIC initials"];

    [Theory]
    [MemberData(nameof(BuiltCaptures))]
    public async Task BuiltCaptureFile_EveryPacket_AgreesWithPacketDotNetAndTshark(string capture)
    {
        var (frames, layers) = capture switch
        {
            "site naming" => (SiteNamingCaptureTests.Build().Frames, new[] { "tcp", "udp", "icmp", "dns", "dns by tshark" }),
            "timeline, binding before, own MAC" => ([.. TimelineAttributionTests.BindingBefore("02:dd:00:00:00:23")], ["tcp", "udp", "dhcp"]),
            "timeline, binding before, router MAC" => ([.. TimelineAttributionTests.BindingBefore("02:00:00:00:00:fe")], ["tcp", "udp", "dhcp"]),
            "timeline, binding after" => ([.. TimelineAttributionTests.BindingAfter()], ["tcp", "udp", "dhcp"]),
            _ => (QuicTsharkOracleTests.Initials().Select((frame, i) => (i * 1000L, frame)).ToList(), ["udp"]),
        };
        using var oracle = await CompareCaptureAsync(frames);
        Report(output, oracle);
        AssertAgreed(oracle, layers);
        Assert.Equal(frames.Count, oracle.Compared.GetValueOrDefault("packets"));
    }

    [Fact]
    public void TruncatedPackets_OursCountsEveryCutTruncated_NoFieldDisagreesWithPacketDotNet()
    {
        var frames = GeneratedPackets.Sample(seed: 17, count: 200).Concat(HandBuilt()).ToList();
        using var oracle = new PacketDotNetOracle();
        var cuts = 0;
        var number = 0;
        foreach (var frame in frames)
        {
            for (var length = 0; length < frame.Length; length += 1 + (length / 40))
            {
                var malformed = oracle.Statistics.Malformed;
                var truncated = oracle.Statistics.Truncated;
                oracle.Compare(++number, LinkType.Ethernet, frame[..length], frame.Length);

                // Told by the capture that the packet was cut, ours counts it as truncated every time; where the cut falls
                // inside a header it also counts it malformed and drops the rest (checked layer by layer in the decoder
                // tests). PacketDotNet throws on many cut packets (the oracle counts those); where it reads one, every field
                // both expose must still agree.
                Assert.Equal(truncated + 1, oracle.Statistics.Truncated);
                Assert.True(oracle.Statistics.Malformed - malformed <= 1, $"packet {number} counted malformed more than once");
                cuts++;
            }
        }

        Report(output, oracle);
        Assert.True(oracle.Compared.GetValueOrDefault("refused by PacketDotNet") > 0, "PacketDotNet threw on no cut packet");
        Assert.True(oracle.Statistics.Malformed > cuts / 4, $"{oracle.Statistics.Malformed} malformed of {cuts} cuts");
        Assert.True(oracle.Disagreements.Count == 0, string.Join('\n', oracle.Disagreements.Take(40)));
    }

    [Fact]
    public void HeaderCuts_OursCountsMalformed_WherePacketDotNetRefuses()
    {
        // Cut inside the link, network or transport header, with the capture claiming the cut length was all there was
        // on the wire: no snap length to blame, so both must call the packet broken.
        using var oracle = new PacketDotNetOracle();
        var number = 0;
        foreach (var frame in GeneratedPackets.Sample(seed: 18, count: 100))
        {
            var headers = GeneratedPackets.HeadersLength(frame);
            for (var length = 0; length < headers; length++)
            {
                var malformed = oracle.Statistics.Malformed;
                oracle.Compare(++number, LinkType.Ethernet, frame[..length], length);
                Assert.True(oracle.Statistics.Malformed == malformed + 1, $"packet {number}: {length} of {headers} header bytes not counted malformed");
            }
        }

        Report(output, oracle);
        Assert.True(oracle.Disagreements.Count == 0, string.Join('\n', oracle.Disagreements.Take(40)));
    }

    /// <summary>Writes the frames to a capture file, compares every packet read back from it, then its DNS with tshark.</summary>
    internal static async Task<PacketDotNetOracle> CompareCaptureAsync(IEnumerable<(long Micros, byte[] Frame)> frames)
    {
        var path = Path.Combine(Path.GetTempPath(), $"cg-oracle-{Guid.NewGuid():N}.pcap");
        var oracle = new PacketDotNetOracle();
        try
        {
            PcapWriter.Write(path, frames);
            CompareFile(oracle, path);
            await oracle.CompareDnsWithTsharkAsync(path);
            return oracle;
        }
        catch
        {
            oracle.Dispose();
            throw;
        }
        finally
        {
            File.Delete(path);
        }
    }

    internal static void Report(ITestOutputHelper output, PacketDotNetOracle oracle) =>
        output.WriteLine(string.Join('\n', oracle.Compared.OrderBy(c => c.Key).Select(c => $"{c.Key}: {c.Value}")));

    internal static int CompareFile(PacketDotNetOracle oracle, string path)
    {
        using var capture = PacketSources.OpenFile(path);
        var number = 0;
        while (capture.ReadNext(out var packet) == CaptureReadResult.Packet)
        {
            oracle.Compare(++number, capture.LinkType, packet.Data.ToArray(), packet.OriginalLength);
        }

        return number;
    }

    internal static void AssertAgreed(PacketDotNetOracle oracle, params string[] layers)
    {
        Assert.True(oracle.Disagreements.Count == 0, string.Join('\n', oracle.Disagreements));
        foreach (var layer in layers)
        {
            Assert.True(oracle.Compared.GetValueOrDefault(layer) > 0, $"no {layer} compared: {string.Join(", ", oracle.Compared)}");
        }
    }

    /// <summary>The hand-built packets of the decoder, accounting and circumvention tests.</summary>
    private static IEnumerable<byte[]> HandBuilt()
    {
        yield return Packets.EthernetIPv4Tcp(50000, 443, Packets.ClientHelloRecord("www.example.org", ["h2"]));
        yield return Packets.EthernetIPv4Tcp(50001, 80, Packets.HttpGet("plain.example.org"));
        yield return Packets.EthernetIPv4Udp(40000, 53, Packets.DnsQuery("www.Example.org", 28));
        yield return Packets.EthernetIPv4Udp(53, 40000, Packets.DnsResponse("www.example.org", "edge.cdn.test", [192, 0, 2, 9]));
        yield return Packets.EthernetIPv4Tcp(40001, 53, [.. Packets.U16((ushort)Packets.DnsQuery("tcp.example.org").Length), .. Packets.DnsQuery("tcp.example.org")]);
        yield return Packets.EthernetIPv4Udp(5353, 5353, Packets.DnsResponse("printer.local", "printer-2.local", [192, 168, 1, 20]));
        yield return Packets.EthernetIPv4Udp(68, 67, Packets.Dhcp(3, "pupil-laptop-07"));
        yield return Packets.EthernetIPv4Udp(67, 68, Packets.Dhcp(5, null, operation: 2));
        yield return Packets.EthernetIPv4Udp(137, 137, Packets.NetBiosRegistration("PUPIL-PC"));
        yield return Packets.Ethernet(0x0806, Packets.Arp());
        yield return Packets.Ethernet(0x0806, Packets.Arp(operation: 2));
        yield return Packets.Ethernet(0x0800, Packets.IPv4(6, Packets.Tcp(50002, 443, [], flags: 0x02)), 42);
        yield return Packets.Ethernet(0x86DD, Packets.IPv6(17, Packets.Udp(40002, 53, Packets.DnsQuery("v6.example.org", 28))));
        yield return Packets.Ethernet(0x86DD, Packets.IPv6(6, Packets.Tcp(50003, 443, [1, 2, 3]), (0, Packets.OptionsHeaderBody()), (60, Packets.OptionsHeaderBody())));
        yield return Packets.Ethernet(0x0800, Packets.IPv4(6, Packets.Tcp(50004, 443, [9, 9]), options: [1, 1, 1, 0]));
        yield return Frames.Tcp("02:00:00:00:00:07", "10.213.0.7", 50005, "02:00:00:00:00:01", "192.0.2.80", 443, Frames.Syn);
        yield return Frames.Udp("02:00:00:00:00:07", "2001:db8::7", 40003, "02:00:00:00:00:01", "2001:db8::53", 53, Packets.DnsQuery("six.example.org"));
        yield return Frames.Icmp("02:00:00:00:00:07", "10.213.0.7", "02:00:00:00:00:01", "10.213.0.1");
        yield return Frames.Icmp("02:00:00:00:00:07", "fd00::7", "02:00:00:00:00:01", "fd00::1");
        yield return Frames.Arp("02:00:00:00:00:09", "10.213.0.9", "10.213.0.1");
        yield return Frames.Dhcp(1, 1, "02:00:00:00:00:0a", hostName: "pupil-tablet", requested: "10.99.0.50");
        yield return Frames.Dhcp(2, 5, "02:00:00:00:00:0a", yourAddress: "10.99.0.50");
        yield return CircumventionPackets.Udp("10.213.0.7", "198.51.100.7", 51820, 51820, CircumventionPackets.WireGuardInitiation());
        yield return CircumventionPackets.Udp("10.213.0.7", "198.51.100.8", 500, 500, CircumventionPackets.IkeInitiation());
        yield return CircumventionPackets.Tcp("10.213.0.7", "198.51.100.9", 50006, TunnelShapes.OpenVpnPort, CircumventionPackets.OpenVpnHardReset(tcp: true));
        yield return CircumventionPackets.Esp("10.213.0.7", "198.51.100.10");
    }
}

/// <summary>The lab capture of real traffic (dhclient, dig, openssl, curl through real servers), decoded by both.</summary>
[Collection(LabCaptureCollection.Name)]
public sealed class PacketDotNetLabCaptureTests(LabCaptureFixture lab, ITestOutputHelper output)
{
    [Fact]
    public async Task LabCapture_EveryPacket_AgreesWithPacketDotNetAndTshark()
    {
        using var oracle = new PacketDotNetOracle();
        var number = PacketDotNetOracleTests.CompareFile(oracle, lab.PcapPath);
        Assert.Equal(lab.OurStatistics.Packets, number);
        PacketDotNetOracleTests.Report(output, oracle);
        await oracle.CompareDnsWithTsharkAsync(lab.PcapPath);
        PacketDotNetOracleTests.AssertAgreed(oracle, "tcp", "udp", "dns", "dns by tshark", "dhcp");
    }
}

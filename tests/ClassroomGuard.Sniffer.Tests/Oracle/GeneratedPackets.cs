using System.Buffers.Binary;
using System.Net;
using System.Net.NetworkInformation;
using System.Text;
using ClassroomGuard.Dns.Protocol;
using FsCheck;
using FsCheck.Fluent;
using PacketDotNet;
using PacketDotNet.Utils;

namespace ClassroomGuard.Sniffer.Tests.Oracle;

/// <summary>
/// Well-formed packets built with PacketDotNet's constructors (Ethernet, IPv4/IPv6, TCP/UDP, ARP, ICMP; an 802.1Q tag
/// spliced in where chosen), their choices drawn by FsCheck from a fixed seed so every run builds the same corpus. DNS and
/// DHCP payloads are bytes (PacketDotNet has no DNS writer, and its DHCP packet has no constructor for a new message).
/// </summary>
internal static class GeneratedPackets
{
    // The ports the decoder reads application protocols on: random traffic keeps away from them.
    private static readonly int[] ApplicationPorts = [53, 67, 68, 137, 443, 5353, 5355];

    private sealed record Spec(int Kind, bool V6, int Vlan, int Ttl, int SourcePort, int DestinationPort, int Flags, int PayloadLength, int Fill);

    public static IEnumerable<byte[]> Sample(int seed, int count) =>
        Gen.Sample(Specs(), count, new Rnd((ulong)seed), 50).Select(Build);

    /// <summary>Bytes of link, VLAN, network and transport (or ARP) headers of a frame this class built.</summary>
    public static int HeadersLength(byte[] frame)
    {
        var packet = Packet.ParsePacket(LinkLayers.Ethernet, frame);
        Packet innermost = (Packet?)packet.Extract<TransportPacket>() ?? (Packet?)packet.Extract<IcmpV4Packet>() ?? (Packet?)packet.Extract<IcmpV6Packet>()
            ?? packet.Extract<PacketDotNet.ArpPacket>() ?? throw new InvalidOperationException("no transport or ARP layer");
        var header = innermost is IcmpV4Packet or IcmpV6Packet ? 8 : innermost.HeaderSegment.Length;
        return innermost.HeaderSegment.Offset + header;
    }

    private static Gen<Spec> Specs() =>
        from kind in Gen.Choose(0, 9)
        from v6 in Gen.Elements(false, true)
        from vlan in Gen.Frequency((4, Gen.Constant(0)), (1, Gen.Choose(1, 4094)))
        from ttl in Gen.Choose(1, 255)
        from sourcePort in Gen.Choose(1024, 49151).Where(p => !ApplicationPorts.Contains(p))
        from destinationPort in Gen.Choose(1024, 49151).Where(p => !ApplicationPorts.Contains(p))
        from flags in Gen.Choose(0, 0x1FF)
        from payloadLength in Gen.Frequency((1, Gen.Constant(0)), (4, Gen.Choose(1, 1400)))
        from fill in Gen.Choose(0, int.MaxValue)
        select new Spec(kind, v6, vlan, ttl, sourcePort, destinationPort, flags, payloadLength, fill);

    private static byte[] Build(Spec spec)
    {
        var random = new Random(spec.Fill);
        var source = new PhysicalAddress([0x02, .. Bytes(random, 5)]);
        var destination = new PhysicalAddress([(byte)(random.Next(2) * 0x02), .. Bytes(random, 5)]);
        if (spec.Kind == 9)
        {
            var arp = new PacketDotNet.ArpPacket(random.Next(2) == 0 ? ArpOperation.Request : ArpOperation.Response,
                new PhysicalAddress(Bytes(random, 6)), new IPAddress(Bytes(random, 4)), source, new IPAddress(Bytes(random, 4)));
            return Tagged(new EthernetPacket(source, destination, EthernetType.Arp) { PayloadPacket = arp }, spec.Vlan);
        }

        var v6 = spec.V6 && spec.Kind != 6; // DHCPv4 travels over IPv4
        var payload = Bytes(random, spec.PayloadLength);
        if (payload.Length > 0)
        {
            payload[0] = 0; // never the first byte of a TLS record or an HTTP method: random bytes stay random bytes
        }

        Packet transport;
        var protocol = ProtocolType.Udp;
        switch (spec.Kind)
        {
            case 0 or 1:
                transport = new TcpPacket((ushort)spec.SourcePort, (ushort)spec.DestinationPort)
                {
                    SequenceNumber = (uint)random.NextInt64(uint.MaxValue + 1L),
                    AcknowledgmentNumber = (uint)random.NextInt64(uint.MaxValue + 1L),
                    Flags = (ushort)spec.Flags,
                    WindowSize = (ushort)random.Next(65536),
                    PayloadData = payload,
                };
                protocol = ProtocolType.Tcp;
                break;
            case 2:
                transport = new UdpPacket((ushort)spec.SourcePort, (ushort)spec.DestinationPort) { PayloadData = payload };
                break;
            case 3:
                transport = new UdpPacket((ushort)spec.SourcePort, 53) { PayloadData = Dns(random, response: false) };
                break;
            case 4:
                transport = new UdpPacket(53, (ushort)spec.DestinationPort) { PayloadData = Dns(random, response: true) };
                break;
            case 5:
                var query = Dns(random, response: false);
                transport = new TcpPacket((ushort)spec.SourcePort, 53) { Flags = 0x18, PayloadData = [(byte)(query.Length >> 8), (byte)query.Length, .. query] };
                protocol = ProtocolType.Tcp;
                break;
            case 6:
                var fromClient = random.Next(2) == 0;
                transport = new UdpPacket(fromClient ? (ushort)68 : (ushort)67, fromClient ? (ushort)67 : (ushort)68) { PayloadData = Dhcp(random, fromClient, source) };
                break;
            case 7:
                var echo = new byte[8 + Math.Min(payload.Length, 200)];
                echo[0] = v6 ? (byte)128 : (byte)8;
                payload.AsSpan(0, echo.Length - 8).CopyTo(echo.AsSpan(8));
                transport = v6 ? new IcmpV6Packet(new ByteArraySegment(echo)) : new IcmpV4Packet(new ByteArraySegment(echo));
                protocol = v6 ? ProtocolType.IcmpV6 : ProtocolType.Icmp;
                break;
            default:
                transport = new UdpPacket((ushort)spec.SourcePort, (ushort)spec.DestinationPort) { PayloadData = [] };
                break;
        }

        IPPacket ip = v6
            ? new PacketDotNet.IPv6Packet(new IPAddress(Bytes(random, 16)), new IPAddress(Bytes(random, 16))) { HopLimit = spec.Ttl }
            : new PacketDotNet.IPv4Packet(new IPAddress(Bytes(random, 4)), new IPAddress(Bytes(random, 4))) { TimeToLive = spec.Ttl, Id = (ushort)random.Next(65536) };
        ip.PayloadPacket = transport;
        ip.Protocol = protocol;
        if (ip is PacketDotNet.IPv6Packet six)
        {
            six.NextHeader = protocol;
        }

        return Tagged(new EthernetPacket(source, destination, v6 ? EthernetType.IPv6 : EthernetType.IPv4) { PayloadPacket = ip }, spec.Vlan);
    }

    // PacketDotNet 1.4.8 reads 802.1Q tags but has no constructor for one: the tag is spliced in after the MACs.
    private static byte[] Tagged(EthernetPacket ethernet, int vlan)
    {
        ethernet.UpdateCalculatedValues();
        var bytes = ethernet.Bytes;
        return vlan == 0 ? bytes : [.. bytes.AsSpan(0, 12), 0x81, 0x00, (byte)(vlan >> 8), (byte)vlan, .. bytes.AsSpan(12)];
    }

    private static byte[] Dns(Random random, bool response)
    {
        var buffer = new byte[1024];
        var writer = new DnsMessageWriter(buffer) { Id = (ushort)random.Next(65536), Flags = (ushort)(response ? 0x8180 | random.Next(4) : 0x0100) };
        var name = DnsName.FromText($"{Label(random)}.{Label(random)}.example");
        writer.TryWriteQuestion(name, random.Next(2) == 0 ? (ushort)1 : (ushort)28, 1);
        if (response)
        {
            var target = DnsName.FromText($"{Label(random)}.cdn.example");
            writer.TryWriteNameRecord(DnsSection.Answer, DnsRecordType.CNAME, name, 300, target);
            for (var i = random.Next(3); i >= 0; i--)
            {
                writer.TryWriteA(DnsSection.Answer, target, 60, Bytes(random, 4));
            }
        }

        writer.Complete();
        return buffer[..writer.Position];
    }

    private static byte[] Dhcp(Random random, bool fromClient, PhysicalAddress client)
    {
        var message = new byte[240];
        message[0] = fromClient ? (byte)1 : (byte)2;
        message[1] = 1;
        message[2] = 6;
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(4), (uint)random.Next());
        if (!fromClient)
        {
            Bytes(random, 4).CopyTo(message, 16);
        }

        client.GetAddressBytes().CopyTo(message, 28);
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(236), 0x63825363);
        var options = new List<byte> { 53, 1, (byte)random.Next(1, 9) };
        if (random.Next(2) == 0)
        {
            options.AddRange([50, 4, .. Bytes(random, 4)]);
        }

        if (random.Next(2) == 0)
        {
            var host = Encoding.ASCII.GetBytes("pupil-" + Label(random));
            options.AddRange([12, (byte)host.Length, .. host]);
        }

        if (random.Next(2) == 0)
        {
            options.AddRange([60, 8, .. "MSFT 5.0"u8.ToArray()]);
        }

        options.Add(255);
        return [.. message, .. options];
    }

    private static string Label(Random random) => string.Create(random.Next(1, 20), random, static (chars, r) =>
    {
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = (char)('a' + r.Next(26));
        }
    });

    private static byte[] Bytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }
}

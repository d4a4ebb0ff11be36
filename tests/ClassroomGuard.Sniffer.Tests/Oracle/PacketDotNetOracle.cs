using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using ClassroomGuard.Dns.Protocol;
using ClassroomGuard.Sniffer.Capture;
using ClassroomGuard.Sniffer.Decoding;
using ClassroomGuard.Sniffer.Decoding.Application;
using ClassroomGuard.Sniffer.Decoding.Link;
using ClassroomGuard.Sniffer.Decoding.Network;
using ClassroomGuard.Sniffer.Decoding.Transport;
using ClassroomGuard.Sniffer.Tests.Support;
using PacketDotNet;
using PacketDotNet.DhcpV4;
using OurArp = ClassroomGuard.Sniffer.Decoding.Link.ArpPacket;
using OurIPv4 = ClassroomGuard.Sniffer.Decoding.Network.IPv4Packet;
using OurIPv6 = ClassroomGuard.Sniffer.Decoding.Network.IPv6Packet;

namespace ClassroomGuard.Sniffer.Tests.Oracle;

/// <summary>
/// Decodes packets with our decoders (the <see cref="PacketDecoder"/> and its sink facts, and the layer readers for the
/// fields the summary does not carry) and with PacketDotNet, an independent implementation, and records every field both
/// expose that they disagree on, as "packet N: field: ours … PacketDotNet …". PacketDotNet allocates per packet: test-only.
/// PacketDotNet has no DNS decoder: for DNS it is compared on where the message sits (the UDP or TCP payload's offset and
/// length, the two-byte TCP length prefix) and on the fixed header (id, flags, counts) read from the bytes it hands out;
/// every UDP datagram on 53/5353/5355 and TCP segment on 53 that holds a whole message must be read or refused by ours;
/// and, for a capture file, <see cref="CompareDnsWithTsharkAsync"/> checks the question name, answer types, TTLs, A/AAAA
/// addresses and CNAME targets against tshark's own DNS dissector. It does decode DHCPv4: message type, client MAC, addresses, transaction id, host name, requested address, vendor class.
/// </summary>
internal sealed class PacketDotNetOracle : IDisposable
{
    private const ushort DnsPort = 53;
    private const ushort MulticastDnsPort = 5353;
    private const ushort LlmnrPort = 5355;
    private const int DnsHeaderLength = 12;

    private readonly FactSink _sink = new();

    // What ours read of each DNS message (by packet number), and the packets whose DNS message ours refused.
    private readonly Dictionary<int, DnsFacts> _dns = [];
    private readonly HashSet<int> _dnsRefused = [];
    private readonly PacketDecoder _decoder;
    private bool _cut;

    public PacketDotNetOracle() => _decoder = new PacketDecoder(_sink);

    public List<string> Disagreements { get; } = [];

    /// <summary>How many packets had each layer compared ("tcp", "udp", "dhcp", "dns", …): proof the corpus covered it.</summary>
    public Dictionary<string, int> Compared { get; } = [];

    public DecoderStatistics Statistics => _decoder.Statistics;

    public void Dispose() => _decoder.Dispose();

    /// <summary>Compares one whole packet (captured length = wire length unless the capture cut it).</summary>
    public void Compare(int number, LinkType linkType, byte[] data, int wireLength)
    {
        _cut = data.Length < wireLength;
        _sink.Begin(data);
        var malformed = _decoder.Statistics.Malformed;
        _decoder.Decode(linkType, 0, wireLength, data);
        var oursMalformed = _decoder.Statistics.Malformed != malformed;
        if (_sink.MalformedLayer == PacketLayer.Dns)
        {
            _dnsRefused.Add(number);
        }

        Packet theirs;
        try
        {
            theirs = Packet.ParsePacket(LinkLayerOf(linkType), data);

            // PacketDotNet parses each layer when it is first asked for: ask for all of them now, inside the try.
            for (var layer = theirs; layer is not null; layer = layer.PayloadPacket)
            {
                (layer as DhcpV4Packet)?.GetOptions();
            }
        }
        catch (Exception e) when (e is IndexOutOfRangeException or ArgumentException or InvalidOperationException)
        {
            // PacketDotNet refuses a packet cut short anywhere (header or payload); ours must have refused it too,
            // or have been told by the capture that it was cut (snap length).
            if (!oursMalformed && wireLength == data.Length)
            {
                Disagree(number, "refused", "decoded", $"threw {e.GetType().Name}");
            }

            Count("refused by PacketDotNet");
            return;
        }

        Count("packets");
        if (_sink.MalformedLayer is PacketLayer.Link or PacketLayer.Network or PacketLayer.Transport or PacketLayer.Arp)
        {
            // Ours refused a header PacketDotNet did not throw on. PacketDotNet reads each header lazily and does not
            // check it was captured whole: a layer whose header runs past the captured bytes is its leniency, counted
            // as such; a layer it holds whole is a real disagreement.
            var whole = _sink.MalformedLayer switch
            {
                PacketLayer.Link => LinkWhole(theirs, data.Length),
                PacketLayer.Network => theirs.Extract<IPPacket>() is { } ip && Within(ip, NetworkHeaderLength(ip), data.Length),
                PacketLayer.Arp => theirs.Extract<PacketDotNet.ArpPacket>() is { } arp && Within(arp, 28, data.Length),
                _ => TransportOf(theirs) is { } transport && Within(transport, transport is TcpPacket ? 20 : 8, data.Length),
            };
            if (whole)
            {
                Disagree(number, $"{_sink.MalformedLayer} layer", "malformed", "decoded whole");
            }

            Count(whole ? "refused by ours only" : "header cut short: ours refused, PacketDotNet read past the capture");
            return;
        }

        CompareLink(number, linkType, data, theirs);
    }

    private void CompareLink(int number, LinkType linkType, byte[] data, Packet theirs)
    {
        ReadOnlySpan<byte> network;
        ushort etherType;
        if (linkType == LinkType.Ethernet)
        {
            var ethernet = theirs.Extract<EthernetPacket>();
            if (!EthernetFrame.TryRead(data, out var frame) || ethernet is null)
            {
                Disagree(number, "ethernet", frame.Source.ToString(), ethernet?.ToString() ?? "none");
                return;
            }

            Check(number, "ethernet source MAC", frame.Source.Value, Mac(ethernet.SourceHardwareAddress));
            Check(number, "ethernet destination MAC", frame.Destination.Value, Mac(ethernet.DestinationHardwareAddress));
            Check(number, "summary source MAC", _sink.Summary.SourceMac.Value, Mac(ethernet.SourceHardwareAddress));
            if (frame.VlanCount > 0)
            {
                var vlan = theirs.Extract<Ieee8021QPacket>();
                Check(number, "VLAN id", (int)frame.OuterVlanId, vlan is null ? -1 : vlan.VlanIdentifier);
                Check(number, "summary VLAN id", (int)_sink.Summary.VlanId, vlan is null ? -1 : vlan.VlanIdentifier);
                Count("vlan");
                if (frame.VlanCount > 1)
                {
                    return; // PacketDotNet 1.4.8 reads one 802.1Q tag; Q-in-Q is ours alone (PacketDecoderTests).
                }
            }
            else
            {
                Check(number, "ethertype", frame.EtherType, (ushort)ethernet.Type);
            }

            network = frame.Payload;
            etherType = frame.EtherType;
        }
        else if (linkType == LinkType.LinuxSll)
        {
            var sll = theirs.Extract<LinuxSllPacket>();
            if (!LinuxCookedHeader.TryReadSll(data, out var cooked) || sll is null)
            {
                Disagree(number, "linux cooked header", cooked.Protocol.ToString(), sll?.ToString() ?? "none");
                return;
            }

            Check(number, "SLL protocol", cooked.Protocol, (ushort)sll.EthernetProtocolType);
            Check(number, "SLL source", cooked.Source.Value, Mac(new PhysicalAddress(sll.LinkLayerAddress.AsSpan(0, Math.Min(6, sll.LinkLayerAddressLength)).ToArray())));
            Count("sll");
            network = cooked.Payload;
            etherType = cooked.Protocol;
        }
        else
        {
            network = data;
            etherType = data.Length > 0 && (data[0] >> 4) == 6 ? EtherTypes.IPv6 : EtherTypes.IPv4;
        }

        Check(number, "summary ethertype", _sink.Summary.EtherType, etherType);
        switch (etherType)
        {
            case EtherTypes.Arp:
                CompareArp(number, network, theirs.Extract<PacketDotNet.ArpPacket>());
                break;
            case EtherTypes.IPv4 or EtherTypes.IPv6:
                CompareIP(number, data, network, theirs.Extract<IPPacket>());
                break;
        }
    }

    private void CompareArp(int number, ReadOnlySpan<byte> network, PacketDotNet.ArpPacket? theirs)
    {
        var ours = OurArp.TryRead(network, out var arp);
        if (!ours || theirs is null)
        {
            Disagree(number, "ARP", ours ? "read" : "refused", theirs is null ? "none" : "read");
            return;
        }

        Check(number, "ARP operation", (int)arp.Operation, (int)theirs.Operation);
        Check(number, "ARP sender MAC", arp.SenderMac.Value, Mac(theirs.SenderHardwareAddress));
        Check(number, "ARP sender IP", arp.SenderIp.ToIPAddress(), theirs.SenderProtocolAddress);
        Check(number, "ARP target MAC", arp.TargetMac.Value, Mac(theirs.TargetHardwareAddress));
        Check(number, "ARP target IP", arp.TargetIp.ToIPAddress(), theirs.TargetProtocolAddress);
        Check(number, "ARP fact sender IP", _sink.ArpSender, arp.SenderIp.ToString());
        Count("arp");
    }

    private void CompareIP(int number, byte[] data, ReadOnlySpan<byte> network, IPPacket? theirs)
    {
        if (theirs is null)
        {
            Disagree(number, "IP", "present", "none");
            return;
        }

        byte protocol;
        ReadOnlySpan<byte> transport;
        bool laterFragment;
        if (theirs is PacketDotNet.IPv4Packet v4)
        {
            if (!OurIPv4.TryRead(network, out var ip))
            {
                Disagree(number, "IPv4", "refused", "read");
                return;
            }

            Check(number, "IPv4 source", ip.Source.ToIPAddress(), v4.SourceAddress);
            Check(number, "IPv4 destination", ip.Destination.ToIPAddress(), v4.DestinationAddress);
            Check(number, "IPv4 TTL", (int)ip.TimeToLive, v4.TimeToLive);
            Check(number, "IPv4 protocol", (int)ip.Protocol, (int)v4.Protocol);
            Check(number, "IPv4 header length", ip.HeaderLength, v4.HeaderLength * 4);
            Check(number, "IPv4 total length", ip.TotalLength, v4.TotalLength);
            Check(number, "IPv4 identification", ip.Identification, v4.Id);
            Check(number, "IPv4 more fragments", ip.MoreFragments, (v4.FragmentFlags & 1) != 0);
            Check(number, "IPv4 fragment offset", ip.FragmentOffset, v4.FragmentOffset * 8);
            protocol = ip.Protocol;
            transport = ip.Payload;
            laterFragment = ip.FragmentOffset != 0;
            Count("ipv4");
        }
        else
        {
            var v6 = (PacketDotNet.IPv6Packet)theirs;
            if (!OurIPv6.TryRead(network, out var ip))
            {
                Disagree(number, "IPv6", "refused", "read");
                return;
            }

            Check(number, "IPv6 source", ip.Source.ToIPAddress(), v6.SourceAddress);
            Check(number, "IPv6 destination", ip.Destination.ToIPAddress(), v6.DestinationAddress);
            Check(number, "IPv6 hop limit", (int)ip.HopLimit, v6.HopLimit);
            Check(number, "IPv6 payload length", ip.PayloadLength, (int)v6.PayloadLength);
            Check(number, "IPv6 protocol after extension headers", (int)ip.Protocol, (int)v6.Protocol);
            protocol = ip.Protocol;
            transport = ip.Payload;
            laterFragment = ip.FragmentOffset != 0;
            Count("ipv6");
        }

        Check(number, "summary source IP", _sink.Summary.SourceIp.ToIPAddress(), theirs.SourceAddress);
        Check(number, "summary destination IP", _sink.Summary.DestinationIp.ToIPAddress(), theirs.DestinationAddress);
        Check(number, "summary protocol", (int)_sink.Summary.Protocol, (int)theirs.Protocol);
        if (laterFragment)
        {
            return;
        }

        switch (protocol)
        {
            case IPProtocols.Tcp:
                CompareTcp(number, data, transport, theirs.Extract<TcpPacket>());
                break;
            case IPProtocols.Udp:
                CompareUdp(number, data, transport, theirs.Extract<UdpPacket>());
                break;
            case IPProtocols.Icmp:
                var icmp4 = theirs.Extract<IcmpV4Packet>();
                if (IcmpMessage.TryRead(transport, out var m4) && icmp4 is not null)
                {
                    Check(number, "ICMP type/code", (m4.Type << 8) | m4.Code, (int)icmp4.TypeCode);
                    Count("icmp");
                }
                else
                {
                    Disagree(number, "ICMP", "refused or absent", icmp4 is null ? "none" : "read");
                }

                break;
            case IPProtocols.IcmpV6:
                var icmp6 = theirs.Extract<IcmpV6Packet>();
                if (IcmpMessage.TryRead(transport, out var m6) && icmp6 is not null)
                {
                    Check(number, "ICMPv6 type", (int)m6.Type, (int)icmp6.Type);
                    Check(number, "ICMPv6 code", (int)m6.Code, (int)icmp6.Code);
                    Count("icmpv6");
                }
                else
                {
                    Disagree(number, "ICMPv6", "refused or absent", icmp6 is null ? "none" : "read");
                }

                break;
        }
    }

    private void CompareTcp(int number, byte[] data, ReadOnlySpan<byte> transport, TcpPacket? theirs)
    {
        if (!TcpSegment.TryRead(transport, out var tcp) || theirs is null)
        {
            Disagree(number, "TCP", theirs is null ? "read" : "refused", theirs is null ? "none" : "read");
            return;
        }

        Check(number, "TCP source port", tcp.SourcePort, theirs.SourcePort);
        Check(number, "TCP destination port", tcp.DestinationPort, theirs.DestinationPort);
        Check(number, "TCP sequence", tcp.Sequence, theirs.SequenceNumber);
        Check(number, "TCP acknowledgment", tcp.Acknowledgment, theirs.AcknowledgmentNumber);
        Check(number, "TCP flags", (int)tcp.Flags, theirs.Flags & 0x1FF);
        Check(number, "TCP window", tcp.Window, theirs.WindowSize);
        Check(number, "summary TCP flags", (int)_sink.Summary.TcpFlags, theirs.Flags & 0x1FF);
        Check(number, "summary ports", (_sink.Summary.SourcePort, _sink.Summary.DestinationPort), (theirs.SourcePort, theirs.DestinationPort));
        var (offset, length) = PayloadOf(theirs, data.Length);
        Check(number, "TCP payload offset", OffsetIn(data, tcp.Payload), offset);
        Check(number, "TCP payload length", tcp.Payload.Length, length);
        Check(number, "summary payload length", _sink.Summary.PayloadLength, length);
        Count("tcp");
        if (tcp.SourcePort != DnsPort && tcp.DestinationPort != DnsPort)
        {
            return;
        }

        // DNS over TCP: a segment that holds a two-byte length and the whole message after it must be read or refused.
        var whole = length >= 2 + DnsHeaderLength && BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(offset)) <= length - 2;
        if (whole && _sink.DnsOffset < 0 && _sink.MalformedLayer != PacketLayer.Dns && !_sink.Summary.IsFragment)
        {
            Disagree(number, "DNS over TCP", "neither read nor refused", $"a {length}-byte payload on port 53");
        }

        if (_sink.DnsOffset >= 0)
        {
            // Ours hands the message after the two-byte length PacketDotNet leaves in the payload.
            CompareDns(number, data, offset + 2, BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(offset)));
        }
    }

    private void CompareUdp(int number, byte[] data, ReadOnlySpan<byte> transport, UdpPacket? theirs)
    {
        if (!UdpDatagram.TryRead(transport, out var udp) || theirs is null)
        {
            Disagree(number, "UDP", theirs is null ? "read" : "refused", theirs is null ? "none" : "read");
            return;
        }

        Check(number, "UDP source port", udp.SourcePort, theirs.SourcePort);
        Check(number, "UDP destination port", udp.DestinationPort, theirs.DestinationPort);
        Check(number, "UDP length", udp.Length, theirs.Length);
        Check(number, "summary ports", (_sink.Summary.SourcePort, _sink.Summary.DestinationPort), (theirs.SourcePort, theirs.DestinationPort));
        var (offset, length) = PayloadOf(theirs, data.Length);
        Check(number, "UDP payload offset", OffsetIn(data, udp.Payload), offset);
        Check(number, "UDP payload length", udp.Payload.Length, length);
        Check(number, "summary payload length", _sink.Summary.PayloadLength, length);
        Count("udp");
        var dnsPort = udp.SourcePort is DnsPort or MulticastDnsPort or LlmnrPort || udp.DestinationPort is DnsPort or MulticastDnsPort or LlmnrPort;
        if (dnsPort && length >= DnsHeaderLength && _sink.DnsOffset < 0 && _sink.MalformedLayer != PacketLayer.Dns && !_sink.Summary.IsFragment)
        {
            Disagree(number, "DNS over UDP", "neither read nor refused", $"a {length}-byte payload on port {udp.SourcePort}/{udp.DestinationPort}");
        }

        if (_sink.DnsOffset >= 0)
        {
            CompareDns(number, data, offset, length);
        }

        var dhcp = theirs.Extract<DhcpV4Packet>();
        if (!_sink.DhcpSeen && dhcp is not null && _sink.MalformedLayer == PacketLayer.Dhcp && _cut)
        {
            // The capture cut the message: ours refuses a message whose fixed part or an option runs past the end,
            // PacketDotNet reads what is there.
            Count("DHCP cut short: ours refused, PacketDotNet read what was there");
        }
        else if (_sink.DhcpSeen || dhcp is not null)
        {
            CompareDhcp(number, dhcp);
        }
    }

    private void CompareDns(int number, byte[] data, int offset, int length)
    {
        // No DNS decoder in PacketDotNet: where the message is, and its fixed header read straight from those bytes.
        Check(number, "DNS message offset", _sink.DnsOffset, offset);
        Check(number, "DNS message length", _sink.DnsLength, length);
        var header = data.AsSpan(offset);
        Check(number, "DNS id", _sink.DnsId, BinaryPrimitives.ReadUInt16BigEndian(header));
        Check(number, "DNS QR/opcode/rcode", _sink.DnsFlags, ((header[2] >> 7) << 8) | (((header[2] >> 3) & 0xF) << 4) | (header[3] & 0xF));
        Check(number, "DNS QDCOUNT/ANCOUNT", _sink.DnsCounts, (BinaryPrimitives.ReadUInt16BigEndian(header[4..]), BinaryPrimitives.ReadUInt16BigEndian(header[6..])));
        _dns[number] = _sink.Dns;
        Count("dns");
    }

    /// <summary>
    /// Reads <paramref name="path"/> (the capture just compared, packet N its frame N) with tshark and checks every DNS
    /// message ours read against tshark's: id, first question name, the answer records' types and TTLs in order, and the
    /// A/AAAA addresses and CNAME targets among them; a message tshark read without calling it malformed must not have
    /// been refused by ours. Returns how many messages were compared ("dns by tshark" in <see cref="Compared"/>).
    /// </summary>
    public async Task<int> CompareDnsWithTsharkAsync(string path)
    {
        var output = await Tool.CheckAsync("tshark", "-r", path, "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=|",
            "-e", "frame.number", "-e", "dns.id", "-e", "dns.qry.name", "-e", "dns.count.answers", "-e", "dns.resp.type",
            "-e", "dns.resp.ttl", "-e", "dns.a", "-e", "dns.aaaa", "-e", "dns.cname", "-e", "_ws.malformed");
        var compared = 0;
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var f = line.Split('\t');
            var number = int.Parse(f[0], CultureInfo.InvariantCulture);
            var tsharkRead = f[1].Length > 0;
            if (!_dns.TryGetValue(number, out var ours))
            {
                if (tsharkRead && f[9].Length == 0 && _dnsRefused.Contains(number))
                {
                    Disagree(number, "DNS message", "refused", "tshark read it whole", "tshark");
                }

                continue;
            }

            if (!tsharkRead)
            {
                Disagree(number, "DNS message", "read", "tshark found none", "tshark");
                continue;
            }

            // tshark lists every record of every section; the first ANCOUNT are the answers, as ours reports them.
            var types = Values(f[4]);
            var answers = Math.Min(int.Parse(First(f[3]), CultureInfo.InvariantCulture), types.Length);
            var answerTypes = types[..answers];
            Check(number, "DNS id (tshark)", (int)ours.Id, Convert.ToInt32(First(f[1]), 16));
            Check(number, "DNS question name (tshark)", ours.QuestionName, First(f[2]) is "<Root>" ? string.Empty : First(f[2]));
            Check(number, "DNS answer types (tshark)", Join(ours.Answers.Select(a => a.Type.ToString(CultureInfo.InvariantCulture))), Join(answerTypes));
            Check(number, "DNS answer TTLs (tshark)", Join(ours.Answers.Select(a => a.Ttl.ToString(CultureInfo.InvariantCulture))), Join(Values(f[5]).Take(answers)));
            Check(number, "DNS answer A addresses (tshark)", Join(ours.Answers.Where(a => a.Type == 1).Select(a => a.Value)), Join(Values(f[6]).Take(answerTypes.Count(t => t == "1"))));
            Check(number, "DNS answer AAAA addresses (tshark)", Join(ours.Answers.Where(a => a.Type == 28).Select(a => a.Value)), Join(Values(f[7]).Take(answerTypes.Count(t => t == "28"))));
            Check(number, "DNS answer CNAME targets (tshark)", Join(ours.Answers.Where(a => a.Type == 5).Select(a => a.Value)), Join(Values(f[8]).Take(answerTypes.Count(t => t == "5"))));
            compared++;
        }

        Compared["dns by tshark"] = Compared.GetValueOrDefault("dns by tshark") + compared;
        return compared;

        static string[] Values(string field) => field.Length == 0 ? [] : field.Split('|');
        static string First(string field) => field.Split('|')[0];
        static string Join(IEnumerable<string> values) => string.Join(' ', values);
    }

    private void CompareDhcp(int number, DhcpV4Packet? theirs)
    {
        if (!_sink.DhcpSeen || theirs is null)
        {
            Disagree(number, "DHCP", _sink.DhcpSeen ? "read" : "none", theirs is null ? "none" : "read");
            return;
        }

        var options = theirs.GetOptions();
        Check(number, "DHCP message type", (int)_sink.Dhcp.MessageType, (int)theirs.MessageType);
        Check(number, "DHCP client MAC", _sink.Dhcp.ClientMac, Mac(theirs.ClientHardwareAddress));
        Check(number, "DHCP transaction id", _sink.Dhcp.TransactionId, theirs.TransactionId);
        Check(number, "DHCP client address", _sink.Dhcp.ClientAddress, theirs.ClientAddress);
        Check(number, "DHCP your address", _sink.Dhcp.YourAddress, theirs.YourAddress);
        Check(number, "DHCP host name", _sink.Dhcp.HostName, options.OfType<HostNameOption>().FirstOrDefault()?.HostName ?? string.Empty);
        Check(number, "DHCP requested address", _sink.Dhcp.Requested, options.OfType<AddressRequestOption>().FirstOrDefault()?.RequestedIP ?? IPAddress.Any);
        Check(number, "DHCP vendor class", _sink.Dhcp.VendorClass, options.OfType<ClassIdOption>().FirstOrDefault()?.ClassId ?? string.Empty);
        Count("dhcp");
    }

    private static (int Offset, int Length) PayloadOf(TransportPacket packet, int captured)
    {
        // Where the transport's payload starts in the packet's byte array, and how long PacketDotNet says it is: the
        // length its headers claim, which for a packet the capture cut short is more than was captured (ours reports
        // the captured bytes, PacketSummary.PayloadLength), so that is compared up to the end of the capture.
        var header = packet.HeaderSegment;
        var offset = header.Offset + header.Length;
        return (offset, Math.Min(packet.TotalPacketLength - header.Length, captured - offset));
    }

    private static bool Within(Packet layer, int headerLength, int captured) => layer.HeaderSegment.Offset + headerLength <= captured;

    // The whole network header: IPv4 with its options (IHL), IPv6 with its extension headers (ours reads both as one layer).
    private static int NetworkHeaderLength(IPPacket ip)
    {
        try
        {
            return ip is PacketDotNet.IPv4Packet v4 ? v4.HeaderLength * 4 : 40 + ((PacketDotNet.IPv6Packet)ip).ExtensionHeadersLength;
        }
        catch (Exception e) when (e is IndexOutOfRangeException or ArgumentException)
        {
            return int.MaxValue / 2; // PacketDotNet cannot even read the extension headers it was handed
        }
    }

    private static bool LinkWhole(Packet theirs, int captured)
    {
        if (theirs.Extract<EthernetPacket>() is not { } ethernet)
        {
            return theirs.Extract<LinuxSllPacket>() is { } sll && Within(sll, 16, captured);
        }

        return Within(ethernet, 14, captured)
            && (ethernet.Type != EthernetType.VLanTaggedFrame || (theirs.Extract<Ieee8021QPacket>() is { } tag && Within(tag, 4, captured)));
    }

    private static Packet? TransportOf(Packet theirs) =>
        (Packet?)theirs.Extract<TransportPacket>() ?? (Packet?)theirs.Extract<IcmpV4Packet>() ?? theirs.Extract<IcmpV6Packet>();

    private static int OffsetIn(byte[] data, ReadOnlySpan<byte> part) =>
        (int)Unsafe.ByteOffset(ref MemoryMarshal.GetArrayDataReference(data), ref MemoryMarshal.GetReference(part));

    private static ulong Mac(PhysicalAddress address)
    {
        var bytes = address.GetAddressBytes();
        return bytes.Length == 6 ? MacAddress.Read(bytes).Value : ulong.MaxValue;
    }

    private static LinkLayers LinkLayerOf(LinkType linkType) => linkType switch
    {
        LinkType.Ethernet => LinkLayers.Ethernet,
        LinkType.LinuxSll => LinkLayers.LinuxSll,
        LinkType.Raw or LinkType.RawFile => LinkLayers.Raw,
        _ => throw new ArgumentOutOfRangeException(nameof(linkType), linkType, "PacketDotNet 1.4.8 has no decoder for it"),
    };

    private void Check<T>(int number, string field, T ours, T theirs)
    {
        if (!EqualityComparer<T>.Default.Equals(ours, theirs))
        {
            Disagree(number, field, ours?.ToString() ?? "null", theirs?.ToString() ?? "null", field.EndsWith("(tshark)", StringComparison.Ordinal) ? "tshark" : "PacketDotNet");
        }
    }

    private void Disagree(int number, string field, string ours, string theirs, string oracle = "PacketDotNet")
    {
        if (Disagreements.Count < 200)
        {
            Disagreements.Add($"packet {number}: {field}: ours {ours}, {oracle} {theirs}");
        }
    }

    private void Count(string layer) => Compared[layer] = Compared.GetValueOrDefault(layer) + 1;

    /// <summary>The decoder's facts for the packet in hand, copied out of the spans they point into.</summary>
    private sealed class FactSink : IPacketSink
    {
        private byte[] _data = [];

        public PacketSummary Summary { get; private set; }

        public string ArpSender { get; private set; } = string.Empty;

        public bool DhcpSeen { get; private set; }

        public (byte MessageType, ulong ClientMac, uint TransactionId, IPAddress ClientAddress, IPAddress YourAddress, string HostName, IPAddress Requested, string VendorClass) Dhcp { get; private set; }

        public int DnsOffset { get; private set; } = -1;

        public int DnsLength { get; private set; }

        public ushort DnsId { get; private set; }

        public int DnsFlags { get; private set; }

        public (ushort, ushort) DnsCounts { get; private set; }

        public DnsFacts Dns { get; private set; } = new(0, string.Empty, []);

        public PacketLayer? MalformedLayer { get; private set; }

        public void Begin(byte[] data)
        {
            _data = data;
            MalformedLayer = null;
            Summary = default;
            ArpSender = string.Empty;
            DhcpSeen = false;
            DnsOffset = -1;
        }

        public void OnPacket(in PacketSummary packet) => Summary = packet;

        public void OnMalformed(in PacketSummary packet, PacketLayer layer) => MalformedLayer ??= layer;

        public void OnArp(in PacketSummary packet, in OurArp arp) => ArpSender = arp.SenderIp.ToString();

        public void OnDhcp(in PacketSummary packet, in DhcpMessage message)
        {
            DhcpSeen = true;
            var requested = message.RequestedAddress;
            Dhcp = (message.MessageType, message.ClientMac.Value, message.TransactionId, message.ClientAddress.ToIPAddress(), message.YourAddress.ToIPAddress(),
                Encoding.ASCII.GetString(message.HostName), requested.Version == 0 ? IPAddress.Any : requested.ToIPAddress(), Encoding.ASCII.GetString(message.VendorClass));
        }

        public void OnDns(in PacketSummary packet, in DnsMessage message, DnsProtocol protocol)
        {
            DnsOffset = OffsetIn(_data, message.Message);
            DnsLength = message.Message.Length;
            DnsId = message.Id;
            DnsFlags = ((message.IsResponse ? 1 : 0) << 8) | (message.Opcode << 4) | message.ResponseCode;
            DnsCounts = ((ushort)message.QuestionCount, (ushort)message.AnswerCount);

            // The answer records as the naming reads them: type, TTL, the A/AAAA address, the CNAME target.
            var answers = new List<(ushort, uint, string)>();
            Span<byte> owner = stackalloc byte[DnsName.MaxLength];
            Span<byte> target = stackalloc byte[DnsName.MaxLength];
            var records = message.ReadRecords(owner);
            while (records.TryReadNext(out var record) && record.IsAnswer)
            {
                var value = record.Type switch
                {
                    1 or 28 => record.Address.ToString(),
                    5 when record.TryReadTargetName(target, out var name) => Encoding.ASCII.GetString(name),
                    _ => string.Empty,
                };
                answers.Add((record.Type, record.TimeToLive, value));
            }

            Dns = new DnsFacts(message.Id, Encoding.ASCII.GetString(message.QuestionName), answers);
        }
    }
}

/// <summary>What ours read of one DNS message: its id, first question name and answer records (type, TTL, value).</summary>
internal sealed record DnsFacts(ushort Id, string QuestionName, List<(ushort Type, uint Ttl, string Value)> Answers);

namespace ClassroomGuard.Sniffer.Decoding;

/// <summary>
/// What the decoder learnt of one packet's link, network and transport layers, handed to <see cref="IPacketSink"/> by
/// reference. Fields the packet does not have are default (e.g. ports of an ICMP packet).
/// </summary>
public struct PacketSummary
{
    /// <summary>Capture time in microseconds since the Unix epoch.</summary>
    public long TimestampMicroseconds { get; internal set; }

    /// <summary>Length on the wire (may exceed the captured bytes when the snap length cut the packet).</summary>
    public int WireLength { get; internal set; }

    /// <summary>Source MAC (default on raw-IP links).</summary>
    public MacAddress SourceMac { get; internal set; }

    /// <summary>Destination MAC (default on raw-IP and cooked links).</summary>
    public MacAddress DestinationMac { get; internal set; }

    /// <summary>Outer VLAN ID, 0 when untagged.</summary>
    public ushort VlanId { get; internal set; }

    /// <summary>EtherType of the network layer (0x0800 IPv4, 0x86DD IPv6, 0x0806 ARP, …).</summary>
    public ushort EtherType { get; internal set; }

    /// <summary>Source IP address (default when not IP).</summary>
    public NetAddress SourceIp { get; internal set; }

    /// <summary>Destination IP address (default when not IP).</summary>
    public NetAddress DestinationIp { get; internal set; }

    /// <summary>IP protocol of the transport (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, …), 0 when not IP.</summary>
    public byte Protocol { get; internal set; }

    /// <summary>Whether the IP packet is a fragment (later fragments carry no ports).</summary>
    public bool IsFragment { get; internal set; }

    /// <summary>TCP/UDP source port, else 0.</summary>
    public ushort SourcePort { get; internal set; }

    /// <summary>TCP/UDP destination port, else 0.</summary>
    public ushort DestinationPort { get; internal set; }

    /// <summary>TCP flags, else none.</summary>
    public Transport.TcpFlags TcpFlags { get; internal set; }

    /// <summary>Bytes of transport payload captured (TCP/UDP data, ICMP body).</summary>
    public int PayloadLength { get; internal set; }
}

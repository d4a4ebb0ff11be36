namespace ClassroomGuard.Sniffer.Decoding;

/// <summary>The layer at which a packet was found malformed.</summary>
public enum PacketLayer
{
    /// <summary>Link layer (Ethernet, VLAN tags, Linux cooked header).</summary>
    Link,

    /// <summary>ARP.</summary>
    Arp,

    /// <summary>IPv4 or IPv6 header (including options and extension headers).</summary>
    Network,

    /// <summary>TCP, UDP or ICMP header.</summary>
    Transport,

    /// <summary>DHCP.</summary>
    Dhcp,

    /// <summary>DNS, mDNS or LLMNR.</summary>
    Dns,

    /// <summary>TLS ClientHello.</summary>
    Tls,

    /// <summary>NetBIOS name service.</summary>
    NetBios,

    /// <summary>QUIC Initial packet.</summary>
    Quic,
}

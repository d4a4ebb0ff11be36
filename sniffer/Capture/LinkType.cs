namespace ClassroomGuard.Sniffer.Capture;

/// <summary>The link-layer header types (libpcap <c>DLT_*</c> values as <c>pcap_datalink</c> reports them) the decoder reads.</summary>
public enum LinkType
{
    /// <summary>No link layer known.</summary>
    None = 0,

    /// <summary>DLT_EN10MB: Ethernet II (with 802.1Q / 802.1ad VLAN tags).</summary>
    Ethernet = 1,

    /// <summary>DLT_RAW on Linux: the packet starts with an IPv4 or IPv6 header.</summary>
    Raw = 12,

    /// <summary>LINKTYPE_RAW as stored in capture files: the packet starts with an IPv4 or IPv6 header.</summary>
    RawFile = 101,

    /// <summary>DLT_LINUX_SLL: Linux "cooked" capture v1 (the <c>any</c> pseudo-interface).</summary>
    LinuxSll = 113,

    /// <summary>DLT_LINUX_SLL2: Linux "cooked" capture v2 (with interface index).</summary>
    LinuxSll2 = 276,
}

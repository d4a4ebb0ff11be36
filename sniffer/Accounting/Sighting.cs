using ClassroomGuard.Sniffer.Decoding;

namespace ClassroomGuard.Sniffer.Accounting;

/// <summary>How a device was seen.</summary>
public enum SightingKind
{
    /// <summary>The source of an ordinary packet.</summary>
    Traffic,

    /// <summary>An ARP request or reply's sender.</summary>
    Arp,

    /// <summary>A DHCP message (client's MAC and name; the acknowledged address).</summary>
    Dhcp,

    /// <summary>An mDNS answer (<c>name.local</c>).</summary>
    Mdns,

    /// <summary>A NetBIOS name registration.</summary>
    NetBios,
}

/// <summary>One sighting of a device, queued for the state.</summary>
/// <param name="TimestampMicroseconds">Packet time.</param>
/// <param name="Mac">The device's MAC as a 48-bit number, 0 when unknown (or a router's).</param>
/// <param name="Ip">The address it used, none when unknown.</param>
/// <param name="Hostname">Its name, lower-case, if the packet gave one.</param>
/// <param name="Kind">What showed it.</param>
public readonly record struct Sighting(long TimestampMicroseconds, ulong Mac, NetAddress Ip, string? Hostname, SightingKind Kind);

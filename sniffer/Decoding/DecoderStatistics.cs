namespace ClassroomGuard.Sniffer.Decoding;

/// <summary>
/// Counters of one <see cref="PacketDecoder"/>. Written only by the decoding thread; another thread may read them
/// (64-bit reads are atomic on 64-bit hosts; a reading may be a packet behind).
/// </summary>
public sealed class DecoderStatistics
{
    /// <summary>Packets decoded.</summary>
    public long Packets { get; internal set; }

    /// <summary>Bytes on the wire of those packets.</summary>
    public long Bytes { get; internal set; }

    /// <summary>Packets with a malformed layer (each counted once).</summary>
    public long Malformed { get; internal set; }

    /// <summary>Packets of a link type the decoder does not read.</summary>
    public long UnsupportedLinkType { get; internal set; }

    /// <summary>Packets shorter in the capture than on the wire (snap length).</summary>
    public long Truncated { get; internal set; }

    /// <summary>IPv4 and IPv6 fragments.</summary>
    public long Fragments { get; internal set; }

    /// <summary>ARP packets.</summary>
    public long Arp { get; internal set; }

    /// <summary>DHCP messages.</summary>
    public long Dhcp { get; internal set; }

    /// <summary>DNS, mDNS and LLMNR messages.</summary>
    public long Dns { get; internal set; }

    /// <summary>TLS ClientHellos decoded (TCP and QUIC).</summary>
    public long TlsClientHellos { get; internal set; }

    /// <summary>ClientHellos that had to be joined from several TCP segments.</summary>
    public long TlsReassembled { get; internal set; }

    /// <summary>Partial ClientHellos (TCP or QUIC) given up: evicted, timed out, too long or with a gap in the sequence.</summary>
    public long TlsReassemblyAbandoned { get; internal set; }

    /// <summary>QUIC Initial packets decrypted (v1 and v2).</summary>
    public long QuicInitials { get; internal set; }

    /// <summary>QUIC Initial-looking packets not tried because too many failed in the last second.</summary>
    public long QuicSkipped { get; internal set; }

    /// <summary>HTTP/1.x request heads.</summary>
    public long HttpRequests { get; internal set; }

    /// <summary>NetBIOS name service packets.</summary>
    public long NetBios { get; internal set; }
}

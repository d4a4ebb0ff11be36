using ClassroomGuard.Sniffer.Decoding.Application;
using ClassroomGuard.Sniffer.Decoding.Link;

namespace ClassroomGuard.Sniffer.Decoding;

/// <summary>
/// The seam between decoding and accounting: <see cref="PacketDecoder"/> calls it with every decoded fact, synchronously,
/// on the capture thread. Every span and reader passed in points into the packet or the decoder's scratch buffers and is
/// valid only during the call: copy what you keep. Implementations must not throw and should not block. Every method has
/// an empty default, so a sink implements only what it uses.
/// </summary>
public interface IPacketSink
{
    /// <summary>Every packet whose link layer decoded, once, after its network/transport summary and before its facts.</summary>
    void OnPacket(in PacketSummary packet)
    {
    }

    /// <summary>
    /// The payload of every TCP segment and UDP datagram that has one (unfragmented, or a first fragment's part), right after
    /// <see cref="OnPacket"/> and before any fact decoded from it: for detectors that recognise a protocol by its shape
    /// (a WireGuard or OpenVPN handshake) rather than by a decoded fact. The span is the captured part only.
    /// </summary>
    void OnTransportPayload(in PacketSummary packet, ReadOnlySpan<byte> payload)
    {
    }

    /// <summary>An ARP request or reply (IP ↔ MAC).</summary>
    void OnArp(in PacketSummary packet, in ArpPacket arp)
    {
    }

    /// <summary>A DHCPv4 message (UDP 67/68): host name, vendor class, parameter list, client id, addresses.</summary>
    void OnDhcp(in PacketSummary packet, in DhcpMessage message)
    {
    }

    /// <summary>A DNS message (UDP/TCP 53), or mDNS (5353) / LLMNR (5355) per <paramref name="protocol"/>.</summary>
    void OnDns(in PacketSummary packet, in DnsMessage message, DnsProtocol protocol)
    {
    }

    /// <summary>A TLS ClientHello, over TCP (possibly reassembled from several segments) or QUIC.</summary>
    void OnTlsClientHello(in PacketSummary packet, in TlsClientHello hello, HelloTransport transport)
    {
    }

    /// <summary>An HTTP/1.x request head (method, target, Host).</summary>
    void OnHttpRequest(in PacketSummary packet, in HttpRequestHead request)
    {
    }

    /// <summary>A NetBIOS name service packet (UDP 137).</summary>
    void OnNetBiosName(in PacketSummary packet, in NetBiosNamePacket name)
    {
    }

    /// <summary>A packet (or one of its layers) was malformed; it was counted and the rest of it ignored.</summary>
    void OnMalformed(in PacketSummary packet, PacketLayer layer)
    {
    }
}

/// <summary>Which DNS-format protocol carried a <see cref="DnsMessage"/>.</summary>
public enum DnsProtocol
{
    /// <summary>Unicast DNS over UDP port 53.</summary>
    Udp,

    /// <summary>DNS over TCP port 53 (one length-prefixed message at the start of a segment).</summary>
    Tcp,

    /// <summary>Multicast DNS (UDP 5353): device names on the LAN.</summary>
    Multicast,

    /// <summary>Link-local multicast name resolution (UDP 5355).</summary>
    Llmnr,
}

/// <summary>How a ClientHello travelled.</summary>
public enum HelloTransport
{
    /// <summary>TLS over TCP, in one segment.</summary>
    Tcp,

    /// <summary>TLS over TCP, reassembled from several segments.</summary>
    TcpReassembled,

    /// <summary>QUIC Initial packet(s), decrypted.</summary>
    Quic,
}

/// <summary>A sink that ignores everything (benchmarks, and the decoder's default).</summary>
public sealed class NullPacketSink : IPacketSink
{
    /// <summary>The shared instance.</summary>
    public static NullPacketSink Instance { get; } = new();
}

using ClassroomGuard.Sniffer.Decoding.Application;
using ClassroomGuard.Sniffer.Decoding.Link;

namespace ClassroomGuard.Sniffer.Decoding;

/// <summary>
/// Hands every decoded fact to several sinks in order (accounting, discovery, circumvention detection), so each stays a
/// small class that implements only the callbacks it uses. The array is fixed at construction: no allocation per packet.
/// </summary>
public sealed class CompositePacketSink : IPacketSink
{
    private readonly IPacketSink[] _sinks;

    /// <summary>Creates a sink that forwards to <paramref name="sinks"/>, in the order given.</summary>
    public CompositePacketSink(IEnumerable<IPacketSink> sinks)
    {
        ArgumentNullException.ThrowIfNull(sinks);
        _sinks = [.. sinks];
    }

    /// <summary>The sinks, in call order.</summary>
    public IReadOnlyList<IPacketSink> Sinks => _sinks;

    /// <inheritdoc/>
    public void OnPacket(in PacketSummary packet)
    {
        foreach (var sink in _sinks)
        {
            sink.OnPacket(packet);
        }
    }

    /// <inheritdoc/>
    public void OnTransportPayload(in PacketSummary packet, ReadOnlySpan<byte> payload)
    {
        foreach (var sink in _sinks)
        {
            sink.OnTransportPayload(packet, payload);
        }
    }

    /// <inheritdoc/>
    public void OnArp(in PacketSummary packet, in ArpPacket arp)
    {
        foreach (var sink in _sinks)
        {
            sink.OnArp(packet, arp);
        }
    }

    /// <inheritdoc/>
    public void OnDhcp(in PacketSummary packet, in DhcpMessage message)
    {
        foreach (var sink in _sinks)
        {
            sink.OnDhcp(packet, message);
        }
    }

    /// <inheritdoc/>
    public void OnDns(in PacketSummary packet, in DnsMessage message, DnsProtocol protocol)
    {
        foreach (var sink in _sinks)
        {
            sink.OnDns(packet, message, protocol);
        }
    }

    /// <inheritdoc/>
    public void OnTlsClientHello(in PacketSummary packet, in TlsClientHello hello, HelloTransport transport)
    {
        foreach (var sink in _sinks)
        {
            sink.OnTlsClientHello(packet, hello, transport);
        }
    }

    /// <inheritdoc/>
    public void OnHttpRequest(in PacketSummary packet, in HttpRequestHead request)
    {
        foreach (var sink in _sinks)
        {
            sink.OnHttpRequest(packet, request);
        }
    }

    /// <inheritdoc/>
    public void OnNetBiosName(in PacketSummary packet, in NetBiosNamePacket name)
    {
        foreach (var sink in _sinks)
        {
            sink.OnNetBiosName(packet, name);
        }
    }

    /// <inheritdoc/>
    public void OnMalformed(in PacketSummary packet, PacketLayer layer)
    {
        foreach (var sink in _sinks)
        {
            sink.OnMalformed(packet, layer);
        }
    }
}

using System.Buffers.Binary;
using ClassroomGuard.Sniffer.Capture;
using ClassroomGuard.Sniffer.Decoding.Application;
using ClassroomGuard.Sniffer.Decoding.Internal;
using ClassroomGuard.Sniffer.Decoding.Link;
using ClassroomGuard.Sniffer.Decoding.Network;
using ClassroomGuard.Sniffer.Decoding.Transport;

namespace ClassroomGuard.Sniffer.Decoding;

/// <summary>
/// Decodes captured packets layer by layer and reports what it finds to an <see cref="IPacketSink"/>. Allocates nothing per
/// packet (QUIC Initial packets excepted: each decryption allocates its AES-GCM key schedule); never throws on packet
/// content (malformed layers are counted and reported to the sink). Not thread-safe: one decoder per capture thread.
/// </summary>
public sealed class PacketDecoder : IDisposable
{
    private const ushort DnsPort = 53;
    private const ushort MulticastDnsPort = 5353;
    private const ushort LlmnrPort = 5355;
    private const ushort NetBiosNamePort = 137;
    private const ushort DhcpServerPort = 67;
    private const ushort DhcpClientPort = 68;

    private readonly IPacketSink _sink;
    private readonly ClientHelloReassembler _reassembler;
    private const ushort QuicPort = 443;

    /// <summary>RFC 9000 14.1: a client's Initial datagram is padded to at least 1200 bytes; servers drop smaller ones.</summary>
    private const int MinInitialDatagram = 1200;

    private readonly byte[] _nameScratch = new byte[Dns.Protocol.DnsName.MaxLength + 3];
    private readonly QuicInitialDecryptor _quic = new();
    private readonly QuicCryptoReassembler _quicReassembler;
    private readonly byte[] _quicPlaintext = new byte[65536];
    private readonly int _maxQuicFailuresPerSecond;
    private long _quicFailureWindow;
    private int _quicFailuresInWindow;
    private PacketSummary _summary;

    /// <summary>Creates a decoder that reports to <paramref name="sink"/>.</summary>
    public PacketDecoder(IPacketSink sink, DecoderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(sink);
        _sink = sink;
        options ??= new DecoderOptions();
        _reassembler = new ClientHelloReassembler(options);
        _quicReassembler = new QuicCryptoReassembler(options);
        _maxQuicFailuresPerSecond = options.MaxQuicDecryptFailuresPerSecond;
    }

    /// <summary>The decoder's counters.</summary>
    public DecoderStatistics Statistics { get; } = new();

    /// <summary>Flows holding a partial TLS ClientHello now (TCP and QUIC).</summary>
    public int PendingReassemblies => _reassembler.PendingFlows + _quicReassembler.PendingFlows;

    /// <summary>
    /// Reads and decodes packets from <paramref name="capture"/> until the file ends, <see cref="IPacketSource.BreakLoop"/> is
    /// called, or <paramref name="cancellationToken"/> is cancelled (which breaks the loop). Returns the packets read.
    /// </summary>
    /// <exception cref="PcapException">libpcap reported a read error.</exception>
    public long DecodeAll(IPacketSource capture, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(capture);
        using var registration = cancellationToken.Register(static state => ((IPacketSource)state!).BreakLoop(), capture);
        var linkType = capture.LinkType;
        long count = 0;
        while (true)
        {
            switch (capture.ReadNext(out var packet))
            {
                case CaptureReadResult.Packet:
                    count++;
                    Decode(linkType, packet.TimestampMicroseconds, packet.OriginalLength, packet.Data);
                    break;
                case CaptureReadResult.Timeout:
                    break;
                default:
                    return count;
            }
        }
    }

    /// <summary>Releases the QUIC header-protection cipher.</summary>
    public void Dispose() => _quic.Dispose();

    /// <summary>Decodes one packet read from a capture of link type <paramref name="linkType"/>.</summary>
    public void Decode(LinkType linkType, in CapturedPacket packet) =>
        Decode(linkType, packet.TimestampMicroseconds, packet.OriginalLength, packet.Data);

    /// <summary>Decodes one packet: <paramref name="data"/> starts with the link-layer header of <paramref name="linkType"/>.</summary>
    public void Decode(LinkType linkType, long timestampMicroseconds, int wireLength, ReadOnlySpan<byte> data)
    {
        var stats = Statistics;
        stats.Packets++;
        stats.Bytes += wireLength;
        if (wireLength > data.Length)
        {
            stats.Truncated++;
        }

        _summary = default;
        _summary.TimestampMicroseconds = timestampMicroseconds;
        _summary.WireLength = wireLength;

        ushort etherType;
        ReadOnlySpan<byte> network;
        switch (linkType)
        {
            case LinkType.Ethernet:
                if (!EthernetFrame.TryRead(data, out var frame))
                {
                    Malformed(PacketLayer.Link);
                    return;
                }

                _summary.SourceMac = frame.Source;
                _summary.DestinationMac = frame.Destination;
                _summary.VlanId = frame.OuterVlanId;
                etherType = frame.EtherType;
                network = frame.Payload;
                break;
            case LinkType.LinuxSll or LinkType.LinuxSll2:
                var cooked = linkType == LinkType.LinuxSll ? LinuxCookedHeader.TryReadSll(data, out var header) : LinuxCookedHeader.TryReadSll2(data, out header);
                if (!cooked)
                {
                    Malformed(PacketLayer.Link);
                    return;
                }

                _summary.SourceMac = header.Source;
                etherType = header.Protocol;
                network = header.Payload;
                break;
            case LinkType.Raw or LinkType.RawFile:
                if (data.IsEmpty)
                {
                    Malformed(PacketLayer.Link);
                    return;
                }

                etherType = (data[0] >> 4) == 6 ? EtherTypes.IPv6 : EtherTypes.IPv4;
                network = data;
                break;
            default:
                stats.UnsupportedLinkType++;
                return;
        }

        _summary.EtherType = etherType;
        switch (etherType)
        {
            case EtherTypes.IPv4:
                DecodeIPv4(network);
                break;
            case EtherTypes.IPv6:
                DecodeIPv6(network);
                break;
            case EtherTypes.Arp:
                DecodeArp(network);
                break;
            default:
                _sink.OnPacket(in _summary);
                break;
        }
    }

    private void DecodeArp(ReadOnlySpan<byte> data)
    {
        _sink.OnPacket(in _summary);
        if (!ArpPacket.TryRead(data, out var arp))
        {
            Malformed(PacketLayer.Arp);
            return;
        }

        Statistics.Arp++;
        _sink.OnArp(in _summary, in arp);
    }

    private void DecodeIPv4(ReadOnlySpan<byte> data)
    {
        if (!IPv4Packet.TryRead(data, out var ip))
        {
            NetworkMalformed();
            return;
        }

        DecodeNetwork(ip.Source, ip.Destination, ip.Protocol, ip.IsFragment, ip.FragmentOffset, ip.Payload);
    }

    private void DecodeIPv6(ReadOnlySpan<byte> data)
    {
        if (!IPv6Packet.TryRead(data, out var ip))
        {
            NetworkMalformed();
            return;
        }

        DecodeNetwork(ip.Source, ip.Destination, ip.Protocol, ip.IsFragment, ip.FragmentOffset, ip.Payload);
    }

    private void NetworkMalformed()
    {
        _sink.OnPacket(in _summary);
        Malformed(PacketLayer.Network);
    }

    /// <summary>What IPv4 and IPv6 share once their headers are read: addresses, fragments, then the transport.</summary>
    private void DecodeNetwork(NetAddress source, NetAddress destination, byte protocol, bool isFragment, int fragmentOffset, ReadOnlySpan<byte> payload)
    {
        _summary.SourceIp = source;
        _summary.DestinationIp = destination;
        _summary.Protocol = protocol;
        if (isFragment)
        {
            Statistics.Fragments++;
            _summary.IsFragment = true;
            if (fragmentOffset != 0)
            {
                // Later fragments carry no transport header; the first one is decoded as far as it goes.
                _summary.PayloadLength = payload.Length;
                _sink.OnPacket(in _summary);
                return;
            }
        }

        DecodeTransport(protocol, payload);
    }

    private void DecodeTransport(byte protocol, ReadOnlySpan<byte> data)
    {
        switch (protocol)
        {
            case IPProtocols.Tcp:
                if (!TcpSegment.TryRead(data, out var tcp))
                {
                    TransportMalformed(data);
                    return;
                }

                _summary.SourcePort = tcp.SourcePort;
                _summary.DestinationPort = tcp.DestinationPort;
                _summary.TcpFlags = tcp.Flags;
                _summary.PayloadLength = tcp.Payload.Length;
                _sink.OnPacket(in _summary);
                if (!tcp.Payload.IsEmpty && !_summary.IsFragment)
                {
                    _sink.OnTransportPayload(in _summary, tcp.Payload);
                    DecodeTcpPayload(in tcp);
                }

                break;
            case IPProtocols.Udp:
                if (!UdpDatagram.TryRead(data, out var udp))
                {
                    TransportMalformed(data);
                    return;
                }

                _summary.SourcePort = udp.SourcePort;
                _summary.DestinationPort = udp.DestinationPort;
                _summary.PayloadLength = udp.Payload.Length;
                _sink.OnPacket(in _summary);
                if (!_summary.IsFragment)
                {
                    if (!udp.Payload.IsEmpty)
                    {
                        _sink.OnTransportPayload(in _summary, udp.Payload);
                    }

                    DecodeUdpPayload(udp.SourcePort, udp.DestinationPort, udp.Payload);
                }

                break;
            case IPProtocols.Icmp or IPProtocols.IcmpV6:
                if (!IcmpMessage.TryRead(data, out var icmp))
                {
                    TransportMalformed(data);
                    return;
                }

                _summary.PayloadLength = icmp.Body.Length;
                _sink.OnPacket(in _summary);
                break;
            default:
                _summary.PayloadLength = data.Length;
                _sink.OnPacket(in _summary);
                break;
        }
    }

    private void TransportMalformed(ReadOnlySpan<byte> data)
    {
        _summary.PayloadLength = data.Length;
        _sink.OnPacket(in _summary);

        // The first fragment of a fragmented packet may legitimately cut a header short: not malformed.
        if (!_summary.IsFragment)
        {
            Malformed(PacketLayer.Transport);
        }
    }

    private void DecodeUdpPayload(ushort sourcePort, ushort destinationPort, ReadOnlySpan<byte> payload)
    {
        if (sourcePort == DnsPort || destinationPort == DnsPort)
        {
            DecodeDns(payload, DnsProtocol.Udp);
        }
        else if (sourcePort == MulticastDnsPort || destinationPort == MulticastDnsPort)
        {
            DecodeDns(payload, DnsProtocol.Multicast);
        }
        else if (sourcePort == LlmnrPort || destinationPort == LlmnrPort)
        {
            DecodeDns(payload, DnsProtocol.Llmnr);
        }
        else if ((sourcePort is DhcpClientPort or DhcpServerPort) && (destinationPort is DhcpClientPort or DhcpServerPort))
        {
            if (!DhcpMessage.TryRead(payload, out var dhcp))
            {
                Malformed(PacketLayer.Dhcp);
                return;
            }

            Statistics.Dhcp++;
            _sink.OnDhcp(in _summary, in dhcp);
        }
        else if (destinationPort == QuicPort && payload.Length >= MinInitialDatagram && (payload[0] & 0xC0) == 0xC0)
        {
            DecodeQuicInitial(payload);
        }
        else if (destinationPort == NetBiosNamePort)
        {
            if (!NetBiosNamePacket.TryRead(payload, _nameScratch, out var netBios))
            {
                Malformed(PacketLayer.NetBios);
                return;
            }

            Statistics.NetBios++;
            _sink.OnNetBiosName(in _summary, in netBios);
        }
    }

    private void DecodeQuicInitial(ReadOnlySpan<byte> datagram)
    {
        // Only the first packet of the datagram: clients send each Initial in a datagram of its own.
        if (!QuicLongHeader.TryReadInitial(datagram, out var header))
        {
            return;
        }

        // Garbage that looks like an Initial costs a failed AEAD each (an exception in .NET): bounded per second of
        // packet time so a flood of it cannot take the capture thread.
        var now = _summary.TimestampMicroseconds;
        if (now - _quicFailureWindow >= 1_000_000 || now < _quicFailureWindow)
        {
            _quicFailureWindow = now;
            _quicFailuresInWindow = 0;
        }

        if (_quicFailuresInWindow >= _maxQuicFailuresPerSecond)
        {
            Statistics.QuicSkipped++;
            return;
        }

        if (!_quic.TryDecrypt(header, datagram, _quicPlaintext, out var length, out _))
        {
            _quicFailuresInWindow++;
            Malformed(PacketLayer.Quic);
            return;
        }

        Statistics.QuicInitials++;
        var key = QuicFlowKey.Create(_summary.SourceIp, _summary.SourcePort, header.DestinationConnectionId);
        var result = _quicReassembler.Add(key, _quicPlaintext.AsSpan(0, length), now, out var clientHello);
        Statistics.TlsReassemblyAbandoned = _reassembler.Abandoned + _quicReassembler.Abandoned;
        switch (result)
        {
            case QuicFramesResult.Complete when TlsClientHello.TryRead(clientHello, out var hello):
                Statistics.TlsClientHellos++;
                _sink.OnTlsClientHello(in _summary, in hello, HelloTransport.Quic);
                break;
            case QuicFramesResult.Complete or QuicFramesResult.Malformed:
                Malformed(PacketLayer.Quic);
                break;
        }
    }

    private void DecodeDns(ReadOnlySpan<byte> payload, DnsProtocol protocol)
    {
        if (!DnsMessage.TryRead(payload, _nameScratch, out var dns))
        {
            Malformed(PacketLayer.Dns);
            return;
        }

        Statistics.Dns++;
        _sink.OnDns(in _summary, in dns, protocol);
    }

    private void DecodeTcpPayload(in TcpSegment tcp)
    {
        var payload = tcp.Payload;
        var key = new FlowKey(_summary.SourceIp, _summary.DestinationIp, tcp.SourcePort, tcp.DestinationPort);
        switch (_reassembler.Add(key, tcp.Sequence, payload, _summary.TimestampMicroseconds, out var joined))
        {
            case ReassemblyResult.Complete:
                Statistics.TlsReassembled++;
                DecodeClientHelloRecord(joined, HelloTransport.TcpReassembled);
                return;
            case ReassemblyResult.Pending:
                return;
            case ReassemblyResult.Abandoned:
                Statistics.TlsReassemblyAbandoned = _reassembler.Abandoned + _quicReassembler.Abandoned;
                break;
        }

        switch (TlsRecord.Inspect(payload, out var recordLength))
        {
            case TlsRecordStatus.ClientHello:
                DecodeClientHelloRecord(payload[..recordLength], HelloTransport.Tcp);
                return;
            case TlsRecordStatus.Incomplete:
                _reassembler.Start(key, tcp.Sequence, payload, recordLength, _summary.TimestampMicroseconds);

                // Starting may have evicted or refused a flow.
                Statistics.TlsReassemblyAbandoned = _reassembler.Abandoned + _quicReassembler.Abandoned;
                return;
        }

        if (tcp.SourcePort == DnsPort || tcp.DestinationPort == DnsPort)
        {
            // DNS over TCP: a two-byte length, then the message; decoded when the segment holds all of it.
            if (payload.Length >= 2 + DnsMessage.HeaderLength && BinaryPrimitives.ReadUInt16BigEndian(payload) <= payload.Length - 2)
            {
                DecodeDns(payload.Slice(2, BinaryPrimitives.ReadUInt16BigEndian(payload)), DnsProtocol.Tcp);
            }

            return;
        }

        if (HttpRequestHead.TryRead(payload, out var http))
        {
            Statistics.HttpRequests++;
            _sink.OnHttpRequest(in _summary, in http);
        }
    }

    private void DecodeClientHelloRecord(ReadOnlySpan<byte> record, HelloTransport transport)
    {
        if (!TlsClientHello.TryRead(record[TlsRecord.HeaderLength..], out var hello))
        {
            Malformed(PacketLayer.Tls);
            return;
        }

        Statistics.TlsClientHellos++;
        _sink.OnTlsClientHello(in _summary, in hello, transport);
    }

    private void Malformed(PacketLayer layer)
    {
        Statistics.Malformed++;
        _sink.OnMalformed(in _summary, layer);
    }
}

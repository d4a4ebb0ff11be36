using ClassroomGuard.Sniffer.Decoding;
using ClassroomGuard.Sniffer.Decoding.Application;
using ClassroomGuard.Sniffer.Decoding.Network;
using ClassroomGuard.Sniffer.Decoding.Transport;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Sniffer.Circumvention;

/// <summary>
/// Recognises attempts to get round the filter in the decoder's facts, on the capture thread: checks are integer
/// compares and span lookups, nothing is allocated unless an attempt passes the rate limit and is queued as a
/// <see cref="CircumventionAttempt"/> for <see cref="CircumventionAlertWriter"/>. Only traffic from a monitored school
/// device counts (<see cref="AddressRules.IsMonitoredClient"/>), and only in the client-to-server direction.
/// </summary>
public sealed class CircumventionDetector : IPacketSink
{
    private const ushort DnsPort = 53, SecureDnsPort = 853, HttpsPort = 443;

    private readonly AddressRules _rules;
    private readonly ServiceLists _lists;
    private readonly AttemptRateLimit _rateLimit;
    private readonly CircumventionQueue _queue;
    private readonly CircumventionStatistics _statistics;

    /// <summary>Creates the detector (the service's registration: <c>AddCircumventionDetection</c>).</summary>
    public CircumventionDetector(CircumventionSetup setup, IOptions<CircumventionOptions> options, CircumventionQueue queue)
        : this(setup?.Rules ?? throw new ArgumentNullException(nameof(setup)), setup.Lists, options, queue)
    {
    }

    /// <summary>Creates a detector over parsed rules and loaded lists.</summary>
    public CircumventionDetector(AddressRules rules, ServiceLists lists, IOptions<CircumventionOptions> options, CircumventionQueue queue)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(lists);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(queue);
        _rules = rules;
        _lists = lists;
        _queue = queue;
        _statistics = queue.Statistics;
        _rateLimit = new AttemptRateLimit(options.Value.AlertInterval, options.Value.MaxTrackedAttempts);
    }

    /// <inheritdoc/>
    public void OnPacket(in PacketSummary packet)
    {
        switch (packet.Protocol)
        {
            case IPProtocols.Esp:
                // ESP carries no ports; every packet of a tunnel matches, the rate limit makes it one alert.
                if (_rules.IsMonitoredClient(packet.SourceIp))
                {
                    Detected(packet, CircumventionKind.IPsec, "ESP packets (IP protocol 50)");
                }

                break;
            case IPProtocols.Tcp when packet.DestinationPort == SecureDnsPort && (packet.TcpFlags & (TcpFlags.Syn | TcpFlags.Ack)) == TcpFlags.Syn:
                // The SYN only: one attempt per connection, and never the server's replies.
                if (_rules.IsMonitoredClient(packet.SourceIp) && !_rules.IsAllowedResolver(packet.DestinationIp))
                {
                    Detected(packet, CircumventionKind.DnsOverTls, "a TCP connection request (DNS over TLS)");
                }

                break;
        }
    }

    /// <inheritdoc/>
    public void OnTransportPayload(in PacketSummary packet, ReadOnlySpan<byte> payload)
    {
        var port = packet.DestinationPort;
        if (packet.Protocol == IPProtocols.Udp)
        {
            if (payload.Length == TunnelShapes.WireGuardInitiationLength && TunnelShapes.IsWireGuardInitiation(payload))
            {
                Candidate(packet, CircumventionKind.WireGuard, "a WireGuard handshake initiation");
            }
            else if (port == SecureDnsPort && TunnelShapes.IsQuicLongHeader(payload))
            {
                if (!_rules.IsAllowedResolver(packet.DestinationIp))
                {
                    Candidate(packet, CircumventionKind.DnsOverQuic, "a QUIC handshake packet (DNS over QUIC)");
                }
            }
            else if (port == TunnelShapes.OpenVpnPort)
            {
                var opcode = TunnelShapes.OpenVpnHardResetUdp(payload);
                if (opcode != 0)
                {
                    Candidate(packet, CircumventionKind.OpenVpn, OpenVpnDetail(opcode));
                }
            }
            else if (port is TunnelShapes.IkePort or TunnelShapes.IkeNatTraversalPort)
            {
                var version = TunnelShapes.IkeInitiation(payload, port == TunnelShapes.IkeNatTraversalPort);
                if (version != 0)
                {
                    Candidate(packet, CircumventionKind.IPsec, version == 2 ? "an IKEv2 IKE_SA_INIT request" : "an IKEv1 Main/Aggressive Mode request");
                }
            }
        }
        else if (packet.Protocol == IPProtocols.Tcp && port == TunnelShapes.OpenVpnPort)
        {
            var opcode = TunnelShapes.OpenVpnHardResetTcp(payload);
            if (opcode != 0)
            {
                Candidate(packet, CircumventionKind.OpenVpn, OpenVpnDetail(opcode));
            }
        }
    }

    /// <inheritdoc/>
    public void OnDns(in PacketSummary packet, in DnsMessage message, DnsProtocol protocol)
    {
        if (protocol is not (DnsProtocol.Udp or DnsProtocol.Tcp) || message.IsResponse || message.Opcode != 0
            || packet.DestinationPort != DnsPort || _rules.IsAllowedResolver(packet.DestinationIp) || !_rules.IsMonitoredClient(packet.SourceIp))
        {
            return;
        }

        // One key per device for every foreign query (not per name): the first name goes in the alert as an example.
        Fire(packet, CircumventionKind.OtherResolver, protocol == DnsProtocol.Udp ? "a DNS query (UDP)" : "a DNS query (TCP)", message.QuestionName, default, 0);
    }

    /// <inheritdoc/>
    public void OnTlsClientHello(in PacketSummary packet, in TlsClientHello hello, HelloTransport transport)
    {
        if (!_rules.IsMonitoredClient(packet.SourceIp))
        {
            return;
        }

        var detail = transport == HelloTransport.Quic ? "a QUIC TLS ClientHello" : "a TLS ClientHello";
        var name = hello.ServerName;
        if (name.IsEmpty || HostNames.IsIpLiteral(name))
        {
            if (packet.DestinationPort == HttpsPort)
            {
                Fire(packet, CircumventionKind.NumericIpTls, detail, name, default, 0);
            }

            return;
        }

        MatchListed(packet, name, detail);
    }

    /// <inheritdoc/>
    public void OnHttpRequest(in PacketSummary packet, in HttpRequestHead request)
    {
        var host = HostNames.HostWithoutPort(request.Host);
        if (host.IsEmpty || HostNames.IsIpLiteral(host) || !_rules.IsMonitoredClient(packet.SourceIp))
        {
            return;
        }

        MatchListed(packet, host, "an HTTP request");
    }

    private void MatchListed(in PacketSummary packet, ReadOnlySpan<byte> name, string detail)
    {
        Span<byte> wire = stackalloc byte[HostNames.MaxWireLength];
        if (!HostNames.TryToWire(name, wire, out var length))
        {
            return;
        }

        wire = wire[..length];
        if (_lists.Match(wire, out var offset) is { } kind)
        {
            var listed = wire[offset..];
            Fire(packet, kind, detail, name, listed, AttemptRateLimit.HashName(listed));
        }
    }

    private void Candidate(in PacketSummary packet, CircumventionKind kind, string detail)
    {
        if (_rules.IsMonitoredClient(packet.SourceIp))
        {
            Detected(packet, kind, detail);
        }
    }

    private void Detected(in PacketSummary packet, CircumventionKind kind, string detail) => Fire(packet, kind, detail, default, default, 0);

    private void Fire(in PacketSummary packet, CircumventionKind kind, string detail, ReadOnlySpan<byte> domain, ReadOnlySpan<byte> listedWire, ulong nameHash)
    {
        _statistics.Detected++;
        if (!_rateLimit.TryPass(packet.SourceIp, kind, nameHash, packet.TimestampMicroseconds, out var suppressed))
        {
            _statistics.Suppressed++;
            return;
        }

        _statistics.RateLimitResets = _rateLimit.Resets;

        // An alert is due: only now are strings made.
        _queue.TryWrite(new CircumventionAttempt(
            packet.TimestampMicroseconds, kind, packet.SourceIp, packet.SourceMac, packet.DestinationIp, packet.DestinationPort, packet.Protocol, detail,
            domain.IsEmpty ? null : HostNames.ToAlertText(domain),
            listedWire.IsEmpty ? null : Dns.Lists.DomainText.ToDotted(listedWire),
            suppressed));
    }

    private static string OpenVpnDetail(byte opcode) => opcode == TunnelShapes.OpenVpnHardResetClientV3
        ? "an OpenVPN client hard reset (P_CONTROL_HARD_RESET_CLIENT_V3)"
        : "an OpenVPN client hard reset (P_CONTROL_HARD_RESET_CLIENT_V2)";
}

using ClassroomGuard.Sniffer.Accounting.Internal;
using ClassroomGuard.Sniffer.Decoding;
using ClassroomGuard.Sniffer.Decoding.Application;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Sniffer.Accounting;

/// <summary>
/// Counts traffic per local address per second — bytes and packets in and out, new flows, bytes per site — on the
/// capture thread, with no allocation and no lock per packet. A packet is counted as "out" for its source when that is a
/// local address, and "in" for its destination when that is a local unicast address (so LAN-to-LAN traffic counts for
/// both). Bytes are frame bytes on the wire (<see cref="PacketSummary.WireLength"/>). A flow's site name comes from its
/// TLS/QUIC SNI or HTTP Host; failing that, it is inferred — and counted apart, as inferred — from a DNS answer the
/// flow's own client received for the server's address within that answer's TTL — and only an answer to a query that
/// client was seen sending (<see cref="PendingQueries"/>), so a forged one names nothing; otherwise the flow stays unnamed.
/// <para>
/// Hand-over to the flusher: <see cref="SecondRing"/>, one buffer per whole second of the packets' timestamps, opened by
/// the capture thread on each new second and read by the flusher without a lock.
/// </para>
/// </summary>
public sealed class TrafficAccountant : IPacketSink
{
    private readonly LocalNetworks _local;
    private readonly FlowTable _flows;
    private readonly NameTable _names;
    private readonly ClientNames _clientNames;
    private readonly PendingQueries _pendingQueries;
    private readonly AddressTable _addresses;
    private readonly SecondRing _seconds;
    private readonly byte[] _nameScratch = new byte[256];
    private readonly byte[] _recordNameScratch = new byte[256];
    private long _packetSecond;
    private int _lastFlow = -1;
    private int _lastSource = -1;
    private int _lastDestination = -1;

    /// <summary>Creates the accountant with every table at its full size.</summary>
    public TrafficAccountant(IOptions<AccountingOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var o = options.Value;
        _local = LocalNetworks.Parse(o.EffectiveLocalNetworks);
        _flows = new FlowTable(o.MaxFlows, o.TcpIdleTimeout, o.TcpClosedTimeout, o.UdpIdleTimeout, o.OtherIdleTimeout);
        _names = new NameTable(o.MaxSiteNames);
        _clientNames = new ClientNames(o.MaxDnsAddresses, o.MaxDnsNameLifetime);
        _pendingQueries = new PendingQueries(o.MaxDnsAddresses / 4);
        _addresses = new AddressTable(o.MaxDeviceAddresses);
        _seconds = new SecondRing(o.MaxDeviceAddresses + 1);
    }

    /// <summary>The local ranges in force.</summary>
    public LocalNetworks LocalNetworks => _local;

    /// <summary>The flow table (capture thread; its counters may be read from any thread).</summary>
    internal FlowTable Flows => _flows;

    /// <summary>Interned site names (resolved by the flusher).</summary>
    internal NameTable Names => _names;

    /// <summary>Slot shared by addresses beyond <see cref="AccountingOptions.MaxDeviceAddresses"/>.</summary>
    internal int OverflowSlot => _addresses.OverflowSlot;

    /// <summary>Counters for the logs and the status page (written by the capture thread; a reading may be a packet behind).</summary>
    public AccountingStatistics Statistics { get; } = new();

    /// <inheritdoc />
    public void OnPacket(in PacketSummary packet)
    {
        _lastFlow = _lastSource = _lastDestination = -1;
        if (packet.SourceIp.Version == 0)
        {
            return;
        }

        var sourceLocal = _local.Contains(packet.SourceIp);
        var destinationLocal = !packet.DestinationMac.IsMulticast && _local.Contains(packet.DestinationIp);
        if (!sourceLocal && !destinationLocal)
        {
            Statistics.NotLocal++;
            return;
        }

        var now = packet.TimestampMicroseconds;
        var counters = Enter(now);
        Statistics.Packets++;
        Statistics.Bytes += packet.WireLength;

        var isNew = false;
        var nameId = NameTable.None;
        var inferred = false;
        int noFlowSource = -1, noFlowDestination = -1;
        ref var sourceSlot = ref noFlowSource;
        ref var destinationSlot = ref noFlowDestination;
        if (!packet.IsFragment || packet.SourcePort != 0 || packet.DestinationPort != 0)
        {
            _lastFlow = _flows.Touch(packet, out isNew, out var sourceIsA);
            ref var flow = ref _flows[_lastFlow];
            if (isNew)
            {
                // The first packet seen came from the client: only its own recent DNS answer may suggest a name.
                flow.NameId = _clientNames.Get(packet.SourceIp, packet.DestinationIp, now);
                flow.NameInferred = flow.NameId != NameTable.None;
                Statistics.InferredFlows += flow.NameInferred ? 1 : 0;
            }

            nameId = flow.NameId;
            inferred = flow.NameInferred;
            if (inferred && !flow.PayloadSeen && packet.Protocol == 6 && packet.PayloadLength == 0)
            {
                nameId = NameTable.None; // a TCP handshake is not booked to a guess: its ClientHello may name it otherwise
            }

            if (inferred && nameId != NameTable.None)
            {
                flow.GuessBytes = (flow.GuessSecond == _packetSecond ? flow.GuessBytes : 0) + packet.WireLength;
                flow.GuessSecond = _packetSecond;
            }

            flow.PayloadSeen |= packet.PayloadLength > 0;
            _names.Touch(nameId, now);
            sourceSlot = ref sourceIsA ? ref flow.SlotA : ref flow.SlotB;
            destinationSlot = ref sourceIsA ? ref flow.SlotB : ref flow.SlotA;
        }
        else
        {
            Statistics.LaterFragments++;
        }

        var wire = packet.WireLength;
        if (sourceLocal)
        {
            _lastSource = _addresses.Slot(packet.SourceIp, now, ref sourceSlot);
            ref var record = ref counters.Record(_lastSource, packet.SourceIp);
            record.BytesOut += wire;
            record.PacketsOut++;
            record.FlowsNew += isNew ? 1 : 0;
            if (nameId != NameTable.None)
            {
                record.AddSite(nameId, wire, inferred);
            }
        }

        if (destinationLocal)
        {
            _lastDestination = _addresses.Slot(packet.DestinationIp, now, ref destinationSlot);
            ref var record = ref counters.Record(_lastDestination, packet.DestinationIp);
            record.BytesIn += wire;
            record.PacketsIn++;
            record.FlowsNew += isNew ? 1 : 0;
            if (nameId != NameTable.None)
            {
                record.AddSite(nameId, wire, inferred);
            }
        }

        _addresses.SweepOne(now, counters);
        Exit();
    }

    /// <inheritdoc />
    public void OnTlsClientHello(in PacketSummary packet, in TlsClientHello hello, HelloTransport transport) => NameFlow(packet, hello.ServerName, fromHello: true);

    /// <inheritdoc />
    public void OnHttpRequest(in PacketSummary packet, in HttpRequestHead request) => NameFlow(packet, request.Host, fromHello: false);

    /// <inheritdoc />
    public void OnDns(in PacketSummary packet, in DnsMessage message, DnsProtocol protocol)
    {
        // Only unicast DNS (port 53) names internet servers, and only for the client that asked. mDNS and LLMNR never
        // name a flow: their answers are multicast and unsolicited by design (discovery reads them for device names).
        if (protocol is not (DnsProtocol.Udp or DnsProtocol.Tcp) || message.Opcode != 0)
        {
            return;
        }

        var now = packet.TimestampMicroseconds;
        if (!message.IsResponse)
        {
            if (_local.Contains(packet.SourceIp) && SiteName.TryNormalize(message.QuestionName, _nameScratch, out var asked))
            {
                _pendingQueries.Add(packet.SourceIp, packet.SourcePort, packet.DestinationIp, packet.DestinationPort, message.Id,
                    PendingQueries.HashName(_nameScratch.AsSpan(0, asked)), now);
            }

            return;
        }

        if (message.ResponseCode != 0 || message.AnswerCount == 0 || !_local.Contains(packet.DestinationIp)
            || !SiteName.TryNormalize(message.QuestionName, _nameScratch, out var length))
        {
            return;
        }

        // The answer's destination is the client: it must have asked this server this question with this id from this port.
        if (!_pendingQueries.TryTake(packet.DestinationIp, packet.DestinationPort, packet.SourceIp, packet.SourcePort, message.Id,
                PendingQueries.HashName(_nameScratch.AsSpan(0, length)), now))
        {
            Statistics.DnsAnswersRefused++;
            return;
        }

        var nameId = NameTable.None;
        var records = message.ReadRecords(_recordNameScratch);
        while (records.TryReadNext(out var record))
        {
            if (record.IsAnswer && record.Type is 1 or 28 && record.Address.Version != 0)
            {
                if (nameId == NameTable.None)
                {
                    nameId = _names.Intern(_nameScratch.AsSpan(0, length), now);
                }

                _clientNames.Set(packet.DestinationIp, record.Address, nameId, now, record.TimeToLive);
                Statistics.DnsAddresses++;
            }
        }
    }

    /// <summary>The per-second buffers (the flusher takes the sealed ones).</summary>
    internal SecondRing Seconds => _seconds;

    /// <summary>Copies the tables' own counters into <see cref="Statistics"/> (a racy but harmless read of the capture thread's longs).</summary>
    internal void RefreshStatistics()
    {
        var s = Statistics;
        s.FlowsCreated = _flows.Created;
        s.FlowsExpired = _flows.Expired;
        s.FlowsEvicted = _flows.Evicted;
        s.AddressOverflow = _addresses.Overflowed;
        s.NamesReplaced = _names.Replaced;
        s.DnsQueriesEvicted = _pendingQueries.Evicted;
        s.MergedIntoEarlierSecond = _seconds.Merged;
    }

    private SecondCounters Enter(long timestampMicroseconds)
    {
        _packetSecond = timestampMicroseconds / 1_000_000;
        return _seconds.Enter(_packetSecond);
    }

    private SecondCounters Enter() => _seconds.Enter(_packetSecond); // the current packet's second again

    private void Exit() => _seconds.Exit();

    // Called after OnPacket for the same packet, so _lastFlow is the packet's flow.
    private void NameFlow(in PacketSummary packet, ReadOnlySpan<byte> raw, bool fromHello)
    {
        if (_lastFlow < 0 || !SiteName.TryNormalize(raw, _nameScratch, out var length))
        {
            return;
        }

        ref var flow = ref _flows[_lastFlow];
        if (flow.NamedByClient && !fromHello)
        {
            return; // SNI first, then a later Host on the same connection: keep the SNI
        }

        var previous = flow.NameId;
        var wasGuess = flow.NameInferred;
        var now = packet.TimestampMicroseconds;
        flow.NameId = _names.Intern(_nameScratch.AsSpan(0, length), now);
        flow.NamedByClient = true;
        flow.NameInferred = false;
        Statistics.NamedFlows++;
        if (previous != NameTable.None && !wasGuess)
        {
            return; // this packet's bytes already went to the earlier name
        }

        // The packet that carried the name counts for it; when the flow had been booked to a guess, every byte booked to
        // it this second moves to the name (all the segments of a split ClientHello, not only the one that completed it).
        var counters = Enter();
        var guessed = flow.GuessSecond == _packetSecond ? flow.GuessBytes : 0;
        flow.GuessBytes = 0;
        if (_lastSource >= 0)
        {
            Book(ref counters.Record(_lastSource, packet.SourceIp), previous, flow.NameId, guessed, packet.WireLength);
        }

        if (_lastDestination >= 0)
        {
            Book(ref counters.Record(_lastDestination, packet.DestinationIp), previous, flow.NameId, guessed, packet.WireLength);
        }

        Exit();
    }

    private static void Book(ref AddressSecond record, long guess, long nameId, long guessed, long bytes)
    {
        if (guess == NameTable.None)
        {
            record.AddSite(nameId, bytes);
        }
        else
        {
            record.MoveFromInferred(guess, nameId, Math.Max(guessed, bytes), bytes);
        }
    }
}

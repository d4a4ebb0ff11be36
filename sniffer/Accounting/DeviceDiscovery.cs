using System.Text;
using ClassroomGuard.Sniffer.Accounting.Internal;
using ClassroomGuard.Sniffer.Decoding;
using ClassroomGuard.Sniffer.Decoding.Application;
using ClassroomGuard.Sniffer.Decoding.Link;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Sniffer.Accounting;

/// <summary>
/// Learns which device (MAC) holds which local address and what it is called, from DHCP (client MAC, host name, the
/// address the server acknowledged or the client already uses), ARP (sender MAC and address), mDNS answers and NetBIOS
/// registrations (names), and the source MAC and address of ordinary packets. Deduplicated in memory on the capture
/// thread — a pair already queued is queued again only when something changed or after
/// <see cref="AccountingOptions.DeviceRefreshInterval"/> (to move last-seen on) — and handed to the state writer as
/// <see cref="Sighting"/>s, at most <see cref="AccountingOptions.MaxObservationsPerSecond"/> per batch.
/// <para>
/// Routers: a router's MAC is the source of every packet it forwards, so "source MAC + address" of an ordinary packet
/// is only trusted for MACs that are not routers. A MAC is taken for a router once it sends a packet from a non-local
/// unicast IPv4 address (internet traffic it forwards; global IPv6 sources are devices' own) or from a third different
/// local IPv4 address; its packets then give the address alone. ARP and DHCP name the MAC explicitly and are always
/// trusted.
/// </para>
/// </summary>
public sealed class DeviceDiscovery : IPacketSink
{
    /// <summary>
    /// Most MACs remembered as routers for the state writer (<see cref="IsRouter"/>). A school has a handful; a host
    /// spoofing source MACs with internet addresses must not grow the set (and take the lock) packet after packet.
    /// Past it, a router is still known on the capture thread, within the bounded generations of MACs.
    /// </summary>
    public const int MaxRouters = 256;

    private readonly LocalNetworks _local;
    private readonly long _refresh;
    private readonly int _maxPending;
    private readonly int _generationSize;
    private readonly byte[] _scratch = new byte[256];
    private readonly Lock _lock = new();
    private readonly HashSet<ulong> _routers = [];

    // Direct-mapped memory of recently confirmed (address, MAC) pairs in front of the dictionaries: the common packet
    // (a known device, refreshed recently) costs one array read. A collision only sends a packet down the slow path.
    private readonly RecentPair[] _recent = new RecentPair[4096];
    private Dictionary<AddressKey, AddressSeen> _addresses;
    private Dictionary<AddressKey, AddressSeen> _oldAddresses;
    private Dictionary<ulong, MacSeen> _macs;
    private Dictionary<ulong, MacSeen> _oldMacs;
    private List<Sighting> _pending;
    private ulong _lastRouter;
    private int _routerCount;
    private int _scratchLength;
    private bool _full;

    /// <summary>Creates the discovery sink (tables pre-sized from the options), counting what it queues in <paramref name="progress"/>.</summary>
    public DeviceDiscovery(IOptions<AccountingOptions> options, DiscoveryProgress? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Progress = progress ?? new DiscoveryProgress();
        var o = options.Value;
        _local = LocalNetworks.Parse(o.EffectiveLocalNetworks);
        _refresh = o.DeviceRefreshInterval.Ticks / TimeSpan.TicksPerMicrosecond;
        _maxPending = o.MaxObservationsPerSecond;
        _generationSize = Math.Max(16, o.MaxDeviceAddresses / 2);
        _addresses = new(_generationSize);
        _oldAddresses = new(_generationSize);
        _macs = new(_generationSize);
        _oldMacs = new(_generationSize);
        _pending = new(_maxPending);
    }

    /// <summary>Sightings refused because a batch was full (tried again with the next packet that shows them).</summary>
    public long Dropped { get; private set; }

    /// <summary>Sightings queued for the state.</summary>
    public long Queued { get; private set; }

    /// <summary>How many sightings have been queued and written (circumvention alerts wait on it).</summary>
    public DiscoveryProgress Progress { get; }

    /// <summary>Whether <paramref name="mac"/> has been taken for a router (any thread).</summary>
    public bool IsRouter(ulong mac)
    {
        lock (_lock)
        {
            return _routers.Contains(mac);
        }
    }

    /// <summary>Hands over the sightings queued since the last call (state writer thread) and starts a new batch.</summary>
    public List<Sighting> TakePending(List<Sighting> empty) => TakePending(empty, out _);

    /// <summary>
    /// Hands over the sightings queued since the last call and starts a new batch; <paramref name="through"/> is the
    /// <see cref="DiscoveryProgress.Queued"/> count the batch ends at.
    /// </summary>
    public List<Sighting> TakePending(List<Sighting> empty, out long through)
    {
        ArgumentNullException.ThrowIfNull(empty);
        empty.Clear();
        lock (_lock)
        {
            through = Progress.Queued;
            var taken = _pending;
            _pending = empty;
            Volatile.Write(ref _full, false);
            return taken;
        }
    }

    /// <inheritdoc />
    public void OnPacket(in PacketSummary packet)
    {
        var mac = packet.SourceMac.Value;
        if (packet.SourceIp.Version == 0 || mac == 0 || packet.SourceMac.IsMulticast)
        {
            return;
        }

        if (!_local.Contains(packet.SourceIp))
        {
            // Forwarded internet traffic: its source MAC is a router's. IPv4 only (devices send from global IPv6
            // addresses themselves), and not 0.0.0.0 (a DHCP client before its lease) or a group address.
            if (mac != _lastRouter && IsRoutedIPv4(packet.SourceIp))
            {
                MarkRouter(mac);
            }

            return;
        }

        var now = packet.TimestampMicroseconds;
        var ip = packet.SourceIp;
        ref var recent = ref _recent[(int)(((ip.Low * 0x9E3779B97F4A7C15UL) ^ ip.High) >> 52)];
        if (recent.Low == ip.Low && recent.High == ip.High && recent.Mac == mac && now - recent.Queued < _refresh && now >= recent.Queued)
        {
            return; // the common case: a known pair, refreshed recently
        }

        ref var seen = ref Address(ip, out var exists);
        if (exists && seen.Mac == mac && now - seen.Queued < _refresh)
        {
            recent = new RecentPair(ip.High, ip.Low, mac, seen.Queued);
            return;
        }

        if (mac != _lastRouter && packet.SourceIp.Version == 4)
        {
            // Distinct addresses, not changes: a host flipping between two (a secondary address) stays a host.
            ref var info = ref Mac(mac, out _);
            var ipv4 = packet.SourceIp.IPv4;
            if (info.FirstIPv4 == 0)
            {
                info.FirstIPv4 = ipv4;
            }
            else if (info.FirstIPv4 != ipv4 && info.SecondIPv4 == 0)
            {
                info.SecondIPv4 = ipv4;
            }
            else if (info.FirstIPv4 != ipv4 && info.SecondIPv4 != ipv4)
            {
                MarkRouter(mac); // a third: it forwards other hosts' packets
            }
        }

        var router = mac == _lastRouter || IsRouterLocal(mac);
        if (Queue(new Sighting(now, router ? 0 : mac, packet.SourceIp, null, SightingKind.Traffic)))
        {
            // Remembered only once queued: a sighting refused because the batch was full is tried again next packet.
            seen.Mac = mac;
            seen.Queued = now;
            recent = new RecentPair(ip.High, ip.Low, mac, now);
        }
    }

    /// <inheritdoc />
    public void OnArp(in PacketSummary packet, in ArpPacket arp)
    {
        // Probes (sender 0.0.0.0) and announcements from non-local ranges say nothing about our devices.
        var mac = arp.SenderMac.Value;
        if (mac == 0 || arp.SenderMac.IsMulticast || !_local.Contains(arp.SenderIp))
        {
            return;
        }

        Pair(SightingKind.Arp, mac, arp.SenderIp, default, packet.TimestampMicroseconds);
    }

    /// <inheritdoc />
    public void OnDhcp(in PacketSummary packet, in DhcpMessage message)
    {
        var mac = message.ClientMac.Value;
        if (mac == 0 || message.ClientMac.IsMulticast)
        {
            return;
        }

        var now = packet.TimestampMicroseconds;
        var name = message.HostName;
        if (message.Operation == 2)
        {
            // Only the server's ACK gives the address; an OFFER may be declined, a REQUEST refused with a NAK.
            if (message.MessageType == 5 && _local.Contains(message.YourAddress))
            {
                Pair(SightingKind.Dhcp, mac, message.YourAddress, name, now);

                // A DHCP client is a host: its new lease starts its count of addresses again (a laptop moving between
                // subnets over months is not a router).
                ref var info = ref Mac(mac, out _);
                info.FirstIPv4 = message.YourAddress.IPv4;
                info.SecondIPv4 = 0;
            }

            return;
        }

        // Client to server: the MAC and its name; a renewing (or INFORM) client already uses ciaddr.
        if (_local.Contains(message.ClientAddress))
        {
            Pair(SightingKind.Dhcp, mac, message.ClientAddress, name, now);
        }
        else if (!name.IsEmpty && HostName(name, out var hash))
        {
            ref var info = ref Mac(mac, out var exists);
            if ((!exists || info.NameHash != hash || now - info.Queued >= _refresh) && Queue(new Sighting(now, mac, default, NameText(), SightingKind.Dhcp)))
            {
                info.NameHash = hash;
                info.Queued = now;
            }
        }
    }

    /// <inheritdoc />
    public void OnDns(in PacketSummary packet, in DnsMessage message, DnsProtocol protocol)
    {
        // mDNS answers: "name.local" has this address (a device announcing itself).
        if (protocol != DnsProtocol.Multicast || !message.IsResponse || packet.SourceMac.IsMulticast)
        {
            return;
        }

        var records = message.ReadRecords(_scratch);
        while (records.TryReadNext(out var record))
        {
            var address = record.Address;
            if (record.Type is not (1 or 28) || address.Version == 0 || !_local.Contains(address) || !IsLocalName(record.Name))
            {
                continue;
            }

            var mac = address == packet.SourceIp ? packet.SourceMac.Value : 0;
            Pair(SightingKind.Mdns, mac, address, record.Name[..^".local".Length], packet.TimestampMicroseconds);
        }
    }

    /// <inheritdoc />
    public void OnNetBiosName(in PacketSummary packet, in NetBiosNamePacket name)
    {
        // A workstation registering (5) or refreshing (8, 9) its own name, from its own address.
        if (name.IsResponse || name.Opcode is not (5 or 8 or 9) || name.Suffix != 0 || packet.SourceMac.IsMulticast || !_local.Contains(packet.SourceIp))
        {
            return;
        }

        Pair(SightingKind.NetBios, packet.SourceMac.Value, packet.SourceIp, name.Name, packet.TimestampMicroseconds);
    }

    private static bool IsRoutedIPv4(in NetAddress address)
    {
        var ip = address.IPv4;
        return address.Version == 4 && ip != 0 && (ip >> 28) != 0xE && ip != uint.MaxValue && (ip >> 24) != 127;
    }

    private static bool IsLocalName(ReadOnlySpan<byte> name) => name.Length > 6 && Ascii.EqualsIgnoreCase(name[^6..], ".local"u8);

    private void Pair(SightingKind kind, ulong mac, in NetAddress ip, ReadOnlySpan<byte> rawName, long now)
    {
        var hasName = HostName(rawName, out var hash);
        ref var seen = ref Address(ip, out var exists);
        var changed = !exists || (mac != 0 && seen.Mac != mac) || (hasName && seen.NameHash != hash);
        if (!changed && now - seen.Queued < _refresh)
        {
            return;
        }

        if (!Queue(new Sighting(now, mac, ip, hasName ? NameText() : null, kind)))
        {
            return;
        }

        if (mac != 0)
        {
            seen.Mac = mac;
        }

        seen.NameHash = hasName ? hash : seen.NameHash;
        seen.Queued = now;
    }

    // Lower-cased into _scratch when it is a plausible host name; the text is made only if a sighting is queued.
    private bool HostName(ReadOnlySpan<byte> raw, out int hash)
    {
        hash = 0;
        _scratchLength = 0;
        if (raw.IsEmpty || raw.Length > 63 || !SiteName.TryNormalize(raw, _scratch, out _scratchLength))
        {
            return false;
        }

        var hc = default(HashCode);
        hc.AddBytes(_scratch.AsSpan(0, _scratchLength));
        hash = hc.ToHashCode() | 1; // never 0, so "no name yet" differs from any name
        return true;
    }

    private string NameText() => Encoding.ASCII.GetString(_scratch, 0, _scratchLength);

    // False when this second's batch is full (the flag spares the lock on every packet of a flood until the next batch).
    private bool Queue(in Sighting sighting)
    {
        if (Volatile.Read(ref _full))
        {
            Dropped++;
            return false;
        }

        lock (_lock)
        {
            if (_pending.Count >= _maxPending)
            {
                Volatile.Write(ref _full, true);
                Dropped++;
                return false;
            }

            _pending.Add(sighting);
            Queued++;
            Progress.OnQueued();
            return true;
        }
    }

    private void MarkRouter(ulong mac)
    {
        _lastRouter = mac;
        ref var info = ref Mac(mac, out _);
        if (!info.Router)
        {
            info.Router = true;
            if (Volatile.Read(ref _routerCount) < MaxRouters)
            {
                lock (_lock)
                {
                    _routers.Add(mac);
                    Volatile.Write(ref _routerCount, _routers.Count);
                }
            }
        }
    }

    private bool IsRouterLocal(ulong mac) => (_macs.TryGetValue(mac, out var info) || _oldMacs.TryGetValue(mac, out info)) && info.Router;

    // Two generations per table, like the accounting's DNS map: bounded, nothing allocated after start. A forgotten
    // pair costs one more sighting, never a wrong one.
    private ref AddressSeen Address(in NetAddress ip, out bool exists)
    {
        var key = new AddressKey(ip);
        if (!_addresses.ContainsKey(key))
        {
            if (_oldAddresses.Remove(key, out var old))
            {
                Rotate(ref _addresses, ref _oldAddresses);
                _addresses[key] = old;
            }
            else
            {
                Rotate(ref _addresses, ref _oldAddresses);
            }
        }

        return ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_addresses, key, out exists);
    }

    private ref MacSeen Mac(ulong mac, out bool exists)
    {
        if (!_macs.ContainsKey(mac))
        {
            if (_oldMacs.Remove(mac, out var old))
            {
                Rotate(ref _macs, ref _oldMacs);
                _macs[mac] = old;
            }
            else
            {
                Rotate(ref _macs, ref _oldMacs);
            }
        }

        return ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_macs, mac, out exists);
    }

    private void Rotate<TKey, TValue>(ref Dictionary<TKey, TValue> current, ref Dictionary<TKey, TValue> old)
        where TKey : notnull
    {
        if (current.Count >= _generationSize)
        {
            (old, current) = (current, old);
            current.Clear();
        }
    }

    private readonly record struct RecentPair(ulong High, ulong Low, ulong Mac, long Queued);

    private struct AddressSeen
    {
        public ulong Mac;
        public int NameHash;
        public long Queued;
    }

    private struct MacSeen
    {
        public uint FirstIPv4;
        public uint SecondIPv4;
        public int NameHash;
        public long Queued;
        public bool Router;
    }
}

using System.Runtime.InteropServices;
using ClassroomGuard.Sniffer.Accounting.Internal;
using ClassroomGuard.Sniffer.Decoding;
using ClassroomGuard.Sniffer.Decoding.Transport;

namespace ClassroomGuard.Sniffer.Accounting;

/// <summary>
/// The bounded flow table: one entry per 5-tuple (IPv4 or IPv6, both directions one flow), forgotten after an idle
/// timeout that depends on the protocol and, for TCP, on whether FIN or RST was seen. All storage is allocated at
/// construction (a dictionary pre-sized to the capacity, an entry array, a free list): touching a flow allocates nothing.
/// Time is packet time, so a file replays the same way however fast it is read. Used by the capture thread only.
/// </summary>
internal sealed class FlowTable
{
    /// <summary>Entries looked at per packet by the background sweep, and candidates examined when the table is full.</summary>
    private const int SweepPerPacket = 2;
    private const int EvictionCandidates = 16;

    private readonly Dictionary<FlowKey, int> _index;
    private readonly Flow[] _flows;
    private readonly int[] _free;
    private readonly long _tcpIdle;
    private readonly long _tcpClosed;
    private readonly long _udpIdle;
    private readonly long _otherIdle;
    private int _freeCount;
    private int _cursor;
    private long _clock;

    public FlowTable(int capacity, TimeSpan tcpIdle, TimeSpan tcpClosed, TimeSpan udpIdle, TimeSpan otherIdle)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _index = new Dictionary<FlowKey, int>(capacity);
        _flows = new Flow[capacity];
        _free = new int[capacity];
        for (var i = 0; i < capacity; i++)
        {
            _free[i] = capacity - 1 - i;
        }

        _freeCount = capacity;
        _tcpIdle = Micros(tcpIdle);
        _tcpClosed = Micros(tcpClosed);
        _udpIdle = Micros(udpIdle);
        _otherIdle = Micros(otherIdle);
    }

    /// <summary>Most flows held at once.</summary>
    public int Capacity => _flows.Length;

    /// <summary>Flows held now.</summary>
    public int Count => _index.Count;

    /// <summary>Flows started (first packet of a 5-tuple, or the first after it timed out or closed).</summary>
    public long Created { get; private set; }

    /// <summary>Flows forgotten after their idle timeout (found by the sweep, on their next packet, or when room was needed).</summary>
    public long Expired { get; private set; }

    /// <summary>Live flows evicted (least recently seen of a sample) because the table was full: counted, not silent.</summary>
    public long Evicted { get; private set; }

    /// <summary>The entry at <paramref name="index"/> (as returned by <see cref="Touch"/>).</summary>
    public ref Flow this[int index] => ref _flows[index];

    /// <summary>
    /// Finds or starts the flow of <paramref name="packet"/> (which must have IP addresses) and records the packet's time and
    /// TCP flags. <paramref name="isNew"/> is true for the first packet of a flow; <paramref name="sourceIsA"/> tells which
    /// end of the canonical key sent it. Returns the flow's index, stable until the flow is forgotten.
    /// </summary>
    public int Touch(in PacketSummary packet, out bool isNew, out bool sourceIsA)
    {
        var now = packet.TimestampMicroseconds;
        if (now < _clock)
        {
            now = _clock; // time never runs backwards for timeouts (merged or reordered captures)
        }

        _clock = now;
        Sweep(now);
        var key = FlowKey.Of(packet, out sourceIsA);
        var flags = packet.TcpFlags;
        if (_index.TryGetValue(key, out var index))
        {
            ref var flow = ref _flows[index];
            var expired = now - flow.LastSeen > Timeout(flow);

            // A new SYN on a closed connection's 5-tuple is a new connection (port reuse), not more of the old one.
            var reused = flow.Closing && (flags & (TcpFlags.Syn | TcpFlags.Ack)) == TcpFlags.Syn;
            isNew = expired || reused;
            if (isNew)
            {
                Expired += expired ? 1 : 0;
                Start(ref flow, key, sourceIsA, now);
            }

            Update(ref flow, flags, now);
            return index;
        }

        index = _freeCount > 0 ? _free[--_freeCount] : Evict(now);
        _index.Add(key, index);
        ref var created = ref _flows[index];
        Start(ref created, key, sourceIsA, now);
        Update(ref created, flags, now);
        isNew = true;
        return index;
    }

    /// <summary>Forgets every flow idle past its timeout at <paramref name="nowMicroseconds"/> (tests; the sweep does it gradually).</summary>
    public void ExpireAll(long nowMicroseconds)
    {
        for (var i = 0; i < _flows.Length; i++)
        {
            if (_flows[i].InUse && nowMicroseconds - _flows[i].LastSeen > Timeout(_flows[i]))
            {
                Remove(i);
                Expired++;
            }
        }
    }

    private static long Micros(TimeSpan span) => span.Ticks / TimeSpan.TicksPerMicrosecond;

    private void Start(ref Flow flow, in FlowKey key, bool sourceIsA, long now)
    {
        flow = default;
        flow.Key = key;
        flow.InUse = true;
        flow.AInitiated = sourceIsA;
        flow.FirstSeen = now;
        flow.NameId = NameTable.None;
        Created++;
    }

    private static void Update(ref Flow flow, TcpFlags flags, long now)
    {
        flow.LastSeen = now;
        if ((flags & (TcpFlags.Fin | TcpFlags.Rst)) != 0)
        {
            flow.Closing = true;
        }
    }

    private long Timeout(in Flow flow) => flow.Key.Protocol switch
    {
        6 => flow.Closing ? _tcpClosed : _tcpIdle,
        17 => _udpIdle,
        _ => _otherIdle,
    };

    // A few entries per packet: a full pass every capacity/2 packets keeps the table clear of dead flows without a pause.
    private void Sweep(long now)
    {
        for (var i = 0; i < SweepPerPacket; i++)
        {
            var index = _cursor;
            _cursor = index + 1 == _flows.Length ? 0 : index + 1;
            ref var flow = ref _flows[index];
            if (flow.InUse && now - flow.LastSeen > Timeout(flow))
            {
                Remove(index);
                Expired++;
            }
        }
    }

    // Full: take the least recently seen of a sample at the sweep cursor (an approximate LRU in bounded time).
    private int Evict(long now)
    {
        var victim = -1;
        var oldest = long.MaxValue;
        for (var i = 0; i < EvictionCandidates; i++)
        {
            var index = (_cursor + i) % _flows.Length;
            ref var flow = ref _flows[index];
            if (!flow.InUse)
            {
                continue;
            }

            if (now - flow.LastSeen > Timeout(flow))
            {
                victim = index;
                oldest = long.MinValue;
                break;
            }

            if (flow.LastSeen < oldest)
            {
                oldest = flow.LastSeen;
                victim = index;
            }
        }

        if (oldest == long.MinValue)
        {
            Expired++;
        }
        else
        {
            Evicted++;
        }

        _cursor = (victim + 1) % _flows.Length;
        Remove(victim);
        return _free[--_freeCount];
    }

    private void Remove(int index)
    {
        ref var flow = ref _flows[index];
        _index.Remove(flow.Key);
        flow.InUse = false;
        _free[_freeCount++] = index;
    }
}

/// <summary>One flow of the <see cref="FlowTable"/>.</summary>
[StructLayout(LayoutKind.Auto)]
internal struct Flow
{
    public FlowKey Key;
    public long FirstSeen;
    public long LastSeen;

    /// <summary>The site's name (<see cref="NameTable"/> id), or <see cref="NameTable.None"/>.</summary>
    public long NameId;
    public bool InUse;

    /// <summary>Endpoint A (of the canonical key) sent the first packet seen: it is the client.</summary>
    public bool AInitiated;

    /// <summary>FIN or RST seen: the short timeout applies.</summary>
    public bool Closing;

    /// <summary>The name came from the flow's own TLS/QUIC SNI or HTTP Host (better than a DNS answer's).</summary>
    public bool NamedByClient;
}

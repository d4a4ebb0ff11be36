using System.Numerics;
using System.Runtime.InteropServices;
using ClassroomGuard.Sniffer.Accounting.Internal;
using ClassroomGuard.Sniffer.Decoding;
using ClassroomGuard.Sniffer.Decoding.Transport;

namespace ClassroomGuard.Sniffer.Accounting;

/// <summary>
/// The bounded flow table: one entry per 5-tuple (IPv4 or IPv6, both directions one flow), forgotten after an idle
/// timeout that depends on the protocol and, for TCP, on whether FIN or RST was seen. Open addressing with linear
/// probing over one preallocated array at most half full, the flows stored inline (a lookup is one random memory access,
/// not a bucket, an entry and a value), removal by backward shift (no tombstones). Touching a flow allocates nothing.
/// Time is packet time, so a file replays the same way however fast it is read. Used by the capture thread only; an
/// index returned by <see cref="Touch"/> is valid until the next call.
/// </summary>
internal sealed class FlowTable
{
    /// <summary>Slots looked at per packet by the background sweep, and occupied candidates examined when the table is full.</summary>
    private const int SweepPerPacket = 4;
    private const int EvictionCandidates = 16;

    private readonly Flow[] _slots;
    private readonly int _mask;
    private readonly int _capacity;
    private readonly long _tcpIdle;
    private readonly long _tcpClosed;
    private readonly long _udpIdle;
    private readonly long _otherIdle;
    private int _count;
    private int _cursor;
    private long _clock;

    public FlowTable(int capacity, TimeSpan tcpIdle, TimeSpan tcpClosed, TimeSpan udpIdle, TimeSpan otherIdle)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
        _slots = new Flow[(int)BitOperations.RoundUpToPowerOf2((uint)capacity * 2)];
        _mask = _slots.Length - 1;
        _tcpIdle = Micros(tcpIdle);
        _tcpClosed = Micros(tcpClosed);
        _udpIdle = Micros(udpIdle);
        _otherIdle = Micros(otherIdle);
    }

    /// <summary>Most flows held at once.</summary>
    public int Capacity => _capacity;

    /// <summary>Flows held now.</summary>
    public int Count => _count;

    /// <summary>Flows started (first packet of a 5-tuple, or the first after it timed out or closed).</summary>
    public long Created { get; private set; }

    /// <summary>Flows forgotten after their idle timeout (found by the sweep, on their next packet, or when room was needed).</summary>
    public long Expired { get; private set; }

    /// <summary>Live flows evicted (least recently seen of a sample) because the table was full: counted, not silent.</summary>
    public long Evicted { get; private set; }

    /// <summary>The flow at <paramref name="index"/> (as returned by <see cref="Touch"/>, until the next call).</summary>
    public ref Flow this[int index] => ref _slots[index];

    /// <summary>
    /// Finds or starts the flow of <paramref name="packet"/> (which must have IP addresses) and records the packet's time and
    /// TCP flags. <paramref name="isNew"/> is true for the first packet of a flow; <paramref name="sourceIsA"/> tells which
    /// end of the canonical key sent it.
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
        var hash = (uint)key.GetHashCode() | 1; // 0 marks an empty slot
        var flags = packet.TcpFlags;
        var index = Find(key, hash);
        if (index >= 0)
        {
            ref var flow = ref _slots[index];
            var expired = now - flow.LastSeen > Timeout(flow);

            // A new SYN on a closed connection's 5-tuple is a new connection (port reuse), not more of the old one.
            var reused = flow.Closing && (flags & (TcpFlags.Syn | TcpFlags.Ack)) == TcpFlags.Syn;
            isNew = expired || reused;
            if (isNew)
            {
                Expired += expired ? 1 : 0;
                Start(ref flow, key, hash, sourceIsA);
            }

            Update(ref flow, flags, now);
            return index;
        }

        if (_count == _capacity)
        {
            Evict(now);
        }

        index = (int)hash & _mask;
        while (_slots[index].Hash != 0)
        {
            index = (index + 1) & _mask;
        }

        _count++;
        ref var created = ref _slots[index];
        Start(ref created, key, hash, sourceIsA);
        Update(ref created, flags, now);
        isNew = true;
        return index;
    }

    private static long Micros(TimeSpan span) => span.Ticks / TimeSpan.TicksPerMicrosecond;

    private int Find(in FlowKey key, uint hash)
    {
        var index = (int)hash & _mask;
        while (true)
        {
            ref var slot = ref _slots[index];
            if (slot.Hash == 0)
            {
                return -1;
            }

            if (slot.Hash == hash && slot.Key.Equals(key))
            {
                return index;
            }

            index = (index + 1) & _mask;
        }
    }

    private void Start(ref Flow flow, in FlowKey key, uint hash, bool sourceIsA)
    {
        flow = default;
        flow.Key = key;
        flow.Hash = hash;
        flow.AInitiated = sourceIsA;
        flow.NameId = NameTable.None;
        flow.SlotA = flow.SlotB = -1;
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

    // A few slots per packet: a full pass every slots/4 packets keeps the table clear of dead flows without a pause.
    private void Sweep(long now)
    {
        for (var i = 0; i < SweepPerPacket; i++)
        {
            var index = _cursor;
            ref var flow = ref _slots[index];
            if (flow.Hash != 0 && now - flow.LastSeen > Timeout(flow))
            {
                Remove(index); // a later flow may shift into this slot: the cursor stays to look at it next
                Expired++;
                continue;
            }

            _cursor = (index + 1) & _mask;
        }
    }

    // Full: remove the least recently seen of a sample of occupied slots at the sweep cursor (an approximate LRU in
    // bounded time); an idle one found on the way is taken at once.
    private void Evict(long now)
    {
        var victim = -1;
        var seen = 0;
        for (var index = _cursor; seen < Math.Min(EvictionCandidates, _count); index = (index + 1) & _mask)
        {
            ref var flow = ref _slots[index];
            if (flow.Hash == 0)
            {
                continue;
            }

            seen++;
            if (now - flow.LastSeen > Timeout(flow))
            {
                Remove(index);
                Expired++;
                return;
            }

            if (victim < 0 || flow.LastSeen < _slots[victim].LastSeen)
            {
                victim = index;
            }
        }

        _cursor = (victim + 1) & _mask;
        Remove(victim);
        Evicted++;
    }

    // Backward-shift deletion: later flows of the same probe run move up, so a lookup never meets a gap before its flow.
    private void Remove(int index)
    {
        var hole = index;
        var next = (index + 1) & _mask;
        while (_slots[next].Hash != 0)
        {
            var home = (int)_slots[next].Hash & _mask;

            // Move it into the hole unless its home lies cyclically in (hole, next].
            if (((next - home) & _mask) >= ((next - hole) & _mask))
            {
                _slots[hole] = _slots[next];
                hole = next;
            }

            next = (next + 1) & _mask;
        }

        _slots[hole] = default;
        _count--;
    }
}

/// <summary>One flow of the <see cref="FlowTable"/>.</summary>
[StructLayout(LayoutKind.Auto)]
internal struct Flow
{
    public FlowKey Key;

    /// <summary>The key's hash with the low bit set; 0 = empty slot.</summary>
    public uint Hash;
    public long LastSeen;

    /// <summary>The site's name (<see cref="NameTable"/> id), or <see cref="NameTable.None"/>; see <see cref="NameInferred"/>.</summary>
    public long NameId;

    /// <summary>Counter slots of ends A and B when local (a cache, checked against the address on use), else -1.</summary>
    public int SlotA;
    public int SlotB;

    /// <summary>Endpoint A (of the canonical key) sent the first packet seen: it is the client.</summary>
    public bool AInitiated;

    /// <summary>FIN or RST seen: the short timeout applies.</summary>
    public bool Closing;

    /// <summary>The name came from the flow's own TLS/QUIC SNI or HTTP Host (better than a DNS answer's).</summary>
    public bool NamedByClient;

    /// <summary>The name is a guess from the client's own DNS answer for the server's address, not the flow's own.</summary>
    public bool NameInferred;

    /// <summary>A packet with payload was seen (before it, a TCP handshake's packets are not booked to a guessed name).</summary>
    public bool PayloadSeen;

    /// <summary>
    /// Bytes booked to the guessed name (per local end) in the packets' second <see cref="GuessSecond"/>: when the flow
    /// names itself (a ClientHello split over several segments), they all move to its own name, not only the last segment's.
    /// </summary>
    public long GuessBytes;

    /// <summary>The second (packet clock) <see cref="GuessBytes"/> were booked in.</summary>
    public long GuessSecond;
}

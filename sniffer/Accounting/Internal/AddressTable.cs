using ClassroomGuard.Sniffer.Decoding;

namespace ClassroomGuard.Sniffer.Accounting.Internal;

/// <summary>
/// Local address → slot, for the per-second counters. Bounded: when every slot is taken the address is counted in the
/// overflow slot (<see cref="OverflowSlot"/>, written as <c>client=overflow</c>); addresses idle for
/// <see cref="IdleMicroseconds"/> are forgotten by a sweep of one slot per packet. Slot numbers are stable while an
/// address is held. Capture thread only.
/// </summary>
internal sealed class AddressTable
{
    /// <summary>An address without traffic for 10 minutes gives its slot back.</summary>
    public const long IdleMicroseconds = 10L * 60 * 1_000_000;

    private readonly Dictionary<AddressKey, int> _index;
    private readonly NetAddress[] _addresses;
    private readonly long[] _lastSeen;
    private readonly bool[] _inUse;
    private readonly int[] _free;
    private int _freeCount;
    private int _cursor;

    public AddressTable(int capacity)
    {
        _index = new Dictionary<AddressKey, int>(capacity);
        _addresses = new NetAddress[capacity];
        _lastSeen = new long[capacity];
        _inUse = new bool[capacity];
        _free = new int[capacity];
        for (var i = 0; i < capacity; i++)
        {
            _free[i] = capacity - 1 - i;
        }

        _freeCount = capacity;
    }

    /// <summary>The slot every address beyond the capacity shares; the counters have one more record than the table.</summary>
    public int OverflowSlot => _addresses.Length;

    /// <summary>Addresses held now.</summary>
    public int Count => _index.Count;

    /// <summary>Packets whose address found no slot and were counted under overflow.</summary>
    public long Overflowed { get; private set; }

    /// <summary>The slot of <paramref name="address"/>, taking a free one when new.</summary>
    public int Slot(in NetAddress address, long now)
    {
        if (!_index.TryGetValue(new AddressKey(address), out var slot))
        {
            if (_freeCount == 0)
            {
                Overflowed++;
                return OverflowSlot;
            }

            slot = _free[--_freeCount];
            _index.Add(new AddressKey(address), slot);
            _addresses[slot] = address;
            _inUse[slot] = true;
        }

        _lastSeen[slot] = now;
        return slot;
    }

    /// <summary>
    /// The slot of <paramref name="address"/>, trying <paramref name="cached"/> first (a flow remembers its ends' slots:
    /// one array read instead of a dictionary lookup); updates the cache.
    /// </summary>
    public int Slot(in NetAddress address, long now, ref int cached)
    {
        var slot = cached;
        if ((uint)slot < (uint)_addresses.Length && _inUse[slot] && _addresses[slot] == address)
        {
            _lastSeen[slot] = now;
            return slot;
        }

        slot = Slot(address, now);
        cached = slot == OverflowSlot ? -1 : slot;
        return slot;
    }

    /// <summary>
    /// Looks at one slot: forgets its address when idle and not counted in <paramref name="active"/> this second (a slot
    /// must not change address while the capture thread may still add to its record).
    /// </summary>
    public void SweepOne(long now, SecondCounters active)
    {
        var slot = _cursor;
        _cursor = slot + 1 == _addresses.Length ? 0 : slot + 1;
        if (_inUse[slot] && now - _lastSeen[slot] > IdleMicroseconds && !active.Records[slot].Touched)
        {
            _index.Remove(new AddressKey(_addresses[slot]));
            _inUse[slot] = false;
            _free[_freeCount++] = slot;
        }
    }
}

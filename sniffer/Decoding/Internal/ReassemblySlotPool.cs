namespace ClassroomGuard.Sniffer.Decoding.Internal;

/// <summary>
/// Bounded, reused memory for the reassemblers (<see cref="ClientHelloReassembler"/>, <see cref="QuicCryptoReassembler"/>):
/// at most <see cref="Capacity"/> flows, each holding one slot with a buffer of <see cref="BufferLength"/> bytes and the
/// reassembler's own <typeparamref name="TState"/>. A slot's buffer is allocated the first time the slot is rented and
/// reused for ever after, so in steady state nothing is allocated per packet. When every slot is taken, renting evicts
/// the flow seen longest ago: a flood of new flows (hostile or not) costs old partial records, never memory.
/// </summary>
/// <typeparam name="TKey">What identifies a flow.</typeparam>
/// <typeparam name="TState">The reassembler's per-slot bookkeeping; kept as the last flow left it when a slot is reused,
/// so its arrays are reused too and the reassembler resets what it needs on <see cref="Rent"/>.</typeparam>
internal sealed class ReassemblySlotPool<TKey, TState>
    where TKey : struct, IEquatable<TKey>
    where TState : struct
{
    private readonly Dictionary<TKey, int> _slotsByFlow;
    private readonly Dictionary<TKey, int>.ValueCollection _slotsInUse; // made once: the first eviction must not allocate
    private readonly TKey[] _keys;
    private readonly long[] _lastSeen;
    private readonly byte[]?[] _buffers;
    private readonly TState[] _states;
    private readonly Stack<int> _free;
    private readonly long _timeoutMicroseconds;

    public ReassemblySlotPool(int capacity, int bufferLength, TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bufferLength);
        Capacity = capacity;
        BufferLength = bufferLength;
        _timeoutMicroseconds = (long)timeout.TotalMicroseconds;
        _slotsByFlow = new Dictionary<TKey, int>(capacity);
        _slotsInUse = _slotsByFlow.Values;
        _keys = new TKey[capacity];
        _lastSeen = new long[capacity];
        _buffers = new byte[]?[capacity];
        _states = new TState[capacity];
        _free = new Stack<int>(capacity);
        for (var i = capacity - 1; i >= 0; i--)
        {
            _free.Push(i); // slot 0 is rented first
        }
    }

    /// <summary>Most flows held at once.</summary>
    public int Capacity { get; }

    /// <summary>Bytes of each slot's buffer.</summary>
    public int BufferLength { get; }

    /// <summary>Flows held now.</summary>
    public int Count => _slotsByFlow.Count;

    /// <summary>Partial records given up: evicted, abandoned by the reassembler, or refused before they took a slot.</summary>
    public long Abandoned { get; private set; }

    /// <summary>The slot of <paramref name="key"/>'s flow, if one is held.</summary>
    public bool TryFind(in TKey key, out int slot)
    {
        if (_slotsByFlow.Count == 0)
        {
            slot = -1;
            return false; // the common case on a busy link: skip hashing the key
        }

        return _slotsByFlow.TryGetValue(key, out slot);
    }

    /// <summary>
    /// A slot for a flow not held yet (<see cref="TryFind"/> said so), last seen <paramref name="now"/>; evicts the
    /// flow seen longest ago when none is free.
    /// </summary>
    public int Rent(in TKey key, long now)
    {
        if (_free.Count == 0)
        {
            Abandon(Oldest());
        }

        var slot = _free.Pop();
        _buffers[slot] ??= new byte[BufferLength];
        _keys[slot] = key;
        _lastSeen[slot] = now;
        _slotsByFlow.Add(key, slot);
        return slot;
    }

    /// <summary>The slot's buffer (<see cref="BufferLength"/> bytes); it keeps its bytes until the slot is rented again.</summary>
    public byte[] Buffer(int slot) => _buffers[slot]!;

    /// <summary>The reassembler's bookkeeping of the slot.</summary>
    public ref TState State(int slot) => ref _states[slot];

    /// <summary>True when the slot's flow was last seen more than the timeout before <paramref name="now"/>.</summary>
    public bool IsExpired(int slot, long now) => now - _lastSeen[slot] > _timeoutMicroseconds;

    /// <summary>Records that the slot's flow was seen at <paramref name="now"/>.</summary>
    public void Touch(int slot, long now) => _lastSeen[slot] = now;

    /// <summary>Frees the slot of a finished record. Its buffer stays intact until the slot is rented again.</summary>
    public void Release(int slot)
    {
        _slotsByFlow.Remove(_keys[slot]);
        _free.Push(slot);
    }

    /// <summary>Frees the slot of a record given up, and counts it.</summary>
    public void Abandon(int slot)
    {
        Release(slot);
        Abandoned++;
    }

    /// <summary>Counts a record given up that never held a slot (too long from its first bytes).</summary>
    public void CountAbandoned() => Abandoned++;

    // A linear scan, only when the pool is full: cheaper than keeping an ordered structure up to date on every packet.
    private int Oldest()
    {
        var oldest = -1;
        var oldestTime = long.MaxValue;
        foreach (var slot in _slotsInUse)
        {
            if (_lastSeen[slot] < oldestTime)
            {
                oldestTime = _lastSeen[slot];
                oldest = slot;
            }
        }

        return oldest;
    }
}

namespace ClassroomGuard.Sniffer.Decoding.Internal;

/// <summary>
/// Joins a TLS ClientHello record that spans several TCP segments, in bounded memory: at most
/// <see cref="DecoderOptions.MaxReassemblyFlows"/> flows, each with one buffer of
/// <see cref="DecoderOptions.MaxClientHelloLength"/> bytes, allocated on first use and reused for ever after.
/// Only in-order segments are joined (a retransmitted overlap is trimmed); a gap abandons the flow.
/// </summary>
internal sealed class ClientHelloReassembler
{
    private readonly Dictionary<FlowKey, int> _slotsByFlow;
    private readonly Slot[] _slots;
    private readonly Stack<int> _free;
    private readonly int _maxLength;
    private readonly long _timeoutMicroseconds;

    public ClientHelloReassembler(DecoderOptions options)
    {
        _maxLength = options.MaxClientHelloLength;
        _timeoutMicroseconds = (long)options.ReassemblyTimeout.TotalMicroseconds;
        _slots = new Slot[options.MaxReassemblyFlows];
        _slotsByFlow = new Dictionary<FlowKey, int>(options.MaxReassemblyFlows);
        _free = new Stack<int>(options.MaxReassemblyFlows);
        for (var i = _slots.Length - 1; i >= 0; i--)
        {
            _free.Push(i);
        }
    }

    /// <summary>Flows with a partial ClientHello now.</summary>
    public int PendingFlows => _slotsByFlow.Count;

    /// <summary>Partial ClientHellos abandoned (counted by the caller into statistics).</summary>
    public long Abandoned { get; private set; }

    /// <summary>
    /// Starts buffering a ClientHello record of <paramref name="recordLength"/> bytes whose first segment is
    /// <paramref name="payload"/>. <see langword="false"/> when the record is longer than allowed.
    /// </summary>
    public bool Start(in FlowKey key, uint sequence, ReadOnlySpan<byte> payload, int recordLength, long now)
    {
        if (recordLength > _maxLength)
        {
            Abandoned++;
            return false;
        }

        if (_slotsByFlow.Remove(key, out var existing))
        {
            // A new ClientHello on the same 4-tuple (port reuse): the old one is given up.
            Abandoned++;
            _free.Push(existing);
        }

        if (_free.Count == 0)
        {
            EvictOldest();
        }

        var index = _free.Pop();
        ref var slot = ref _slots[index];
        slot.Buffer ??= new byte[_maxLength];
        payload.CopyTo(slot.Buffer);
        slot.Key = key;
        slot.Filled = payload.Length;
        slot.Needed = recordLength;
        slot.NextSequence = unchecked(sequence + (uint)payload.Length);
        slot.LastSeen = now;
        _slotsByFlow.Add(key, index);
        return true;
    }

    /// <summary>
    /// Adds a segment of a flow. Returns <see cref="ReassemblyResult.Complete"/> with the whole record in
    /// <paramref name="record"/> (valid until the next call), <see cref="ReassemblyResult.Pending"/>,
    /// <see cref="ReassemblyResult.NotTracked"/> or <see cref="ReassemblyResult.Abandoned"/>.
    /// </summary>
    public ReassemblyResult Add(in FlowKey key, uint sequence, ReadOnlySpan<byte> payload, long now, out ReadOnlySpan<byte> record)
    {
        record = default;
        if (_slotsByFlow.Count == 0 || !_slotsByFlow.TryGetValue(key, out var index))
        {
            return ReassemblyResult.NotTracked;
        }

        ref var slot = ref _slots[index];
        if (now - slot.LastSeen > _timeoutMicroseconds)
        {
            Release(key, index);
            Abandoned++;
            return ReassemblyResult.Abandoned;
        }

        if (payload.IsEmpty)
        {
            return ReassemblyResult.Pending;
        }

        // Distance of this segment from the next byte we need, modulo 2^32 (sequence numbers wrap).
        var ahead = unchecked((int)(sequence - slot.NextSequence));
        if (ahead > 0)
        {
            Release(key, index);
            Abandoned++;
            return ReassemblyResult.Abandoned;
        }

        var skip = -ahead;
        if (skip >= payload.Length)
        {
            // A pure retransmission of bytes we have.
            return ReassemblyResult.Pending;
        }

        var take = Math.Min(payload.Length - skip, slot.Needed - slot.Filled);
        payload.Slice(skip, take).CopyTo(slot.Buffer.AsSpan(slot.Filled));
        slot.Filled += take;
        slot.NextSequence = unchecked(slot.NextSequence + (uint)take);
        slot.LastSeen = now;
        if (slot.Filled < slot.Needed)
        {
            return ReassemblyResult.Pending;
        }

        record = slot.Buffer.AsSpan(0, slot.Needed);
        Release(key, index);

        // The buffer stays intact until the slot is reused, which cannot happen before the caller's next call.
        return ReassemblyResult.Complete;
    }

    private void Release(in FlowKey key, int index)
    {
        _slotsByFlow.Remove(key);
        _free.Push(index);
    }

    private void EvictOldest()
    {
        var oldest = -1;
        var oldestTime = long.MaxValue;
        foreach (var pair in _slotsByFlow)
        {
            if (_slots[pair.Value].LastSeen < oldestTime)
            {
                oldestTime = _slots[pair.Value].LastSeen;
                oldest = pair.Value;
            }
        }

        Release(_slots[oldest].Key, oldest);
        Abandoned++;
    }

    private struct Slot
    {
        public byte[] Buffer;
        public FlowKey Key;
        public int Filled;
        public int Needed;
        public uint NextSequence;
        public long LastSeen;
    }
}

/// <summary>Outcome of <see cref="ClientHelloReassembler.Add"/>.</summary>
internal enum ReassemblyResult
{
    NotTracked,
    Pending,
    Complete,
    Abandoned,
}

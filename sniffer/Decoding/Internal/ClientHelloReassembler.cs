namespace ClassroomGuard.Sniffer.Decoding.Internal;

/// <summary>
/// Joins a TLS ClientHello record that spans several TCP segments, in bounded memory (a
/// <see cref="ReassemblySlotPool{TKey, TState}"/>: at most <see cref="DecoderOptions.MaxReassemblyFlows"/> flows of
/// <see cref="DecoderOptions.MaxClientHelloLength"/> bytes).
/// Only in-order segments are joined (a retransmitted overlap is trimmed); a gap abandons the flow.
/// </summary>
internal sealed class ClientHelloReassembler(DecoderOptions options)
{
    private readonly ReassemblySlotPool<FlowKey, Progress> _pool = new(options.MaxReassemblyFlows, options.MaxClientHelloLength, options.ReassemblyTimeout);

    /// <summary>Flows with a partial ClientHello now.</summary>
    public int PendingFlows => _pool.Count;

    /// <summary>Partial ClientHellos abandoned (counted by the caller into statistics).</summary>
    public long Abandoned => _pool.Abandoned;

    /// <summary>
    /// Starts buffering a ClientHello record of <paramref name="recordLength"/> bytes whose first segment is
    /// <paramref name="payload"/>. <see langword="false"/> when the record is longer than allowed.
    /// </summary>
    public bool Start(in FlowKey key, uint sequence, ReadOnlySpan<byte> payload, int recordLength, long now)
    {
        if (recordLength > _pool.BufferLength)
        {
            _pool.CountAbandoned();
            return false;
        }

        if (_pool.TryFind(key, out var existing))
        {
            // A new ClientHello on the same 4-tuple (port reuse): the old one is given up.
            _pool.Abandon(existing);
        }

        var slot = _pool.Rent(key, now);
        payload.CopyTo(_pool.Buffer(slot));
        _pool.State(slot) = new Progress { Filled = payload.Length, Needed = recordLength, NextSequence = unchecked(sequence + (uint)payload.Length) };
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
        if (!_pool.TryFind(key, out var slot))
        {
            return ReassemblyResult.NotTracked;
        }

        if (_pool.IsExpired(slot, now))
        {
            _pool.Abandon(slot);
            return ReassemblyResult.Abandoned;
        }

        if (payload.IsEmpty)
        {
            return ReassemblyResult.Pending;
        }

        ref var progress = ref _pool.State(slot);

        // Distance of this segment from the next byte we need, modulo 2^32 (sequence numbers wrap).
        var ahead = unchecked((int)(sequence - progress.NextSequence));
        if (ahead > 0)
        {
            _pool.Abandon(slot);
            return ReassemblyResult.Abandoned;
        }

        var skip = -ahead;
        if (skip >= payload.Length)
        {
            // A pure retransmission of bytes we have.
            return ReassemblyResult.Pending;
        }

        var buffer = _pool.Buffer(slot);
        var take = Math.Min(payload.Length - skip, progress.Needed - progress.Filled);
        payload.Slice(skip, take).CopyTo(buffer.AsSpan(progress.Filled));
        progress.Filled += take;
        progress.NextSequence = unchecked(progress.NextSequence + (uint)take);
        _pool.Touch(slot, now);
        if (progress.Filled < progress.Needed)
        {
            return ReassemblyResult.Pending;
        }

        record = buffer.AsSpan(0, progress.Needed);
        _pool.Release(slot);

        // The buffer stays intact until the slot is reused, which cannot happen before the caller's next call.
        return ReassemblyResult.Complete;
    }

    private struct Progress
    {
        public int Filled;
        public int Needed;
        public uint NextSequence;
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

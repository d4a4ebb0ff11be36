namespace ClassroomGuard.Sniffer.Accounting.Internal;

/// <summary>
/// The per-second counters, one buffer per whole second of the packets' capture timestamps (in a live capture, the
/// appliance's clock as the kernel stamped each frame), handed from the capture thread to the flusher without a lock.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Size"/> buffers form a ring: the open one (index <c>_epoch</c>) and the sealed ones waiting for the
/// flusher (from index <c>_written</c>). The capture thread opens the next buffer on the first packet of a later second,
/// so a buffer holds exactly one second of packets, whenever the flusher runs; the flusher seals the open one itself
/// only when the capture has been quiet for a whole flush interval, or at stop. Seconds only go forward: a buffer opens
/// after the last one's second, so a packet stamped in a second already sealed (a capture more than a second behind
/// after a quiet spell, or the clock stepped back) counts in the open second: no second is written twice, whose second
/// point InfluxDB would keep instead of the first.
/// </para>
/// <para>
/// The capture thread brackets each packet's counting with <c>_busy</c> and records which buffer it uses
/// (<c>_using</c>): two plain stores and a load per packet, no fence. The flusher, before reading a sealed buffer,
/// issues a process-wide memory barrier and waits only while a packet that started before the seal is still being
/// counted into it. When all <see cref="Size"/> buffers are taken (the flusher is that many seconds behind, or a file is
/// read faster than it writes), a later second's packets are counted in the open second and counted in
/// <see cref="Merged"/>.
/// </para>
/// </remarks>
internal sealed class SecondRing
{
    /// <summary>Buffers: the open second and up to three sealed ones waiting for the flusher.</summary>
    public const int Size = 4;

    private readonly SecondCounters[] _buffers = new SecondCounters[Size];
    private readonly SemaphoreSlim _sealed = new(0);
    private int _epoch;
    private int _written;
    private int _using;
    private bool _busy;
    private long _lastSecond = long.MinValue;

    public SecondRing(int slots)
    {
        for (var i = 0; i < Size; i++)
        {
            _buffers[i] = new SecondCounters(slots);
        }
    }

    /// <summary>Packets counted in an earlier second than their own because every buffer was waiting for the flusher (capture thread).</summary>
    public long Merged { get; private set; }

    /// <summary>Capture thread: the buffer of <paramref name="second"/> (Unix seconds), opening the next on a new second. Pair with <see cref="Exit"/>.</summary>
    public SecondCounters Enter(long second)
    {
        _busy = true;
        while (true)
        {
            var epoch = Volatile.Read(ref _epoch);
            _using = epoch;
            var counters = _buffers[epoch % Size];
            if (!counters.Opened)
            {
                counters.Second = Math.Max(second, _lastSecond + 1);
                counters.Opened = true;
                _lastSecond = counters.Second;
                return counters;
            }

            if (second <= counters.Second)
            {
                return counters;
            }

            var next = epoch + 1;
            if (next - Volatile.Read(ref _written) >= Size)
            {
                Merged++;
                return counters;
            }

            if (Interlocked.CompareExchange(ref _epoch, next, epoch) == epoch)
            {
                _sealed.Release(); // wakes the flusher: the second just ended is complete
            }

            // Either way the open buffer is now a later one: open it for this second.
        }
    }

    /// <summary>Capture thread: the packet is counted.</summary>
    public void Exit() => Volatile.Write(ref _busy, false);

    /// <summary>Flusher: waits until the capture seals a second, at most <paramref name="timeout"/>. True when woken by a seal.</summary>
    public async Task<bool> WaitSealedAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timer.Token, cancellationToken);
        try
        {
            await _sealed.WaitAsync(linked.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>
    /// Flusher: seals the open second (the capture has been quiet, or it is stopping), after the sealed ones were taken.
    /// False when nothing is open or the capture thread moved on by itself meanwhile.
    /// </summary>
    public bool SealOpen()
    {
        var epoch = Volatile.Read(ref _epoch);
        if (!Volatile.Read(ref _buffers[epoch % Size].Opened) || epoch + 1 - Volatile.Read(ref _written) >= Size)
        {
            return false;
        }

        return Interlocked.CompareExchange(ref _epoch, epoch + 1, epoch) == epoch;
    }

    /// <summary>Flusher: the oldest sealed second, once no packet is still being counted into it; null when none. Give it back with <see cref="Release"/>.</summary>
    public SecondCounters? TakeSealed()
    {
        var index = Volatile.Read(ref _written);
        if (index == Volatile.Read(ref _epoch))
        {
            return null;
        }

        // Makes the capture thread's stores visible here, or its next read of _epoch see the new value: the asymmetric
        // half of a Dekker handshake, paid once a second here instead of a fence per packet there.
        Interlocked.MemoryBarrierProcessWide();
        var spin = default(SpinWait);
        while (Volatile.Read(ref _busy) && Volatile.Read(ref _using) == index)
        {
            spin.SpinOnce(sleep1Threshold: 30);
        }

        return _buffers[index % Size];
    }

    /// <summary>Flusher: <paramref name="counters"/> (from <see cref="TakeSealed"/>) is written; clears it for reuse.</summary>
    public void Release(SecondCounters counters)
    {
        counters.Clear();
        Volatile.Write(ref _written, _written + 1);
    }
}

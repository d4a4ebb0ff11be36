namespace ClassroomGuard.Sniffer.Accounting;

/// <summary>
/// How far device discovery has got, in sightings: how many the capture thread has queued (<see cref="Queued"/>) and how
/// many of those the state writer has written (<see cref="Written"/>). A circumvention attempt takes the queued count
/// when it is detected — every sighting from an earlier packet of the capture, and the attempt's own packet's, is
/// included — and its alert is attributed once that many are in the state, so the device is found by the capture's
/// timeline however fast a file is read and however late the writer runs.
/// </summary>
public sealed class DiscoveryProgress
{
    private readonly Lock _lock = new();
    private long _queued;
    private long _written;
    private TaskCompletionSource _advanced = NewSignal();

    /// <summary>Sightings queued so far (exact on the capture thread; any other thread may read a slightly older value).</summary>
    public long Queued => Volatile.Read(ref _queued);

    /// <summary>Sightings handed to the state (written, or lost with their batch) so far.</summary>
    public long Written => Volatile.Read(ref _written);

    /// <summary>
    /// Waits until the first <paramref name="sequence"/> sightings have been handed to the state, or
    /// <paramref name="timeout"/> has passed (the writer may be stopped or the state locked): true when they have.
    /// </summary>
    public async Task<bool> WaitForWrittenAsync(long sequence, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(time);
        using var timeoutSource = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeoutSource.Token, cancellationToken);
        while (true)
        {
            Task advanced;
            lock (_lock)
            {
                if (_written >= sequence)
                {
                    return true;
                }

                advanced = _advanced.Task;
            }

            try
            {
                await advanced.WaitAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return Written >= sequence;
            }
        }
    }

    /// <summary>Capture thread, under the discovery's lock: one more sighting queued.</summary>
    internal void OnQueued() => Volatile.Write(ref _queued, _queued + 1);

    /// <summary>State writer: every sighting up to <paramref name="sequence"/> has been handed to the state.</summary>
    internal void OnWritten(long sequence)
    {
        TaskCompletionSource advanced;
        lock (_lock)
        {
            if (sequence <= _written)
            {
                return;
            }

            Volatile.Write(ref _written, sequence);
            advanced = _advanced;
            _advanced = NewSignal();
        }

        advanced.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

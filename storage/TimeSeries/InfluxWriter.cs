using System.IO.Compression;
using System.Net.Http.Headers;
using ClassroomGuard.Storage.TimeSeries.Internal;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Storage.TimeSeries;

/// <summary>
/// The hot-path sink for time series. <see cref="TryWrite"/> copies one serialised point into an in-memory batch
/// under a lock held only for that copy, and never waits for I/O: when
/// <see cref="InfluxOptions.MaxBufferedPoints"/> are already waiting it returns <see langword="false"/> at once.
/// A background loop sends full batches (<see cref="InfluxOptions.BatchSize"/>) or, every
/// <see cref="InfluxOptions.FlushInterval"/>, whatever is waiting, gzipped, one request at a time.
/// </summary>
/// <remarks>
/// <para><b>Failures.</b> A batch that fails for a reason that may pass (unreachable, timeout, 5xx, 429, 401/403,
/// 404 database not found) is retried <see cref="InfluxOptions.MaxRetries"/> times with exponential backoff and
/// ±20 % jitter, waiting at least the server's <c>Retry-After</c>. If it still fails (or memory fills meanwhile)
/// it goes to the on-disk spool, and from then on every batch goes to the spool behind it, so order is kept:
/// the spool is replayed oldest first, with backoff, and only when it is empty are batches sent straight again.
/// When the spool is full the oldest batches are deleted and counted.</para>
/// <para><b>Rejected data</b> (400: field type conflict, unparsable line; 413) is never retried: InfluxDB 1.x
/// has already stored the good points of a partial write, so the batch is logged, the points InfluxDB reports
/// as dropped (<c>dropped=N</c>, else the whole batch) are counted, and the batch is discarded. Bisecting would
/// only re-send points that were already stored.</para>
/// <para><b>Shutdown</b> (<see cref="StopAsync"/>): everything in memory is sent once more or spooled; the spool
/// is replayed by the next run.</para>
/// </remarks>
public sealed class InfluxWriter : IHostedService, IAsyncDisposable
{
    // Well under InfluxDB 1.x's default max-body-size of 25 MB.
    private const int MaxBatchBytes = 8 * 1024 * 1024;

    private readonly InfluxConnection _connection;
    private readonly InfluxOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Spool _spool;
    private readonly Lock _gate = new();
    private readonly Queue<Batch> _ready = new();
    private readonly Stack<Batch> _free = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _abort = new();
    // Two gzip buffers, used alternately: one holds the body in flight while the next batch is compressed into
    // the other (the overlap keeps our CPU work off the request's critical path).
    private readonly MemoryStream[] _compressed = [new(), new()];
    private int _compressIndex;
    private Batch? _prepared;
    private ReadOnlyMemory<byte> _preparedPayload;
    private Batch _current;
    private TaskCompletionSource _wake = NewSignal();
    private TaskCompletionSource? _flushed;
    private Task? _loop;
    private bool _stopped;
    private DateTimeOffset _nextTick;
    private DateTimeOffset _nextReplay;
    private int _replayAttempt;
    private long _replayedPoints;
    private long _replayedBatches;

    // Counters: the first four change under _gate, the rest on the loop; all read with Interlocked.
    private long _buffered;
    private long _accepted;
    private long _rejectedFull;
    private long _invalid;
    private long _written;
    private long _droppedByServer;
    private long _droppedSpool;
    private long _spooled;
    private long _failures;
    private string? _lastError;

    /// <summary>Creates a writer; call <see cref="StartAsync"/> (the host does) to start sending.</summary>
    public InfluxWriter(InfluxConnection connection, IOptions<InfluxOptions> options, ILogger<InfluxWriter> logger, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _connection = connection;
        _options = options.Value;
        _logger = logger;
        _time = timeProvider;
        _spool = new Spool(_options.SpoolDirectory, _options.SpoolMaxBytes, logger);
        _current = new Batch(InitialBatchBytes());
    }

    /// <summary>The delay chosen for the last retry or replay attempt (for tests).</summary>
    internal TimeSpan LastRetryDelay { get; private set; }

    /// <summary>Starts a point in this thread's scratch space, with the writer's timestamp precision.</summary>
    public PointBuilder CreatePoint(ReadOnlySpan<char> measurement) => PointBuilder.Create(measurement, _options.Precision);

    /// <summary>
    /// Queues <paramref name="point"/> for sending. Never blocks on I/O and never throws for data: returns
    /// <see langword="false"/> (and counts it) when the point is invalid or memory is full. A point without a
    /// timestamp gets the current time now. After success the point is consumed and cannot be written again.
    /// </summary>
    public bool TryWrite(PointBuilder point)
    {
        var scratch = point.Scratch;
        if (point.Error != PointError.None)
        {
            Interlocked.Increment(ref _invalid);
            return false;
        }

        if (scratch.Precision != _options.Precision)
        {
            throw new ArgumentException("The point was built for another timestamp precision; use CreatePoint.", nameof(point));
        }

        if (!scratch.HasTimestamp)
        {
            scratch.Line.WriteByte((byte)' ');
            LineProtocol.WriteTimestamp(scratch.Line, LineProtocol.ToUnix(_time.GetUtcNow(), _options.Precision));
            scratch.HasTimestamp = true;
        }

        var line = scratch.Line.WrittenSpan;
        bool sealedBatch;
        lock (_gate)
        {
            if (_stopped || _buffered >= _options.MaxBufferedPoints)
            {
                _rejectedFull++;
                return false;
            }

            var batch = _current;
            batch.Lines.Write(line);
            batch.Lines.WriteByte((byte)'\n');
            batch.Points++;
            _buffered++;
            _accepted++;
            sealedBatch = batch.Points >= _options.BatchSize || batch.Lines.Length >= MaxBatchBytes;
            if (sealedBatch)
            {
                SealLocked();
            }
        }

        scratch.Generation++; // consumed
        if (sealedBatch)
        {
            Volatile.Read(ref _wake).TrySetResult();
        }

        return true;
    }

    /// <summary>A snapshot of the counters.</summary>
    public InfluxWriterStatistics GetStatistics() => new(
        Interlocked.Read(ref _accepted),
        Interlocked.Read(ref _written),
        Interlocked.Read(ref _rejectedFull),
        Interlocked.Read(ref _invalid),
        Interlocked.Read(ref _droppedByServer),
        Interlocked.Read(ref _droppedSpool),
        Interlocked.Read(ref _spooled),
        Interlocked.Read(ref _buffered),
        _spool.Count,
        _spool.Bytes,
        _spool.Points,
        Interlocked.Read(ref _failures),
        Volatile.Read(ref _lastError));

    /// <summary>
    /// Asks the background loop to send what has been accepted so far now, instead of at the next
    /// <see cref="InfluxOptions.FlushInterval"/> tick, and returns at once. For writers that already batch by time (the
    /// services' once-a-second aggregates): their second is one batch, and waiting for the tick as well would only add up
    /// to a second to the live view's latency. Before the writer is started the points simply wait.
    /// </summary>
    public void SendNow()
    {
        lock (_gate)
        {
            SealLocked();
        }

        Volatile.Read(ref _wake).TrySetResult();
    }

    /// <summary>
    /// Sends (or spools) everything accepted so far and completes when nothing is left in memory. For tests,
    /// tools and shutdown paths; the hot path never needs it.
    /// </summary>
    /// <exception cref="InvalidOperationException">The writer was not started.</exception>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_loop is null)
        {
            throw new InvalidOperationException("The writer is not started: call StartAsync (the host does) before FlushAsync.");
        }

        TaskCompletionSource flushed;
        lock (_gate)
        {
            SealLocked();
            if (_buffered == 0)
            {
                return;
            }

            flushed = _flushed ??= NewSignal();
        }

        Volatile.Read(ref _wake).TrySetResult();
        await flushed.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Locks the spool folder, loads the batches a previous run left there and starts the background loop.</summary>
    /// <exception cref="OptionsValidationException">Another writer, in this process or another, holds the spool folder.</exception>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_loop is not null)
        {
            return Task.CompletedTask;
        }

        try
        {
            _spool.Load();
        }
        catch (SpoolInUseException ex)
        {
            // Two services configured with one spool folder: a setting to fix, so start-up stops naming it.
            throw new OptionsValidationException(Options.DefaultName, typeof(InfluxOptions),
                [$"Influx:SpoolDirectory: {ex.Message}. Give each service (console, DNS filter, sniffer) its own spool folder."]);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.SpoolWriteFailed(_logger, 0, _spool.Directory, ex);
        }

        _nextTick = _time.GetUtcNow() + _options.FlushInterval;
        _nextReplay = _time.GetUtcNow();
        _loop = Task.Run(RunAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Stops accepting points, sends what is in memory once more or spools it, and stops the loop. If
    /// <paramref name="cancellationToken"/> fires first, requests in flight are abandoned and the rest is spooled.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _stopped = true;
            SealLocked();
        }

        if (_loop is null || _loop.IsCompleted)
        {
            _spool.ReleaseLock();
            return;
        }

        await _stopping.CancelAsync();
        try
        {
            await _loop.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            await _abort.CancelAsync();
            await _loop;
        }

        _spool.ReleaseLock();

        Log.WriterStopped(_logger, Interlocked.Read(ref _written), _spool.Points);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        using (var timeout = new CancellationTokenSource(_options.RequestTimeout * 2))
        {
            await StopAsync(timeout.Token);
        }

        _stopping.Dispose();
        _abort.Dispose();
        await _compressed[0].DisposeAsync();
        await _compressed[1].DisposeAsync();
        lock (_gate)
        {
            _current.ReturnBuffer();
            while (_free.TryPop(out var batch))
            {
                batch.ReturnBuffer();
            }

            while (_ready.TryDequeue(out var batch))
            {
                batch.ReturnBuffer();
            }
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private int InitialBatchBytes() => Math.Min(MaxBatchBytes, Math.Max(4096, _options.BatchSize * 128));

    private void SealLocked()
    {
        if (_current.Points == 0)
        {
            return;
        }

        _ready.Enqueue(_current);
        _current = _free.TryPop(out var batch) ? batch : new Batch(InitialBatchBytes());
    }

    private bool TryTakeReady(out Batch batch)
    {
        lock (_gate)
        {
            return _ready.TryDequeue(out batch!);
        }
    }

    private void Release(Batch batch)
    {
        lock (_gate)
        {
            _buffered -= batch.Points;
            batch.Points = 0;
            batch.Lines.Clear();
            _free.Push(batch);
            if (_buffered == 0 && _flushed is { } flushed)
            {
                _flushed = null;
                flushed.TrySetResult();
            }
        }
    }

    private async Task RunAsync()
    {
        var stop = _stopping.Token;
        while (true)
        {
            var stopping = stop.IsCancellationRequested;

            // Swap the signal before looking at the queue, so a batch sealed from now on wakes the next wait.
            if (Volatile.Read(ref _wake).Task.IsCompleted)
            {
                Volatile.Write(ref _wake, NewSignal());
            }

            var now = _time.GetUtcNow();
            if (now >= _nextTick || stopping)
            {
                lock (_gate)
                {
                    SealLocked();
                }

                _nextTick = now + _options.FlushInterval;
            }

            try
            {
                await ProcessAsync(stopping);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !_abort.IsCancellationRequested)
            {
                Log.WriterLoopFailed(_logger, ex);
                await WaitAsync(_options.RetryBaseDelay, stop);
            }
            catch (OperationCanceledException)
            {
                // Hard stop: spool whatever is left below.
            }

            if (stopping || _abort.IsCancellationRequested)
            {
                SpoolPrepared();
                while (TryTakeReady(out var batch))
                {
                    SpoolBatch(batch);
                }

                return;
            }

            now = _time.GetUtcNow();
            var wait = _nextTick - now;
            if (_spool.Count > 0 && _nextReplay - now < wait)
            {
                wait = _nextReplay - now;
            }

            lock (_gate)
            {
                if (_ready.Count > 0)
                {
                    continue;
                }
            }

            await WaitAsync(wait, stop);
        }
    }

    private async Task ProcessAsync(bool stopping)
    {
        while (true)
        {
            if (_spool.Count > 0)
            {
                // Outage mode: newer batches queue up on disk behind the older ones.
                SpoolPrepared();
                while (TryTakeReady(out var queued))
                {
                    SpoolBatch(queued);
                }

                if (stopping || _time.GetUtcNow() < _nextReplay || !_spool.TryPeekOldest(out var entry))
                {
                    return;
                }

                byte[] spooled;
                try
                {
                    spooled = Spool.Read(entry);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // Deleted or unreadable behind our back: skip it rather than retry it forever.
                    Log.SpoolFileIgnored(_logger, entry.Path, ex);
                    _spool.RemoveOldest();
                    Interlocked.Add(ref _droppedSpool, entry.Points);
                    continue;
                }

                var result = await SendAsync(spooled, entry.Gzipped);
                if (result.Status == WriteStatus.Transient)
                {
                    Fail(result);
                    var delay = RetryDelay(_replayAttempt++, result.RetryAfter);
                    _nextReplay = _time.GetUtcNow() + delay;
                    return;
                }

                _spool.RemoveOldest();
                _replayAttempt = 0;
                Account(result, entry.Points);
                _replayedPoints += entry.Points;
                _replayedBatches++;
                if (_spool.Count == 0)
                {
                    Log.SpoolReplayed(_logger, _replayedPoints, _replayedBatches);
                    _replayedPoints = _replayedBatches = 0;
                }

                continue;
            }

            Batch batch;
            ReadOnlyMemory<byte> payload;
            if (_prepared is not null)
            {
                (batch, payload, _prepared) = (_prepared, _preparedPayload, null);
            }
            else if (TryTakeReady(out batch))
            {
                payload = Prepare(batch);
            }
            else
            {
                return;
            }

            await SendWithRetriesAsync(batch, payload, stopping);
        }
    }

    private async Task SendWithRetriesAsync(Batch batch, ReadOnlyMemory<byte> payload, bool stopping)
    {
        for (var attempt = 0; ; attempt++)
        {
            var sending = SendAsync(payload, _options.Gzip);
            if (_prepared is null && !stopping && TryTakeReady(out var next))
            {
                // Compress the next batch while this one is on the wire.
                _preparedPayload = Prepare(next);
                _prepared = next;
            }

            var result = await sending;
            if (result.Status != WriteStatus.Transient)
            {
                Account(result, batch.Points);
                Release(batch);
                return;
            }

            Fail(result);
            var delay = RetryDelay(attempt, result.RetryAfter);
            if (attempt >= _options.MaxRetries || stopping || _stopping.IsCancellationRequested || UnderPressure(batch))
            {
                Log.SpoolingStarted(_logger, _spool.Directory, result.Error);
                SpoolPayload(payload.Span, batch.Points);
                Release(batch);
                _replayAttempt = attempt + 1;
                _nextReplay = _time.GetUtcNow() + delay;
                return;
            }

            Log.WriteRetrying(_logger, batch.Points, attempt + 1, delay, result.Error);
            var until = _time.GetUtcNow() + delay;
            while (_time.GetUtcNow() < until && !_stopping.IsCancellationRequested && !UnderPressure(batch))
            {
                if (Volatile.Read(ref _wake).Task.IsCompleted)
                {
                    Volatile.Write(ref _wake, NewSignal());
                }

                await WaitAsync(until - _time.GetUtcNow(), _stopping.Token);
            }
        }
    }

    // Half the memory budget queued behind a failing batch: stop retrying in memory and move to the spool.
    private bool UnderPressure(Batch inFlight) => Interlocked.Read(ref _buffered) - inFlight.Points >= _options.MaxBufferedPoints / 2;

    private async Task<WriteResult> SendAsync(ReadOnlyMemory<byte> payload, bool gzipped)
    {
        try
        {
            return await _connection.WriteAsync(payload, gzipped, _abort.Token);
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            return new WriteResult(WriteStatus.Transient, null, null, "shutting down", -1);
        }
    }

    private ReadOnlyMemory<byte> Prepare(Batch batch)
    {
        if (!_options.Gzip)
        {
            return batch.Lines.WrittenMemory;
        }

        var buffer = _compressed[_compressIndex];
        _compressIndex ^= 1;
        buffer.SetLength(0);
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(batch.Lines.WrittenSpan);
        }

        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }

    private void SpoolPrepared()
    {
        if (_prepared is { } prepared)
        {
            _prepared = null;
            SpoolPayload(_preparedPayload.Span, prepared.Points);
            Release(prepared);
        }
    }

    private void SpoolBatch(Batch batch)
    {
        SpoolPayload(Prepare(batch).Span, batch.Points);
        Release(batch);
    }

    private void SpoolPayload(ReadOnlySpan<byte> payload, int points)
    {
        try
        {
            var dropped = _spool.Append(payload, points, _options.Gzip);
            Interlocked.Add(ref _droppedSpool, dropped);
            Interlocked.Add(ref _spooled, points);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.SpoolWriteFailed(_logger, points, _spool.Directory, ex);
            Interlocked.Add(ref _droppedSpool, points);
        }
    }

    private void Account(WriteResult result, int points)
    {
        if (result.Status == WriteStatus.Success)
        {
            Interlocked.Add(ref _written, points);
            return;
        }

        var dropped = result.DroppedPoints is > 0 && result.DroppedPoints <= points ? result.DroppedPoints : points;
        Interlocked.Add(ref _written, points - dropped);
        Interlocked.Add(ref _droppedByServer, dropped);
        Volatile.Write(ref _lastError, result.Error);
        Log.BatchRejected(_logger, points, dropped, result.Error);
    }

    private void Fail(WriteResult result)
    {
        Interlocked.Increment(ref _failures);
        Volatile.Write(ref _lastError, result.Error);
    }

    private TimeSpan RetryDelay(int attempt, RetryConditionHeaderValue? retryAfter)
    {
        var exponential = _options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 30));
        var capped = Math.Min(exponential, _options.RetryMaxDelay.TotalMilliseconds);
        var delay = TimeSpan.FromMilliseconds(capped * (0.8 + (0.4 * Random.Shared.NextDouble())));
        var serverAsked = retryAfter?.Delta
            ?? (retryAfter?.Date is { } date ? date - _time.GetUtcNow() : null);
        if (serverAsked is { } asked)
        {
            asked = asked > _options.MaxRetryAfter ? _options.MaxRetryAfter : asked;
            delay = asked > delay ? asked : delay;
        }

        LastRetryDelay = delay;
        return delay;
    }

    private async Task WaitAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        if (delay <= TimeSpan.Zero || cancellationToken.IsCancellationRequested)
        {
            return;
        }

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var timer = Task.Delay(delay, _time, cancel.Token);
        await Task.WhenAny(timer, Volatile.Read(ref _wake).Task);
        await cancel.CancelAsync();
    }

    /// <summary>Lines of one request, in a pooled buffer reused across batches.</summary>
    private sealed class Batch(int capacity)
    {
        public ByteBuffer Lines { get; } = new(capacity);

        public int Points { get; set; }

        /// <summary>Gives the buffer back to the pool (not IDisposable: batches are reused, not owned by a scope).</summary>
        public void ReturnBuffer() => Lines.Dispose();
    }
}

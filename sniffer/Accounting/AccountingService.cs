using ClassroomGuard.Sniffer.Hosting;
using ClassroomGuard.Storage.State;
using ClassroomGuard.Storage.TimeSeries;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Sniffer.Accounting;

/// <summary>
/// The accounting's work off the capture thread: once a second it flushes the counters to InfluxDB
/// (<see cref="NetActivityFlusher"/>) and writes the device sightings to the state (<see cref="DiscoveryWriter"/>), and
/// it reloads the address → device map whenever the state's revision changes. InfluxDB and the state are optional
/// (<c>Influx</c> and <c>State</c> settings): without them the counts and sightings are dropped (and counted). At stop —
/// after the capture, before the InfluxDB writer — it flushes and writes once more.
/// </summary>
internal sealed class AccountingService(
    TrafficAccountant accountant,
    NetActivityFlusher flusher,
    DeviceDiscovery discovery,
    DiscoveryWriter discoveryWriter,
    IServiceProvider services,
    IOptions<SnifferOptions> snifferOptions,
    TimeProvider time,
    ILogger<AccountingService> logger) : BackgroundService
{
    private static readonly TimeSpan WatchRetry = TimeSpan.FromSeconds(10);
    private readonly Lock _flushLock = new();
    // Owned by the container, not by this service.
#pragma warning disable CA2213
    private InfluxWriter? _writer;
    private StateStore? _store;
#pragma warning restore CA2213
    private long _packetsAtTick = -1;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _writer = services.GetService<InfluxWriter>();
        _store = services.GetService<StateStore>();
        Log.Started(logger, string.Join(", ", accountant.LocalNetworks.Networks), accountant.Flows.Capacity, _writer is not null, _store is not null);
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);

        // The capture has stopped (its service stops first): what it counted last still goes out.
        FlushOnce(sealOpen: true);
        await WriteBatchOnceAsync(cancellationToken);
        LogStatistics();
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(FlushLoopAsync(stoppingToken), DiscoveryLoopAsync(stoppingToken), WatchLoopAsync(stoppingToken));

    private async Task FlushLoopAsync(CancellationToken cancellationToken)
    {
        var statisticsEvery = TimeSpan.FromSeconds(Math.Max(1, (long)snifferOptions.Value.StatisticsInterval.TotalSeconds));
        var statisticsDue = time.GetUtcNow() + statisticsEvery;
        while (!cancellationToken.IsCancellationRequested)
        {
            // Woken as soon as the capture seals a second (its next second's first packet), else just after each whole
            // second of the clock.
            var now = time.GetUtcNow();
            var next = (now.UtcTicks / TimeSpan.TicksPerSecond + 1) * TimeSpan.TicksPerSecond + TickAfterSecond.Ticks;
            bool sealedByCapture;
            try
            {
                sealedByCapture = await accountant.Seconds.WaitSealedAsync(TimeSpan.FromTicks(next - now.UtcTicks), time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return; // stopping: StopAsync writes what is left
            }

            if (sealedByCapture)
            {
                FlushOnce(sealOpen: false);
            }
            else
            {
                // A whole tick with no packet: the capture is quiet, so the second it has open is over; write it now.
                var packets = accountant.Statistics.Packets;
                FlushOnce(sealOpen: packets == _packetsAtTick);
                _packetsAtTick = packets;
            }

            // By the clock, not by wake-ups: a busy capture wakes the flusher every second and a quiet one does not.
            if (time.GetUtcNow() >= statisticsDue)
            {
                statisticsDue += statisticsEvery;
                LogStatistics();
            }
        }
    }

    /// <summary>How long after a whole second of the clock the flusher looks for a quiet capture.</summary>
    private static readonly TimeSpan TickAfterSecond = TimeSpan.FromMilliseconds(50);

    private void FlushOnce(bool sealOpen)
    {
        lock (_flushLock)
        {
            try
            {
                if (flusher.Flush(_writer, sealOpen) > 0)
                {
                    _writer?.SendNow(); // the second is the batch: don't also wait for the writer's tick
                }
            }
            catch (Exception e)
            {
                Log.FlushFailed(logger, e);
            }
        }
    }

    private async Task DiscoveryLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await WriteBatchOnceAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task WriteBatchOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            await discoveryWriter.WriteBatchAsync(_store, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.DiscoveryFailed(logger, e);
        }
    }

    private async Task WatchLoopAsync(CancellationToken cancellationToken)
    {
        if (_store is not { } store)
        {
            return;
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                using var watcher = store.CreateRevisionWatcher();
                await foreach (var _ in watcher.WatchAsync(cancellationToken))
                {
                    await discoveryWriter.RefreshMapAsync(store, cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                Log.WatchFailed(logger, WatchRetry, e);
                await Task.Delay(WatchRetry, time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private void LogStatistics()
    {
        accountant.RefreshStatistics();
        var s = accountant.Statistics;
        Log.Statistics(logger, s.Packets, s.NotLocal, accountant.Flows.Count, s.FlowsCreated, s.FlowsExpired, s.FlowsEvicted, s.AddressOverflow,
            s.PointsWritten, s.PointsDropped, discoveryWriter.Written, discoveryWriter.Lost, discovery.Dropped);
        Log.NamingStatistics(logger, s.NamedFlows, s.InferredFlows, s.DnsAddresses, s.DnsAnswersRefused, s.DnsQueriesEvicted);
    }
}

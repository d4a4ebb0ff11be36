using ClassroomGuard.Sniffer.Hosting;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Sniffer.Circumvention;

/// <summary>
/// Turns queued attempts into alerts in the state (<see cref="AlertRepository.RaiseAsync"/>, kind
/// <see cref="AlertKind.Circumvention"/>, the kind's token as category), off the capture thread: resolves the device
/// that held the client address at the time, formats the evidence, writes. On stop it writes what is still queued
/// (the end of a capture file included). Logs its counters every <see cref="SnifferOptions.StatisticsInterval"/>.
/// </summary>
public sealed class CircumventionAlertWriter(
    CircumventionQueue queue,
    StateStore store,
    IOptions<CircumventionOptions> options,
    IOptions<SnifferOptions> snifferOptions,
    TimeProvider timeProvider,
    ILogger<CircumventionAlertWriter> logger) : BackgroundService
{
    /// <summary>
    /// How long after an attempt an unknown address is looked up once more: device discovery may not yet have recorded a
    /// device whose very first traffic was the attempt.
    /// </summary>
    public static readonly TimeSpan AttributionDelay = TimeSpan.FromSeconds(2);

    private readonly CircumventionStatistics _statistics = queue.Statistics;

    /// <inheritdoc/>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            while (!cancellationToken.IsCancellationRequested && queue.Reader.TryRead(out var attempt))
            {
                await WriteAsync(attempt, retryUnknown: false, cancellationToken, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // The host's shutdown timeout ran out: what is left is lost, and the counters below say how much was written.
        }

        LogStatistics();
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(snifferOptions.Value.StatisticsInterval, timeProvider);
        var ticking = TickAsync(timer, stoppingToken);
        try
        {
            while (await queue.Reader.WaitToReadAsync(stoppingToken))
            {
                while (queue.Reader.TryRead(out var attempt))
                {
                    // A write under way is finished even when stopping (it is short: one SQLite transaction), so an
                    // attempt taken off the queue is never lost to the stop.
                    await WriteAsync(attempt, retryUnknown: true, stoppingToken, CancellationToken.None);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: StopAsync writes what is left.
        }

        await ticking;
    }

    private async Task TickAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                LogStatistics();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task WriteAsync(CircumventionAttempt attempt, bool retryUnknown, CancellationToken waitToken, CancellationToken cancellationToken)
    {
        try
        {
            var ip = attempt.Client.ToString();
            var deviceId = await FindDeviceAsync(ip, attempt.At, cancellationToken);
            var wait = attempt.At + AttributionDelay - timeProvider.GetUtcNow();
            if (deviceId is null && retryUnknown && wait > TimeSpan.Zero && !waitToken.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(wait, timeProvider, waitToken);
                }
                catch (OperationCanceledException)
                {
                    // Stopping: look once more now rather than wait.
                }

                deviceId = await FindDeviceAsync(ip, attempt.At, cancellationToken);
            }

            var token = attempt.Kind.Token();
            var evidence = AlertEvidence.Format(attempt, deviceId, options.Value.AlertInterval);
            await store.Alerts.RaiseAsync(new NewAlert(AlertKind.Circumvention, attempt.At, evidence, deviceId, token, attempt.Domain), cancellationToken);
            Interlocked.Increment(ref _statistics.Raised);
            if (deviceId is null)
            {
                Interlocked.Increment(ref _statistics.Unattributed);
            }

            Log.AlertRaised(logger, token, ip, deviceId, attempt.Domain, attempt.Suppressed);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Interlocked.Increment(ref _statistics.Failed);
            Log.AlertFailed(logger, attempt.Kind.Token(), attempt.Client.ToString(), e);
        }
    }

    private async Task<long?> FindDeviceAsync(string ip, DateTimeOffset at, CancellationToken cancellationToken) =>
        await store.Devices.DeviceForIpAtAsync(ip, at, cancellationToken)
        ?? (await store.Devices.FindByIpAsync(ip, cancellationToken))?.Id;

    private void LogStatistics()
    {
        var s = _statistics;
        Log.Statistics(logger, s.Detected, s.Suppressed, s.Raised, s.Unattributed, s.QueueFull, s.Failed, s.RateLimitResets);
    }
}

using ClassroomGuard.Sniffer.Accounting;
using ClassroomGuard.Sniffer.Hosting;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Sniffer.Circumvention;

/// <summary>
/// Turns queued attempts into alerts in the state (<see cref="AlertRepository.RaiseAsync"/>, kind
/// <see cref="AlertKind.Circumvention"/>, the kind's token as category), off the capture thread: resolves the device
/// that held the client address at the packet's time — by the capture's timeline, not the wall clock: it first waits
/// until device discovery has written every sighting up to the attempt's packet (<see cref="DiscoveryProgress"/>), and
/// never asks who holds the address now (a later binding must not be attributed backwards) — formats the evidence, writes. On stop it writes what is still queued
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
    /// Longest wait (wall clock) for device discovery to write the sightings up to an attempt: it writes once a second,
    /// so this is reached only when the state is stuck; the alert is then attributed with what the state holds.
    /// </summary>
    public static readonly TimeSpan MaxAttributionWait = TimeSpan.FromSeconds(10);

    private readonly CircumventionStatistics _statistics = queue.Statistics;

    // Cancelled when the host's shutdown time runs out (the token StopAsync is given), not when stopping starts: a file
    // is read to its end and then the host stops, before discovery's next write, so a wait that ended with the stop
    // signal would leave every alert of the file's last second unattributed.
    private readonly CancellationTokenSource _shutdownDeadline = new();

    // The discovery count a wait gave up at: attempts up to it do not wait again (one stuck state, one timeout).
    private long _gaveUpAt;

    /// <inheritdoc/>
    public override void Dispose()
    {
        _shutdownDeadline.Dispose();
        base.Dispose();
    }

    /// <inheritdoc/>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        using var deadline = cancellationToken.Register(static source => ((CancellationTokenSource)source!).Cancel(), _shutdownDeadline);
        await base.StopAsync(cancellationToken);
        try
        {
            while (!cancellationToken.IsCancellationRequested && queue.Reader.TryRead(out var attempt))
            {
                await WriteAsync(attempt, cancellationToken, cancellationToken);
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
                    // attempt taken off the queue is never lost to the stop; the wait for discovery ends when the host's
                    // shutdown time runs out.
                    await WriteAsync(attempt, _shutdownDeadline.Token, CancellationToken.None);
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

    private async Task WriteAsync(CircumventionAttempt attempt, CancellationToken waitToken, CancellationToken cancellationToken)
    {
        try
        {
            var ip = attempt.Client.ToString();
            await WaitForDiscoveryAsync(attempt.DiscoverySequence, waitToken);
            var deviceId = await store.Devices.DeviceForIpAtAsync(ip, attempt.At, cancellationToken);
            var token = attempt.Kind.Token();
            var evidence = AlertEvidence.Format(attempt, deviceId, options.Value.AlertInterval);
            var alert = await store.Alerts.RaiseAsync(new NewAlert(AlertKind.Circumvention, attempt.At, evidence, deviceId, token, attempt.Domain), cancellationToken);
            Interlocked.Increment(ref _statistics.Raised);
            if (deviceId is null)
            {
                Interlocked.Increment(ref _statistics.Unattributed);
            }

            // The name stays out of the log: it is what a pupil tried to reach (safeguarding data, in the alert) and the wire's.
            Log.AlertRaised(logger, alert.Id, token, ip, deviceId, attempt.Suppressed);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Interlocked.Increment(ref _statistics.Failed);
            Log.AlertFailed(logger, attempt.Kind.Token(), attempt.Client.ToString(), e);
        }
    }

    // A file is read far faster than real time and discovery writes once a second: without this wait, a device bound
    // by DHCP earlier in the capture would not be in the state yet when the alert is attributed.
    private async Task WaitForDiscoveryAsync(long sequence, CancellationToken cancellationToken)
    {
        if (queue.Discovery is not { } discovery || sequence <= discovery.Written || sequence <= _gaveUpAt)
        {
            return;
        }

        try
        {
            if (!await discovery.WaitForWrittenAsync(sequence, MaxAttributionWait, timeProvider, cancellationToken))
            {
                _gaveUpAt = discovery.Queued;
                Log.DiscoveryBehind(logger, MaxAttributionWait);
            }
        }
        catch (OperationCanceledException)
        {
            // The host's shutdown timeout ran out: attribute with what the state holds.
        }
    }

    private void LogStatistics()
    {
        var s = _statistics;
        Log.Statistics(logger, s.Detected, s.Suppressed, s.Raised, s.Unattributed, s.QueueFull, s.Failed, s.RateLimitResets);
    }
}

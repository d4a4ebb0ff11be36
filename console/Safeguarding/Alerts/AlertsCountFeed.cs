using ClassroomGuard.Console.Security;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Safeguarding.Alerts;

/// <summary>
/// The menu's count of danger alerts nobody has acknowledged, for every open page at once: one shared read of the
/// state every <see cref="Interval"/> while any page listens (alerts are raised by the DNS filter and the sniffer, not
/// on this console), and straight after an acknowledgement here. Listeners hear the new count when it changes.
/// </summary>
public sealed class AlertsCountFeed(StateStore store, AlertSeverities severities, AlertsService alerts, TimeProvider time, ILogger<AlertsCountFeed> logger)
    : BackgroundService
{
    private readonly Lock gate = new();
    private readonly List<Action<int>> listeners = [];
    private readonly SemaphoreSlim reading = new(1, 1);
    private int? count;

    /// <summary>How often the count is read while a page listens.</summary>
    internal TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Listens for changes of the count (called on the feed's thread: marshal to the component). Only people who may
    /// read the alerts; dispose to stop.
    /// </summary>
    public IDisposable Subscribe(ConsoleUser actor, Action<int> listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        if (!AlertsService.MayRead(actor))
        {
            throw new UnauthorizedAccessException("Only safeguarding leads, technicians and administrators see the alerts.");
        }

        lock (gate)
        {
            if (listeners.Count == 0)
            {
                count = null; // not read while nobody listened: the next read tells everyone
            }

            listeners.Add(listener);
        }

        return new Subscription(this, listener);
    }

    /// <summary>Reads the count now and tells the listeners when it changed.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await reading.WaitAsync(cancellationToken);
        try
        {
            var (include, exclude) = severities.Filter(AlertSeverity.Danger);
            var now = await store.Alerts.CountUnacknowledgedAsync(include!, exclude, cancellationToken);
            Action<int>[] tell;
            lock (gate)
            {
                if (count == now)
                {
                    return;
                }

                count = now;
                tell = [.. listeners];
            }

            foreach (var listener in tell)
            {
                listener(now);
            }
        }
        finally
        {
            reading.Release();
        }
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        reading.Dispose();
        base.Dispose();
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        alerts.Changed += OnChanged;
        try
        {
            using var timer = new PeriodicTimer(Interval, time);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (Listening)
                {
                    await TryRefreshAsync(stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping
        }
        finally
        {
            alerts.Changed -= OnChanged;
        }
    }

    private bool Listening
    {
        get
        {
            lock (gate)
            {
                return listeners.Count > 0;
            }
        }
    }

    private void OnChanged() => _ = TryRefreshAsync(CancellationToken.None);

    private async Task TryRefreshAsync(CancellationToken cancellationToken)
    {
        try
        {
            await RefreshAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            AlertsLog.CountFailed(logger, e); // the menu keeps its last count; the next round tries again
        }
    }

    private void Unsubscribe(Action<int> listener)
    {
        lock (gate)
        {
            listeners.Remove(listener);
        }
    }

    private sealed class Subscription(AlertsCountFeed feed, Action<int> listener) : IDisposable
    {
        public void Dispose() => feed.Unsubscribe(listener);
    }
}

using ClassroomGuard.AgentContract;
using ClassroomGuard.Storage.State;
using Microsoft.AspNetCore.SignalR;

namespace ClassroomGuard.Console.Agents;

/// <summary>
/// Pushes blank/unblank to connected agents: wakes on every state revision (seen within 250 ms of a commit by any
/// process), at once when this console's own teacher actions call <see cref="AgentPushTrigger.Wake"/>, and at the earliest expiry of a blank in force, works out each connected device's state, and sends it to
/// the devices whose state changed. Blank/unblank thus reaches the agent well within the 1 s target.
/// </summary>
internal sealed class AgentPushService(StateStore store, AgentBlankState state, AgentPushTrigger trigger, IHubContext<AgentHub> hub, TimeProvider time, ILogger<AgentPushService> logger) : BackgroundService
{
    /// <summary>Longest sleep without a revision change (a safety net; expiries wake it precisely).</summary>
    private static readonly TimeSpan MaxSleep = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var watcher = store.CreateRevisionWatcher();
        var watching = WatchAsync(watcher, trigger, stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            var sleep = MaxSleep;
            trigger.Drain(); // wakes so far are covered by the push that follows; wakes during it cause another
            try
            {
                if (await PushAsync(stoppingToken) is { } next)
                {
                    var untilExpiry = next - time.GetUtcNow() + TimeSpan.FromMilliseconds(1);
                    sleep = untilExpiry < TimeSpan.Zero ? TimeSpan.Zero : untilExpiry < MaxSleep ? untilExpiry : MaxSleep;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log.AgentPushFailed(logger, e);
                sleep = TimeSpan.FromSeconds(1);
            }

            using var either = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var woken = trigger.WaitAsync(either.Token);
            await Task.WhenAny(woken, Task.Delay(sleep, time, either.Token)).ConfigureAwait(false);
            await either.CancelAsync();
            await Task.WhenAll(woken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await watching.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private static async Task WatchAsync(RevisionWatcher watcher, AgentPushTrigger trigger, CancellationToken cancellationToken)
    {
        await foreach (var _ in watcher.WatchAsync(cancellationToken))
        {
            trigger.Wake();
        }
    }

    private async Task<DateTimeOffset?> PushAsync(CancellationToken cancellationToken)
    {
        var devices = state.ConnectedDevices;
        var (blanks, next) = await state.EvaluateAsync(devices, cancellationToken);
        foreach (var (deviceId, until) in blanks)
        {
            if (!state.Record(deviceId, until))
            {
                continue;
            }

            var group = hub.Clients.Group(AgentHub.Group(deviceId));
            await (until is { } expiresAt
                ? group.SendCoreAsync(AgentHubMethods.Blank, new BlankCommand(null, expiresAt).ToArguments(), cancellationToken)
                : group.SendCoreAsync(AgentHubMethods.Unblank, [], cancellationToken));
            Log.AgentStateSent(logger, deviceId, until is not null);
        }

        return next;
    }
}

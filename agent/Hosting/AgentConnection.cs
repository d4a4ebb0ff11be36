using System.Net.WebSockets;
using ClassroomGuard.AgentContract;
using ClassroomGuard.Agent.Blanking;
using ClassroomGuard.Agent.Enrolment;
using ClassroomGuard.Agent.Hub;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Agent.Hosting;

/// <summary>
/// Holds the connection to the enrolled console's agent hub: connects (pinned certificate, agent credential),
/// sends heartbeats, applies Blank/Unblank, and reconnects with backoff whenever the connection ends. On every
/// (re)connect the console sends the current state, so a blank in force is re-applied.
/// </summary>
public sealed class AgentConnection(
    IOptions<AgentOptions> options,
    BlankController blank,
    TimeProvider time,
    ILogger<AgentConnection> logger)
{
    /// <summary>Timing of each hub connection.</summary>
    public HubConnectionOptions HubOptions { get; init; } = new();

    /// <summary>What heartbeats report; this machine by default (tests give each agent its own device).</summary>
    public Func<AgentReport> Report { get; init; } = AgentReport.Collect;

    /// <summary>Successful connections so far (tests and diagnostics).</summary>
    public int Connections => connections;

    private int connections;

    /// <summary>Connects and stays connected until cancelled.</summary>
    public async Task RunAsync(AgentIdentity identity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identity);
        var settings = options.Value;
        var backoff = new Backoff(settings.ReconnectMinDelay, settings.ReconnectMaxDelay, Random.Shared);
        var hubUri = new UriBuilder(new Uri(new Uri(identity.ConsoleUrl), AgentRoutes.Hub)) { Scheme = "wss" }.Uri;
        var validate = CertificatePin.Require(identity.CertificatePin, logger);
        while (!cancellationToken.IsCancellationRequested)
        {
            string reason;
            try
            {
                await using var hub = await HubConnection.ConnectAsync(hubUri, identity.Authorization, validate, HubOptions, time, logger, cancellationToken).ConfigureAwait(false);
                Interlocked.Increment(ref connections);
                backoff.Reset();
                Log.Connected(logger, hubUri);
                var close = await RunConnectedAsync(hub, cancellationToken).ConfigureAwait(false);
                reason = close?.Error ?? "closed by the console";
                if (close?.Error is { } error)
                {
                    Log.ServerClosed(logger, error);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is WebSocketException or HubProtocolException or TimeoutException or IOException or HttpRequestException or OperationCanceledException)
            {
                reason = e.Message;
            }

            var delay = backoff.Next();
            Log.ConnectionLost(logger, reason, delay);
            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task<CloseMessage?> RunConnectedAsync(HubConnection hub, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var heartbeats = HeartbeatAsync(hub, stop.Token);
        try
        {
            return await hub.RunAsync(HandleAsync, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await heartbeats.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task HeartbeatAsync(HubConnection hub, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(options.Value.HeartbeatInterval, time);
        do
        {
            await hub.SendAsync(AgentHubMethods.Heartbeat, [Report().ToHeartbeat()], cancellationToken).ConfigureAwait(false);
        }
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The only two commands the agent obeys; anything else is logged and ignored.</summary>
    private Task HandleAsync(InvocationMessage invocation, CancellationToken cancellationToken)
    {
        switch (invocation.Target)
        {
            case AgentHubMethods.Blank when BlankCommand.TryRead(invocation.Arguments, out var command):
                blank.Blank(command!.Message ?? options.Value.BlankMessage, command.ExpiresAt);
                break;
            case AgentHubMethods.Unblank when invocation.Arguments.Count == 0:
                blank.Unblank();
                break;
            default:
                Log.CommandRefused(logger, invocation.Target);
                break;
        }

        return Task.CompletedTask;
    }
}

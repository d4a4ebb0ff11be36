using System.Globalization;
using ClassroomGuard.AgentContract;
using ClassroomGuard.Storage.State;
using Microsoft.AspNetCore.SignalR;

namespace ClassroomGuard.Console.Agents;

/// <summary>
/// The pupil agents' hub (<see cref="AgentRoutes.Hub"/>, agent credential required). Agents call <see cref="Heartbeat"/>;
/// the console calls <see cref="AgentHubMethods.Blank"/> and <see cref="AgentHubMethods.Unblank"/> on the group of the agent's device. On connect
/// the push service is woken to tell the agent the current state at once, so a reconnecting agent re-applies a blank
/// still in force.
/// </summary>
internal sealed class AgentHub(StateStore store, AgentBlankState state, AgentPushTrigger trigger, TimeProvider time, ILogger<AgentHub> logger) : Hub
{
    /// <summary>The group of all connections of one device's agent.</summary>
    public static string Group(long deviceId) => "device:" + deviceId.ToString(CultureInfo.InvariantCulture);

    public override async Task OnConnectedAsync()
    {
        var deviceId = DeviceId;
        await Groups.AddToGroupAsync(Context.ConnectionId, Group(deviceId), Context.ConnectionAborted);
        state.Connected(Context.ConnectionId, deviceId);
        Log.AgentConnected(logger, deviceId);

        // The push service tells the new connection the state in force (it is the only writer of what each device was
        // told: a hub evaluating beside it could overwrite a newer blank with an older "unblank").
        trigger.Wake();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        state.Disconnected(Context.ConnectionId);
        return Task.CompletedTask;
    }

    /// <summary>
    /// The agent's report: its device is seen now, with its hostname, addresses and signed-in user. Accepted only when
    /// the reported MAC is one of the agent's own device (the one it enrolled as): an agent cannot update, rename or
    /// take addresses for another device by claiming its MAC. A heartbeat on a credential revoked since the connection
    /// opened (a technician's "Reset agent") ends the connection.
    /// </summary>
    [HubMethodName(AgentHubMethods.Heartbeat)]
    public async Task Heartbeat(AgentHeartbeat report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var deviceId = DeviceId;
        if (!await store.AgentCredentials.IsActiveAsync(CredentialId, Context.ConnectionAborted))
        {
            // A technician reset this device's agent: end the connection now rather than at its next reconnect.
            Log.AgentConnectionRevoked(logger, deviceId);
            Context.Abort();
            return;
        }

        var device = await store.Devices.GetAsync(deviceId, Context.ConnectionAborted);
        var mac = report.Macs is { Length: > 0 } macs ? macs[0].Trim().ToLowerInvariant().Replace('-', ':') : null;
        if (device is null || mac is null || !device.Macs.Contains(mac))
        {
            Log.AgentHeartbeatRefused(logger, deviceId, mac ?? "(none)");
            return;
        }

        await AgentEndpoints.ObserveAsync(store, time, report.Hostname, [mac], report.Ips, report.User, fallbackIp: null, Context.ConnectionAborted);
    }

    private long CredentialId => long.Parse(Context.User!.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)!.Value, CultureInfo.InvariantCulture);

    private long DeviceId => long.Parse(Context.User!.FindFirst(AgentAuthenticationHandler.DeviceClaim)!.Value, CultureInfo.InvariantCulture);
}

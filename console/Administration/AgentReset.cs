using ClassroomGuard.Console.Security;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Administration;

/// <summary>
/// "Reset agent" on a device: revokes its agent's credentials so that agent is refused from its next connection, and
/// the device can be enrolled again (an enrolment never takes over a device whose agent still holds a credential). A
/// technician's or administrator's action, recorded in the admin audit as <c>device.agent_reset</c>.
/// </summary>
internal sealed class AgentReset(StateStore store, ILogger<AgentReset> logger)
{
    /// <summary>Audit key: a device's agent credentials revoked.</summary>
    public const string AuditKey = "device.agent_reset";

    /// <summary>Whether the device has an enrolled agent (for showing the button); false for anyone but a technician or administrator.</summary>
    public async Task<bool> HasAgentAsync(ConsoleUser? actor, long deviceId, CancellationToken cancellationToken)
        => actor is { IsAdministration: true } && await store.AgentCredentials.HasAgentAsync(deviceId, cancellationToken);

    public async Task<AdminResult> ResetAsync(ConsoleUser? actor, long deviceId, CancellationToken cancellationToken)
    {
        if (actor is not { IsAdministration: true })
        {
            return AdminResult.Refused("Only a technician or administrator can reset a device's agent.");
        }

        var device = await store.Devices.GetAsync(deviceId, cancellationToken);
        if (device is null)
        {
            return AdminResult.Refused("That device no longer exists.");
        }

        var revoked = await store.AgentCredentials.RevokeForDeviceAsync(deviceId, cancellationToken);
        var name = device.DisplayName ?? device.Hostname ?? device.Macs.FirstOrDefault() ?? device.Ips.FirstOrDefault() ?? "the device";
        if (revoked == 0)
        {
            return AdminResult.Done($"{name} has no enrolled agent: it can be enrolled now.");
        }

        await store.AdminAudit.RecordAsync(actor.Id, AuditKey, $"device '{name}'", $"{revoked} agent credential(s) revoked", cancellationToken);
        Log.AgentReset(logger, actor.UserName, deviceId, revoked);
        return AdminResult.Done($"The agent on {name} is reset: it is refused from its next connection, and the device can be enrolled again with a room token.");
    }
}

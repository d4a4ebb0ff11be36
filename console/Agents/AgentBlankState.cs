using System.Collections.Concurrent;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Agents;

/// <summary>
/// Which devices are blanked now (a blank action on the device, or on the room it is in, in force), and what each
/// connected agent was last told, so that a change is sent once and only to the agents it concerns.
/// </summary>
internal sealed class AgentBlankState(StateStore store, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, long> connections = new();
    private readonly ConcurrentDictionary<long, DateTimeOffset?> lastSent = new();

    /// <summary>Devices with at least one agent connected.</summary>
    public IReadOnlyCollection<long> ConnectedDevices => connections.Values.Distinct().ToList();

    /// <summary>A new connection of a device's agent: what its other connections were told no longer covers it.</summary>
    public void Connected(string connectionId, long deviceId)
    {
        connections[connectionId] = deviceId;
        lastSent.TryRemove(deviceId, out _);
    }

    public void Disconnected(string connectionId)
    {
        if (connections.TryRemove(connectionId, out var deviceId) && !connections.Values.Contains(deviceId))
        {
            lastSent.TryRemove(deviceId, out _);
        }
    }

    /// <summary>Records what a device's agents were told; false when it is what they were already told.</summary>
    public bool Record(long deviceId, DateTimeOffset? blankedUntil)
    {
        var changed = !lastSent.TryGetValue(deviceId, out var previous) || previous != blankedUntil;
        lastSent[deviceId] = blankedUntil;
        return changed;
    }

    /// <summary>
    /// For each of <paramref name="deviceIds"/>, the end of the blank in force (the latest expiry of the blank actions
    /// on it or its room), or null when it is not blanked; and the earliest moment any active blank ends.
    /// </summary>
    public async Task<(Dictionary<long, DateTimeOffset?> Blanks, DateTimeOffset? NextExpiry)> EvaluateAsync(IReadOnlyCollection<long> deviceIds, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var actions = (await store.TeacherActions.ActiveAtAsync(now, null, cancellationToken)).Where(a => a.Kind == TeacherActionKind.Blank).ToList();
        var rooms = new Dictionary<long, long?>();
        if (actions.Count > 0)
        {
            foreach (var device in await store.Devices.ListAsync(null, cancellationToken))
            {
                rooms[device.Id] = device.RoomId;
            }
        }

        var blanks = new Dictionary<long, DateTimeOffset?>(deviceIds.Count);
        foreach (var deviceId in deviceIds)
        {
            DateTimeOffset? until = null;
            var room = rooms.GetValueOrDefault(deviceId);
            foreach (var action in actions)
            {
                if ((action.DeviceId == deviceId || (room is not null && action.RoomId == room)) && (until is null || action.ExpiresAt > until))
                {
                    until = action.ExpiresAt; // released actions are not active, so not listed
                }
            }

            blanks[deviceId] = until;
        }

        DateTimeOffset? next = null;
        foreach (var action in actions)
        {
            if (next is null || action.ExpiresAt < next)
            {
                next = action.ExpiresAt;
            }
        }

        return (blanks, next);
    }
}

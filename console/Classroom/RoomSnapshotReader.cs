using ClassroomGuard.Console.Agents;
using ClassroomGuard.Console.Hosting;
using ClassroomGuard.Storage.State;
using ClassroomGuard.Storage.TimeSeries;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Classroom;

/// <summary>
/// Builds a <see cref="RoomSnapshot"/>: the room's devices, teacher actions and alerts from the state database, and
/// their activity from InfluxDB in one request (<see cref="RoomActivityQuery"/>). Without InfluxDB the tiles still
/// show names, online state from the agents and the actions in force; activity is marked unavailable.
/// </summary>
internal sealed class RoomSnapshotReader(
    StateStore store, InfluxReader influx, IOptions<InfluxOptions> influxOptions, AgentBlankState agents, IOptions<ConsoleOptions> options,
    TimeProvider time, ILogger<RoomSnapshotReader> logger)
{
    /// <summary>Sparkline buckets: 60 of 10 s, the last 10 minutes.</summary>
    public const int Buckets = 60;

    /// <summary>Seconds per sparkline bucket.</summary>
    public const int BucketSeconds = 10;

    /// <summary>How far back an unacknowledged alert is still shown in the room's banner (a lesson day).</summary>
    public static readonly TimeSpan AlertWindow = TimeSpan.FromHours(12);

    /// <summary>How far back the "last blocked" of a tile looks (about a lesson).</summary>
    public static readonly TimeSpan BlockWindow = TimeSpan.FromHours(1);

    /// <summary>How far back the DNS "site it is on now" looks: a browser asks once and caches, so a page read for minutes shows its last name.</summary>
    public static readonly TimeSpan SiteWindow = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Longest wait for InfluxDB's answer: a hung server must not hold back the state part of the tiles (a blank
    /// must show at once), so after this the snapshot goes out with activity marked unavailable.
    /// </summary>
    public static readonly TimeSpan ActivityTimeout = TimeSpan.FromSeconds(3);

    private const int MaxAlerts = 20;
    private bool influxFailing;

    /// <summary>The room's snapshot now, or null when the room does not exist.</summary>
    public async Task<RoomSnapshot?> ReadAsync(long roomId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var room = await store.Sites.GetRoomAsync(roomId, cancellationToken);
        if (room is null)
        {
            return null;
        }

        // Four small indexed reads of this room only (its row, devices, actions in force, open alerts): the cost of a
        // tick does not grow with the school, and a room's viewers share one tick (RoomFeeds).
        var devices = await store.Devices.ListAsync(roomId, cancellationToken);
        var actions = await store.TeacherActions.ActiveAtAsync(now, roomId, cancellationToken);
        var inRoom = devices.ToDictionary(d => d.Id);
        var alerts = (await store.Alerts.ListUnacknowledgedInRoomAsync(roomId, now - AlertWindow, MaxAlerts, cancellationToken))
            .Where(a => a.DeviceId is { } id && inRoom.ContainsKey(id))
            .Select(a => new RoomAlert(a.Id, a.DeviceId!.Value, NameOf(inRoom[a.DeviceId.Value]), a.Kind.ToString(), a.Category, a.Domain, a.At.ToUnixTimeMilliseconds()))
            .ToList();

        var activity = devices.ToDictionary(d => d.Id, _ => new DeviceActivity(Buckets));
        var available = await ReadActivityAsync(activity, now, cancellationToken);
        var connected = agents.ConnectedDevices.ToHashSet();
        var online = options.Value.OnlineWindow;
        var roomBlank = Strongest(actions, TeacherActionKind.Blank, a => a.Scope == ActionScope.Room);
        var roomPause = Strongest(actions, TeacherActionKind.Pause, a => a.Scope == ActionScope.Room);
        var roomFocus = Strongest(actions, TeacherActionKind.Focus, a => a.Scope == ActionScope.Room);
        var tiles = new List<DeviceTile>(devices.Count);
        foreach (var device in devices.OrderBy(NameOf, StringComparer.OrdinalIgnoreCase).ThenBy(d => d.Id))
        {
            var a = activity[device.Id];
            var lastSeen = Max(device.LastSeen.ToUnixTimeMilliseconds(), a.LastDns, a.LastNet);
            var site = a.NetSite ?? a.DnsSite;
            tiles.Add(new DeviceTile(
                device.Id,
                NameOf(device),
                device.DisplayName,
                connected.Contains(device.Id) || lastSeen >= (now - online).ToUnixTimeMilliseconds(),
                lastSeen,
                site,
                site is not null && site == a.DnsSite ? a.DnsCategory : null,
                a.LastBlocked,
                Strongest(actions, TeacherActionKind.Blank, x => x.DeviceId == device.Id || x.Scope == ActionScope.Room),
                Strongest(actions, TeacherActionKind.Pause, x => x.DeviceId == device.Id || x.Scope == ActionScope.Room),
                a.Queries,
                a.Bytes,
                LiveText.SparkPoints(a.Queries),
                LiveText.SparkPoints(a.Bytes),
                site is null ? a.ProbableSite : null));
        }

        return new RoomSnapshot(room.Id, room.Name, now.ToUnixTimeMilliseconds(), available ? "ok" : "unavailable", roomBlank, roomPause, tiles, alerts, roomFocus);
    }

    /// <summary>The tile name: hostname, else a MAC or IP address, else "Device N".</summary>
    public static string NameOf(Device device)
        => device.Hostname ?? device.Macs.FirstOrDefault() ?? device.Ips.FirstOrDefault() ?? "Device " + device.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private async Task<bool> ReadActivityAsync(Dictionary<long, DeviceActivity> activity, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (activity.Count == 0)
        {
            return true;
        }

        var bucketTicks = TimeSpan.TicksPerSecond * BucketSeconds;
        var bucketEnd = new DateTimeOffset((now.UtcTicks / bucketTicks * bucketTicks) + bucketTicks, TimeSpan.Zero);
        var query = RoomActivityQuery.Build(influxOptions.Value.RetentionPolicy, activity.Keys, now, bucketEnd, Buckets, BucketSeconds, options.Value.OnlineWindow, SiteWindow, BlockWindow);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ActivityTimeout);
        try
        {
            var result = await influx.QueryAsync(query, timeout.Token);
            var startNs = (bucketEnd.AddSeconds(-Buckets * BucketSeconds).UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
            RoomActivityQuery.Read(result, activity, startNs, BucketSeconds * 1_000_000_000L);
            influxFailing = false;
            return true;
        }
        catch (InfluxException e)
        {
            return Unavailable(e.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Unavailable($"no answer within {ActivityTimeout.TotalSeconds} s");
        }
    }

    private bool Unavailable(string reason)
    {
        if (!influxFailing)
        {
            Log.LiveActivityUnavailable(logger, reason); // once per outage, not once a second
        }

        influxFailing = true;
        return false;
    }

    /// <summary>The action of that kind lasting longest among those matching, as a tile state.</summary>
    private static ActionState? Strongest(IReadOnlyList<TeacherAction> actions, TeacherActionKind kind, Func<TeacherAction, bool> match)
    {
        TeacherAction? best = null;
        foreach (var action in actions)
        {
            if (action.Kind == kind && match(action) && (best is null || action.ExpiresAt > best.ExpiresAt))
            {
                best = action;
            }
        }

        return best is null ? null : new ActionState(best.Scope == ActionScope.Room ? "room" : "device", best.ExpiresAt.ToUnixTimeMilliseconds());
    }

    private static long Max(long a, long? b, long? c) => Math.Max(a, Math.Max(b ?? long.MinValue, c ?? long.MinValue));
}

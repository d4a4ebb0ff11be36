namespace ClassroomGuard.Console.Classroom;

/// <summary>
/// Everything the live view of one room shows, as of <see cref="ServerTime"/>: built once per interval per room and
/// handed, as is, to every viewer of that room (immutable: the viewers' circuits share it).
/// </summary>
/// <param name="RoomId">The room.</param>
/// <param name="RoomName">Its name.</param>
/// <param name="ServerTime">Unix milliseconds of the data shown (the page's <c>data-updated</c>).</param>
/// <param name="Activity">Whether the activity series could be read ("ok") or not ("unavailable": InfluxDB down).</param>
/// <param name="RoomBlank">The room-wide blank in force, if any.</param>
/// <param name="RoomPause">The room-wide pause in force, if any.</param>
/// <param name="Devices">One tile per device in the room, by name.</param>
/// <param name="RoomFocus">The room-wide lesson focus in force, if any (shown beside the blank and pause, so a teacher
/// sees at the top of the page why sites are blocked).</param>
/// <param name="Alerts">Unacknowledged alerts of the room's devices from the last <see cref="RoomSnapshotReader.AlertWindow"/>, newest first.</param>
public sealed record RoomSnapshot(
    long RoomId,
    string RoomName,
    long ServerTime,
    string Activity,
    ActionState? RoomBlank,
    ActionState? RoomPause,
    IReadOnlyList<DeviceTile> Devices,
    IReadOnlyList<RoomAlert> Alerts,
    ActionState? RoomFocus = null);

/// <summary>One device's tile.</summary>
/// <param name="Id">Device id.</param>
/// <param name="Name">Hostname, else a MAC or IP address, else "Device N".</param>
/// <param name="Pupil">The signed-in user the agent reports, if any.</param>
/// <param name="Online">Seen within the online window (DNS, traffic, agent heartbeat or an agent connected now).</param>
/// <param name="LastSeen">Unix ms of the latest sign of life, if any.</param>
/// <param name="Site">The site it is on now (sniffer's busiest site in the last minute, else the most-asked DNS name of its latest second), if any.</param>
/// <param name="Category">That site's category (from the DNS filter's per-second category counts), if known.</param>
/// <param name="LastBlocked">Its latest blocked attempt in the last hour, if any.</param>
/// <param name="Blank">The blank in force on it (device or room scope), if any.</param>
/// <param name="Pause">The pause in force on it (device or room scope), if any.</param>
/// <param name="Queries">DNS queries per bucket, oldest first (<see cref="RoomSnapshotReader.Buckets"/> buckets of <see cref="RoomSnapshotReader.BucketSeconds"/> s).</param>
/// <param name="Bytes">Bytes in + out per bucket, oldest first (zeros without the sniffer).</param>
/// <param name="QueriesLine">The queries' sparkline points (<see cref="LiveText.SparkPoints"/>), computed once per snapshot for every viewer.</param>
/// <param name="BytesLine">The bytes' sparkline points, likewise.</param>
/// <param name="ProbableSite">
/// When there is no <paramref name="Site"/>: the name the sniffer only inferred for its traffic from the device's own DNS
/// look-up (net_activity.inferred_sites) — shown as "probably …", never taken as the site (an incident raised from the
/// tile does not get it).
/// </param>
public sealed record DeviceTile(
    long Id,
    string Name,
    string? Pupil,
    bool Online,
    long? LastSeen,
    string? Site,
    string? Category,
    BlockedAttempt? LastBlocked,
    ActionState? Blank,
    ActionState? Pause,
    long[] Queries,
    long[] Bytes,
    string QueriesLine,
    string BytesLine,
    string? ProbableSite = null);

/// <summary>A blocked DNS query.</summary>
/// <param name="Domain">Name asked for.</param>
/// <param name="Category">Category that blocked it, if any.</param>
/// <param name="Reason">Why (Category, Deny, Pause, Circumvention, …).</param>
/// <param name="At">Unix ms of its second.</param>
public sealed record BlockedAttempt(string Domain, string? Category, string? Reason, long At);

/// <summary>A teacher action in force.</summary>
/// <param name="Scope">"device" or "room".</param>
/// <param name="Until">Unix ms when it ends by itself.</param>
public sealed record ActionState(string Scope, long Until);

/// <summary>An alert that stands out in the room's banner.</summary>
/// <param name="Id">Alert id.</param>
/// <param name="DeviceId">Device.</param>
/// <param name="Device">Its tile name.</param>
/// <param name="Kind">HighRiskCategory, Circumvention or Other.</param>
/// <param name="Category">Category, if any.</param>
/// <param name="Domain">Domain, if any.</param>
/// <param name="At">Unix ms.</param>
public sealed record RoomAlert(long Id, long DeviceId, string Device, string Kind, string? Category, string? Domain, long At);

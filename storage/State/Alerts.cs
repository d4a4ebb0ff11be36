using ClassroomGuard.Storage.State.Internal;
using Microsoft.Data.Sqlite;

namespace ClassroomGuard.Storage.State;

/// <summary>An alert for the safeguarding lead.</summary>
/// <param name="Id">Database id.</param>
/// <param name="DeviceId">Device, while it is in the inventory.</param>
/// <param name="At">When.</param>
/// <param name="Kind">High-risk category, circumvention, other.</param>
/// <param name="Category">Category, if any.</param>
/// <param name="Domain">Domain, if any.</param>
/// <param name="Evidence">Evidence text.</param>
/// <param name="AcknowledgedBy">Who acknowledged it.</param>
/// <param name="AcknowledgedAt">When.</param>
/// <param name="Count">Attempts folded into this alert (1 when raised).</param>
/// <param name="LastAt">The latest attempt folded in, when more than one.</param>
/// <param name="RoomId">The device's room when it was raised, if any (devices with no room are still alerted).</param>
/// <param name="AcknowledgedNote">What the person who acknowledged it wrote.</param>
/// <param name="IncidentId">The incident it was turned into, if any.</param>
public sealed record Alert(
    long Id, long? DeviceId, DateTimeOffset At, AlertKind Kind, string? Category, string? Domain, string Evidence, long? AcknowledgedBy, DateTimeOffset? AcknowledgedAt,
    int Count = 1, DateTimeOffset? LastAt = null, long? RoomId = null, string? AcknowledgedNote = null, long? IncidentId = null);

/// <summary>A new alert.</summary>
/// <param name="Kind">Kind.</param>
/// <param name="At">When.</param>
/// <param name="Evidence">Evidence text.</param>
/// <param name="DeviceId">Device, if known.</param>
/// <param name="Category">Category.</param>
/// <param name="Domain">Domain.</param>
public sealed record NewAlert(AlertKind Kind, DateTimeOffset At, string Evidence, long? DeviceId = null, string? Category = null, string? Domain = null);

/// <summary>Which alerts an <see cref="AlertQuery"/> keeps or drops: those whose category or kind is in the sets.</summary>
/// <param name="Categories">Category keys.</param>
/// <param name="Kinds">Kinds.</param>
public sealed record AlertMatch(IReadOnlyCollection<string> Categories, IReadOnlyCollection<AlertKind> Kinds)
{
    /// <summary>Whether the sets are both empty (matches nothing).</summary>
    public bool IsEmpty => Categories.Count == 0 && Kinds.Count == 0;
}

/// <summary>A page of the school's alerts, newest first (the alerts page). Every filter is optional.</summary>
/// <param name="Offset">Rows skipped.</param>
/// <param name="Limit">Rows returned (1 to <see cref="AlertRepository.MaxPageSize"/>).</param>
/// <param name="Include">Only alerts whose category or kind is in these sets (a severity), when given.</param>
/// <param name="Exclude">Never alerts whose category or kind is in these sets (other severities, appliance alerts for the safeguarding lead).</param>
/// <param name="Category">Only this category key.</param>
/// <param name="RoomId">Only alerts raised while the device was in this room.</param>
/// <param name="NoRoom">Only alerts raised for devices in no room (or no device); ignored when <paramref name="RoomId"/> is set.</param>
/// <param name="DeviceId">Only this device.</param>
/// <param name="Acknowledged">True: acknowledged only; false: unacknowledged only; null: both.</param>
/// <param name="From">Raised at or after.</param>
/// <param name="To">Raised before.</param>
/// <param name="RoomIds">Only alerts raised in one of these rooms (a site's rooms; empty: none), when given.</param>
public sealed record AlertQuery(
    int Offset = 0, int Limit = 25, AlertMatch? Include = null, AlertMatch? Exclude = null, string? Category = null, long? RoomId = null, bool NoRoom = false,
    long? DeviceId = null, bool? Acknowledged = null, DateTimeOffset? From = null, DateTimeOffset? To = null, IReadOnlyCollection<long>? RoomIds = null);

/// <summary>One page of alerts and how many match in all.</summary>
/// <param name="Items">The page, newest first.</param>
/// <param name="Total">Matching alerts in all.</param>
public sealed record AlertPage(IReadOnlyList<Alert> Items, int Total);

/// <summary>What became of turning an alert into an incident.</summary>
/// <param name="Created">True when the incident was recorded now; false when refused.</param>
/// <param name="IncidentId">The alert's incident: the new one, or the one it was turned into before; null when the alert is gone.</param>
public sealed record AlertIncidentOutcome(bool Created, long? IncidentId);

/// <summary>Outcome of acknowledging an alert.</summary>
public enum AcknowledgeOutcome
{
    /// <summary>Acknowledged now.</summary>
    Acknowledged,

    /// <summary>No such alert (pruned or never existed).</summary>
    NotFound,

    /// <summary>Someone acknowledged it already.</summary>
    AlreadyAcknowledged,
}

/// <summary>
/// Alerts. Acknowledged ones are pruned after <see cref="StateOptions.AlertRetentionDays"/>; unacknowledged ones never.
/// A repeat of an unacknowledged alert (same device — or, without a device, the same client address in its evidence —,
/// kind, category and domain, raised within <see cref="FoldWindow"/>) is folded into it: its count grows and its last
/// time moves on, so a pupil retrying a site makes one alert, not a page of them.
/// </summary>
public sealed class AlertRepository
{
    /// <summary>Most rows one <see cref="QueryAsync"/> returns.</summary>
    public const int MaxPageSize = 200;

    /// <summary>Longest acknowledgement note kept.</summary>
    public const int MaxNoteLength = 1000;

    /// <summary>How far back a repeat is folded into an earlier unacknowledged alert: one hour.</summary>
    public static readonly TimeSpan FoldWindow = TimeSpan.FromHours(1);

    private const string Columns = "id, device_id, at, kind, category, domain, evidence, acknowledged_by, acknowledged_at, count, last_at, room_id, acknowledged_note, incident_id";
    private const string QualifiedColumns = "a.id, a.device_id, a.at, a.kind, a.category, a.domain, a.evidence, a.acknowledged_by, a.acknowledged_at, a.count, a.last_at, a.room_id, a.acknowledged_note, a.incident_id";
    // Turning alerts into incidents, one at a time in this process (static: no disposable per repository).
    private static readonly SemaphoreSlim IncidentGate = new(1, 1);
    private readonly StateDb db;

    internal AlertRepository(StateDb db) => this.db = db;

    /// <summary>
    /// Raises an alert, or folds it into the same unacknowledged one raised within <see cref="FoldWindow"/> (count + 1,
    /// last time). A new alert records the device's room now. Returns the alert as stored.
    /// </summary>
    public Task<Alert> RaiseAsync(NewAlert alert, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        ArgumentException.ThrowIfNullOrWhiteSpace(alert.Evidence);
        return db.WriteAsync(tx =>
        {
            if (FindRepeat(tx, alert) is { } repeat)
            {
                // A repeat changes a count only: no revision bump (the DNS filter would recompile for nothing; the
                // home page's overview reads the count again within its 25 seconds).
                tx.Execute(
                    "UPDATE alerts SET count = count + 1, last_at = max(ifnull(last_at, at), $at) WHERE id = $id",
                    ("$at", Sql.Ms(alert.At)), ("$id", repeat));
                return Load(tx, "id = $id", ("$id", repeat))[0];
            }

            // A new alert bumps the revision: the home page's overview (DashboardFeed) keeps its read while the revision
            // stands, and would show a new danger alert up to 25 seconds late.
            tx.Changed = true;
            var room = alert.DeviceId is { } device ? tx.Long("SELECT room_id FROM devices WHERE id = $d", ("$d", device)) : null;
            var id = tx.Long(
                "INSERT INTO alerts (device_id, at, kind, category, domain, evidence, room_id) VALUES ($d, $at, $k, $c, $dom, $e, $r) RETURNING id",
                ("$d", alert.DeviceId), ("$at", Sql.Ms(alert.At)), ("$k", EnumText.Of(alert.Kind)), ("$c", alert.Category), ("$dom", alert.Domain), ("$e", alert.Evidence),
                ("$r", room))!.Value;
            return Load(tx, "id = $id", ("$id", id))[0];
        }, cancellationToken);
    }

    /// <summary>The alert, or null.</summary>
    public Task<Alert?> GetAsync(long id, CancellationToken cancellationToken)
        => db.ReadAsync(tx => Load(tx, "id = $id", ("$id", id)).FirstOrDefault(), cancellationToken);

    /// <summary>Acknowledges an alert. Returns false when it does not exist or was already acknowledged.</summary>
    public Task<bool> AcknowledgeAsync(long id, long userId, CancellationToken cancellationToken)
        => db.WriteAsync(
            tx => tx.Changed = tx.Execute(
                "UPDATE alerts SET acknowledged_by = $u, acknowledged_at = $now WHERE id = $id AND acknowledged_at IS NULL",
                ("$u", userId), ("$now", tx.Now), ("$id", id)) == 1,
            cancellationToken);

    /// <summary>
    /// Acknowledges an alert with what the person did or why nothing is needed (required, trimmed, at most
    /// <see cref="MaxNoteLength"/> characters).
    /// </summary>
    public Task<AcknowledgeOutcome> AcknowledgeAsync(long id, long userId, string note, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(note);
        var text = note.Trim();
        ArgumentOutOfRangeException.ThrowIfGreaterThan(text.Length, MaxNoteLength, nameof(note));
        return db.WriteAsync(tx =>
        {
            if (tx.Execute(
                    "UPDATE alerts SET acknowledged_by = $u, acknowledged_at = $now, acknowledged_note = $n WHERE id = $id AND acknowledged_at IS NULL",
                    ("$u", userId), ("$now", tx.Now), ("$n", text), ("$id", id)) == 1)
            {
                tx.Changed = true; // kept: the home page's overview (DashboardFeed) drops an acknowledged alert when the revision moves
                return AcknowledgeOutcome.Acknowledged;
            }

            return tx.Long("SELECT id FROM alerts WHERE id = $id", ("$id", id)) is null ? AcknowledgeOutcome.NotFound : AcknowledgeOutcome.AlreadyAcknowledged;
        }, cancellationToken);
    }

    /// <summary>
    /// Turns an alert into an incident once: refuses (with the existing incident) when the alert already has one, or an
    /// incident already names it (recorded before a link that was never written); otherwise calls
    /// <paramref name="record"/> (it records the incident and returns its id), then links the two and acknowledges the
    /// alert with <paramref name="acknowledgement"/> unless it is acknowledged already — link and acknowledgement in one
    /// transaction. One at a time per process (the console is the one process that does this), so two people pressing
    /// the button together make one incident. Returns null IncidentId when the alert is gone.
    /// </summary>
    public async Task<AlertIncidentOutcome> TurnIntoIncidentAsync(
        long alertId, long userId, string acknowledgement, Func<CancellationToken, Task<long>> record, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(acknowledgement);
        ArgumentNullException.ThrowIfNull(record);
        await IncidentGate.WaitAsync(cancellationToken);
        try
        {
            var (exists, linked, named) = await db.ReadAsync(
                tx => (tx.Long("SELECT 1 FROM alerts WHERE id = $id", ("$id", alertId)) is not null,
                    tx.Long("SELECT incident_id FROM alerts WHERE id = $id", ("$id", alertId)),
                    tx.Long("SELECT min(id) FROM incidents WHERE alert_id = $id", ("$id", alertId))),
                cancellationToken);
            if (!exists)
            {
                return new AlertIncidentOutcome(false, null);
            }

            if (linked is { } existing)
            {
                return new AlertIncidentOutcome(false, existing);
            }

            if (named is { } earlier)
            {
                await LinkAndAcknowledgeAsync(alertId, earlier, userId, acknowledgement, cancellationToken);
                return new AlertIncidentOutcome(false, earlier);
            }

            var incidentId = await record(cancellationToken);
            await LinkAndAcknowledgeAsync(alertId, incidentId, userId, acknowledgement, cancellationToken);
            return new AlertIncidentOutcome(true, incidentId);
        }
        finally
        {
            IncidentGate.Release();
        }
    }

    /// <summary>
    /// Records the incident an alert was turned into. Returns false when the alert is gone or already has one. Does not
    /// bump the revision: no other process acts on it (the DNS filter would recompile for nothing).
    /// </summary>
    public Task<bool> LinkIncidentAsync(long alertId, long incidentId, CancellationToken cancellationToken)
        => db.WriteAsync(
            tx => tx.Execute("UPDATE alerts SET incident_id = $i WHERE id = $id AND incident_id IS NULL", ("$i", incidentId), ("$id", alertId)) == 1,
            cancellationToken);

    /// <summary>Alerts nobody has acknowledged yet, oldest first.</summary>
    public Task<IReadOnlyList<Alert>> ListUnacknowledgedAsync(CancellationToken cancellationToken)
        => db.ReadAsync<IReadOnlyList<Alert>>(tx => Load(tx, "acknowledged_at IS NULL"), cancellationToken);

    /// <summary>How many unacknowledged alerts match <paramref name="include"/> and not <paramref name="exclude"/> (the menu's count).</summary>
    public Task<int> CountUnacknowledgedAsync(AlertMatch include, AlertMatch? exclude, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(include);
        var query = new AlertQuery(Include: include, Exclude: exclude, Acknowledged: false);
        return db.ReadAsync(tx =>
        {
            var (where, args) = Where(query);
            return (int)(tx.Long($"SELECT count(*) FROM alerts a WHERE {where}", args) ?? 0);
        }, cancellationToken);
    }

    /// <summary>One page of alerts matching <paramref name="query"/>, newest first, and the total (uses the alerts' time index).</summary>
    public Task<AlertPage> QueryAsync(AlertQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegative(query.Offset);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.Limit, MaxPageSize);
        return db.ReadAsync(tx =>
        {
            var (where, args) = Where(query);
            var total = (int)(tx.Long($"SELECT count(*) FROM alerts a WHERE {where}", args) ?? 0);
            var items = tx.Query(
                $"SELECT {QualifiedColumns} FROM alerts a WHERE {where} ORDER BY a.at DESC, a.id DESC LIMIT $limit OFFSET $offset",
                Read, [.. args, ("$limit", query.Limit), ("$offset", query.Offset)]);
            return new AlertPage(items, total);
        }, cancellationToken);
    }

    /// <summary>How many alerts match <paramref name="query"/> (its offset and limit are ignored; uses the alerts' time index).</summary>
    public Task<int> CountAsync(AlertQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return db.ReadAsync(tx =>
        {
            var (where, args) = Where(query);
            return (int)(tx.Long($"SELECT count(*) FROM alerts a WHERE {where}", args) ?? 0);
        }, cancellationToken);
    }

    /// <summary>Alerts of <paramref name="kind"/> raised in [<paramref name="from"/>, <paramref name="to"/>), oldest first.</summary>
    public Task<IReadOnlyList<Alert>> ListAsync(DateTimeOffset from, DateTimeOffset to, AlertKind kind, CancellationToken cancellationToken)
        => db.ReadAsync<IReadOnlyList<Alert>>(
            tx => Load(tx, "at >= $f AND at < $t AND kind = $k", ("$f", Sql.Ms(from)), ("$t", Sql.Ms(to)), ("$k", EnumText.Of(kind))), cancellationToken);

    /// <summary>Alerts raised in [<paramref name="from"/>, <paramref name="to"/>), oldest first.</summary>
    public Task<IReadOnlyList<Alert>> ListAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
        => db.ReadAsync<IReadOnlyList<Alert>>(tx => Load(tx, "at >= $f AND at < $t", ("$f", Sql.Ms(from)), ("$t", Sql.Ms(to))), cancellationToken);

    /// <summary>
    /// Unacknowledged alerts raised at or after <paramref name="since"/> for the devices now in the room, newest first,
    /// at most <paramref name="limit"/>: the live view's banner, read once per tick per watched room (uses the alerts'
    /// time index; never the whole school's alerts).
    /// </summary>
    public Task<IReadOnlyList<Alert>> ListUnacknowledgedInRoomAsync(long roomId, DateTimeOffset since, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return db.ReadAsync<IReadOnlyList<Alert>>(
            tx => tx.Query(
                $"SELECT {QualifiedColumns} FROM alerts a JOIN devices d ON d.id = a.device_id "
                + "WHERE d.room_id = $r AND a.at >= $f AND a.acknowledged_at IS NULL ORDER BY a.at DESC, a.id DESC LIMIT $n",
                Read, ("$r", roomId), ("$f", Sql.Ms(since)), ("$n", limit)),
            cancellationToken);
    }

    /// <summary>
    /// The client address an alert's evidence names: the DNS filter's "client 10.0.0.5" or the sniffer's "10.0.0.5 sent …".
    /// Null when it names none (an appliance alert).
    /// </summary>
    public static string? ClientOf(string? evidence)
    {
        if (string.IsNullOrEmpty(evidence))
        {
            return null;
        }

        const string marker = "; client ";
        var at = evidence.IndexOf(marker, StringComparison.Ordinal);
        if (at >= 0)
        {
            var start = at + marker.Length;
            var end = evidence.IndexOfAny([';', ',', ' '], start);
            var client = end < 0 ? evidence[start..] : evidence[start..end];
            return System.Net.IPAddress.TryParse(client, out _) ? client : null;
        }

        var space = evidence.IndexOf(" sent ", StringComparison.Ordinal);
        return space > 0 && System.Net.IPAddress.TryParse(evidence.AsSpan(0, space), out _) ? evidence[..space] : null;
    }

    internal static (string Where, (string, object?)[] Args) Where(AlertQuery q)
    {
        var where = new List<string> { "1 = 1" };
        var args = new List<(string, object?)>();
        if (q.Include is { } include)
        {
            where.Add(include.IsEmpty ? "0 = 1" : $"({Match(include, "in", args)})");
        }

        if (q.Exclude is { IsEmpty: false } exclude)
        {
            where.Add($"NOT ({Match(exclude, "ex", args)})");
        }

        if (q.Category is { } category)
        {
            where.Add("a.category = $cat");
            args.Add(("$cat", category));
        }

        if (q.RoomId is { } room)
        {
            where.Add("a.room_id = $room");
            args.Add(("$room", room));
        }
        else if (q.NoRoom)
        {
            where.Add("a.room_id IS NULL");
        }

        if (q.RoomIds is { } rooms)
        {
            var names = rooms.Select((r, i) => { var n = $"$room{i}"; args.Add((n, r)); return n; }).ToList();
            where.Add(names.Count == 0 ? "0 = 1" : $"a.room_id IN ({string.Join(", ", names)})");
        }

        if (q.DeviceId is { } device)
        {
            where.Add("a.device_id = $dev");
            args.Add(("$dev", device));
        }

        if (q.Acknowledged is { } acknowledged)
        {
            where.Add(acknowledged ? "a.acknowledged_at IS NOT NULL" : "a.acknowledged_at IS NULL");
        }

        if (q.From is { } from)
        {
            where.Add("a.at >= $from");
            args.Add(("$from", Sql.Ms(from)));
        }

        if (q.To is { } to)
        {
            where.Add("a.at < $to");
            args.Add(("$to", Sql.Ms(to)));
        }

        return (string.Join(" AND ", where), [.. args]);
    }

    private static string Match(AlertMatch match, string prefix, List<(string, object?)> args)
    {
        var parts = new List<string>();
        if (match.Categories.Count > 0)
        {
            var names = match.Categories.Select((c, i) => { var n = $"${prefix}c{i}"; args.Add((n, c)); return n; }).ToList();
            parts.Add($"ifnull(a.category, '') IN ({string.Join(", ", names)})");
        }

        if (match.Kinds.Count > 0)
        {
            var names = match.Kinds.Select((k, i) => { var n = $"${prefix}k{i}"; args.Add((n, EnumText.Of(k))); return n; }).ToList();
            parts.Add($"a.kind IN ({string.Join(", ", names)})");
        }

        return string.Join(" OR ", parts);
    }

    private Task<bool> LinkAndAcknowledgeAsync(long alertId, long incidentId, long userId, string note, CancellationToken cancellationToken)
        => db.WriteAsync(tx =>
        {
            if (tx.Execute("UPDATE alerts SET incident_id = $i WHERE id = $id AND incident_id IS NULL", ("$i", incidentId), ("$id", alertId)) != 1)
            {
                return false;
            }

            // Acknowledged now: bumps the revision like any acknowledgement (the home page's overview drops it at once).
            tx.Changed = tx.Execute(
                "UPDATE alerts SET acknowledged_by = $u, acknowledged_at = $now, acknowledged_note = $n WHERE id = $id AND acknowledged_at IS NULL",
                ("$u", userId), ("$now", tx.Now), ("$n", note), ("$id", alertId)) == 1;
            return true;
        }, cancellationToken);

    private static long? FindRepeat(Tx tx, NewAlert alert)
    {
        var since = Sql.Ms(alert.At - FoldWindow);
        var kind = EnumText.Of(alert.Kind);
        if (alert.DeviceId is { } device)
        {
            return tx.Long(
                "SELECT id FROM alerts WHERE device_id = $d AND category IS $c AND at >= $since AND kind = $k AND domain IS $dom AND acknowledged_at IS NULL "
                + "ORDER BY at DESC, id DESC LIMIT 1",
                ("$d", device), ("$c", alert.Category), ("$since", since), ("$k", kind), ("$dom", alert.Domain));
        }

        if (ClientOf(alert.Evidence) is not { } client)
        {
            return null;
        }

        var candidates = tx.Query(
            "SELECT id, evidence FROM alerts WHERE acknowledged_at IS NULL AND at >= $since AND device_id IS NULL AND kind = $k AND category IS $c AND domain IS $dom "
            + "ORDER BY at DESC, id DESC",
            r => (Id: r.GetInt64(0), Evidence: r.GetString(1)), ("$since", since), ("$k", kind), ("$c", alert.Category), ("$dom", alert.Domain));
        foreach (var candidate in candidates)
        {
            if (ClientOf(candidate.Evidence) == client)
            {
                return candidate.Id;
            }
        }

        return null;
    }

    private static List<Alert> Load(Tx tx, string where, params (string, object?)[] args)
        => tx.Query($"SELECT {Columns} FROM alerts WHERE {where} ORDER BY at, id", Read, args);

    internal static Alert Read(SqliteDataReader r) => new(
        r.GetInt64(0), Sql.LongOrNull(r, 1), Sql.Time(r, 2), EnumText.Parse<AlertKind>(r.GetString(3)), Sql.StringOrNull(r, 4), Sql.StringOrNull(r, 5),
        r.GetString(6), Sql.LongOrNull(r, 7), Sql.TimeOrNull(r, 8), r.GetInt32(9), Sql.TimeOrNull(r, 10), Sql.LongOrNull(r, 11), Sql.StringOrNull(r, 12),
        Sql.LongOrNull(r, 13));
}

using ClassroomGuard.Storage.State.Internal;
using Microsoft.Data.Sqlite;

namespace ClassroomGuard.Storage.State;

/// <summary>What a step in an incident's chronology records.</summary>
public enum IncidentEventKind
{
    /// <summary>The incident was raised (the first step of every incident).</summary>
    Raised,

    /// <summary>A note.</summary>
    Note,

    /// <summary>An action taken.</summary>
    Action,

    /// <summary>An outcome.</summary>
    Outcome,

    /// <summary>The status changed.</summary>
    Status,
}

/// <summary>One step of an incident's chronology: who recorded what, and when.</summary>
/// <param name="Id">Database id.</param>
/// <param name="IncidentId">The incident.</param>
/// <param name="At">When it was recorded.</param>
/// <param name="UserId">Who recorded it (null for a maintenance step).</param>
/// <param name="UserName">Their display name, if known.</param>
/// <param name="Kind">What it records.</param>
/// <param name="Text">What they wrote (the reason, for a status change; may be empty).</param>
/// <param name="Status">The status it moved to (for <see cref="IncidentEventKind.Status"/> and <see cref="IncidentEventKind.Raised"/>).</param>
public sealed record IncidentEvent(long Id, long IncidentId, DateTimeOffset At, long? UserId, string? UserName, IncidentEventKind Kind, string Text, IncidentStatus? Status);

/// <summary>What the incident log lists: every filter is optional; the page is newest first.</summary>
/// <param name="ReportedBy">Only incidents this user raised (the visibility rule for everyone but the safeguarding lead and administrators).</param>
/// <param name="Status">Only this status.</param>
/// <param name="Category">Only this category key.</param>
/// <param name="RoomId">Only this room.</param>
/// <param name="Person">Only incidents whose pupil name contains this text (case-insensitive).</param>
/// <param name="From">Occurred at or after.</param>
/// <param name="To">Occurred before.</param>
/// <param name="Offset">Rows to skip.</param>
/// <param name="Limit">Rows to return (1–500).</param>
public sealed record IncidentQuery(
    long? ReportedBy = null, IncidentStatus? Status = null, string? Category = null, long? RoomId = null, string? Person = null,
    DateTimeOffset? From = null, DateTimeOffset? To = null, int Offset = 0, int Limit = 25);

/// <summary>One page of the log.</summary>
/// <param name="Items">The incidents, newest first.</param>
/// <param name="Total">How many match the filters.</param>
public sealed record IncidentPage(IReadOnlyList<Incident> Items, int Total);

/// <summary>Someone opened an incident.</summary>
/// <param name="UserId">Who.</param>
/// <param name="UserName">Their display name.</param>
/// <param name="At">When.</param>
public sealed record IncidentViewRecord(long UserId, string UserName, DateTimeOffset At);

// The chronology, the log's queries and the record of views.
public sealed partial class IncidentRepository
{
    /// <summary>Views of the same incident by the same person within this time count as one (a page's first render and its live connection).</summary>
    public static readonly TimeSpan ViewDeduplication = TimeSpan.FromMinutes(1);

    private const string EventColumns = "e.id, e.incident_id, e.at, e.user_id, u.display_name, e.kind, e.text, e.status";

    /// <summary>
    /// Records a note, an action taken or an outcome by <paramref name="userId"/>. An action or outcome also becomes the
    /// incident's latest action taken or outcome. False when the incident does not exist.
    /// </summary>
    public Task<bool> AddStepAsync(long id, long userId, IncidentEventKind kind, string text, CancellationToken cancellationToken)
    {
        if (kind is not (IncidentEventKind.Note or IncidentEventKind.Action or IncidentEventKind.Outcome))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Only a note, an action or an outcome is a step; status changes go through ChangeStatusAsync.");
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        var trimmed = text.Trim();
        return db.WriteAsync(tx =>
        {
            var column = kind switch { IncidentEventKind.Action => "action_taken", IncidentEventKind.Outcome => "outcome", _ => null };
            var updated = tx.Execute(
                $"UPDATE incidents SET updated_at = $now{(column is null ? "" : $", {column} = $t")} WHERE id = $id",
                ("$now", tx.Now), ("$t", trimmed), ("$id", id));
            if (updated == 0)
            {
                return false;
            }

            AddEvent(tx, id, userId, kind, trimmed, null);
            return true; // no revision bump: no other process acts on an incident's steps
        }, cancellationToken);
    }

    /// <summary>
    /// Moves the incident to <paramref name="status"/> with <paramref name="reason"/>, recorded as a step by
    /// <paramref name="userId"/>. Closing records when (<see cref="Incident.ClosedAt"/>, from which the retention period
    /// counts); reopening clears it. False when the incident does not exist or already has that status.
    /// </summary>
    public Task<bool> ChangeStatusAsync(long id, long userId, IncidentStatus status, string? reason, CancellationToken cancellationToken)
        => db.WriteAsync(tx =>
        {
            if (!SetStatus(tx, id, status))
            {
                return false;
            }

            AddEvent(tx, id, userId, IncidentEventKind.Status, Blank(reason) ?? string.Empty, status);
            return true;
        }, cancellationToken);

    /// <summary>The incident's chronology, oldest first.</summary>
    public Task<IReadOnlyList<IncidentEvent>> ChronologyAsync(long id, CancellationToken cancellationToken)
        => db.ReadAsync<IReadOnlyList<IncidentEvent>>(
            tx => tx.Query($"SELECT {EventColumns} FROM incident_events e LEFT JOIN users u ON u.id = e.user_id WHERE e.incident_id = $id ORDER BY e.at, e.id", ReadEvent, ("$id", id)),
            cancellationToken);

    /// <summary>
    /// Every incident of <paramref name="person"/> (exact name, case-insensitive), oldest first, with their chronologies
    /// in time order; only those <paramref name="reportedBy"/> raised when given.
    /// </summary>
    public Task<(IReadOnlyList<Incident> Incidents, IReadOnlyList<IncidentEvent> Events)> PersonChronologyAsync(string person, long? reportedBy, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(person);
        return db.ReadAsync<(IReadOnlyList<Incident>, IReadOnlyList<IncidentEvent>)>(tx =>
        {
            var who = ("$p", (object?)person.Trim());
            var by = ("$by", (object?)reportedBy);
            var incidents = Load(tx, "person = $p COLLATE NOCASE AND ($by IS NULL OR reported_by = $by)", who, by);
            var events = tx.Query(
                $"SELECT {EventColumns} FROM incident_events e JOIN incidents i ON i.id = e.incident_id LEFT JOIN users u ON u.id = e.user_id "
                + "WHERE i.person = $p COLLATE NOCASE AND ($by IS NULL OR i.reported_by = $by) ORDER BY e.at, e.id",
                ReadEvent, who, by);
            return (incidents, events);
        }, cancellationToken);
    }

    /// <summary>One page of the log, newest first (by when it happened), and how many match.</summary>
    public Task<IncidentPage> QueryAsync(IncidentQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegative(query.Offset);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.Limit, 500);
        const string Where = """
            ($by IS NULL OR reported_by = $by) AND ($s IS NULL OR status = $s) AND ($c IS NULL OR category = $c) AND ($r IS NULL OR room_id = $r)
            AND ($p IS NULL OR instr(lower(person), lower($p)) > 0) AND ($f IS NULL OR occurred_at >= $f) AND ($t IS NULL OR occurred_at < $t)
            """;
        (string, object?)[] args =
        [
            ("$by", query.ReportedBy), ("$s", query.Status is { } s ? EnumText.Lower(s) : null), ("$c", Blank(query.Category)), ("$r", query.RoomId),
            ("$p", Blank(query.Person)), ("$f", Sql.Ms(query.From)), ("$t", Sql.Ms(query.To)),
        ];
        return db.ReadAsync(tx =>
        {
            var total = (int)(tx.Long($"SELECT count(*) FROM incidents WHERE {Where}", args) ?? 0);
            var items = tx.Query(
                $"SELECT {Columns} FROM incidents WHERE {Where} ORDER BY occurred_at DESC, id DESC LIMIT $limit OFFSET $offset",
                Read, [.. args, ("$limit", query.Limit), ("$offset", query.Offset)]);
            return new IncidentPage(items, total);
        }, cancellationToken);
    }

    /// <summary>
    /// Records that <paramref name="userId"/> opened the incident. A second view by the same person within
    /// <see cref="ViewDeduplication"/> is the same view (a page's first render and its live connection) and is not
    /// recorded again. Returns whether a row was added.
    /// </summary>
    public Task<bool> RecordViewAsync(long id, long userId, CancellationToken cancellationToken)
        => db.WriteAsync(
            tx => tx.Execute(
                """
                INSERT INTO incident_views (incident_id, user_id, at)
                SELECT $id, $u, $now WHERE EXISTS (SELECT 1 FROM incidents WHERE id = $id)
                AND NOT EXISTS (SELECT 1 FROM incident_views WHERE incident_id = $id AND user_id = $u AND at > $since)
                """,
                ("$id", id), ("$u", userId), ("$now", tx.Now), ("$since", tx.Now - (long)ViewDeduplication.TotalMilliseconds)) == 1,
            cancellationToken);

    /// <summary>Everyone who opened the incident, newest first.</summary>
    public Task<IReadOnlyList<IncidentViewRecord>> ViewsAsync(long id, CancellationToken cancellationToken)
        => db.ReadAsync<IReadOnlyList<IncidentViewRecord>>(
            tx => tx.Query(
                "SELECT v.user_id, coalesce(u.display_name, ''), v.at FROM incident_views v LEFT JOIN users u ON u.id = v.user_id WHERE v.incident_id = $id ORDER BY v.at DESC, v.id DESC",
                r => new IncidentViewRecord(r.GetInt64(0), r.GetString(1), Sql.Time(r, 2)), ("$id", id)),
            cancellationToken);

    private static bool SetStatus(Tx tx, long id, IncidentStatus status)
        => tx.Execute(
            "UPDATE incidents SET status = $s, updated_at = $now, closed_at = CASE WHEN $s = 'closed' THEN $now ELSE NULL END WHERE id = $id AND status <> $s",
            ("$s", EnumText.Lower(status)), ("$now", tx.Now), ("$id", id)) == 1;

    private static void AddEvent(Tx tx, long id, long? userId, IncidentEventKind kind, string text, IncidentStatus? status)
        => tx.Execute(
            "INSERT INTO incident_events (incident_id, at, user_id, kind, text, status) VALUES ($id, $now, $u, $k, $t, $s)",
            ("$id", id), ("$now", tx.Now), ("$u", userId), ("$k", EnumText.Lower(kind)), ("$t", text), ("$s", status is { } s ? EnumText.Lower(s) : null));

    private static IncidentEvent ReadEvent(SqliteDataReader r) => new(
        r.GetInt64(0), r.GetInt64(1), Sql.Time(r, 2), Sql.LongOrNull(r, 3), Sql.StringOrNull(r, 4), EnumText.Parse<IncidentEventKind>(r.GetString(5)), r.GetString(6),
        Sql.StringOrNull(r, 7) is { } s ? EnumText.Parse<IncidentStatus>(s) : null);
}

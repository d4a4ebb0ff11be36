using ClassroomGuard.Storage.State.Internal;
using Microsoft.Data.Sqlite;

namespace ClassroomGuard.Storage.State;

/// <summary>An e-safety incident in the log the safeguarding lead keeps.</summary>
/// <param name="Id">Database id.</param>
/// <param name="ReportedBy">User who recorded it.</param>
/// <param name="OccurredAt">When it happened.</param>
/// <param name="DeviceId">Device, while it is still in the inventory.</param>
/// <param name="DeviceLabel">Device description at the time (kept after the device is forgotten).</param>
/// <param name="Person">Pupil or user involved, if known.</param>
/// <param name="Url">Site or URL involved.</param>
/// <param name="Category">Filtering category, if known.</param>
/// <param name="ActionTaken">What was done (e.g. "screen blanked").</param>
/// <param name="Outcome">Outcome, once known.</param>
/// <param name="Evidence">Evidence text.</param>
/// <param name="Status">Open, investigating or closed.</param>
/// <param name="CreatedAt">Recorded.</param>
/// <param name="UpdatedAt">Last changed.</param>
/// <param name="RoomId">Room, while it exists.</param>
/// <param name="RoomLabel">Room name at the time (kept after the room is removed).</param>
/// <param name="Description">What happened: what the teacher saw.</param>
/// <param name="AlertId">The alert it was raised from, if any.</param>
/// <param name="ClosedAt">When it was closed.</param>
public sealed record Incident(
    long Id,
    long ReportedBy,
    DateTimeOffset OccurredAt,
    long? DeviceId,
    string? DeviceLabel,
    string? Person,
    string? Url,
    string? Category,
    string ActionTaken,
    string? Outcome,
    string? Evidence,
    IncidentStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long? RoomId = null,
    string? RoomLabel = null,
    string? Description = null,
    long? AlertId = null,
    DateTimeOffset? ClosedAt = null);

/// <summary>A new incident ("record an incident in two clicks").</summary>
/// <param name="ReportedBy">User recording it.</param>
/// <param name="OccurredAt">When it happened.</param>
/// <param name="ActionTaken">What was done.</param>
/// <param name="DeviceId">Device, if known.</param>
/// <param name="Person">Pupil or user, if known.</param>
/// <param name="Url">Site or URL.</param>
/// <param name="Category">Category.</param>
/// <param name="Evidence">Evidence text.</param>
/// <param name="RoomId">Room, if known (else the device's room).</param>
/// <param name="Description">What happened.</param>
/// <param name="AlertId">The alert it is raised from.</param>
public sealed record NewIncident(
    long ReportedBy,
    DateTimeOffset OccurredAt,
    string ActionTaken,
    long? DeviceId = null,
    string? Person = null,
    string? Url = null,
    string? Category = null,
    string? Evidence = null,
    long? RoomId = null,
    string? Description = null,
    long? AlertId = null);

/// <summary>
/// The incident log. Closed incidents are pruned after <see cref="StateOptions.IncidentRetentionDays"/> (counted from
/// their closing); open ones never. Their chronology, evidence and views go with them (ON DELETE CASCADE).
/// </summary>
public sealed partial class IncidentRepository
{
    /// <summary>Evidence window before the incident used when it is recorded (the console's copier sets its own window, <c>Incidents:EvidenceBefore</c>).</summary>
    public static readonly TimeSpan DefaultEvidenceBefore = TimeSpan.FromMinutes(10);

    /// <summary>Evidence window after the incident used when it is recorded (the console's copier sets its own window, <c>Incidents:EvidenceAfter</c>).</summary>
    public static readonly TimeSpan DefaultEvidenceAfter = TimeSpan.FromMinutes(5);

    private const string Columns = "id, reported_by, occurred_at, device_id, device_label, person, url, category, action_taken, outcome, evidence, status, created_at, updated_at, room_id, room_label, description, alert_id, closed_at";
    private readonly StateDb db;

    internal IncidentRepository(StateDb db) => this.db = db;

    /// <summary>
    /// Records an incident (status open) in one transaction with the first row of its chronology ('raised', by
    /// <see cref="NewIncident.ReportedBy"/>) and its evidence row: 'pending' for the window around
    /// <see cref="NewIncident.OccurredAt"/> when a device is known (the console's copier fills it from InfluxDB), else
    /// 'copied' with no rows. The room is <see cref="NewIncident.RoomId"/>, else the device's room; the room's and the
    /// device's names are kept as text, so they survive the room's or the device's removal. The device's label is its
    /// host name, else its MAC address: never its display name, which is the signed-in pupil's (the incident's person).
    /// Recording does not bump the state revision (nothing outside the console reads incidents).
    /// </summary>
    public Task<Incident> RecordAsync(NewIncident incident, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(incident);
        ArgumentException.ThrowIfNullOrWhiteSpace(incident.ActionTaken);
        return db.WriteAsync(tx =>
        {
            var label = incident.DeviceId is { } d
                ? tx.Scalar("SELECT coalesce(hostname, (SELECT mac FROM device_macs WHERE device_id = devices.id LIMIT 1), 'device ' || id) FROM devices WHERE id = $d", ("$d", d)) as string
                : null;
            var deviceId = label is null ? null : incident.DeviceId;
            var roomId = incident.RoomId is { } r && tx.Long("SELECT id FROM rooms WHERE id = $r", ("$r", r)) is not null
                ? r
                : deviceId is { } known ? tx.Long("SELECT room_id FROM devices WHERE id = $d", ("$d", known)) : null;
            var roomLabel = roomId is { } room ? tx.Scalar("SELECT name FROM rooms WHERE id = $r", ("$r", room)) as string : null;
            var id = tx.Long(
                """
                INSERT INTO incidents (reported_by, occurred_at, device_id, device_label, person, url, category, action_taken, evidence, status, created_at, updated_at,
                                       room_id, room_label, description, alert_id)
                VALUES ($by, $at, $d, $label, $p, $url, $c, $a, $e, 'open', $now, $now, $room, $roomLabel, $desc, (SELECT id FROM alerts WHERE id = $alert)) RETURNING id
                """,
                ("$by", incident.ReportedBy), ("$at", Sql.Ms(incident.OccurredAt)), ("$d", deviceId), ("$label", label),
                ("$p", Blank(incident.Person)), ("$url", Blank(incident.Url)), ("$c", Blank(incident.Category)), ("$a", incident.ActionTaken.Trim()), ("$e", incident.Evidence),
                ("$now", tx.Now), ("$room", roomId), ("$roomLabel", roomLabel), ("$desc", Blank(incident.Description)), ("$alert", incident.AlertId))!.Value;
            var raised = Blank(incident.Description) ?? incident.ActionTaken.Trim();
            AddEvent(tx, id, incident.ReportedBy, IncidentEventKind.Raised, raised, IncidentStatus.Open);
            tx.Execute(
                "INSERT INTO incident_evidence (incident_id, from_time, to_time, copied_at, state, note) VALUES ($id, $f, $t, $now, $s, $note)",
                ("$id", id), ("$f", Sql.Ms(incident.OccurredAt - DefaultEvidenceBefore)), ("$t", Sql.Ms(incident.OccurredAt + DefaultEvidenceAfter)), ("$now", tx.Now),
                ("$s", deviceId is null ? "copied" : "pending"), ("$note", deviceId is null ? NoDeviceNote : null));

            // No tx.Changed: no other process reads incidents, so the state revision (the DNS filter's recompile) is not bumped.
            return Load(tx, "id = $id", ("$id", id))[0];
        }, cancellationToken);
    }

    /// <summary>
    /// Moves an incident on (and records its outcome) with nobody named in its chronology (a maintenance path; people use
    /// <see cref="ChangeStatusAsync"/>). Returns false when it does not exist.
    /// </summary>
    public Task<bool> UpdateStatusAsync(long id, IncidentStatus status, string? outcome, CancellationToken cancellationToken)
        => db.WriteAsync(
            tx =>
            {
                if (!SetStatus(tx, id, status))
                {
                    return false;
                }

                if (Blank(outcome) is { } text)
                {
                    tx.Execute("UPDATE incidents SET outcome = $o WHERE id = $id", ("$o", text), ("$id", id));
                    AddEvent(tx, id, null, IncidentEventKind.Outcome, text, null);
                }

                AddEvent(tx, id, null, IncidentEventKind.Status, string.Empty, status);
                return true;
            },
            cancellationToken);

    /// <summary>The incident, or null.</summary>
    public Task<Incident?> GetAsync(long id, CancellationToken cancellationToken)
        => db.ReadAsync(tx => Load(tx, "id = $id", ("$id", id)).FirstOrDefault(), cancellationToken);

    /// <summary>Incidents that occurred in [<paramref name="from"/>, <paramref name="to"/>), oldest first.</summary>
    public Task<IReadOnlyList<Incident>> ListAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
        => db.ReadAsync<IReadOnlyList<Incident>>(
            tx => Load(tx, "occurred_at >= $f AND occurred_at < $t", ("$f", Sql.Ms(from)), ("$t", Sql.Ms(to))),
            cancellationToken);

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static List<Incident> Load(Tx tx, string where, params (string, object?)[] args)
        => tx.Query($"SELECT {Columns} FROM incidents WHERE {where} ORDER BY occurred_at, id", Read, args);

    private static Incident Read(SqliteDataReader r) => new(
        r.GetInt64(0), r.GetInt64(1), Sql.Time(r, 2), Sql.LongOrNull(r, 3), Sql.StringOrNull(r, 4), Sql.StringOrNull(r, 5), Sql.StringOrNull(r, 6),
        Sql.StringOrNull(r, 7), r.GetString(8), Sql.StringOrNull(r, 9), Sql.StringOrNull(r, 10), EnumText.Parse<IncidentStatus>(r.GetString(11)),
        Sql.Time(r, 12), Sql.Time(r, 13), Sql.LongOrNull(r, 14), Sql.StringOrNull(r, 15), Sql.StringOrNull(r, 16), Sql.LongOrNull(r, 17), Sql.TimeOrNull(r, 18));
}

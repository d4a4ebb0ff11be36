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

/// <summary>The incident log. Closed incidents are pruned after <see cref="StateOptions.IncidentRetentionDays"/>; open ones never.</summary>
public sealed class IncidentRepository
{
    private const string Columns = "id, reported_by, occurred_at, device_id, device_label, person, url, category, action_taken, outcome, evidence, status, created_at, updated_at, room_id, room_label, description, alert_id, closed_at";
    private readonly StateDb db;

    internal IncidentRepository(StateDb db) => this.db = db;

    /// <summary>Records an incident (status open).</summary>
    public Task<Incident> RecordAsync(NewIncident incident, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(incident);
        ArgumentException.ThrowIfNullOrWhiteSpace(incident.ActionTaken);
        return db.WriteAsync(tx =>
        {
            var label = incident.DeviceId is { } d
                ? tx.Scalar("SELECT coalesce(hostname, display_name, (SELECT mac FROM device_macs WHERE device_id = devices.id LIMIT 1), 'device ' || id) FROM devices WHERE id = $d", ("$d", d)) as string
                : null;
            var id = tx.Long(
                """
                INSERT INTO incidents (reported_by, occurred_at, device_id, device_label, person, url, category, action_taken, evidence, status, created_at, updated_at)
                VALUES ($by, $at, $d, $label, $p, $url, $c, $a, $e, 'open', $now, $now) RETURNING id
                """,
                ("$by", incident.ReportedBy), ("$at", Sql.Ms(incident.OccurredAt)), ("$d", label is null ? null : incident.DeviceId), ("$label", label),
                ("$p", incident.Person), ("$url", incident.Url), ("$c", incident.Category), ("$a", incident.ActionTaken), ("$e", incident.Evidence), ("$now", tx.Now))!.Value;
            tx.Changed = true;
            return Load(tx, "id = $id", ("$id", id))[0];
        }, cancellationToken);
    }

    /// <summary>Moves an incident on (and records its outcome). Returns false when it does not exist.</summary>
    public Task<bool> UpdateStatusAsync(long id, IncidentStatus status, string? outcome, CancellationToken cancellationToken)
        => db.WriteAsync(
            tx => tx.Changed = tx.Execute(
                "UPDATE incidents SET status = $s, outcome = coalesce($o, outcome), updated_at = $now WHERE id = $id",
                ("$s", EnumText.Lower(status)), ("$o", outcome), ("$now", tx.Now), ("$id", id)) == 1,
            cancellationToken);

    /// <summary>The incident, or null.</summary>
    public Task<Incident?> GetAsync(long id, CancellationToken cancellationToken)
        => db.ReadAsync(tx => Load(tx, "id = $id", ("$id", id)).FirstOrDefault(), cancellationToken);

    /// <summary>Incidents that occurred in [<paramref name="from"/>, <paramref name="to"/>), oldest first.</summary>
    public Task<IReadOnlyList<Incident>> ListAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
        => db.ReadAsync<IReadOnlyList<Incident>>(
            tx => Load(tx, "occurred_at >= $f AND occurred_at < $t", ("$f", Sql.Ms(from)), ("$t", Sql.Ms(to))),
            cancellationToken);

    private static List<Incident> Load(Tx tx, string where, params (string, object?)[] args)
        => tx.Query($"SELECT {Columns} FROM incidents WHERE {where} ORDER BY occurred_at, id", Read, args);

    private static Incident Read(SqliteDataReader r) => new(
        r.GetInt64(0), r.GetInt64(1), Sql.Time(r, 2), Sql.LongOrNull(r, 3), Sql.StringOrNull(r, 4), Sql.StringOrNull(r, 5), Sql.StringOrNull(r, 6),
        Sql.StringOrNull(r, 7), r.GetString(8), Sql.StringOrNull(r, 9), Sql.StringOrNull(r, 10), EnumText.Parse<IncidentStatus>(r.GetString(11)),
        Sql.Time(r, 12), Sql.Time(r, 13), Sql.LongOrNull(r, 14), Sql.StringOrNull(r, 15), Sql.StringOrNull(r, 16), Sql.LongOrNull(r, 17), Sql.TimeOrNull(r, 18));
}

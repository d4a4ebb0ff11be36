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

/// <summary>Alerts. Acknowledged ones are pruned after <see cref="StateOptions.AlertRetentionDays"/>; unacknowledged ones never.</summary>
public sealed class AlertRepository
{
    private const string Columns = "id, device_id, at, kind, category, domain, evidence, acknowledged_by, acknowledged_at, count, last_at, room_id, acknowledged_note, incident_id";
    private const string QualifiedColumns = "a.id, a.device_id, a.at, a.kind, a.category, a.domain, a.evidence, a.acknowledged_by, a.acknowledged_at, a.count, a.last_at, a.room_id, a.acknowledged_note, a.incident_id";
    private readonly StateDb db;

    internal AlertRepository(StateDb db) => this.db = db;

    /// <summary>Raises an alert.</summary>
    public Task<Alert> RaiseAsync(NewAlert alert, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        ArgumentException.ThrowIfNullOrWhiteSpace(alert.Evidence);
        return db.WriteAsync(tx =>
        {
            var id = tx.Long(
                "INSERT INTO alerts (device_id, at, kind, category, domain, evidence) VALUES ($d, $at, $k, $c, $dom, $e) RETURNING id",
                ("$d", alert.DeviceId), ("$at", Sql.Ms(alert.At)), ("$k", EnumText.Of(alert.Kind)), ("$c", alert.Category), ("$dom", alert.Domain), ("$e", alert.Evidence))!.Value;
            tx.Changed = true;
            return Load(tx, "id = $id", ("$id", id))[0];
        }, cancellationToken);
    }

    /// <summary>Acknowledges an alert. Returns false when it does not exist or was already acknowledged.</summary>
    public Task<bool> AcknowledgeAsync(long id, long userId, CancellationToken cancellationToken)
        => db.WriteAsync(
            tx => tx.Changed = tx.Execute(
                "UPDATE alerts SET acknowledged_by = $u, acknowledged_at = $now WHERE id = $id AND acknowledged_at IS NULL",
                ("$u", userId), ("$now", tx.Now), ("$id", id)) == 1,
            cancellationToken);

    /// <summary>Alerts nobody has acknowledged yet, oldest first.</summary>
    public Task<IReadOnlyList<Alert>> ListUnacknowledgedAsync(CancellationToken cancellationToken)
        => db.ReadAsync<IReadOnlyList<Alert>>(tx => Load(tx, "acknowledged_at IS NULL"), cancellationToken);

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

    private static List<Alert> Load(Tx tx, string where, params (string, object?)[] args)
        => tx.Query($"SELECT {Columns} FROM alerts WHERE {where} ORDER BY at, id", Read, args);

    private static Alert Read(SqliteDataReader r) => new(
        r.GetInt64(0), Sql.LongOrNull(r, 1), Sql.Time(r, 2), EnumText.Parse<AlertKind>(r.GetString(3)), Sql.StringOrNull(r, 4), Sql.StringOrNull(r, 5),
        r.GetString(6), Sql.LongOrNull(r, 7), Sql.TimeOrNull(r, 8), r.GetInt32(9), Sql.TimeOrNull(r, 10), Sql.LongOrNull(r, 11), Sql.StringOrNull(r, 12),
        Sql.LongOrNull(r, 13));
}

using ClassroomGuard.Storage.State.Internal;
using Microsoft.Data.Sqlite;

namespace ClassroomGuard.Storage.State;

/// <summary>Where an incident's evidence copy is.</summary>
public enum EvidenceState
{
    /// <summary>Copied for the whole window (possibly with no rows: nothing was recorded).</summary>
    Copied,

    /// <summary>Not complete yet: the window has not ended, or InfluxDB did not answer (retried).</summary>
    Pending,

    /// <summary>Cannot be copied (the raw activity had already expired); the note says why.</summary>
    Unavailable,
}

/// <summary>The device's DNS and site activity around an incident, copied from InfluxDB into the state database.</summary>
/// <param name="IncidentId">The incident.</param>
/// <param name="From">Start of the window.</param>
/// <param name="To">End of the window.</param>
/// <param name="CopiedAt">When it was last written.</param>
/// <param name="State">Copied, pending or unavailable.</param>
/// <param name="Note">Why it is pending or unavailable, or what was left out.</param>
/// <param name="Rows">JSON array of rows, oldest first (written by the console's evidence copier).</param>
public sealed record IncidentEvidenceRecord(long IncidentId, DateTimeOffset From, DateTimeOffset To, DateTimeOffset CopiedAt, EvidenceState State, string? Note, string Rows);

/// <summary>An evidence row still to copy, with what the copier needs.</summary>
/// <param name="IncidentId">The incident.</param>
/// <param name="DeviceId">The device (null once it has been removed from the inventory).</param>
/// <param name="OccurredAt">When the incident happened.</param>
/// <param name="CreatedAt">When it was recorded.</param>
/// <param name="From">Start of the window.</param>
/// <param name="To">End of the window.</param>
/// <param name="Rows">What was copied so far (JSON).</param>
public sealed record PendingEvidence(long IncidentId, long? DeviceId, DateTimeOffset OccurredAt, DateTimeOffset CreatedAt, DateTimeOffset From, DateTimeOffset To, string Rows);

// The evidence rows.
public sealed partial class IncidentRepository
{
    /// <summary>The note of an incident recorded without a device: there is no activity to copy.</summary>
    public const string NoDeviceNote = "No device was named, so there is no device activity to copy.";

    /// <summary>The incident's evidence, or null.</summary>
    public Task<IncidentEvidenceRecord?> EvidenceAsync(long id, CancellationToken cancellationToken)
        => db.ReadAsync(
            tx => tx.Single(
                "SELECT incident_id, from_time, to_time, copied_at, state, note, rows FROM incident_evidence WHERE incident_id = $id",
                r => new IncidentEvidenceRecord(r.GetInt64(0), Sql.Time(r, 1), Sql.Time(r, 2), Sql.Time(r, 3), EnumText.Parse<EvidenceState>(r.GetString(4)), Sql.StringOrNull(r, 5), r.GetString(6)),
                ("$id", id)),
            cancellationToken);

    /// <summary>
    /// The addresses <paramref name="deviceId"/> held at any time in [<paramref name="from"/>, <paramref name="to"/>),
    /// at most 16 (the DNS filter records a query under its address, not the device, while it does not know the device).
    /// </summary>
    public Task<IReadOnlyList<string>> AddressesHeldAsync(long deviceId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
        => db.ReadAsync<IReadOnlyList<string>>(
            tx => tx.Query(
                """
                SELECT ip FROM device_ips WHERE device_id = $d AND since < $t
                UNION
                SELECT ip FROM device_ip_history WHERE device_id = $d AND from_time < $t AND to_time > $f
                ORDER BY 1 LIMIT 16
                """,
                r => r.GetString(0), ("$d", deviceId), ("$f", Sql.Ms(from)), ("$t", Sql.Ms(to))),
            cancellationToken);

    /// <summary>Evidence still pending, oldest incident first, at most <paramref name="limit"/>.</summary>
    public Task<IReadOnlyList<PendingEvidence>> PendingEvidenceAsync(int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return db.ReadAsync<IReadOnlyList<PendingEvidence>>(
            tx => tx.Query(
                "SELECT e.incident_id, i.device_id, i.occurred_at, i.created_at, e.from_time, e.to_time, e.rows FROM incident_evidence e JOIN incidents i ON i.id = e.incident_id "
                + "WHERE e.state = 'pending' ORDER BY e.incident_id LIMIT $n",
                ReadPending, ("$n", limit)),
            cancellationToken);
    }

    /// <summary>
    /// Writes the evidence of a pending row (the window, the state, a note and the rows). A row that is no longer
    /// pending is left alone (false): a copy never overwrites a finished one.
    /// </summary>
    public Task<bool> SaveEvidenceAsync(long id, DateTimeOffset from, DateTimeOffset to, EvidenceState state, string? note, string rows, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rows);
        return db.WriteAsync(
            tx => tx.Execute(
                "UPDATE incident_evidence SET from_time = $f, to_time = $t, state = $s, note = $n, rows = $r, copied_at = $now WHERE incident_id = $id AND state = 'pending'",
                ("$f", Sql.Ms(from)), ("$t", Sql.Ms(to)), ("$s", EnumText.Lower(state)), ("$n", note), ("$r", rows), ("$now", tx.Now), ("$id", id)) == 1,
            cancellationToken);
    }

    /// <summary>Notes why a pending copy is waiting (InfluxDB did not answer), keeping what was copied so far.</summary>
    public Task<bool> NoteEvidenceAsync(long id, string note, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(note);
        return db.WriteAsync(
            tx => tx.Execute("UPDATE incident_evidence SET note = $n WHERE incident_id = $id AND state = 'pending'", ("$n", note), ("$id", id)) == 1,
            cancellationToken);
    }

    private static PendingEvidence ReadPending(SqliteDataReader r) => new(
        r.GetInt64(0), Sql.LongOrNull(r, 1), Sql.Time(r, 2), Sql.Time(r, 3), Sql.Time(r, 4), Sql.Time(r, 5), r.GetString(6));
}

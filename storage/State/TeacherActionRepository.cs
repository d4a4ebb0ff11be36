using System.Text.Json;
using ClassroomGuard.Storage.State.Internal;
using Microsoft.Data.Sqlite;

namespace ClassroomGuard.Storage.State;

/// <summary>
/// Blank, pause, focus and temporary unblocks. These are the teacher's immediate classroom authority and do
/// not go through change control (a temporary unblock does: see <see cref="UnblockRequestRepository"/>).
/// Starting or releasing one bumps the revision, so the DNS filter and the console hub see it within a second.
/// </summary>
public sealed class TeacherActionRepository
{
    /// <summary>Longest a teacher action may last.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromHours(12);

    private const string Columns = "id, kind, user_id, reason, scope, device_id, room_id, domains, created_at, starts_at, expires_at, released_by, released_at, change_id";
    private readonly StateDb db;

    internal TeacherActionRepository(StateDb db) => this.db = db;

    /// <summary>Starts an action now.</summary>
    /// <exception cref="ArgumentException">An unblock (use unblock requests), a scope without its target, or an expiry not within <see cref="MaxDuration"/>.</exception>
    public Task<TeacherAction> StartAsync(NewTeacherAction action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        if (action.Kind == TeacherActionKind.Unblock)
        {
            throw new ArgumentException("Temporary unblocks are requested through UnblockRequestRepository and approved through change control.", nameof(action));
        }

        if (action.Scope == ActionScope.Device ? action.DeviceId is null || action.RoomId is not null : action.RoomId is null || action.DeviceId is not null)
        {
            throw new ArgumentException("A device action names one device; a room action names one room.", nameof(action));
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(action.Reason);
        var domains = (action.Domains ?? []).Select(d => Normalize.Domain(d) ?? throw new ArgumentException($"'{d}' is not a domain name.", nameof(action))).ToList();
        return db.WriteAsync(tx =>
        {
            var expires = Sql.Ms(action.ExpiresAt);
            if (expires <= tx.Now || expires - tx.Now > (long)MaxDuration.TotalMilliseconds)
            {
                throw new ArgumentException($"A teacher action must expire in the future and within {MaxDuration.TotalHours} hours.", nameof(action));
            }

            var id = tx.Long(
                """
                INSERT INTO teacher_actions (kind, user_id, reason, scope, device_id, room_id, domains, created_at, starts_at, expires_at)
                VALUES ($k, $u, $r, $s, $d, $room, $domains, $now, $now, $exp) RETURNING id
                """,
                ("$k", EnumText.Lower(action.Kind)), ("$u", action.UserId), ("$r", action.Reason.Trim()), ("$s", EnumText.Lower(action.Scope)),
                ("$d", action.DeviceId), ("$room", action.RoomId), ("$domains", JsonSerializer.Serialize(domains)), ("$now", tx.Now), ("$exp", expires))!.Value;
            tx.Changed = true;
            return Load(tx, "id = $id", ("$id", id))[0];
        }, cancellationToken);
    }

    /// <summary>Ends an action early. Returns false when it does not exist or is no longer active.</summary>
    public Task<bool> ReleaseAsync(long actionId, long userId, CancellationToken cancellationToken)
        => db.WriteAsync(
            tx => tx.Changed = tx.Execute(
                "UPDATE teacher_actions SET released_by = $u, released_at = $now WHERE id = $id AND released_at IS NULL AND expires_at > $now",
                ("$u", userId), ("$now", tx.Now), ("$id", actionId)) == 1,
            cancellationToken);

    /// <summary>
    /// Actions in force at <paramref name="instant"/>, optionally only those touching one room (room-scoped to it,
    /// or on a device currently in it).
    /// </summary>
    public Task<IReadOnlyList<TeacherAction>> ActiveAtAsync(DateTimeOffset instant, long? roomId, CancellationToken cancellationToken)
        => db.ReadAsync<IReadOnlyList<TeacherAction>>(
            tx => Load(
                tx,
                """
                starts_at <= $t AND expires_at > $t AND (released_at IS NULL OR released_at > $t)
                AND ($room IS NULL OR room_id = $room OR device_id IN (SELECT id FROM devices WHERE room_id = $room))
                """,
                ("$t", Sql.Ms(instant)), ("$room", roomId)),
            cancellationToken);

    /// <summary>The action, or null.</summary>
    public Task<TeacherAction?> GetAsync(long id, CancellationToken cancellationToken)
        => db.ReadAsync(tx => Load(tx, "id = $id", ("$id", id)).FirstOrDefault(), cancellationToken);

    internal static List<TeacherAction> Load(Tx tx, string where, params (string, object?)[] args)
        => tx.Query($"SELECT {Columns} FROM teacher_actions WHERE {where} ORDER BY id", Read, args);

    private static TeacherAction Read(SqliteDataReader r) => new(
        r.GetInt64(0), EnumText.Parse<TeacherActionKind>(r.GetString(1)), r.GetInt64(2), r.GetString(3), EnumText.Parse<ActionScope>(r.GetString(4)),
        Sql.LongOrNull(r, 5), Sql.LongOrNull(r, 6), JsonSerializer.Deserialize<List<string>>(r.GetString(7)) ?? [],
        Sql.Time(r, 8), Sql.Time(r, 9), Sql.Time(r, 10), Sql.LongOrNull(r, 11), Sql.TimeOrNull(r, 12), Sql.LongOrNull(r, 13));
}

using ClassroomGuard.Storage.State.Internal;

namespace ClassroomGuard.Storage.State;

/// <summary>
/// Which rooms each teacher is assigned (several per teacher, several teachers per room). The console reads it to
/// confine a teacher to their rooms; assigning or removing bumps the revision, so an open live view learns of it.
/// </summary>
public sealed class TeacherRoomRepository
{
    private readonly StateDb db;

    internal TeacherRoomRepository(StateDb db) => this.db = db;

    /// <summary>Assigns <paramref name="roomId"/> to <paramref name="userId"/>.</summary>
    public Task<TeacherRoomOutcome> AssignAsync(long userId, long roomId, CancellationToken cancellationToken)
        => db.WriteAsync(tx =>
        {
            if (tx.Long("SELECT id FROM users WHERE id = $u", ("$u", userId)) is null)
            {
                return TeacherRoomOutcome.NoSuchUser;
            }

            if (tx.Long("SELECT id FROM rooms WHERE id = $r", ("$r", roomId)) is null)
            {
                return TeacherRoomOutcome.NoSuchRoom;
            }

            var added = tx.Execute(
                "INSERT INTO teacher_rooms (user_id, room_id, assigned_at) VALUES ($u, $r, $now) ON CONFLICT DO NOTHING",
                ("$u", userId), ("$r", roomId), ("$now", tx.Now));
            tx.Changed = added == 1;
            return added == 1 ? TeacherRoomOutcome.Assigned : TeacherRoomOutcome.AlreadyAssigned;
        }, cancellationToken);

    /// <summary>Takes <paramref name="roomId"/> from <paramref name="userId"/>; false when it was not assigned.</summary>
    public Task<bool> UnassignAsync(long userId, long roomId, CancellationToken cancellationToken)
        => db.WriteAsync(
            tx => tx.Changed = tx.Execute("DELETE FROM teacher_rooms WHERE user_id = $u AND room_id = $r", ("$u", userId), ("$r", roomId)) == 1,
            cancellationToken);

    /// <summary>The rooms assigned to <paramref name="userId"/>, by name.</summary>
    public Task<IReadOnlyList<Room>> RoomsOfAsync(long userId, CancellationToken cancellationToken)
        => db.ReadAsync<IReadOnlyList<Room>>(
            tx => tx.Query(
                "SELECT r.id, r.site_id, r.name FROM teacher_rooms t JOIN rooms r ON r.id = t.room_id WHERE t.user_id = $u ORDER BY r.name, r.id",
                r => new Room(r.GetInt64(0), r.GetInt64(1), r.GetString(2)),
                ("$u", userId)),
            cancellationToken);

    /// <summary>Whether <paramref name="roomId"/> is assigned to <paramref name="userId"/>.</summary>
    public Task<bool> IsAssignedAsync(long userId, long roomId, CancellationToken cancellationToken)
        => db.ReadAsync(
            tx => tx.Long("SELECT 1 FROM teacher_rooms WHERE user_id = $u AND room_id = $r", ("$u", userId), ("$r", roomId)) is not null,
            cancellationToken);

    /// <summary>Every assignment, by user and room.</summary>
    public Task<IReadOnlyList<TeacherRoom>> ListAsync(CancellationToken cancellationToken)
        => db.ReadAsync<IReadOnlyList<TeacherRoom>>(
            tx => tx.Query(
                "SELECT user_id, room_id, assigned_at FROM teacher_rooms ORDER BY user_id, room_id",
                r => new TeacherRoom(r.GetInt64(0), r.GetInt64(1), Sql.Time(r, 2))),
            cancellationToken);
}

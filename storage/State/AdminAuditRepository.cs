using ClassroomGuard.Storage.State.Internal;

namespace ClassroomGuard.Storage.State;

/// <summary>
/// The append-only audit of administrative actions (users, roles, rooms, devices, tokens). Policy changes
/// have their own hash-chained log (<see cref="ChangeControl"/>); this one records everything else an
/// administrator or technician does. Entries are never updated or deleted (the database refuses it).
/// </summary>
public sealed class AdminAuditRepository
{
    private readonly StateDb db;

    internal AdminAuditRepository(StateDb db) => this.db = db;

    /// <summary>Records an action by <paramref name="actorId"/>; false when no such user exists.</summary>
    public Task<bool> RecordAsync(long actorId, string action, string target, string detail, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(action);
        ArgumentException.ThrowIfNullOrWhiteSpace(target);
        ArgumentNullException.ThrowIfNull(detail);
        return db.WriteAsync(tx =>
        {
            var actor = UserRepository.Load(tx, actorId);
            if (actor is null)
            {
                return false;
            }

            Append(tx, actor, action, target, detail);
            return true;
        }, cancellationToken);
    }

    /// <summary>The newest <paramref name="limit"/> entries, newest first.</summary>
    public Task<IReadOnlyList<AuditEntry>> ListAsync(int limit, CancellationToken cancellationToken)
        => db.ReadAsync<IReadOnlyList<AuditEntry>>(
            tx => tx.Query(
                "SELECT id, at, actor_id, actor_name, action, target, detail FROM admin_audit ORDER BY id DESC LIMIT $l",
                r => new AuditEntry(r.GetInt64(0), Sql.Time(r, 1), r.GetInt64(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6)),
                ("$l", limit)),
            cancellationToken);

    internal static void Append(Tx tx, UserAccount actor, string action, string target, string detail)
        => tx.Execute(
            "INSERT INTO admin_audit (at, actor_id, actor_name, action, target, detail) VALUES ($at, $id, $name, $a, $t, $d)",
            ("$at", tx.Now), ("$id", actor.Id), ("$name", actor.UserName), ("$a", action), ("$t", target), ("$d", detail));
}

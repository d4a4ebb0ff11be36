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

    /// <summary>
    /// One page of entries matching <paramref name="query"/> (actor, kind, period), newest first unless asked
    /// otherwise, with the number that match in all: the console's audit grid pages on the server.
    /// </summary>
    public Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegative(query.Offset);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1);
        const string Where = """
            WHERE ($actor IS NULL OR actor_id = $actor)
              AND ($prefix IS NULL OR substr(action, 1, length($prefix)) = $prefix)
              AND ($from IS NULL OR at >= $from)
              AND ($until IS NULL OR at < $until)
            """;
        (string, object?)[] args =
        [
            ("$actor", query.ActorId), ("$prefix", string.IsNullOrEmpty(query.ActionPrefix) ? null : query.ActionPrefix),
            ("$from", Sql.Ms(query.From)), ("$until", Sql.Ms(query.Until)),
        ];
        var order = query.OldestFirst ? "ASC" : "DESC";
        return db.ReadAsync(tx =>
        {
            var total = tx.Long($"SELECT count(*) FROM admin_audit {Where}", args) ?? 0;
            var entries = tx.Query(
                $"SELECT id, at, actor_id, actor_name, action, target, detail FROM admin_audit {Where} ORDER BY id {order} LIMIT $l OFFSET $o",
                r => new AuditEntry(r.GetInt64(0), Sql.Time(r, 1), r.GetInt64(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6)),
                [.. args, ("$l", query.Limit), ("$o", query.Offset)]);
            return new AuditPage(entries, (int)total);
        }, cancellationToken);
    }

    internal static void Append(Tx tx, UserAccount actor, string action, string target, string detail)
        => tx.Execute(
            "INSERT INTO admin_audit (at, actor_id, actor_name, action, target, detail) VALUES ($at, $id, $name, $a, $t, $d)",
            ("$at", tx.Now), ("$id", actor.Id), ("$name", actor.UserName), ("$a", action), ("$t", target), ("$d", detail));
}

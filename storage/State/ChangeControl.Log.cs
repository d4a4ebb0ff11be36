using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClassroomGuard.Storage.State.Internal;

namespace ClassroomGuard.Storage.State;

/// <summary>The change-control log read as changes (for the governors' log page and its export), and expiry.</summary>
public sealed partial class ChangeControl
{
    /// <summary>
    /// The actor id of entries the system writes, not a person (an expiry). No user has it: user ids start at 1.
    /// </summary>
    public const long SystemActorId = 0;

    /// <summary>The actor name of an expiry entry.</summary>
    public const string SystemActorName = "ClassroomGuard (expired)";

    /// <summary>Most changes one <see cref="QueryChangesAsync"/> call returns.</summary>
    public const int MaxPageSize = 500;

    // The V0001 CHECK on change_log.event allows only proposed/approved/rejected, and migrations are not ours to add:
    // an expiry is stored as event 'rejected' by the system actor (id 0) with {"comment":…,"expired":true} in its body,
    // and read back as ChangeEvent.Expired. A later migration may widen the CHECK; 'expired' text is read as well.
    private const string ExpiredEventText = "rejected";

    /// <summary>
    /// Appends an <see cref="ChangeEvent.Expired"/> entry for every change proposed at least <paramref name="maxAge"/>
    /// ago that is still waiting for a decision (oldest first), so it can no longer be approved. A pending unblock
    /// request behind such a change is marked refused. Returns the entries written (none when nothing is stale).
    /// </summary>
    public Task<IReadOnlyList<ChangeEntry>> ExpireStaleAsync(TimeSpan maxAge, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(maxAge, TimeSpan.Zero);
        return db.WriteAsync<IReadOnlyList<ChangeEntry>>(tx =>
        {
            var cutoff = tx.Now - (long)maxAge.TotalMilliseconds;
            var stale = tx.Query(
                "SELECT p.seq FROM change_log p WHERE p.event = 'proposed' AND p.at <= $cutoff AND NOT EXISTS (SELECT 1 FROM change_log d WHERE d.change_id = p.seq AND d.event <> 'proposed') ORDER BY p.seq",
                r => r.GetInt64(0),
                ("$cutoff", cutoff));
            var system = new UserAccount(SystemActorId, SystemActorName, SystemActorName, [], false, 0, null, DateTimeOffset.UnixEpoch);
            var written = new List<ChangeEntry>(stale.Count);
            foreach (var changeId in stale)
            {
                tx.Execute(
                    "UPDATE unblock_requests SET status = 'refused', decided_by = NULL, decided_at = $now WHERE change_id = $cid AND status = 'pending'",
                    ("$now", tx.Now), ("$cid", changeId));
                var body = new JsonObject
                {
                    ["comment"] = $"Nobody approved or rejected it within {Period(maxAge)}, so it expired.",
                    ["expired"] = true,
                };
                var entry = Append(tx, changeId, ChangeEvent.Expired, system, false, body);
                written.Add(entry);
                Log.ChangeExpired(logger, changeId, maxAge);
            }

            return written;
        }, cancellationToken);
    }

    /// <summary>How many changes are waiting for a decision (for the count approvers see in the navigation).</summary>
    public Task<int> CountPendingAsync(CancellationToken cancellationToken)
        => db.ReadAsync(
            tx => (int)(tx.Long("SELECT count(*) FROM change_log p WHERE p.event = 'proposed' AND NOT EXISTS (SELECT 1 FROM change_log d WHERE d.change_id = p.seq AND d.event <> 'proposed')") ?? 0),
            cancellationToken);

    /// <summary>
    /// One page of changes (each proposal with its decision, if any) matching <paramref name="query"/>, and how many
    /// match in all. Paged in the database, so the log may be of any size.
    /// </summary>
    public Task<ChangeLogPage> QueryChangesAsync(ChangeLogQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegative(query.Offset);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.Limit, MaxPageSize);
        return db.ReadAsync(tx =>
        {
            var (where, args) = Where(query);
            var total = (int)(tx.Long($"SELECT count(*) FROM change_log p WHERE {where}", [.. args]) ?? 0);
            var proposals = tx.Query(
                $"SELECT {EntryColumns} FROM change_log p WHERE {where} ORDER BY p.seq {(query.NewestFirst ? "DESC" : "ASC")} LIMIT $limit OFFSET $offset",
                ReadEntry,
                [.. args, ("$limit", query.Limit), ("$offset", query.Offset)]);
            var decisions = new Dictionary<long, ChangeEntry>();
            if (proposals.Count > 0)
            {
                var ids = new StringBuilder();
                var idArgs = new List<(string, object?)>(proposals.Count);
                for (var i = 0; i < proposals.Count; i++)
                {
                    ids.Append(i == 0 ? string.Empty : ", ").Append("$c").Append(i.ToString(CultureInfo.InvariantCulture));
                    idArgs.Add(("$c" + i.ToString(CultureInfo.InvariantCulture), proposals[i].Sequence));
                }

                foreach (var decision in tx.Query($"SELECT {EntryColumns} FROM change_log WHERE change_id IN ({ids}) AND event <> 'proposed' ORDER BY seq", ReadEntry, [.. idArgs]))
                {
                    decisions.TryAdd(decision.ChangeId, decision); // the first decision is the one that counts
                }
            }

            return new ChangeLogPage(proposals.Select(p => ToLogged(p, decisions.GetValueOrDefault(p.Sequence))).ToList(), total);
        }, cancellationToken);
    }

    /// <summary>The entry at <paramref name="sequence"/> as stored (even if altered), or null when there is none or it cannot be read.</summary>
    public Task<ChangeEntry?> GetEntryAsync(long sequence, CancellationToken cancellationToken)
        => db.ReadAsync(tx =>
        {
            try
            {
                return tx.Single($"SELECT {EntryColumns} FROM change_log WHERE seq = $s", ReadEntry, ("$s", sequence));
            }
            catch (Exception e) when (e is InvalidCastException or FormatException or ArgumentException or OverflowException)
            {
                return null; // an edit that no longer fits the column types: the caller names the entry by number only
            }
        }, cancellationToken);

    private static ChangeEvent EventOf(string text, long actorId) => text switch
    {
        ExpiredEventText when actorId == SystemActorId => ChangeEvent.Expired,
        _ => EnumText.Parse<ChangeEvent>(text),
    };

    private static (string Where, List<(string Name, object? Value)> Args) Where(ChangeLogQuery query)
    {
        var where = new StringBuilder("p.event = 'proposed'");
        var args = new List<(string Name, object? Value)>();
        // CASE keeps json_extract away from a body that no longer parses (an edited row): such a row still lists.
        const string Kind = "CASE WHEN json_valid(p.body) THEN json_extract(p.body, '$.change.\"$kind\"') END";
        switch (query.Kind)
        {
            case ChangeLogKind.PolicyChanges:
                where.Append(" AND ifnull(").Append(Kind).Append(", '') <> 'temporaryUnblock'");
                break;
            case ChangeLogKind.TemporaryUnblocks:
                where.Append(" AND ").Append(Kind).Append(" = 'temporaryUnblock'");
                break;
            case ChangeLogKind.NotApplied:
                where.Append(" AND EXISTS (SELECT 1 FROM change_log d WHERE d.change_id = p.seq AND d.event <> 'proposed' AND d.event <> 'approved')");
                break;
        }

        if (query.From is not null || query.Until is not null)
        {
            // A change belongs to a period when anything happened to it then: proposed, decided or expired.
            where.Append(" AND EXISTS (SELECT 1 FROM change_log e WHERE e.change_id = p.seq");
            if (query.From is { } from)
            {
                where.Append(" AND e.at >= $from");
                args.Add(("$from", from.ToUnixTimeMilliseconds()));
            }

            if (query.Until is { } until)
            {
                where.Append(" AND e.at < $until");
                args.Add(("$until", until.ToUnixTimeMilliseconds()));
            }

            where.Append(')');
        }

        return (where.ToString(), args);
    }

    private static LoggedChange ToLogged(ChangeEntry proposal, ChangeEntry? decision)
    {
        try
        {
            var body = JsonNode.Parse(proposal.Body)!.AsObject();
            return new LoggedChange(
                proposal,
                decision,
                CanonicalJson.ToChange(body["change"]!),
                body["reason"]?.GetValue<string>() ?? string.Empty,
                CanonicalJson.Serialize(body["before"]),
                CanonicalJson.Serialize(body["after"]),
                Comment(decision));
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException or NotSupportedException or FormatException)
        {
            // An altered body (verification names it) or a kind this version does not know: listed without its content.
            return new LoggedChange(proposal, decision, null, string.Empty, "null", "null", Comment(decision));
        }
    }

    private static string? Comment(ChangeEntry? decision)
    {
        if (decision is null)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(decision.Body)?["comment"]?.GetValue<string>();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    private static string Period(TimeSpan age)
        => age.TotalDays >= 1 && age.Ticks % TimeSpan.TicksPerDay == 0
            ? $"{age.TotalDays.ToString(CultureInfo.InvariantCulture)} day{(age.TotalDays == 1 ? string.Empty : "s")}"
            : age.TotalHours >= 1 && age.Ticks % TimeSpan.TicksPerHour == 0
                ? $"{age.TotalHours.ToString(CultureInfo.InvariantCulture)} hour{(age.TotalHours == 1 ? string.Empty : "s")}"
                : $"{Math.Ceiling(age.TotalMinutes).ToString(CultureInfo.InvariantCulture)} minutes";
}

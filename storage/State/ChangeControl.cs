using System.Text.Json.Nodes;
using ClassroomGuard.Storage.State.Internal;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace ClassroomGuard.Storage.State;

/// <summary>
/// Two-person change control for filtering policy, recorded in an append-only, hash-chained log.
/// <list type="bullet">
/// <item>Propose: Technician or Administrator (any change); Teacher or SafeguardingLead only a
/// <see cref="TemporaryUnblockChange"/> (normally through <see cref="UnblockRequestRepository"/>).</item>
/// <item>Approve: a user other than the proposer holding Technician or Administrator, or SafeguardingLead for a
/// <see cref="TemporaryUnblockChange"/>. Under <see cref="StateOptions.SingleApproverMode"/> the proposer may
/// approve their own change (still needing an approver role) and the entry is marked single-approver.</item>
/// <item>Reject: anyone who may approve it, or the proposer (withdrawal).</item>
/// <item>Approval re-checks the change against the current policy: if its recorded "before" is no longer
/// true the approval is refused as <see cref="ChangeRefusal.Stale"/>.</item>
/// </list>
/// </summary>
public sealed partial class ChangeControl
{
    private const string EntryColumns = "seq, change_id, event, at, actor_id, actor_name, single_approver, body, prev_hash, hash";
    private readonly StateDb db;
    private readonly ILogger logger;

    internal ChangeControl(StateDb db, ILogger logger)
    {
        this.db = db;
        this.logger = logger;
    }

    /// <summary>Proposes a change; it takes effect only when approved. The store computes before/after from the current policy.</summary>
    public Task<ChangeResult> ProposeAsync(long proposerId, PolicyChange change, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        return db.WriteAsync(tx => Propose(tx, proposerId, change, reason), cancellationToken);
    }

    /// <summary>Approves a pending change: applies it and records the approval, in one transaction.</summary>
    public async Task<ChangeResult> ApproveAsync(long approverId, long changeId, string? comment, CancellationToken cancellationToken)
    {
        try
        {
            return await db.WriteAsync(tx => Approve(tx, approverId, changeId, comment), cancellationToken);
        }
        catch (RefusedException refused)
        {
            Log.ChangeRefused(logger, refused.Refusal, refused.Message);
            return ChangeResult.Refused(refused.Refusal, refused.Message);
        }
    }

    /// <summary>Rejects (or, by its proposer, withdraws) a pending change.</summary>
    public Task<ChangeResult> RejectAsync(long userId, long changeId, string reason, CancellationToken cancellationToken)
        => db.WriteAsync(tx =>
        {
            var pending = LoadPending(tx, changeId, out var refusal);
            if (pending is null)
            {
                return refusal!;
            }

            var user = UserRepository.Load(tx, userId);
            if (CheckActor(user) is { } bad)
            {
                return bad;
            }

            if (user!.Id != pending.ProposerId && !PolicyChangeOps.MayApprove(pending.Change, user))
            {
                return Refuse(ChangeRefusal.NotPermitted, $"{user.UserName} may not reject this change.");
            }

            if (pending.Change is TemporaryUnblockChange)
            {
                tx.Execute(
                    "UPDATE unblock_requests SET status = 'refused', decided_by = $u, decided_at = $now WHERE change_id = $cid",
                    ("$u", user.Id), ("$now", tx.Now), ("$cid", changeId));
            }

            var entry = Append(tx, changeId, ChangeEvent.Rejected, user, false, new JsonObject { ["comment"] = reason });
            Log.ChangeRejected(logger, changeId, user.Id);
            return ChangeResult.Ok(entry);
        }, cancellationToken);

    /// <summary>Changes waiting for a decision, oldest first.</summary>
    public Task<IReadOnlyList<PendingChange>> GetPendingAsync(CancellationToken cancellationToken)
        => db.ReadAsync<IReadOnlyList<PendingChange>>(
            tx => tx.Query(
                $"SELECT {EntryColumns} FROM change_log p WHERE p.event = 'proposed' AND NOT EXISTS (SELECT 1 FROM change_log d WHERE d.change_id = p.seq AND d.event <> 'proposed') ORDER BY p.seq",
                ReadEntry).Select(ToPending).ToList(),
            cancellationToken);

    /// <summary>Log entries after <paramref name="afterSequence"/>, at most <paramref name="limit"/> of them, in order.</summary>
    public Task<IReadOnlyList<ChangeEntry>> GetEntriesAsync(long afterSequence, int limit, CancellationToken cancellationToken)
        => db.ReadAsync<IReadOnlyList<ChangeEntry>>(
            tx => tx.Query($"SELECT {EntryColumns} FROM change_log WHERE seq > $after ORDER BY seq LIMIT $limit", ReadEntry, ("$after", afterSequence), ("$limit", limit)),
            cancellationToken);

    /// <summary>
    /// Recomputes the whole chain and compares its end with the head anchor stored on every append (and with
    /// <paramref name="checkpoint"/>, if given). Names the first entry that does not verify.
    /// </summary>
    public Task<ChainVerification> VerifyChainAsync(ChainCheckpoint? checkpoint, CancellationToken cancellationToken)
        => db.ReadAsync(tx =>
        {
            var result = Verify(tx, checkpoint);
            if (!result.IsValid)
            {
                Log.ChainBroken(logger, result.FirstBadSequence ?? 0, result.Problem ?? string.Empty);
            }

            return result;
        }, cancellationToken);

    internal ChangeResult Propose(Tx tx, long proposerId, PolicyChange change, string reason)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            return Refuse(ChangeRefusal.Invalid, "A change needs a reason.");
        }

        var user = UserRepository.Load(tx, proposerId);
        if (CheckActor(user) is { } bad)
        {
            return bad;
        }

        if (!PolicyChangeOps.MayPropose(change, user!))
        {
            return Refuse(ChangeRefusal.NotPermitted, $"{user!.UserName} may not propose this change.");
        }

        var described = PolicyChangeOps.Describe(tx, change);
        if (described.Refusal is { } refusal)
        {
            return Refuse(refusal, described.Detail!);
        }

        var body = new JsonObject
        {
            ["change"] = CanonicalJson.ToNode(described.Change),
            ["before"] = described.Before,
            ["after"] = described.After,
            ["reason"] = reason.Trim(),
        };
        var entry = Append(tx, 0, ChangeEvent.Proposed, user!, false, body);
        Log.ChangeProposed(logger, entry.ChangeId, described.Change.GetType().Name, user!.Id);
        return ChangeResult.Ok(entry);
    }

    private ChangeResult Approve(Tx tx, long approverId, long changeId, string? comment)
    {
        var pending = LoadPending(tx, changeId, out var refusal);
        if (pending is null)
        {
            return refusal!;
        }

        var approver = UserRepository.Load(tx, approverId);
        if (CheckActor(approver) is { } bad)
        {
            return bad;
        }

        var single = approver!.Id == pending.ProposerId;
        if (single && !db.Options.SingleApproverMode)
        {
            return Refuse(ChangeRefusal.SameUser, "A change must be approved by someone other than its proposer.");
        }

        if (!PolicyChangeOps.MayApprove(pending.Change, approver))
        {
            return Refuse(ChangeRefusal.NotPermitted, $"{approver.UserName} does not hold a role that may approve this change.");
        }

        var now = PolicyChangeOps.Describe(tx, pending.Change);
        if (now.Refusal is { } current)
        {
            return Refuse(current == ChangeRefusal.AlwaysOnCategory ? current : ChangeRefusal.Stale, $"The change no longer applies: {now.Detail}");
        }

        if (!string.Equals(CanonicalJson.Serialize(now.Before), pending.Before, StringComparison.Ordinal))
        {
            return Refuse(ChangeRefusal.Stale, "The policy changed since this was proposed; propose it again.");
        }

        try
        {
            PolicyChangeOps.Apply(tx, pending.Change, changeId, pending.ProposerId, approver.Id, pending.Reason);
        }
        catch (SqliteException e) when (Sql.IsConstraint(e))
        {
            // The database's own guards (always-on triggers, foreign keys) refused it: roll everything back.
            throw new RefusedException(e.Message.Contains("always-on", StringComparison.Ordinal) ? ChangeRefusal.AlwaysOnCategory : ChangeRefusal.Invalid, e.Message, e);
        }

        var entry = Append(tx, changeId, ChangeEvent.Approved, approver, single, new JsonObject { ["comment"] = comment });
        Log.ChangeApproved(logger, changeId, approver.Id, single);
        return ChangeResult.Ok(entry);
    }

    private ChangeResult Refuse(ChangeRefusal refusal, string detail)
    {
        Log.ChangeRefused(logger, refusal, detail);
        return ChangeResult.Refused(refusal, detail);
    }

    private ChangeResult? CheckActor(UserAccount? user) => user switch
    {
        null => Refuse(ChangeRefusal.UnknownUser, "No such user."),
        { Disabled: true } => Refuse(ChangeRefusal.UserDisabled, $"{user.UserName} is disabled."),
        _ => null,
    };

    private PendingChange? LoadPending(Tx tx, long changeId, out ChangeResult? refusal)
    {
        var entries = tx.Query($"SELECT {EntryColumns} FROM change_log WHERE change_id = $id ORDER BY seq", ReadEntry, ("$id", changeId));
        if (entries.Count == 0 || entries[0].Event != ChangeEvent.Proposed)
        {
            refusal = Refuse(ChangeRefusal.NotFound, $"No change {changeId}.");
            return null;
        }

        if (entries.Count > 1)
        {
            refusal = Refuse(ChangeRefusal.NotPending, entries[^1].Event == ChangeEvent.Expired
                ? $"Change {changeId} expired without a decision; propose it again if it is still wanted."
                : $"Change {changeId} was already {entries[^1].Event.ToString().ToLowerInvariant()}.");
            return null;
        }

        refusal = null;
        return ToPending(entries[0]);
    }

    private static PendingChange ToPending(ChangeEntry entry)
    {
        var body = JsonNode.Parse(entry.Body)!.AsObject();
        return new PendingChange(
            entry.ChangeId,
            CanonicalJson.ToChange(body["change"]!),
            body["reason"]!.GetValue<string>(),
            entry.ActorId,
            entry.ActorName,
            entry.At,
            CanonicalJson.Serialize(body["before"]),
            CanonicalJson.Serialize(body["after"]));
    }

    private static ChangeEntry Append(Tx tx, long changeId, ChangeEvent @event, UserAccount actor, bool single, JsonObject body)
    {
        // Link to the recorded head, not to whatever row is last: a truncated tail then shows as a gap.
        var head = tx.Query("SELECT seq, hash FROM change_log_head WHERE id = 1", r => (Seq: r.GetInt64(0), Hash: r.GetString(1)))[0];
        var seq = head.Seq + 1;
        var id = changeId == 0 ? seq : changeId;
        var eventText = @event == ChangeEvent.Expired ? ExpiredEventText : EnumText.Lower(@event);
        var bodyText = CanonicalJson.Serialize(body);
        var hash = ChangeChain.Hash(seq, id, eventText, tx.Now, actor.Id, actor.UserName, single, bodyText, head.Hash);
        tx.Execute(
            "INSERT INTO change_log (seq, change_id, event, at, actor_id, actor_name, single_approver, body, prev_hash, hash) VALUES ($s, $c, $e, $at, $a, $n, $single, $b, $p, $h)",
            ("$s", seq), ("$c", id), ("$e", eventText), ("$at", tx.Now), ("$a", actor.Id), ("$n", actor.UserName), ("$single", single ? 1 : 0),
            ("$b", bodyText), ("$p", head.Hash), ("$h", hash));
        tx.Execute("UPDATE change_log_head SET seq = $s, hash = $h WHERE id = 1", ("$s", seq), ("$h", hash));
        tx.Changed = true;
        return new ChangeEntry(seq, id, @event, Sql.Time(tx.Now), actor.Id, actor.UserName, single, bodyText, head.Hash, hash);
    }

    private static ChangeEntry ReadEntry(SqliteDataReader r) => new(
        r.GetInt64(0), r.GetInt64(1), EventOf(r.GetString(2), r.GetInt64(4)), Sql.Time(r, 3), r.GetInt64(4), r.GetString(5),
        r.GetInt64(6) == 1, r.GetString(7), r.GetString(8), r.GetString(9));

    private static ChainVerification Verify(Tx tx, ChainCheckpoint? checkpoint)
    {
        // Read raw columns so an edited value that no longer parses is reported, not thrown.
        var rows = tx.Query(
            $"SELECT {EntryColumns} FROM change_log ORDER BY seq",
            r => (Seq: r.GetInt64(0), ChangeId: r.GetInt64(1), Event: Convert.ToString(r.GetValue(2), System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty,
                  At: r.GetInt64(3), Actor: r.GetInt64(4), Name: Convert.ToString(r.GetValue(5), System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty,
                  Single: r.GetInt64(6) == 1, Body: Convert.ToString(r.GetValue(7), System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty,
                  Prev: r.GetString(8), Hash: r.GetString(9)));
        var expected = 1L;
        var previous = ChangeChain.Genesis;
        var hashes = new Dictionary<long, string>();
        foreach (var row in rows)
        {
            var head = new ChainCheckpoint(expected - 1, previous);
            if (row.Seq != expected)
            {
                return Bad(expected, $"entry {expected} is missing (the next entry present is {row.Seq}): deleted or renumbered", rows.Count, head);
            }

            if (!string.Equals(row.Prev, previous, StringComparison.Ordinal))
            {
                return Bad(row.Seq, $"entry {row.Seq} does not link to entry {row.Seq - 1}: an entry was inserted, removed or reordered", rows.Count, head);
            }

            var hash = ChangeChain.Hash(row.Seq, row.ChangeId, row.Event, row.At, row.Actor, row.Name, row.Single, row.Body, row.Prev);
            if (!string.Equals(hash, row.Hash, StringComparison.Ordinal))
            {
                return Bad(row.Seq, $"entry {row.Seq} does not match its hash: it was edited", rows.Count, head);
            }

            hashes[row.Seq] = hash;
            previous = hash;
            expected++;
        }

        var last = new ChainCheckpoint(expected - 1, previous);
        var anchor = tx.Query("SELECT seq, hash FROM change_log_head WHERE id = 1", r => new ChainCheckpoint(r.GetInt64(0), r.GetString(1))).FirstOrDefault();
        if (anchor is null)
        {
            return Bad(last.Sequence + 1, "the head anchor is missing", rows.Count, last);
        }

        if (anchor.Sequence > last.Sequence)
        {
            return Bad(last.Sequence + 1, $"entries {last.Sequence + 1} to {anchor.Sequence} are missing: the log was truncated", rows.Count, last);
        }

        if (anchor.Sequence < last.Sequence)
        {
            return Bad(anchor.Sequence + 1, $"entries after {anchor.Sequence} were added outside the store", rows.Count, last);
        }

        if (!string.Equals(anchor.Hash, last.Hash, StringComparison.Ordinal))
        {
            return Bad(last.Sequence, $"entry {last.Sequence} differs from the recorded head", rows.Count, last);
        }

        if (checkpoint is not null && checkpoint.Sequence > 0)
        {
            if (!hashes.TryGetValue(checkpoint.Sequence, out var atCheckpoint))
            {
                return Bad(last.Sequence + 1, $"the log ends at {last.Sequence}, before checkpoint {checkpoint.Sequence}: it was truncated", rows.Count, last);
            }

            if (!string.Equals(atCheckpoint, checkpoint.Hash, StringComparison.OrdinalIgnoreCase))
            {
                return Bad(checkpoint.Sequence, $"entry {checkpoint.Sequence} differs from the checkpoint: history was rewritten", rows.Count, last);
            }
        }

        return new ChainVerification(true, rows.Count, null, null, last);
    }

    private static ChainVerification Bad(long sequence, string problem, long count, ChainCheckpoint head)
        => new(false, count, sequence, problem, head);

    private sealed class RefusedException(ChangeRefusal refusal, string message, Exception inner) : Exception(message, inner)
    {
        public ChangeRefusal Refusal { get; } = refusal;
    }
}

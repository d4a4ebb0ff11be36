using ClassroomGuard.Storage.State.Internal;
using Microsoft.Data.Sqlite;

namespace ClassroomGuard.Storage.State;

/// <summary>A teacher's request to unblock a site for a lesson.</summary>
/// <param name="Id">Database id.</param>
/// <param name="RequestedBy">Teacher.</param>
/// <param name="Domain">Domain.</param>
/// <param name="Reason">Why.</param>
/// <param name="Scope">Device or room.</param>
/// <param name="DeviceId">Device, for device scope.</param>
/// <param name="RoomId">Room, for room scope.</param>
/// <param name="LessonStart">Lesson start.</param>
/// <param name="LessonEnd">Lesson end: the unblock expires then.</param>
/// <param name="ChangeId">The change-control proposal that carries it.</param>
/// <param name="Status">Pending, approved or refused.</param>
/// <param name="DecidedBy">Who decided.</param>
/// <param name="DecidedAt">When.</param>
/// <param name="CreatedAt">Requested.</param>
public sealed record UnblockRequest(
    long Id,
    long RequestedBy,
    string Domain,
    string Reason,
    ActionScope Scope,
    long? DeviceId,
    long? RoomId,
    DateTimeOffset LessonStart,
    DateTimeOffset LessonEnd,
    long ChangeId,
    UnblockRequestStatus Status,
    long? DecidedBy,
    DateTimeOffset? DecidedAt,
    DateTimeOffset CreatedAt);

/// <summary>A new unblock request.</summary>
/// <param name="RequestedBy">Teacher.</param>
/// <param name="Domain">Domain.</param>
/// <param name="Reason">Why (required).</param>
/// <param name="Scope">Device or room.</param>
/// <param name="DeviceId">Device, for device scope.</param>
/// <param name="RoomId">Room, for room scope.</param>
/// <param name="LessonStart">Lesson start.</param>
/// <param name="LessonEnd">Lesson end (at most 12 hours after the start).</param>
public sealed record NewUnblockRequest(long RequestedBy, string Domain, string Reason, ActionScope Scope, long? DeviceId, long? RoomId, DateTimeOffset LessonStart, DateTimeOffset LessonEnd);

/// <summary>Result of <see cref="UnblockRequestRepository.RequestAsync"/>.</summary>
/// <param name="Request">The request, or null when refused.</param>
/// <param name="Refusal">Why it was refused.</param>
/// <param name="Detail">Explanation.</param>
public sealed record UnblockRequestResult(UnblockRequest? Request, ChangeRefusal? Refusal, string? Detail);

/// <summary>A request with the names a page shows and the decider's words from the change log.</summary>
/// <param name="Request">The request.</param>
/// <param name="RequestedByName">Display name of the teacher who asked.</param>
/// <param name="DecidedByName">Display name of who decided (or withdrew) it; null while pending.</param>
/// <param name="DecisionComment">The refusal's reason or the approval's comment, as written in the change log; null when none.</param>
public sealed record UnblockRequestDetail(UnblockRequest Request, string RequestedByName, string? DecidedByName, string? DecisionComment);

/// <summary>
/// Unblock requests. A request is a change-control proposal of a <see cref="TemporaryUnblockChange"/>, written in
/// the same transaction; approving it (by a different user: SafeguardingLead, Technician or Administrator) creates a
/// teacher action of kind <see cref="TeacherActionKind.Unblock"/> that expires at the lesson's end.
/// </summary>
public sealed class UnblockRequestRepository
{
    private const string Columns = "id, requested_by, domain, reason, scope, device_id, room_id, lesson_start, lesson_end, change_id, status, decided_by, decided_at, created_at";
    private const string RecentColumns = "r.id, r.requested_by, r.domain, r.reason, r.scope, r.device_id, r.room_id, r.lesson_start, r.lesson_end, r.change_id, r.status, r.decided_by, r.decided_at, r.created_at";
    private readonly StateDb db;
    private readonly ChangeControl changeControl;

    internal UnblockRequestRepository(StateDb db, ChangeControl changeControl)
    {
        this.db = db;
        this.changeControl = changeControl;
    }

    /// <summary>Records a request and proposes the matching change.</summary>
    public Task<UnblockRequestResult> RequestAsync(NewUnblockRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var change = new TemporaryUnblockChange(request.Domain, request.Scope, request.DeviceId, request.RoomId, request.LessonStart, request.LessonEnd);
        return db.WriteAsync(tx =>
        {
            var proposed = changeControl.Propose(tx, request.RequestedBy, change, request.Reason);
            if (!proposed.Succeeded)
            {
                return new UnblockRequestResult(null, proposed.Refusal, proposed.Detail);
            }

            var id = tx.Long(
                """
                INSERT INTO unblock_requests (requested_by, domain, reason, scope, device_id, room_id, lesson_start, lesson_end, change_id, status, created_at)
                VALUES ($u, $d, $r, $s, $dev, $room, $from, $until, $cid, 'pending', $now) RETURNING id
                """,
                ("$u", request.RequestedBy), ("$d", Normalize.Domain(request.Domain)), ("$r", request.Reason.Trim()), ("$s", EnumText.Lower(request.Scope)),
                ("$dev", request.DeviceId), ("$room", request.RoomId), ("$from", Sql.Ms(request.LessonStart)), ("$until", Sql.Ms(request.LessonEnd)),
                ("$cid", proposed.Entry!.ChangeId), ("$now", tx.Now))!.Value;
            return new UnblockRequestResult(Load(tx, "id = $id", ("$id", id))[0], null, null);
        }, cancellationToken);
    }

    /// <summary>Approves a request through change control (same rules as <see cref="ChangeControl.ApproveAsync"/>).</summary>
    public async Task<ChangeResult> ApproveAsync(long requestId, long approverId, string? comment, CancellationToken cancellationToken)
        => await GetAsync(requestId, cancellationToken) is { } request
            ? await changeControl.ApproveAsync(approverId, request.ChangeId, comment, cancellationToken)
            : ChangeResult.Refused(ChangeRefusal.NotFound, $"No unblock request {requestId}.");

    /// <summary>Refuses a request through change control.</summary>
    public async Task<ChangeResult> RefuseAsync(long requestId, long userId, string reason, CancellationToken cancellationToken)
        => await GetAsync(requestId, cancellationToken) is { } request
            ? await changeControl.RejectAsync(userId, request.ChangeId, reason, cancellationToken)
            : ChangeResult.Refused(ChangeRefusal.NotFound, $"No unblock request {requestId}.");

    /// <summary>The request, or null.</summary>
    public Task<UnblockRequest?> GetAsync(long id, CancellationToken cancellationToken)
        => db.ReadAsync(tx => Load(tx, "id = $id", ("$id", id)).FirstOrDefault(), cancellationToken);

    /// <summary>Requests waiting for a decision, oldest first.</summary>
    public Task<IReadOnlyList<UnblockRequest>> ListPendingAsync(CancellationToken cancellationToken)
        => db.ReadAsync<IReadOnlyList<UnblockRequest>>(tx => Load(tx, "status = 'pending'"), cancellationToken);

    /// <summary>
    /// Requests still pending, and those made, decided or lasting at or after <paramref name="since"/> (a school day's
    /// start, say), oldest first, with who asked, who decided and the decision's comment from the change log.
    /// </summary>
    public Task<IReadOnlyList<UnblockRequestDetail>> ListRecentAsync(DateTimeOffset since, CancellationToken cancellationToken)
        => db.ReadAsync<IReadOnlyList<UnblockRequestDetail>>(
            tx => tx.Query(
                $"""
                SELECT {RecentColumns}, asker.display_name, decider.display_name,
                       (SELECT json_extract(c.body, '$.comment') FROM change_log c
                         WHERE c.change_id = r.change_id AND c.event <> 'proposed' ORDER BY c.seq DESC LIMIT 1)
                FROM unblock_requests r
                JOIN users asker ON asker.id = r.requested_by
                LEFT JOIN users decider ON decider.id = r.decided_by
                WHERE r.status = 'pending' OR r.created_at >= $since OR r.decided_at >= $since OR r.lesson_end >= $since
                ORDER BY r.id
                """,
                r => new UnblockRequestDetail(Read(r), r.GetString(14), r.IsDBNull(15) ? null : r.GetString(15), r.IsDBNull(16) ? null : r.GetString(16)),
                ("$since", Sql.Ms(since))),
            cancellationToken);

    private static List<UnblockRequest> Load(Tx tx, string where, params (string, object?)[] args)
        => tx.Query($"SELECT {Columns} FROM unblock_requests WHERE {where} ORDER BY id", Read, args);

    private static UnblockRequest Read(SqliteDataReader r) => new(
        r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetString(3), EnumText.Parse<ActionScope>(r.GetString(4)), Sql.LongOrNull(r, 5), Sql.LongOrNull(r, 6),
        Sql.Time(r, 7), Sql.Time(r, 8), r.GetInt64(9), EnumText.Parse<UnblockRequestStatus>(r.GetString(10)), Sql.LongOrNull(r, 11), Sql.TimeOrNull(r, 12), Sql.Time(r, 13));
}

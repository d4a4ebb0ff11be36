namespace ClassroomGuard.Storage.State;

/// <summary>A classroom-control action. It expires by itself at <paramref name="ExpiresAt"/> unless released earlier.</summary>
/// <param name="Id">Database id.</param>
/// <param name="Kind">Blank, pause, focus or unblock.</param>
/// <param name="UserId">Teacher who did it (for an unblock: who asked for it).</param>
/// <param name="Reason">Why.</param>
/// <param name="Scope">Device or room.</param>
/// <param name="DeviceId">Device, for device scope.</param>
/// <param name="RoomId">Room, for room scope.</param>
/// <param name="Domains">Focus: the allow-list; unblock: the domain; otherwise empty.</param>
/// <param name="CreatedAt">Recorded.</param>
/// <param name="StartsAt">Takes effect.</param>
/// <param name="ExpiresAt">Stops by itself.</param>
/// <param name="ReleasedBy">Who ended it early, if anyone.</param>
/// <param name="ReleasedAt">When it was ended early.</param>
/// <param name="ChangeId">For an unblock, the change-control entry that approved it.</param>
public sealed record TeacherAction(
    long Id,
    TeacherActionKind Kind,
    long UserId,
    string Reason,
    ActionScope Scope,
    long? DeviceId,
    long? RoomId,
    IReadOnlyList<string> Domains,
    DateTimeOffset CreatedAt,
    DateTimeOffset StartsAt,
    DateTimeOffset ExpiresAt,
    long? ReleasedBy,
    DateTimeOffset? ReleasedAt,
    long? ChangeId)
{
    /// <summary>Whether the action is in force at <paramref name="instant"/>.</summary>
    public bool IsActiveAt(DateTimeOffset instant)
        => StartsAt <= instant && instant < ExpiresAt && (ReleasedAt is null || instant < ReleasedAt);
}

/// <summary>A new blank, pause or focus action (unblocks come from approved unblock requests).</summary>
/// <param name="Kind">Blank, pause or focus.</param>
/// <param name="UserId">Teacher.</param>
/// <param name="Reason">Why (shown in the audit).</param>
/// <param name="Scope">Device or room.</param>
/// <param name="DeviceId">Device, for device scope.</param>
/// <param name="RoomId">Room, for room scope.</param>
/// <param name="ExpiresAt">When it stops by itself (at most 12 hours ahead).</param>
/// <param name="Domains">For focus: the domains that stay reachable.</param>
public sealed record NewTeacherAction(
    TeacherActionKind Kind,
    long UserId,
    string Reason,
    ActionScope Scope,
    long? DeviceId,
    long? RoomId,
    DateTimeOffset ExpiresAt,
    IReadOnlyList<string>? Domains = null);

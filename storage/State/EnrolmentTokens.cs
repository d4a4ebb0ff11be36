namespace ClassroomGuard.Storage.State;

/// <summary>An agent enrolment token for a room, as stored: its hash and a hint, never the token.</summary>
/// <param name="Id">Database id.</param>
/// <param name="RoomId">The room agents enrolled with it are put in.</param>
/// <param name="Hint">The token's last four characters, to tell tokens apart on screen.</param>
/// <param name="CreatedBy">User who made it.</param>
/// <param name="CreatedAt">Made.</param>
/// <param name="ExpiresAt">No enrolment accepted from then on.</param>
/// <param name="RevokedAt">Revoked, if it was.</param>
/// <param name="UseCount">Agents enrolled with it.</param>
/// <param name="LastUsedAt">Last enrolment with it, if any.</param>
public sealed record EnrolmentToken(
    long Id,
    long RoomId,
    string Hint,
    long CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? RevokedAt,
    int UseCount,
    DateTimeOffset? LastUsedAt)
{
    /// <summary>Whether an agent may enrol with it at <paramref name="now"/>.</summary>
    public bool IsUsableAt(DateTimeOffset now) => RevokedAt is null && ExpiresAt > now;
}

/// <summary>A token just made: <see cref="Secret"/> is shown to the technician once and never again.</summary>
/// <param name="Token">The stored record.</param>
/// <param name="Secret">The token itself (43 characters of base64url, 256 random bits).</param>
public sealed record NewEnrolmentToken(EnrolmentToken Token, string Secret);

/// <summary>One administrative action: who did what to what, and when.</summary>
/// <param name="Id">Database id (increasing).</param>
/// <param name="At">When.</param>
/// <param name="ActorId">User who did it.</param>
/// <param name="ActorName">Their user name at the time.</param>
/// <param name="Action">What, e.g. <c>user.create</c>, <c>room.create</c>, <c>token.revoke</c>.</param>
/// <param name="Target">What it was done to, e.g. <c>user 'jsmith'</c>.</param>
/// <param name="Detail">Anything else worth keeping (roles given, room moved to); never a password or token.</param>
public sealed record AuditEntry(long Id, DateTimeOffset At, long ActorId, string ActorName, string Action, string Target, string Detail);

/// <summary>Which audit entries to read: every criterion left null matches everything.</summary>
/// <param name="ActorId">Only actions by this user.</param>
/// <param name="ActionPrefix">Only actions whose key starts with this, e.g. <c>user.</c> for every account action.</param>
/// <param name="From">Only actions at or after this instant.</param>
/// <param name="Until">Only actions before this instant.</param>
/// <param name="Offset">Entries to skip (paging).</param>
/// <param name="Limit">Most entries to return (at least 1).</param>
/// <param name="OldestFirst">Oldest first instead of newest first.</param>
public sealed record AuditQuery(
    long? ActorId = null,
    string? ActionPrefix = null,
    DateTimeOffset? From = null,
    DateTimeOffset? Until = null,
    int Offset = 0,
    int Limit = 50,
    bool OldestFirst = false);

/// <summary>One page of audit entries.</summary>
/// <param name="Entries">The entries of this page.</param>
/// <param name="Total">How many entries match in all pages.</param>
public sealed record AuditPage(IReadOnlyList<AuditEntry> Entries, int Total);

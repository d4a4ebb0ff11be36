namespace ClassroomGuard.Storage.State;

/// <summary>A classroom display's credential as stored: never its secret, only a hash of it.</summary>
/// <param name="Id">Database id; the display presents it with its secret as <c>&lt;Id&gt;.&lt;secret&gt;</c>.</param>
/// <param name="RoomId">The one room the display shows.</param>
/// <param name="RoomName">That room's name.</param>
/// <param name="UserId">The display's own users row (no roles, cannot sign in with a password): what it does is recorded under it.</param>
/// <param name="Label">What the technician called it ("Room 3 display").</param>
/// <param name="IssuedByName">Display name of who issued it.</param>
/// <param name="IssuedAt">Issued.</param>
/// <param name="LastUsedAt">Last sign-in with it, if any.</param>
/// <param name="RevokedByName">Who revoked it, if revoked.</param>
/// <param name="RevokedAt">Revoked, if it was.</param>
public sealed record KioskCredential(
    long Id,
    long RoomId,
    string RoomName,
    long UserId,
    string Label,
    string IssuedByName,
    DateTimeOffset IssuedAt,
    DateTimeOffset? LastUsedAt,
    string? RevokedByName,
    DateTimeOffset? RevokedAt)
{
    /// <summary>The longest label.</summary>
    public const int MaxLabelLength = 80;

    /// <summary>What the display's actions are recorded as done by.</summary>
    public static string ActorName(string label) => $"{label} (classroom display)";

    /// <summary>Whether a display may sign in with it.</summary>
    public bool IsActive => RevokedAt is null;
}

/// <summary>A credential just issued: <see cref="Text"/> goes to the display once and is never stored.</summary>
/// <param name="Credential">The stored record.</param>
/// <param name="Text">What the display presents: <c>&lt;id&gt;.&lt;secret&gt;</c> (secret: 43 characters of base64url, 256 random bits).</param>
public sealed record NewKioskCredential(KioskCredential Credential, string Text);

/// <summary>What came of issuing a display credential.</summary>
public enum KioskIssueOutcome
{
    /// <summary>Issued.</summary>
    Issued,

    /// <summary>There is no such room.</summary>
    NoSuchRoom,

    /// <summary>The issuing user does not exist.</summary>
    NoSuchUser,

    /// <summary>The room already has a live credential with that label.</summary>
    LabelTaken,

    /// <summary>The label is empty, too long, or has control characters.</summary>
    BadLabel,
}

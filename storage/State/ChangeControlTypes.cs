namespace ClassroomGuard.Storage.State;

/// <summary>An event in the change-control log.</summary>
public enum ChangeEvent
{
    /// <summary>A change was proposed (the entry's sequence number is the change id).</summary>
    Proposed,

    /// <summary>The change was approved and applied.</summary>
    Approved,

    /// <summary>The change was rejected or withdrawn.</summary>
    Rejected,

    /// <summary>
    /// Nobody decided the change within the expiry period (<see cref="ChangeControl.ExpireStaleAsync"/>); it can no longer
    /// be approved. Recorded by the system (<see cref="ChangeControl.SystemActorId"/>), not by a person.
    /// </summary>
    Expired,
}

/// <summary>Why change control refused a request (expected failures, not exceptions).</summary>
public enum ChangeRefusal
{
    /// <summary>The acting user does not exist.</summary>
    UnknownUser,

    /// <summary>The acting user is disabled.</summary>
    UserDisabled,

    /// <summary>The acting user's roles do not allow this.</summary>
    NotPermitted,

    /// <summary>The proposer tried to approve their own change (two-person rule).</summary>
    SameUser,

    /// <summary>No such change.</summary>
    NotFound,

    /// <summary>The change was already approved or rejected.</summary>
    NotPending,

    /// <summary>The change names something that does not exist or a value that is not valid.</summary>
    Invalid,

    /// <summary>The change would unblock an always-on category (child abuse, terrorism).</summary>
    AlwaysOnCategory,

    /// <summary>The change would change nothing.</summary>
    NoEffect,

    /// <summary>The policy changed since the proposal, so its recorded "before" is no longer true; propose again.</summary>
    Stale,
}

/// <summary>One entry of the hash-chained change-control log.</summary>
/// <param name="Sequence">Position in the chain: 1, 2, 3, ... without gaps.</param>
/// <param name="ChangeId">Sequence of the change's <see cref="ChangeEvent.Proposed"/> entry.</param>
/// <param name="Event">What happened.</param>
/// <param name="At">When.</param>
/// <param name="ActorId">User who did it.</param>
/// <param name="ActorName">That user's name at the time.</param>
/// <param name="SingleApprover">Approved by the proposer under <see cref="StateOptions.SingleApproverMode"/>.</param>
/// <param name="Body">Canonical JSON: for a proposal <c>{"after":…,"before":…,"change":…,"reason":…}</c>; otherwise <c>{"comment":…}</c>.</param>
/// <param name="PreviousHash">Hash of the previous entry (64 zeros for the first).</param>
/// <param name="Hash">SHA-256 of this entry and <paramref name="PreviousHash"/>, lower-case hex.</param>
public sealed record ChangeEntry(
    long Sequence,
    long ChangeId,
    ChangeEvent Event,
    DateTimeOffset At,
    long ActorId,
    string ActorName,
    bool SingleApprover,
    string Body,
    string PreviousHash,
    string Hash);

/// <summary>A proposed change waiting for approval.</summary>
/// <param name="ChangeId">Change id.</param>
/// <param name="Change">The change.</param>
/// <param name="Reason">Why, as given by the proposer.</param>
/// <param name="ProposerId">Proposer.</param>
/// <param name="ProposerName">Proposer's name.</param>
/// <param name="ProposedAt">When.</param>
/// <param name="Before">Canonical JSON of the affected state before.</param>
/// <param name="After">Canonical JSON of the affected state after.</param>
public sealed record PendingChange(long ChangeId, PolicyChange Change, string Reason, long ProposerId, string ProposerName, DateTimeOffset ProposedAt, string Before, string After);

/// <summary>Result of a change-control request: the entry written, or why nothing was written.</summary>
/// <param name="Entry">The log entry written, or null.</param>
/// <param name="Refusal">Why it was refused, or null.</param>
/// <param name="Detail">Human-readable explanation of a refusal.</param>
public sealed record ChangeResult(ChangeEntry? Entry, ChangeRefusal? Refusal, string? Detail)
{
    /// <summary>Whether an entry was written.</summary>
    public bool Succeeded => Entry is not null;

    internal static ChangeResult Ok(ChangeEntry entry) => new(entry, null, null);

    internal static ChangeResult Refused(ChangeRefusal refusal, string detail) => new(null, refusal, detail);
}

/// <summary>A known-good point of the chain (e.g. printed in the governors' last report), checked by verification.</summary>
/// <param name="Sequence">Entry sequence.</param>
/// <param name="Hash">That entry's hash.</param>
public sealed record ChainCheckpoint(long Sequence, string Hash);

/// <summary>Result of <see cref="ChangeControl.VerifyChainAsync"/>.</summary>
/// <param name="IsValid">The whole chain, its head anchor and any checkpoint agree.</param>
/// <param name="EntryCount">Entries read.</param>
/// <param name="FirstBadSequence">The first entry that does not verify (or the first missing one), or null.</param>
/// <param name="Problem">What is wrong, or null.</param>
/// <param name="Head">The last entry's sequence and hash as read (give this to governors as a checkpoint).</param>
public sealed record ChainVerification(bool IsValid, long EntryCount, long? FirstBadSequence, string? Problem, ChainCheckpoint Head);

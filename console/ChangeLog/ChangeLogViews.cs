using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.ChangeLog;

/// <summary>What happened to a change, for its colour and words.</summary>
public enum ChangeOutcome
{
    /// <summary>Waiting for a second person.</summary>
    Waiting,

    /// <summary>Approved and applied.</summary>
    Approved,

    /// <summary>Rejected by an approver.</summary>
    Rejected,

    /// <summary>Withdrawn by its proposer.</summary>
    Withdrawn,

    /// <summary>Nobody decided in time.</summary>
    Expired,
}

/// <summary>Which changes the log page lists: the page's "Kind" filter.</summary>
/// <param name="Kind">Kind of change.</param>
/// <param name="From">First day (school time), inclusive, or null.</param>
/// <param name="To">Last day (school time), inclusive, or null.</param>
public sealed record ChangeLogFilter(ChangeLogKind Kind = ChangeLogKind.All, DateOnly? From = null, DateOnly? To = null);

/// <summary>A change in the log, in words.</summary>
/// <param name="ChangeId">Change number (the sequence of its proposal in the log).</param>
/// <param name="What">The change as a sentence.</param>
/// <param name="Diff">Before → after, line by line.</param>
/// <param name="ProposedBy">Proposer's name.</param>
/// <param name="ProposedAt">When, school time.</param>
/// <param name="Reason">The proposer's reason.</param>
/// <param name="Outcome">What happened to it.</param>
/// <param name="OutcomeText">That, in words: "Approved by Kim Technician".</param>
/// <param name="DecidedAt">When it was decided, school time, or null.</param>
/// <param name="Comment">The decision's comment, or null.</param>
/// <param name="TemporaryUnblock">A temporary unblock (for a lesson), not a lasting policy change.</param>
/// <param name="SingleApprover">Approved by its own proposer under single-approver mode.</param>
/// <param name="ProposalSequence">The log entry number of the proposal.</param>
/// <param name="DecisionSequence">The log entry number of the decision, or null.</param>
public sealed record ChangeLogRow(
    long ChangeId,
    string What,
    IReadOnlyList<ChangeDiff> Diff,
    string ProposedBy,
    string ProposedAt,
    string Reason,
    ChangeOutcome Outcome,
    string OutcomeText,
    string? DecidedAt,
    string? Comment,
    bool TemporaryUnblock,
    bool SingleApprover,
    long ProposalSequence,
    long? DecisionSequence)
{
    /// <summary>Whether an entry of this change is at or after <paramref name="firstBad"/>, the first entry that does not verify.</summary>
    public bool IsAfter(long? firstBad) => firstBad is { } bad && (ProposalSequence >= bad || DecisionSequence >= bad);
}

/// <summary>A change waiting for approval, in words, for the Approvals page.</summary>
/// <param name="ChangeId">Change number.</param>
/// <param name="Summary">The change as a sentence.</param>
/// <param name="Diff">Before → after.</param>
/// <param name="Reason">The proposer's reason.</param>
/// <param name="ProposedBy">Proposer's name.</param>
/// <param name="ProposedAt">When, school time.</param>
/// <param name="ExpiresAt">When it expires if nobody decides, school time.</param>
/// <param name="ProposedByYou">The signed-in user proposed it (so may withdraw, not approve).</param>
/// <param name="TemporaryUnblock">A temporary unblock.</param>
/// <param name="Affects">Whom it affects, in words ("Pupils: Key Stage 3: 124 devices in it now"), or null.</param>
public sealed record PendingChangeView(
    long ChangeId,
    string Summary,
    IReadOnlyList<ChangeDiff> Diff,
    string Reason,
    string ProposedBy,
    string ProposedAt,
    string ExpiresAt,
    bool ProposedByYou,
    bool TemporaryUnblock,
    string? Affects = null);

/// <summary>The result of verifying the hash chain, for the top of the log page.</summary>
/// <param name="Intact">The whole chain verifies.</param>
/// <param name="Entries">Entries in the log.</param>
/// <param name="HeadHash">The hash of the last entry (a governor notes it to compare next time).</param>
/// <param name="HeadSequence">The last entry's number.</param>
/// <param name="Broken">When not intact: the first entry that does not verify, in words.</param>
/// <param name="Detail">When not intact: what the check found, technically.</param>
/// <param name="FirstBadSequence">When not intact: the number of the first entry that does not verify.</param>
public sealed record ChainStatus(bool Intact, long Entries, string HeadHash, long HeadSequence, string? Broken, string? Detail, long? FirstBadSequence = null);

namespace ClassroomGuard.Storage.State;

/// <summary>Which changes a log query returns.</summary>
public enum ChangeLogKind
{
    /// <summary>Every change.</summary>
    All,

    /// <summary>Changes to the filtering policy (everything but temporary unblocks).</summary>
    PolicyChanges,

    /// <summary>Temporary unblocks (unblock requests for a lesson).</summary>
    TemporaryUnblocks,

    /// <summary>Changes that were never applied: rejected, withdrawn or expired.</summary>
    NotApplied,
}

/// <summary>A page of the change-control log, read as changes.</summary>
/// <param name="Kind">Which changes.</param>
/// <param name="From">Only changes with an entry (proposal or decision) at or after this instant; null for no lower bound.</param>
/// <param name="Until">Only changes with an entry before this instant; null for no upper bound.</param>
/// <param name="Offset">Changes to skip.</param>
/// <param name="Limit">Most changes to return, 1 to <see cref="ChangeControl.MaxPageSize"/>.</param>
/// <param name="NewestFirst">Newest proposal first (default) or in the order proposed.</param>
public sealed record ChangeLogQuery(
    ChangeLogKind Kind = ChangeLogKind.All,
    DateTimeOffset? From = null,
    DateTimeOffset? Until = null,
    int Offset = 0,
    int Limit = 50,
    bool NewestFirst = true);

/// <summary>One page of changes and how many match in all.</summary>
/// <param name="Changes">The changes on this page.</param>
/// <param name="Total">How many changes match the query.</param>
public sealed record ChangeLogPage(IReadOnlyList<LoggedChange> Changes, int Total);

/// <summary>A change as the log records it: its proposal and the decision (approval, rejection, withdrawal or expiry), if any.</summary>
/// <param name="Proposal">The proposal entry (its sequence is the change id).</param>
/// <param name="Decision">The decision entry, or null while the change waits.</param>
/// <param name="Change">The proposed change, or null when the entry's body cannot be read (altered, or a kind this version does not know).</param>
/// <param name="Reason">The proposer's reason.</param>
/// <param name="Before">Canonical JSON of the affected state before the change.</param>
/// <param name="After">Canonical JSON of the affected state after the change.</param>
/// <param name="DecisionComment">The approver's, rejecter's or expiry's comment, or null.</param>
public sealed record LoggedChange(
    ChangeEntry Proposal,
    ChangeEntry? Decision,
    PolicyChange? Change,
    string Reason,
    string Before,
    string After,
    string? DecisionComment)
{
    /// <summary>A withdrawal: rejected by its own proposer.</summary>
    public bool Withdrawn => Decision is { Event: ChangeEvent.Rejected } d && d.ActorId == Proposal.ActorId;
}

namespace ClassroomGuard.Console;

/// <summary>Log messages of the membership and allow/deny list pages (EventIds 2600-2699).</summary>
internal static partial class Log
{
    [LoggerMessage(2600, LogLevel.Information, "Policy rules: {Actor} proposed change {ChangeId} ({Kind})")]
    public static partial void RulesProposed(ILogger logger, string actor, long changeId, string kind);

    [LoggerMessage(2601, LogLevel.Information, "Policy rules: {Actor} was refused {Action}: {Reason}")]
    public static partial void RulesRefused(ILogger logger, string actor, string action, string reason);

    [LoggerMessage(2602, LogLevel.Warning, "Policy rules: {Actor} proposed {Proposed} of the {Total} subnets of an IP range; the rest were refused: {Reason}")]
    public static partial void RulesRangePartlyProposed(ILogger logger, string actor, int proposed, int total, string reason);

    [LoggerMessage(2603, LogLevel.Warning, "Policy rules: change-log entry {Sequence} could not be read for the allow/deny reasons; it is skipped")]
    public static partial void RulesChangeEntryUnreadable(ILogger logger, long sequence, Exception exception);
}

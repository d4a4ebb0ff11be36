namespace ClassroomGuard.Console;

/// <summary>Log messages of withdrawing one's own change from the membership and allow/deny pages (EventIds 2650-2699).</summary>
internal static partial class Log
{
    [LoggerMessage(2650, LogLevel.Information, "Policy rules: {Actor} withdrew their change {ChangeId}")]
    public static partial void RulesWithdrawn(ILogger logger, string actor, long changeId);

    [LoggerMessage(2651, LogLevel.Information, "Policy rules: {Actor} could not withdraw change {ChangeId}: {Reason}")]
    public static partial void RulesWithdrawRefused(ILogger logger, string actor, long changeId, string reason);
}

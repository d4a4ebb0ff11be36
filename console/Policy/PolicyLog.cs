namespace ClassroomGuard.Console;

/// <summary>Log messages of the policy editor (EventIds 2500-2599).</summary>
internal static partial class Log
{
    [LoggerMessage(2500, LogLevel.Information, "Policy editor: {Actor} proposed change {ChangeId} ({Kind})")]
    public static partial void PolicyChangeProposed(ILogger logger, string actor, long changeId, string kind);

    [LoggerMessage(2501, LogLevel.Information, "Policy editor: {Actor} was refused a {Kind} proposal: {Reason}")]
    public static partial void PolicyChangeRefused(ILogger logger, string actor, string kind, string reason);

    [LoggerMessage(2502, LogLevel.Warning, "Policy editor: {Actor} is not allowed to edit filtering policy ({Action})")]
    public static partial void PolicyEditingDenied(ILogger logger, string actor, string action);
}

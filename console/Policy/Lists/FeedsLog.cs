namespace ClassroomGuard.Console;

/// <summary>Log messages of the blocklists page's feeds, list refresh and list health (EventIds 3000-3099).</summary>
internal static partial class Log
{
    [LoggerMessage(3000, LogLevel.Information, "Blocklists: {Actor} asked the DNS filter to check for new lists now: {Outcome}")]
    public static partial void ListsRefreshRequested(ILogger logger, string actor, string outcome);

    [LoggerMessage(3001, LogLevel.Warning, "Blocklists: {Actor} is not allowed to {Action}")]
    public static partial void ListsActionDenied(ILogger logger, string actor, string action);

    [LoggerMessage(3002, LogLevel.Warning, "Block lists not in force: {Problem}")]
    public static partial void ListsDegraded(ILogger logger, string problem);
}

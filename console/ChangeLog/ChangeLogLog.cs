namespace ClassroomGuard.Console;

/// <summary>Change control and the change-control log's log messages (EventIds 2800-2899).</summary>
internal static partial class Log
{
    [LoggerMessage(2800, LogLevel.Information, "Change control: {Count} proposal(s) expired after {MaxAge} without a decision")]
    public static partial void ChangesExpired(ILogger logger, int count, TimeSpan maxAge);

    [LoggerMessage(2801, LogLevel.Error, "Change control: expiring stale proposals failed; trying again at the next check")]
    public static partial void ChangeExpiryFailed(ILogger logger, Exception exception);

    [LoggerMessage(2802, LogLevel.Warning, "Change control: counting the changes waiting for approval failed; the navigation keeps the previous count")]
    public static partial void PendingCountFailed(ILogger logger, Exception exception);

    [LoggerMessage(2803, LogLevel.Information, "Change-control log exported as CSV by {UserName} ({Rows} changes)")]
    public static partial void ChangeLogExported(ILogger logger, string userName, int rows);

    [LoggerMessage(2804, LogLevel.Error, "Change-control log verification failed when {UserName} opened the log: {Problem}")]
    public static partial void ChangeLogBroken(ILogger logger, string userName, string problem);
}

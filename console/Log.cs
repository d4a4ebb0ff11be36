namespace ClassroomGuard.Console;

/// <summary>Every log message of the console service, in one place.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Error, "Health: the state database {Path} cannot be read")]
    public static partial void StateUnreadable(ILogger logger, string path, Exception exception);

    [LoggerMessage(2, LogLevel.Warning, "Health: {Reason}")]
    public static partial void InfluxUnreachable(ILogger logger, string reason);

    [LoggerMessage(3, LogLevel.Error, "Pruning expired state failed; will try again at the next interval")]
    public static partial void PruneFailed(ILogger logger, Exception exception);
}

namespace ClassroomGuard.Console;

/// <summary>Every log message of the console service, in one place.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Error, "Health: the state database {Path} cannot be read")]
    public static partial void StateUnreadable(ILogger logger, string path, Exception exception);

    [LoggerMessage(2, LogLevel.Warning, "Health: {Reason}")]
    public static partial void InfluxUnreachable(ILogger logger, string reason);

    [LoggerMessage(3, LogLevel.Information, "Pruned expired state: {TeacherActions} teacher actions, {Alerts} alerts, {UnblockRequests} unblock requests, {Incidents} incidents, {IpHistory} IP assignments, {Devices} devices")]
    public static partial void Pruned(ILogger logger, int teacherActions, int alerts, int unblockRequests, int incidents, int ipHistory, int devices);

    [LoggerMessage(4, LogLevel.Error, "Pruning expired state failed; will try again at the next interval")]
    public static partial void PruneFailed(ILogger logger, Exception exception);
}

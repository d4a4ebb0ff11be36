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

    [LoggerMessage(4, LogLevel.Information, "Sign-in: {UserName} signed in")]
    public static partial void SignedIn(ILogger logger, string userName);

    [LoggerMessage(5, LogLevel.Warning, "Sign-in: failed for {UserName} ({Reason})")]
    public static partial void SignInFailed(ILogger logger, string userName, string reason);

    [LoggerMessage(6, LogLevel.Warning, "Sign-in: {UserName} is locked out after repeated failures")]
    public static partial void SignInLockedOut(ILogger logger, string userName);

    [LoggerMessage(7, LogLevel.Information, "Sign-in: {UserName} signed out")]
    public static partial void SignedOut(ILogger logger, string userName);

    [LoggerMessage(8, LogLevel.Warning, "Sign-in: too many attempts from {Address}; answered 429")]
    public static partial void SignInRateLimited(ILogger logger, string address);

    [LoggerMessage(9, LogLevel.Warning, "Access denied: {UserName} {Method} {Path}")]
    public static partial void AccessDenied(ILogger logger, string userName, string method, string path);

    [LoggerMessage(10, LogLevel.Information, "Session of {UserName} ended: {Reason}")]
    public static partial void SessionEnded(ILogger logger, string userName, string reason);

    [LoggerMessage(11, LogLevel.Information, "Administration: {Actor} {Action} {Target}")]
    public static partial void AdminAction(ILogger logger, string actor, string action, string target);

    [LoggerMessage(20, LogLevel.Information, "Agents: device {DeviceId} enrolled in room {RoomId} (agent {AgentId})")]
    public static partial void AgentEnrolled(ILogger logger, long deviceId, long roomId, long agentId);

    [LoggerMessage(21, LogLevel.Warning, "Agents: enrolment refused from {Address}: {Reason}")]
    public static partial void AgentEnrolmentRefused(ILogger logger, string address, string reason);

    [LoggerMessage(22, LogLevel.Warning, "Agents: credential {AgentId} refused from {Address}")]
    public static partial void AgentCredentialRefused(ILogger logger, long agentId, string address);

    [LoggerMessage(23, LogLevel.Information, "Agents: device {DeviceId} connected")]
    public static partial void AgentConnected(ILogger logger, long deviceId);

    [LoggerMessage(24, LogLevel.Debug, "Agents: device {DeviceId} told blanked={Blanked}")]
    public static partial void AgentStateSent(ILogger logger, long deviceId, bool blanked);

    [LoggerMessage(25, LogLevel.Error, "Agents: pushing blank state failed; trying again in 1 s")]
    public static partial void AgentPushFailed(ILogger logger, Exception exception);

    [LoggerMessage(26, LogLevel.Information, "Classroom: {UserName} {Action} {Scope} {Target}")]
    public static partial void TeacherAction(ILogger logger, string userName, string action, string scope, long target);

    [LoggerMessage(27, LogLevel.Warning, "Agents: heartbeat of device {DeviceId} ignored: MAC {Mac} is not that device's")]
    public static partial void AgentHeartbeatRefused(ILogger logger, long deviceId, string mac);

    [LoggerMessage(40, LogLevel.Warning, "Live view: activity series unavailable, tiles show state only until InfluxDB answers: {Reason}")]
    public static partial void LiveActivityUnavailable(ILogger logger, string reason);

    [LoggerMessage(41, LogLevel.Error, "Live view: reading room {RoomId} failed; trying again next interval")]
    public static partial void LiveReadFailed(ILogger logger, long roomId, Exception exception);

    [LoggerMessage(42, LogLevel.Debug, "Live view: room {RoomId} feed {Change} ({Viewers} viewers)")]
    public static partial void LiveFeedChanged(ILogger logger, long roomId, string change, int viewers);

    [LoggerMessage(43, LogLevel.Information, "Classroom: {UserName} was refused {Action}: {Reason}")]
    public static partial void TeacherActionRefused(ILogger logger, string userName, string action, string reason);
}

namespace ClassroomGuard.Console;

/// <summary>Log messages of teachers' rooms, lesson focus and the agent reset (event ids 2300-2399).</summary>
internal static partial class Log
{
    [LoggerMessage(2300, LogLevel.Warning, "Room access: {UserName} refused room {RoomId} ({What})")]
    public static partial void RoomRefused(ILogger logger, string userName, long roomId, string what);

    [LoggerMessage(2301, LogLevel.Information, "Lesson focus: {UserName} started a focus on {Scope} {TargetId} for {Minutes} min with {Sites} site(s)")]
    public static partial void FocusStarted(ILogger logger, string userName, string scope, long targetId, int minutes, int sites);

    [LoggerMessage(2302, LogLevel.Information, "Lesson focus: {UserName} ended focus {ActionId}")]
    public static partial void FocusEnded(ILogger logger, string userName, long actionId);

    [LoggerMessage(2303, LogLevel.Warning, "Lesson focus: {UserName} refused ({Reason})")]
    public static partial void FocusRefused(ILogger logger, string userName, string reason);

    [LoggerMessage(2304, LogLevel.Warning, "Agent enrolment from {Address} refused: device {DeviceId} already has an enrolled agent (a technician must reset it first)")]
    public static partial void AgentEnrolmentTakeoverRefused(ILogger logger, string address, long deviceId);

    [LoggerMessage(2305, LogLevel.Information, "Agent reset: {Actor} revoked {Count} credential(s) of device {DeviceId}")]
    public static partial void AgentReset(ILogger logger, string actor, long deviceId, int count);

    [LoggerMessage(2306, LogLevel.Information, "Agent hub: device {DeviceId}'s credential was revoked (agent reset); connection ended")]
    public static partial void AgentConnectionRevoked(ILogger logger, long deviceId);
}

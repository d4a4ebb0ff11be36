namespace ClassroomGuard.Console;

/// <summary>Log messages of teachers' unblock requests (EventIds 2900–2999).</summary>
internal static partial class Log
{
    [LoggerMessage(2900, LogLevel.Information, "Unblock: {UserName} asked for {Domain} in room {RoomId} until {Until} (request {RequestId})")]
    public static partial void UnblockAsked(ILogger logger, string userName, string domain, long roomId, DateTimeOffset until, long requestId);

    [LoggerMessage(2901, LogLevel.Information, "Unblock: {UserName} was refused a request in room {RoomId}: {Reason}")]
    public static partial void UnblockAskRefused(ILogger logger, string userName, long roomId, string reason);

    [LoggerMessage(2902, LogLevel.Information, "Unblock: {UserName} {Decision} request {RequestId}")]
    public static partial void UnblockDecided(ILogger logger, string userName, string decision, long requestId);

    [LoggerMessage(2903, LogLevel.Information, "Unblock: {UserName} could not decide request {RequestId}: {Refusal}")]
    public static partial void UnblockDecisionRefused(ILogger logger, string userName, long requestId, string refusal);

    [LoggerMessage(2904, LogLevel.Error, "Unblock: reading the requests failed; open pages keep what they last showed")]
    public static partial void UnblockBoardReadFailed(ILogger logger, Exception exception);

    [LoggerMessage(2905, LogLevel.Error, "Unblock: one open page failed to take the requests; the others still get them")]
    public static partial void UnblockWatcherFailed(ILogger logger, Exception exception);
}

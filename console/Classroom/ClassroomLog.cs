namespace ClassroomGuard.Console;

/// <summary>Log messages of the live classroom view (EventIds 2100–2199).</summary>
internal static partial class Log
{
    [LoggerMessage(2100, LogLevel.Error, "Live view: a viewer of room {RoomId} failed to take a snapshot; the others still get it")]
    public static partial void LiveWatcherFailed(ILogger logger, long roomId, Exception exception);

    [LoggerMessage(2101, LogLevel.Information, "Live view: {UserName} was refused room {RoomId}")]
    public static partial void LiveRoomRefused(ILogger logger, string userName, long roomId);

    [LoggerMessage(2102, LogLevel.Information, "Live view: {UserName} may no longer use room {RoomId}; the page stops showing it")]
    public static partial void LiveRoomWithdrawn(ILogger logger, string userName, long roomId);

    [LoggerMessage(2103, LogLevel.Error, "Rooms list: reading the device counts failed; the open lists keep their last counts")]
    public static partial void RoomCountsFailed(ILogger logger, Exception exception);

    [LoggerMessage(2104, LogLevel.Error, "Rooms list: one open list failed to take the device counts; the others still get them")]
    public static partial void RoomCountsWatcherFailed(ILogger logger, Exception exception);
}

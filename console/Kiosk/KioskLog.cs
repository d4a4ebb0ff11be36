namespace ClassroomGuard.Console;

/// <summary>Log messages of classroom display credentials (event ids 3600-3699). Never the credential itself.</summary>
internal static partial class Log
{
    [LoggerMessage(3600, LogLevel.Information, "Classroom display: {Display} signed in to room {RoomId}")]
    public static partial void DisplaySignedIn(ILogger logger, string display, long roomId);

    [LoggerMessage(3601, LogLevel.Warning, "Classroom display: sign-in refused from {Address} (credential unknown or revoked)")]
    public static partial void DisplaySignInRefused(ILogger logger, string address);

    [LoggerMessage(3602, LogLevel.Information, "Classroom display: {Actor} issued '{Label}' for room {RoomId}")]
    public static partial void DisplayIssued(ILogger logger, string actor, string label, long roomId);

    [LoggerMessage(3603, LogLevel.Information, "Classroom display: {Actor} revoked '{Label}' of room {RoomId}")]
    public static partial void DisplayRevoked(ILogger logger, string actor, string label, long roomId);

    [LoggerMessage(3604, LogLevel.Information, "Classroom display: session of {Display} ended (credential revoked or room removed)")]
    public static partial void DisplaySessionEnded(ILogger logger, string display);
}

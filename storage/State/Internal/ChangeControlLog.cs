using Microsoft.Extensions.Logging;

namespace ClassroomGuard.Storage.State.Internal;

/// <summary>Change-control expiry log lines (EventIds 80-89).</summary>
internal static partial class Log
{
    [LoggerMessage(80, LogLevel.Information, "Change {ChangeId} expired: no decision within {MaxAge}")]
    public static partial void ChangeExpired(ILogger logger, long changeId, TimeSpan maxAge);
}

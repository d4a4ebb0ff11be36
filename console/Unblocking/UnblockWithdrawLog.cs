namespace ClassroomGuard.Console;

/// <summary>Log messages of a teacher withdrawing their own unblock request (EventIds 2950-2999).</summary>
internal static partial class Log
{
    [LoggerMessage(2950, LogLevel.Information, "Unblock: {UserName} withdrew their request {RequestId}")]
    public static partial void UnblockWithdrawn(ILogger logger, string userName, long requestId);

    [LoggerMessage(2951, LogLevel.Information, "Unblock: {UserName} could not withdraw request {RequestId}: {Reason}")]
    public static partial void UnblockWithdrawRefused(ILogger logger, string userName, long requestId, string reason);
}

namespace ClassroomGuard.Console.Reports.Weekly;

/// <summary>The weekly report's data side log messages (EventIds 3300-3339).</summary>
internal static partial class WeeklyReportLog
{
    [LoggerMessage(3300, LogLevel.Information, "Weekly report {Week} read for site {SiteId} ({Rows} rolled-up rows streamed)")]
    public static partial void Read(ILogger logger, string week, long? siteId, long rows);

    [LoggerMessage(3301, LogLevel.Information, "Report rollup: {Hours} hours rolled up")]
    public static partial void RolledUp(ILogger logger, int hours);

    [LoggerMessage(3302, LogLevel.Warning, "Report rollup failed; trying again at the next hour: {Reason}")]
    public static partial void RollupFailed(ILogger logger, string reason);

    [LoggerMessage(3303, LogLevel.Error, "Report rollup failed unexpectedly; trying again at the next hour")]
    public static partial void RollupCrashed(ILogger logger, Exception exception);
}

using Microsoft.Extensions.Logging;

namespace ClassroomGuard.Storage.TimeSeries.Internal;

/// <summary>Log lines of the report rollup and the rollup backfill (EventIds 240–259).</summary>
internal static partial class ReportRollupLog
{
    [LoggerMessage(240, LogLevel.Debug, "Report rollup of the hour from {Hour:O}: {Points} points")]
    public static partial void HourRolledUp(ILogger logger, DateTimeOffset hour, int points);

    [LoggerMessage(241, LogLevel.Information, "Report rollup caught up {Hours} hours, from {From:O} to {To:O}")]
    public static partial void CaughtUp(ILogger logger, int hours, DateTimeOffset from, DateTimeOffset to);

    [LoggerMessage(242, LogLevel.Information, "Rollup backfill from {From:O} to {To:O}: {Statements} statements, {Hours} report hours")]
    public static partial void Backfilled(ILogger logger, DateTimeOffset from, DateTimeOffset to, int statements, int hours);

    [LoggerMessage(243, LogLevel.Warning, "Rollup backfill: InfluxDB refused the {Policy} rollup from {From:O} to {To:O}: {Error}")]
    public static partial void BackfillRefused(ILogger logger, string policy, DateTimeOffset from, DateTimeOffset to, string error);
}

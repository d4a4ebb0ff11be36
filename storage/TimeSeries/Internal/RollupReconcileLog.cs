using Microsoft.Extensions.Logging;

namespace ClassroomGuard.Storage.TimeSeries.Internal;

/// <summary>Log lines of the rollups' reconciliation with late raw points (EventIds 250–259).</summary>
internal static partial class RollupReconcileLog
{
    [LoggerMessage(250, LogLevel.Information, "Rolled up again {Hours} hours whose raw points arrived late (a replayed spool), from {From:O} to {To:O}")]
    public static partial void LateHoursRolledUp(ILogger logger, int hours, DateTimeOffset from, DateTimeOffset to);
}

namespace ClassroomGuard.Console.Reports.Weekly;

/// <summary>Reads the weekly traffic report for a site and an ISO week (issue #14; being built).</summary>
public sealed class WeeklyReportReader
{
    /// <summary>The report for <paramref name="week"/> on <paramref name="siteId"/> (null: the whole appliance).</summary>
    public Task<WeeklyReport> ReadAsync(long? siteId, IsoWeek week, CancellationToken cancellationToken) =>
        throw new NotImplementedException("The weekly report's reader is being built (issue #14).");
}

namespace ClassroomGuard.Console.Reports.Governors;

/// <summary>Reads the governors' report for a period (issue #14; being built).</summary>
public sealed class GovernorsReportReader
{
    /// <summary>The report for the days <paramref name="first"/> to <paramref name="last"/> inclusive.</summary>
    public Task<GovernorsReport> ReadAsync(DateOnly first, DateOnly last, CancellationToken cancellationToken) =>
        throw new NotImplementedException("The governors' report's reader is being built (issue #14).");
}

/// <summary>Everything the governors' report shows (being built).</summary>
public sealed record GovernorsReport(string SchoolName, ReportPeriod Period, DateTimeOffset GeneratedAt);

namespace ClassroomGuard.Console.Reports.Weekly;

/// <summary>Log lines of the weekly report's page (EventIds 3380–3399).</summary>
internal static partial class WeeklyReportScreenLog
{
    [LoggerMessage(3380, LogLevel.Warning, "The weekly report for {Week} (site {Site}) could not be read: InfluxDB did not answer: {Reason}")]
    public static partial void InfluxUnavailable(ILogger logger, string week, string site, string reason);

    [LoggerMessage(3381, LogLevel.Error, "The weekly report for {Week} (site {Site}) could not be read")]
    public static partial void ReadFailed(ILogger logger, Exception exception, string week, string site);

    [LoggerMessage(3382, LogLevel.Warning, "{User} was refused the weekly report: {Reason}")]
    public static partial void Refused(ILogger logger, string user, string reason);
}

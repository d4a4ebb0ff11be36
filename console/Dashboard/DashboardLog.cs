namespace ClassroomGuard.Console;

/// <summary>The home page's log messages (EventIds 2400-2499).</summary>
internal static partial class Log
{
    [LoggerMessage(2400, LogLevel.Warning, "Home page: the time series could not be read ({Reason}); the page shows what the state database holds")]
    public static partial void DashboardSeriesUnavailable(ILogger logger, string reason);

    [LoggerMessage(2401, LogLevel.Error, "Home page: reading the school overview failed; the page keeps the previous figures")]
    public static partial void DashboardReadFailed(ILogger logger, Exception exception);

    [LoggerMessage(2402, LogLevel.Warning, "Home page: refreshing one open page failed; it keeps its previous figures")]
    public static partial void DashboardPageRefreshFailed(ILogger logger, Exception exception);
}

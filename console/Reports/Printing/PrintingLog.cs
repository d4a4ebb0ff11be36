namespace ClassroomGuard.Console.Reports.Printing;

/// <summary>The report printer's log lines (EventIds 3400–3439).</summary>
internal static partial class PrintingLog
{
    [LoggerMessage(EventId = 3400, Level = LogLevel.Information, Message = "Report printed: {Title} to {Path} ({Bytes} bytes, {Seconds:F1} s: data {DataSeconds:F1} s, HTML {HtmlSeconds:F1} s, Chromium's start {LaunchSeconds:F1} s, printing {PrintSeconds:F1} s)")]
    public static partial void Printed(ILogger logger, string title, string path, long bytes, double seconds, double dataSeconds, double htmlSeconds, double launchSeconds, double printSeconds);

    [LoggerMessage(EventId = 3401, Level = LogLevel.Error, Message = "Report not printed: {Title}: {Reason}")]
    public static partial void Failed(ILogger logger, string title, string reason, Exception? exception);

    [LoggerMessage(EventId = 3402, Level = LogLevel.Warning, Message = "Chromium asked for {Url} while printing a report: refused (a report is self-contained)")]
    public static partial void RequestRefused(ILogger logger, string url);

    [LoggerMessage(EventId = 3403, Level = LogLevel.Warning, Message = "The report stylesheet {Name} is not built into the console: the report prints without it")]
    public static partial void StylesheetMissing(ILogger logger, string name);

    [LoggerMessage(EventId = 3404, Level = LogLevel.Debug, Message = "Chromium {Path} started for a report (pid {ProcessId}, sandbox {Sandbox})")]
    public static partial void ChromiumStarted(ILogger logger, string path, int? processId, string sandbox);

    [LoggerMessage(EventId = 3405, Level = LogLevel.Warning, Message = "Chromium did not close cleanly after printing a report; it was killed")]
    public static partial void ChromiumKilled(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3420, Level = LogLevel.Warning, Message = "A report's temporary file or folder {Path} could not be removed")]
    public static partial void CleanupFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 3421, Level = LogLevel.Warning, Message = "Chromium's request handler failed while printing a report (the request is left unanswered)")]
    public static partial void RequestHandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3422, Level = LogLevel.Warning, Message = "The report command received {Signal}: the report is abandoned and its temporary files removed")]
    public static partial void CommandStopped(ILogger logger, string signal);
}

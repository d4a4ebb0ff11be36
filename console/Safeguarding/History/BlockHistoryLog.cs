namespace ClassroomGuard.Console.Safeguarding.History;

/// <summary>The block history's log messages (EventIds 3200-3249).</summary>
internal static partial class BlockHistoryLog
{
    [LoggerMessage(3200, LogLevel.Warning, "Block history: InfluxDB could not be read for {UserName}")]
    public static partial void ReadFailed(ILogger logger, string userName, Exception exception);

    [LoggerMessage(3201, LogLevel.Information, "Block history exported as CSV by {UserName} ({Rows} blocks, {From:O} to {To:O})")]
    public static partial void Exported(ILogger logger, string userName, int rows, DateTimeOffset from, DateTimeOffset to);

    [LoggerMessage(3202, LogLevel.Warning, "Block history: {UserName} was refused ({What})")]
    public static partial void Refused(ILogger logger, string userName, string what);

    [LoggerMessage(3203, LogLevel.Warning, "Block history: the CSV export for {UserName} was cut off, InfluxDB stopped answering part way")]
    public static partial void ExportCut(ILogger logger, string userName, Exception exception);
}

using Microsoft.Extensions.Logging;

namespace ClassroomGuard.Storage.TimeSeries.Internal;

/// <summary>Every log line of the time-series client. Messages name the server and the cause, never credentials.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Warning, "Writing {Points} points failed (attempt {Attempt}), retrying in {Delay}: {Error}")]
    public static partial void WriteRetrying(ILogger logger, int points, int attempt, TimeSpan delay, string? error);

    [LoggerMessage(2, LogLevel.Warning, "InfluxDB unavailable, spooling to {SpoolDirectory} until it returns: {Error}")]
    public static partial void SpoolingStarted(ILogger logger, string spoolDirectory, string? error);

    [LoggerMessage(3, LogLevel.Information, "InfluxDB is back; replayed the spool ({Points} points in {Batches} batches)")]
    public static partial void SpoolReplayed(ILogger logger, long points, long batches);

    [LoggerMessage(4, LogLevel.Error, "InfluxDB rejected a batch of {Points} points, {Dropped} dropped (not retried): {Error}")]
    public static partial void BatchRejected(ILogger logger, int points, int dropped, string? error);

    [LoggerMessage(5, LogLevel.Warning, "Spool full ({MaxBytes} bytes): deleted oldest batch of {Points} points")]
    public static partial void SpoolDroppedOldest(ILogger logger, long maxBytes, int points);

    [LoggerMessage(6, LogLevel.Error, "Could not spool a batch of {Points} points to {SpoolDirectory}; dropped")]
    public static partial void SpoolWriteFailed(ILogger logger, int points, string spoolDirectory, Exception exception);

    [LoggerMessage(7, LogLevel.Information, "Found {Batches} spooled batches ({Bytes} bytes) in {SpoolDirectory}; they will be replayed first")]
    public static partial void SpoolFound(ILogger logger, int batches, long bytes, string spoolDirectory);

    [LoggerMessage(8, LogLevel.Warning, "Ignoring unreadable spool file {Path}")]
    public static partial void SpoolFileIgnored(ILogger logger, string path, Exception? exception);

    [LoggerMessage(9, LogLevel.Information, "InfluxDB writer stopped: {Written} points written, {Spooled} in spool")]
    public static partial void WriterStopped(ILogger logger, long written, long spooled);

    [LoggerMessage(10, LogLevel.Error, "InfluxDB writer loop failed; restarting it")]
    public static partial void WriterLoopFailed(ILogger logger, Exception exception);

    [LoggerMessage(11, LogLevel.Error, "Writing the {Component} service_health point failed; trying again next minute")]
    public static partial void HealthReportFailed(ILogger logger, string component, Exception exception);

    [LoggerMessage(20, LogLevel.Information, "InfluxDB at {Url} is ready: version {Version}, database {Database} provisioned")]
    public static partial void Provisioned(ILogger logger, Uri url, string? version, string database);

    [LoggerMessage(21, LogLevel.Error, "Provisioning InfluxDB failed, retrying in {Delay} (writes are spooled meanwhile): {Error}")]
    public static partial void ProvisionFailed(ILogger logger, TimeSpan delay, string error);

    [LoggerMessage(22, LogLevel.Information, "InfluxDB {What} {Name}")]
    public static partial void ProvisionChanged(ILogger logger, string what, string name);

    [LoggerMessage(220, LogLevel.Information, "InfluxDB: the new block history was filled from raw.dns_blocks ({Days} days copied, {From:O} to {To:O})")]
    public static partial void BlocksBackfilled(ILogger logger, int days, DateTimeOffset from, DateTimeOffset to);

    [LoggerMessage(221, LogLevel.Warning, "InfluxDB: copying raw.dns_blocks {From:O} to {To:O} into the new block history failed; those blocks stay in raw only: {Error}")]
    public static partial void BlocksBackfillFailed(ILogger logger, DateTimeOffset from, DateTimeOffset to, string error);
}

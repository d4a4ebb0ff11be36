using Microsoft.Extensions.Logging;

namespace ClassroomGuard.Sniffer.Accounting;

/// <summary>Log messages of the accounting and discovery (event ids 30-39, and 226-239).</summary>
internal static partial class Log
{
    [LoggerMessage(30, LogLevel.Information, "Accounting: local networks {Networks}; flow table {MaxFlows}; writing to InfluxDB: {Influx}; device discovery into the state: {State}")]
    public static partial void Started(ILogger logger, string networks, int maxFlows, bool influx, bool state);

    [LoggerMessage(31, LogLevel.Information, "Accounting: {Packets} packets counted ({NotLocal} not local), flows {Flows} held / {Created} started / {Expired} expired / {Evicted} evicted when full, {Overflow} packets over the address limit; points {Written} written, {Dropped} dropped; sightings {Sightings} written, {Lost} lost, {Refused} over the per-second limit")]
    public static partial void Statistics(ILogger logger, long packets, long notLocal, int flows, long created, long expired, long evicted, long overflow, long written, long dropped, long sightings, long lost, long refused);

    [LoggerMessage(32, LogLevel.Warning, "Accounting: the per-second flush failed")]
    public static partial void FlushFailed(ILogger logger, Exception exception);

    [LoggerMessage(33, LogLevel.Warning, "Device discovery: writing sightings to the state failed (they are dropped; retrying with the next batch)")]
    public static partial void DiscoveryFailed(ILogger logger, Exception exception);

    [LoggerMessage(34, LogLevel.Warning, "Device discovery: watching the state for changes failed; retrying in {Delay}")]
    public static partial void WatchFailed(ILogger logger, TimeSpan delay, Exception exception);

    [LoggerMessage(226, LogLevel.Information, "Accounting: site names: {Named} flows named by their own SNI or Host, {Inferred} inferred from their client's DNS answers; {Learnt} addresses learnt from answers, {Refused} answers refused as matching no query their client sent, {Evicted} unanswered queries forgotten when the table was full")]
    public static partial void NamingStatistics(ILogger logger, long named, long inferred, long learnt, long refused, long evicted);
}

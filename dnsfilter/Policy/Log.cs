using Microsoft.Extensions.Logging;

namespace ClassroomGuard.DnsFilter.Policy;

/// <summary>Log lines of the school policy. None is written per query.</summary>
internal static partial class Log
{
    [LoggerMessage(101, LogLevel.Information, "Block lists loaded: {Names} names in {Categories} categories from {Sources} source(s) in {Milliseconds} ms ({MemoryMb} MB)")]
    public static partial void ListsLoaded(ILogger logger, int names, int categories, int sources, long milliseconds, long memoryMb);

    [LoggerMessage(110, LogLevel.Information, "Block lists read from the compiled cache {Path}: {Names} names in {Categories} categories in {Milliseconds} ms (source files unchanged)")]
    public static partial void ListsFromCache(ILogger logger, string path, int names, int categories, long milliseconds);

    [LoggerMessage(111, LogLevel.Warning, "Could not write the compiled list cache {Path}; the next start parses the lists again")]
    public static partial void ListCacheWriteFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(102, LogLevel.Information, "List {Source}: {Statistics}")]
    public static partial void ListStatistics(ILogger logger, string source, string statistics);

    [LoggerMessage(103, LogLevel.Warning, "UT1 folder {Source} is not in this copy of the lists; its categories have no names from it")]
    public static partial void ListMissing(ILogger logger, string source);

    [LoggerMessage(104, LogLevel.Information, "Policy revision {Revision} in force ({Groups} groups, {Rules} rules, {Clients} mapped clients, {Actions} teacher actions)")]
    public static partial void PolicySwapped(ILogger logger, long revision, int groups, int rules, int clients, int actions);

    [LoggerMessage(105, LogLevel.Error, "Cannot read or compile the policy from the state database; keeping the {Kind} policy (revision {Revision}) and retrying in {Retry}")]
    public static partial void PolicyFailed(ILogger logger, string kind, long revision, TimeSpan retry, Exception exception);

    [LoggerMessage(106, LogLevel.Warning, "Fail-closed policy in force until the state database can be read: always-on and every fallback category blocked for every client")]
    public static partial void FallbackInForce(ILogger logger);

    [LoggerMessage(107, LogLevel.Warning, "Could not write an alert to the state database ({Category} {Domain}); dropped")]
    public static partial void AlertFailed(ILogger logger, string category, string domain, Exception exception);

    [LoggerMessage(108, LogLevel.Information, "Blocked {Domain} for {Client} (device {Device}, MAC {Mac}): {Category} by {Rule}; alert raised")]
    public static partial void HighRiskBlocked(ILogger logger, string domain, string client, long? device, string? mac, string category, string rule);

    [LoggerMessage(109, LogLevel.Error, "Writing DNS activity to the time series failed")]
    public static partial void FlushFailed(ILogger logger, Exception exception);

    [LoggerMessage(119, LogLevel.Information, "Block lists reloaded while answering: {Names} names from {Sources} sources in {Milliseconds} ms; the new policy is in force")]
    public static partial void ListsReloaded(ILogger logger, int names, int sources, long milliseconds);

    [LoggerMessage(380, LogLevel.Information, "SIGHUP: reading the block lists again (the current ones answer meanwhile)")]
    public static partial void ReloadRequested(ILogger logger);

    [LoggerMessage(381, LogLevel.Error, "Reading the block lists again failed; the lists in force stay in force")]
    public static partial void ReloadFailed(ILogger logger, Exception exception);
}

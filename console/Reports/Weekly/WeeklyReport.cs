namespace ClassroomGuard.Console.Reports.Weekly;

/// <summary>
/// Everything the technicians' weekly traffic report shows, read by <see cref="WeeklyReportReader"/> and drawn by
/// <c>WeeklyReportView.razor</c> (on screen and, the same component, on paper). Figures come in pairs: this week and
/// the week before. Devices and rooms carry their ids for links and their names as the console shows them.
/// <see cref="TopSites"/> counts DNS queries (the DNS filter's names); <see cref="TopSitesByTraffic"/> counts bytes (the
/// sniffer's site names; empty without a sniffer).
/// </summary>
public sealed record WeeklyReport(
    string SiteName,
    long? SiteId,
    IsoWeek Week,
    ReportPeriod Period,
    ReportPeriod PreviousPeriod,
    DateTimeOffset GeneratedAt,
    WeeklyHeadlines Headlines,
    IReadOnlyList<NewDevice> NewDevices,
    IReadOnlyList<RoomTraffic> Rooms,
    IReadOnlyList<DeviceTraffic> TopDevices,
    IReadOnlyList<NamedCount> TopSites,
    IReadOnlyList<NamedCount> BlocksByCategory,
    IReadOnlyList<NamedCount> BlocksByGroup,
    IReadOnlyList<NamedCount> TopBlockedDomains,
    IReadOnlyList<DayCategoryBlocks> BlocksPerDay,
    IReadOnlyList<CircumventionCount> Circumvention,
    IReadOnlyList<NamedCount> AlertsBySeverity,
    IReadOnlyList<NamedCount> IncidentsBySeverity,
    IReadOnlyList<ComponentHealth> Health,
    ActivityHeatMap HeatMap,
    IReadOnlyList<string> Gaps,
    IReadOnlyList<NamedCount>? TopSitesByTraffic = null);

/// <summary>A figure this week and the week before.</summary>
public readonly record struct Compared(long This, long Previous)
{
    /// <summary>This week minus the week before.</summary>
    public long Change => This - Previous;
}

/// <summary>The report's opening numbers.</summary>
public sealed record WeeklyHeadlines(
    Compared DevicesSeen,
    Compared NewDevices,
    Compared BytesTotal,
    Compared DnsQueries,
    Compared Blocks,
    Compared CircumventionAttempts,
    Compared Alerts,
    Compared Incidents);

/// <summary>A device first seen this week.</summary>
public sealed record NewDevice(long DeviceId, string Name, string? RoomName, DateTimeOffset FirstSeen);

/// <summary>A room's traffic (bytes in + out) and DNS queries; <paramref name="RoomId"/> null is "No room".</summary>
public sealed record RoomTraffic(long? RoomId, string Name, Compared Bytes, Compared Queries, Compared Blocks, int Devices);

/// <summary>One of the week's busiest devices by bytes.</summary>
public sealed record DeviceTraffic(long DeviceId, string Name, string? RoomName, long BytesIn, long BytesOut, long Queries, long Blocks);

/// <summary>A name (site, category key, group, severity) and its count this week and the week before.</summary>
public sealed record NamedCount(string Key, string Label, Compared Count);

/// <summary>Blocks on one day (school calendar date) by category key.</summary>
public sealed record DayCategoryBlocks(DateOnly Day, IReadOnlyDictionary<string, long> ByCategory);

/// <summary>Circumvention attempts of one kind by one device (or an address, when no device is known).</summary>
public sealed record CircumventionCount(string Kind, string KindLabel, long? DeviceId, string DeviceName, long Attempts);

/// <summary>
/// A service's week: the share of the measured minutes it reported its health (<paramref name="MeasuredSpan"/>: the
/// week's complete hours so far, less hours before the service measured it), the packets its capture dropped (sniffer),
/// the points its time-series writer dropped, and the largest backlog its spool held (<paramref name="PeakSpoolExact"/>:
/// the true peak, from raw points; otherwise the largest hourly average, from the hourly rollup). A measured span of zero
/// means the uptime was not measured at all (a version before <c>reporting_minutes</c>), not that the service was down.
/// </summary>
public sealed record ComponentHealth(
    string Component,
    string Label,
    double UptimePercent,
    double PreviousUptimePercent,
    long CaptureDrops,
    long PointsDropped,
    long PeakSpoolPoints,
    TimeSpan? MeasuredSpan = null,
    bool PeakSpoolExact = false,
    TimeSpan? PreviousMeasuredSpan = null);

/// <summary>Activity (DNS queries) by local weekday (0 = Monday) and hour (0–23) over the week.</summary>
public sealed record ActivityHeatMap(long[][] QueriesByDayAndHour)
{
    /// <summary>The busiest cell, for the colour scale (0 when the week was silent).</summary>
    public long Max => QueriesByDayAndHour.SelectMany(d => d).DefaultIfEmpty(0).Max();
}

using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Dashboard;

/// <summary>
/// Everything the home page shows, read once for the whole school (<see cref="SchoolOverviewReader"/>) and shared by
/// every signed-in user's page (<see cref="DashboardFeed"/>); <see cref="DashboardService"/> cuts from it what each
/// role may see. Figures that could not be read carry the reason instead of a value.
/// </summary>
/// <param name="ReadAt">When it was read.</param>
/// <param name="Influx">InfluxDB's answer to a ping, and the console's own spool.</param>
/// <param name="Services">Latest <c>service_health</c> report per component (<c>dnsfilter</c>, <c>sniffer</c>), when one came recently.</param>
/// <param name="SeriesProblem">Why the series could not be read (InfluxDB down, slow), or null when they were.</param>
/// <param name="Disk">Space in the data folder.</param>
/// <param name="Certificate">The console's certificate.</param>
/// <param name="BlocksToday">Blocked queries since the school's midnight, by category key (largest first).</param>
/// <param name="Rooms">Every room.</param>
/// <param name="Devices">Every device in the inventory.</param>
/// <param name="Online">Ids of the devices online now.</param>
/// <param name="BlocksLastHourByRoom">Blocked queries in the last hour by room id.</param>
/// <param name="Actions">Teacher actions in force now.</param>
/// <param name="OpenAlerts">Alerts nobody has acknowledged, newest first.</param>
internal sealed record SchoolOverview(
    DateTimeOffset ReadAt,
    InfluxState Influx,
    IReadOnlyDictionary<string, ServiceReport> Services,
    string? SeriesProblem,
    DiskState Disk,
    CertificateState Certificate,
    IReadOnlyList<CategoryCount> BlocksToday,
    IReadOnlyList<Room> Rooms,
    IReadOnlyList<Device> Devices,
    IReadOnlySet<long> Online,
    IReadOnlyDictionary<long, long> BlocksLastHourByRoom,
    IReadOnlyList<TeacherAction> Actions,
    IReadOnlyList<Alert> OpenAlerts)
{
    /// <summary>The state database's revision when the read began (a later one means the state has changed since).</summary>
    public long StateRevision { get; init; }
}

/// <summary>InfluxDB as the console sees it.</summary>
/// <param name="Reachable">It answered <c>/ping</c>.</param>
/// <param name="Version">Its version, when it answered.</param>
/// <param name="Error">Why not, when it did not.</param>
/// <param name="ConsoleSpoolPoints">Points the console's own writer holds in its spool.</param>
internal sealed record InfluxState(bool Reachable, string? Version, string? Error, long ConsoleSpoolPoints);

/// <summary>A service's latest once-a-minute report (docs/timeseries.md, <c>service_health</c>).</summary>
/// <param name="At">When it was written (the end of the minute it counts).</param>
/// <param name="Fields">Its integer fields: per-minute counts and the spool backlog.</param>
internal sealed record ServiceReport(DateTimeOffset At, IReadOnlyDictionary<string, long> Fields)
{
    /// <summary>A field's value, or null when the report does not carry it.</summary>
    public long? this[string field] => Fields.TryGetValue(field, out var v) ? v : null;
}

/// <summary>Space on the file system holding the data folder.</summary>
/// <param name="Folder">The folder (the state database's).</param>
/// <param name="FreeBytes">Bytes free to the service, or null when unknown.</param>
/// <param name="TotalBytes">Size of the file system, or null.</param>
/// <param name="Error">Why it is unknown.</param>
internal sealed record DiskState(string Folder, long? FreeBytes, long? TotalBytes, string? Error);

/// <summary>The console's HTTPS certificate.</summary>
/// <param name="NotAfter">When it expires, or null when unknown.</param>
/// <param name="Subject">Its subject, when read.</param>
/// <param name="Problem">Why it is unknown (none configured, unreadable).</param>
internal sealed record CertificateState(DateTimeOffset? NotAfter, string? Subject, string? Problem);

/// <summary>A count for one category.</summary>
/// <param name="Category">Category key, as the lists name it.</param>
/// <param name="Count">How many.</param>
public sealed record CategoryCount(string Category, long Count);

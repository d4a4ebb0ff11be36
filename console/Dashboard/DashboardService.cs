using System.Globalization;
using ClassroomGuard.Console.Classroom;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Console.Upstreams;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Dashboard;

/// <summary>
/// The home page's application service: turns the shared <see cref="SchoolOverview"/> into one user's
/// <see cref="HomeView"/>, with a section for each role they hold and nothing from the roles they do not (the service
/// checks the roles itself, whatever the page shows; a teacher's rooms come from <see cref="RoomAccess"/>).
/// </summary>
internal sealed class DashboardService(DashboardFeed feed, RoomAccess access, SchoolClock clock, UpstreamMonitor upstreams)
{
    /// <summary>Most open alerts listed on the safeguarding lead's home.</summary>
    public const int MaxAlertLines = 10;

    /// <summary>A service whose latest report is older than this is "not reporting" (it reports once a minute).</summary>
    public static readonly TimeSpan ReportStale = TimeSpan.FromMinutes(3);

    // The console runs in invariant globalization mode: invariant formats are English (month names, "1,234").
    private static readonly CultureInfo English = CultureInfo.InvariantCulture;

    /// <summary>The user's home now (the shared overview, read at most <see cref="DashboardFeed.MaxAge"/> ago).</summary>
    public async Task<HomeView?> GetAsync(ConsoleUser? user, CancellationToken cancellationToken)
        => user is null ? null : await BuildAsync(user, await feed.GetAsync(cancellationToken), cancellationToken);

    /// <summary>The user's home from <paramref name="overview"/>.</summary>
    public async Task<HomeView> BuildAsync(ConsoleUser user, SchoolOverview overview, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(overview);
        var roles = user.Roles;
        var health = Policies.AdministrationRoles.Any(roles.Contains) ? Health(overview, await upstreams.CurrentAsync(TimeSpan.FromSeconds(5), cancellationToken)) : null;
        var rooms = roles.Contains(Role.Teacher) ? Rooms(overview, await access.RoomsForAsync(user, cancellationToken)) : null;
        var safeguarding = roles.Contains(Role.SafeguardingLead) ? Safeguarding(overview) : null;
        return new HomeView(
            user.DisplayName.Length > 0 ? user.DisplayName : user.UserName,
            string.Join(", ", roles.Order().Select(RoleWords)),
            "Updated at " + clock.Time(overview.ReadAt),
            health,
            rooms,
            safeguarding,
            roles.Contains(Role.Governor));
    }

    /// <summary>A role as words.</summary>
    public static string RoleWords(Role role) => role switch
    {
        Role.Teacher => "teacher",
        Role.Technician => "technician",
        Role.SafeguardingLead => "safeguarding lead",
        Role.Governor => "governor",
        Role.Administrator => "administrator",
        _ => "other",
    };

    /// <summary>An alert kind as words.</summary>
    public static string KindWords(AlertKind kind) => kind switch
    {
        AlertKind.HighRiskCategory => "Tried a high-risk site",
        AlertKind.Circumvention => "Tried to get round the filter",
        AlertKind.Appliance => "The appliance needs attention",
        _ => "Other alert",
    };

    private HealthSection Health(SchoolOverview o, UpstreamReport? upstreamReport)
    {
        var tiles = new List<HealthTile>
        {
            DnsTile(o),
            UpstreamTile.Of(upstreamReport, clock),
            SnifferTile(o),
            InfluxTile(o),
            DiskTile(o.Disk),
            CertificateTile(o.Certificate, o.ReadAt),
        };
        var devicesNote = o.SeriesProblem is null ? null : "Counted from the agents and the inventory only: InfluxDB did not answer.";
        var blocksNote = o.SeriesProblem is not null
            ? $"Not available: InfluxDB did not answer ({o.SeriesProblem})."
            : o.BlocksToday.Count == 0 ? "Nothing has been blocked since midnight." : null;
        return new HealthSection(tiles, o.Online.Count, o.Devices.Count, devicesNote, o.BlocksToday, blocksNote, o.OpenAlerts.Count);
    }

    private HealthTile DnsTile(SchoolOverview o)
    {
        const string title = "DNS filter";
        if (Silent(o, "dnsfilter", title, "classroomguard-dnsfilter") is { } silent)
        {
            return silent;
        }

        var r = o.Services["dnsfilter"];
        var detail = $"{N(r["queries"])} queries and {N(r["blocked"])} blocked in the last minute.";
        if (r["upstream_failed"] is > 0 and var failed)
        {
            return new HealthTile(title, Condition.Attention, "Answering, upstream failing",
                detail + $" {N(failed)} found no answer from the upstream resolvers: check the school's internet connection and Dns:Upstreams.");
        }

        return new HealthTile(title, Condition.Good, "Answering", detail + SpoolText(r));
    }

    private HealthTile SnifferTile(SchoolOverview o)
    {
        const string title = "Traffic monitor (sniffer)";
        if (Silent(o, "sniffer", title, "classroomguard-sniffer") is { } silent)
        {
            return silent;
        }

        var r = o.Services["sniffer"];
        if (r["packets"] is not { } packets)
        {
            return new HealthTile(title, Condition.Attention, "Running, not capturing",
                "It reports no live capture: it is reading a file, or its capture has failed (its log says why).");
        }

        var dropped = (r["dropped"] ?? 0) + (r["if_dropped"] ?? 0);
        var detail = $"{N(packets)} packets seen and {N(dropped)} dropped in the last minute.";
        return dropped > 0
            ? new HealthTile(title, Condition.Attention, "Capturing, dropping packets",
                detail + " Some traffic was not counted: raise Sniffer:BufferSize or narrow the switch's mirror session.")
            : new HealthTile(title, Condition.Good, "Capturing", detail + SpoolText(r));
    }

    private static HealthTile InfluxTile(SchoolOverview o)
    {
        const string title = "Time-series database (InfluxDB)";
        var waiting = o.Influx.ConsoleSpoolPoints + o.Services.Values.Sum(r => r["spool_points"] ?? 0);
        if (!o.Influx.Reachable)
        {
            return new HealthTile(title, Condition.Problem, "Not reachable",
                $"{o.Influx.Error}. Filtering goes on; the services keep their figures on disk until it answers ({N(o.Influx.ConsoleSpoolPoints)} points in the console's spool).");
        }

        if (o.SeriesProblem is not null)
        {
            return new HealthTile(title, Condition.Attention, "Reachable, queries failing", $"It answers, but reading failed: {o.SeriesProblem}.");
        }

        return waiting > 0
            ? new HealthTile(title, Condition.Attention, "Reachable, catching up", $"{N(waiting)} points are waiting in the services' spools to be written.")
            : new HealthTile(title, Condition.Good, "Reachable", "Nothing is waiting to be written" + (o.Influx.Version is { } v ? $" (version {v})." : "."));
    }

    private static HealthTile DiskTile(DiskState disk)
    {
        const string title = "Disk space";
        if (disk.FreeBytes is not { } free || disk.TotalBytes is not { } total || total <= 0)
        {
            return new HealthTile(title, Condition.NotReported, "Not reported", $"The space in {disk.Folder} could not be read: {disk.Error}");
        }

        var percent = 100.0 * free / total;
        var detail = $"{Size(free)} free of {Size(total)} ({percent.ToString("0", English)} %) for the data in {disk.Folder}.";
        return percent switch
        {
            < 5 => new HealthTile(title, Condition.Problem, "Almost full", detail + " Free space now: the services stop writing when it is full."),
            < 15 => new HealthTile(title, Condition.Attention, "Getting full", detail + " Plan to free space or add a larger disk."),
            _ => new HealthTile(title, Condition.Good, "Enough space", detail),
        };
    }

    private static HealthTile CertificateTile(CertificateState certificate, DateTimeOffset now)
    {
        const string title = "Console certificate";
        if (certificate.NotAfter is not { } notAfter)
        {
            return new HealthTile(title, Condition.NotReported, "Not reported", $"Its expiry is not known: {certificate.Problem}.");
        }

        var days = (int)Math.Floor((notAfter - now).TotalDays);
        var date = notAfter.ToString("d MMMM yyyy", English);
        return days switch
        {
            < 0 => new HealthTile(title, Condition.Problem, "Expired", $"It expired on {date}: browsers warn everyone. Install a new one (Console:CertificatePath)."),
            < 30 => new HealthTile(title, Condition.Attention, "Expires soon", $"It expires on {date}, in {days} days: renew it before then."),
            _ => new HealthTile(title, Condition.Good, "Valid", $"Valid until {date} ({N(days)} days)."),
        };
    }

    /// <summary>The tile for a service that has not reported recently, or null when it has.</summary>
    private HealthTile? Silent(SchoolOverview o, string component, string title, string unit)
    {
        if (o.Services.TryGetValue(component, out var r) && o.ReadAt - r.At <= ReportStale)
        {
            return null;
        }

        if (o.SeriesProblem is not null)
        {
            return new HealthTile(title, Condition.NotReported, "Not known", $"Its reports could not be read: InfluxDB did not answer ({o.SeriesProblem}).");
        }

        return r is not null
            ? new HealthTile(title, Condition.Problem, "Not reporting",
                $"Its last report came at {clock.Time(r.At)}. It reports once a minute: check that the {unit} service is running.")
            : new HealthTile(title, Condition.Problem, "Not reporting",
                $"No report in the last {SchoolOverviewReader.ReportWindow.TotalMinutes:0} minutes. It reports once a minute: check that the {unit} service is running and has an Influx section in its settings.");
    }

    private RoomsSection Rooms(SchoolOverview o, IReadOnlyList<Room> rooms)
    {
        var byRoom = o.Devices.Where(d => d.RoomId is not null).ToLookup(d => d.RoomId!.Value);
        var cards = rooms.OrderBy(r => r.Name, StringComparer.OrdinalIgnoreCase).Select(room =>
        {
            var devices = byRoom[room.Id].ToList();
            var ids = devices.Select(d => d.Id).ToHashSet();
            var blocks = o.SeriesProblem is null ? o.BlocksLastHourByRoom.GetValueOrDefault(room.Id) : (long?)null;
            return new RoomCard(room.Id, room.Name, devices.Count(d => o.Online.Contains(d.Id)), devices.Count, blocks, ActionLines(o.Actions, room.Id, ids));
        }).ToList();
        return new RoomsSection(cards, o.SeriesProblem is null ? null : "Blocked attempts are not shown: InfluxDB did not answer.");
    }

    private List<string> ActionLines(IReadOnlyList<TeacherAction> actions, long roomId, HashSet<long> devices)
    {
        var lines = new List<string>();
        foreach (var (kind, room, some) in new[] { (TeacherActionKind.Blank, "Screens blanked (whole room)", "blanked"), (TeacherActionKind.Pause, "Internet paused (whole room)", "paused") })
        {
            var roomWide = actions.Where(a => a.Kind == kind && a.Scope == ActionScope.Room && a.RoomId == roomId).MaxBy(a => a.ExpiresAt);
            if (roomWide is not null)
            {
                lines.Add($"{room} until {clock.Time(roomWide.ExpiresAt)}");
                continue;
            }

            var count = actions.Where(a => a.Kind == kind && a.Scope == ActionScope.Device && a.DeviceId is { } d && devices.Contains(d)).Select(a => a.DeviceId).Distinct().Count();
            if (count > 0)
            {
                lines.Add(kind == TeacherActionKind.Blank
                    ? $"{count} {(count == 1 ? "screen" : "screens")} {some}"
                    : $"{count} {(count == 1 ? "device" : "devices")} {some}");
            }
        }

        return lines;
    }

    private SafeguardingSection Safeguarding(SchoolOverview o)
    {
        var devices = o.Devices.ToDictionary(d => d.Id);
        var rooms = o.Rooms.ToDictionary(r => r.Id, r => r.Name);
        var today = clock.Local(o.ReadAt).Date;
        var open = o.OpenAlerts.Where(a => a.Kind != AlertKind.Appliance).ToList(); // the appliance's own alerts are the technician's
        var lines = open.Take(MaxAlertLines).Select(a =>
        {
            var device = a.DeviceId is { } id && devices.TryGetValue(id, out var d) ? d : null;
            var local = clock.Local(a.At);
            var when = (local.Date == today ? "Today " : local.ToString("ddd d MMM ", English)) + local.ToString("HH:mm", English);
            return new AlertLine(
                device is null ? "A device no longer in the inventory" : RoomSnapshotReader.NameOf(device),
                device?.RoomId is { } r && rooms.TryGetValue(r, out var name) ? name : "No room",
                KindWords(a.Kind),
                LiveText.Category(a.Category),
                a.Domain ?? string.Empty,
                when);
        }).ToList();
        var byKind = open.GroupBy(a => a.Kind).OrderBy(g => g.Key).Select(g => new KindCount(KindWords(g.Key), g.Count())).ToList();
        return new SafeguardingSection(open.Count, byKind, lines);
    }

    private static string SpoolText(ServiceReport r)
        => r["spool_points"] is > 0 and var waiting ? $" {N(waiting)} points wait in its spool." : string.Empty;

    private static string N(long? value) => (value ?? 0).ToString("N0", English);

    private static string Size(long bytes) => bytes switch
    {
        >= 1L << 40 => (bytes / (double)(1L << 40)).ToString("0.0", English) + " TB",
        >= 1L << 30 => (bytes / (double)(1L << 30)).ToString("0.0", English) + " GB",
        _ => (bytes / (double)(1L << 20)).ToString("0", English) + " MB",
    };
}

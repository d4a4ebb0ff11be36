using System.Globalization;
using ClassroomGuard.Console.Classroom;
using ClassroomGuard.Console.Safeguarding.Alerts;
using ClassroomGuard.Storage.State;
using ClassroomGuard.Storage.TimeSeries;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Reports.Weekly;

/// <summary>
/// Reads the technicians' weekly traffic report for a site and an ISO week, with the week before beside it
/// (docs/reports.md, "Weekly data"). Traffic, DNS, blocks and health come from InfluxDB's hourly rollups
/// (<c>rollup_1h</c>: the generic <c>sum_&lt;field&gt;</c> sums; and the report rollup <c>report_top</c>, in its own
/// shorter retention policy), never from raw
/// points, through <see cref="InfluxReader.StreamAsync"/>: the answers are aggregated as their chunks arrive, so the
/// report holds per-device and per-hour sums, never the week's points. Names, rooms, new devices, alerts and incidents
/// come from the state database.
/// </summary>
/// <remarks>
/// A site (<c>siteId</c>) means its rooms: traffic, DNS and blocks tagged with one of them, devices now in one of them
/// (new devices), alerts and incidents recorded in one of them. Devices with no room, addresses not yet known as devices
/// and alerts with no room count only in the whole appliance's report (<c>siteId</c> null), under "No room". Health is the
/// appliance's in both.
/// </remarks>
public sealed class WeeklyReportReader(
    StateStore store,
    InfluxReader influx,
    IOptions<InfluxOptions> influxOptions,
    IOptions<StateOptions> stateOptions,
    IOptions<ReportOptions> reportOptions,
    AlertSeverities severities,
    TimeProvider time,
    ILogger<WeeklyReportReader> logger)
{
    /// <summary>Devices in the top devices list.</summary>
    public const int TopDevices = 10;

    /// <summary>Entries in the top sites and top blocked domains lists.</summary>
    public const int TopEntries = 10;

    /// <summary>An hour with fewer reported minutes than this counts as a gap in a service's reporting.</summary>
    public const int GapMinutes = 30;

    /// <summary>The kind of a circumvention alert that names none.</summary>
    private const string NoKind = "circumvention";

    /// <summary>The room key of "No room" in the sums (never a room id).</summary>
    private const long NoRoom = 0;

    /// <summary>Rows per chunk of the streamed answers.</summary>
    public const int ChunkSize = 5_000;

    /// <summary>The components whose health the report shows, with their names.</summary>
    public static readonly IReadOnlyList<(string Key, string Label)> Components = [("dnsfilter", "DNS filter"), ("sniffer", "Traffic monitor (sniffer)")];

    /// <summary>The report for <paramref name="week"/> on <paramref name="siteId"/> (null: the whole appliance).</summary>
    /// <exception cref="ArgumentException">There is no site <paramref name="siteId"/>.</exception>
    /// <exception cref="InfluxException">InfluxDB could not be read (the message says why).</exception>
    public async Task<WeeklyReport> ReadAsync(long? siteId, IsoWeek week, CancellationToken cancellationToken)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(stateOptions.Value.TimeZone);
        var period = ReportPeriod.OfWeek(week, zone);
        var previousPeriod = ReportPeriod.OfWeek(week.Previous, zone);
        var now = time.GetUtcNow();

        Site? site = null;
        if (siteId is { } id)
        {
            site = (await store.Sites.ListSitesAsync(cancellationToken)).FirstOrDefault(s => s.Id == id)
                ?? throw new ArgumentException($"There is no site with id {id}.", nameof(siteId));
        }

        var allRooms = (await store.Sites.ListRoomsAsync(null, cancellationToken)).ToDictionary(r => r.Id);
        var siteRooms = siteId is null ? null : allRooms.Values.Where(r => r.SiteId == siteId).Select(r => r.Id).ToHashSet();
        var devices = (await store.Devices.ListAsync(null, cancellationToken)).ToDictionary(d => d.Id);
        var categories = (await store.Policy.ListCategoriesAsync(cancellationToken)).ToDictionary(c => c.Key, c => c.Name, StringComparer.Ordinal);
        var groups = (await store.Policy.ListGroupsAsync(cancellationToken)).ToDictionary(g => g.Group.Key, g => g.Group.Name, StringComparer.Ordinal);

        var current = new WeekFigures(period, zone, now);
        var previous = new WeekFigures(previousPeriod, zone, now);
        await ReadSeriesAsync([current, previous], siteRooms, cancellationToken);

        string RoomName(long? roomId) => roomId is { } r ? allRooms.TryGetValue(r, out var room) ? room.Name : "A room no longer in the list" : "No room";
        string DeviceName(long deviceId) => devices.TryGetValue(deviceId, out var d) ? RoomSnapshotReader.NameOf(d) : "A device no longer in the inventory";
        string? DeviceRoom(long deviceId) => devices.TryGetValue(deviceId, out var d) && d.RoomId is { } r && allRooms.TryGetValue(r, out var room) ? room.Name : null;
        bool InSite(long? roomId) => siteRooms is null || (roomId is { } r && siteRooms.Contains(r));

        // New devices: first seen in the week (a site: now in one of its rooms).
        bool IsNew(Device d, ReportPeriod p) => d.FirstSeen >= p.Start && d.FirstSeen < p.End && InSite(d.RoomId);
        var newDevices = devices.Values.Where(d => IsNew(d, period)).OrderBy(d => d.FirstSeen).ThenBy(d => d.Id)
            .Select(d => new NewDevice(d.Id, RoomSnapshotReader.NameOf(d), d.RoomId is { } r && allRooms.TryGetValue(r, out var room) ? room.Name : null, d.FirstSeen))
            .ToList();
        var newBefore = devices.Values.Count(d => IsNew(d, previousPeriod));

        // Rooms: the site's (or every) room, and "No room" for the whole appliance when anything had none.
        var roomKeys = (siteRooms ?? [.. allRooms.Keys]).Select(r => (long?)r).ToHashSet();
        foreach (var key in current.Rooms.Keys.Concat(previous.Rooms.Keys))
        {
            roomKeys.Add(key == NoRoom ? null : key);
        }

        var rooms = roomKeys
            .Select(r => new RoomTraffic(
                r, RoomName(r),
                new Compared(current.RoomOf(r).Bytes, previous.RoomOf(r).Bytes),
                new Compared(current.RoomOf(r).Queries, previous.RoomOf(r).Queries),
                new Compared(current.RoomOf(r).Blocks, previous.RoomOf(r).Blocks),
                current.RoomOf(r).Devices.Count))
            .OrderByDescending(r => r.Bytes.This).ThenByDescending(r => r.Queries.This).ThenBy(r => r.Name, StringComparer.CurrentCultureIgnoreCase)
            .ToList();

        // Busiest by traffic: a device with no bytes (no sniffer, or DNS only) is not among them, whatever its queries.
        var topDevices = current.Devices
            .Where(d => d.Value.BytesIn + d.Value.BytesOut > 0)
            .OrderByDescending(d => d.Value.BytesIn + d.Value.BytesOut).ThenByDescending(d => d.Value.Queries).ThenBy(d => d.Key)
            .Take(TopDevices)
            .Select(d => new DeviceTraffic(d.Key, DeviceName(d.Key), DeviceRoom(d.Key), d.Value.BytesIn, d.Value.BytesOut, d.Value.Queries, d.Value.Blocks))
            .ToList();

        string CategoryName(string key) => AlertWords.Category(key, categories);
        var topSites = Top(current.Domains, previous.Domains, TopEntries, k => k);
        var topSitesByTraffic = Top(current.Sites, previous.Sites, TopEntries, k => k);
        var topBlocked = Top(current.Blocked, previous.Blocked, TopEntries,
            k => current.BlockedCategory.TryGetValue(k, out var c) ? $"{k} ({CategoryName(c)})" : k);
        var byCategory = Top(current.Categories, previous.Categories, int.MaxValue, CategoryName);
        var byGroup = Top(current.Groups, previous.Groups, int.MaxValue, k => AlertWords.Category(k, groups));
        var perDay = Enumerable.Range(0, period.Days)
            .Select(i => period.First.AddDays(i))
            .Select(day => new DayCategoryBlocks(day, current.PerDay.TryGetValue(day, out var c) ? c : new Dictionary<string, long>(StringComparer.Ordinal)))
            .ToList();

        // Alerts, incidents, circumvention: the state's, in the site's rooms.
        // Alerts are counted per severity by the state's counting query; only circumvention alerts are loaded (for the by-device table).
        var alertsBySeverity = await AlertsBySeverityAsync(period, previousPeriod, siteRooms, cancellationToken);
        var incidents = (await store.Incidents.ListAsync(previousPeriod.Start, period.End, cancellationToken)).Where(i => InSite(i.RoomId)).ToList();
        bool This(DateTimeOffset at) => at >= period.Start;
        var incidentsBySeverity = BySeverity(incidents.Select(i => (This(i.OccurredAt), IncidentSeverity(i))));
        var circumventionAlerts = (await store.Alerts.ListAsync(previousPeriod.Start, period.End, AlertKind.Circumvention, cancellationToken)).Where(a => InSite(a.RoomId)).ToList();
        var circumvention = circumventionAlerts.Where(a => This(a.At))
            .GroupBy(a => (Kind: a.Category ?? NoKind, a.DeviceId, Address: a.DeviceId is null ? AlertRepository.ClientOf(a.Evidence) : null))
            .Select(g => new CircumventionCount(
                g.Key.Kind, g.Key.Kind == NoKind ? "Proxy, VPN or other way round the filter" : CategoryName(g.Key.Kind), g.Key.DeviceId,
                g.Key.DeviceId is { } d ? DeviceName(d) : g.Key.Address is { } ip ? "Device at " + ip : "An unknown device",
                g.Sum(a => (long)a.Count)))
            .OrderByDescending(c => c.Attempts).ThenBy(c => c.KindLabel, StringComparer.Ordinal).ThenBy(c => c.DeviceName, StringComparer.CurrentCultureIgnoreCase)
            .ToList();

        var health = Components
            .Select(c => new ComponentHealth(
                c.Key, c.Label, current.Uptime(c.Key), previous.Uptime(c.Key),
                current.HealthOf(c.Key).CaptureDrops, current.HealthOf(c.Key).PointsDropped, current.HealthOf(c.Key).PeakSpool,
                current.MeasuredSpan(c.Key), current.HealthOf(c.Key).PeakSpoolExact, previous.MeasuredSpan(c.Key)))
            .ToList();

        var headlines = new WeeklyHeadlines(
            new Compared(current.DevicesSeen.Count, previous.DevicesSeen.Count),
            new Compared(newDevices.Count, newBefore),
            new Compared(current.Bytes, previous.Bytes),
            new Compared(current.Queries, previous.Queries),
            new Compared(current.Blocks, previous.Blocks),
            new Compared(circumventionAlerts.Where(a => This(a.At)).Sum(a => (long)a.Count), circumventionAlerts.Where(a => !This(a.At)).Sum(a => (long)a.Count)),
            new Compared(alertsBySeverity.Sum(a => a.Count.This), alertsBySeverity.Sum(a => a.Count.Previous)),
            new Compared(incidents.Count(i => This(i.OccurredAt)), incidents.Count(i => !This(i.OccurredAt))));

        var report = new WeeklyReport(
            site?.Name ?? reportOptions.Value.SchoolName ?? "All sites",
            siteId,
            week,
            period,
            previousPeriod,
            now,
            headlines,
            newDevices,
            rooms,
            topDevices,
            topSites,
            byCategory,
            byGroup,
            topBlocked,
            perDay,
            circumvention,
            alertsBySeverity,
            incidentsBySeverity,
            health,
            new ActivityHeatMap(current.Heat),
            Gaps(current, previous, now, zone, influxOptions.Value),
            topSitesByTraffic);
        WeeklyReportLog.Read(logger, week.ToString(), siteId, current.Rows + previous.Rows);
        return report;
    }

    private async Task<List<NamedCount>> AlertsBySeverityAsync(ReportPeriod period, ReportPeriod previous, HashSet<long>? siteRooms, CancellationToken cancellationToken)
    {
        var rows = new List<NamedCount>();
        foreach (var severity in Enum.GetValues<AlertSeverity>())
        {
            var (include, exclude) = severities.Filter(severity);
            var now = await store.Alerts.CountAsync(new AlertQuery(Include: include, Exclude: exclude, From: period.Start, To: period.End, RoomIds: siteRooms), cancellationToken);
            var then = await store.Alerts.CountAsync(new AlertQuery(Include: include, Exclude: exclude, From: previous.Start, To: previous.End, RoomIds: siteRooms), cancellationToken);
            if (now > 0 || then > 0)
            {
                rows.Add(new NamedCount(AlertSeverities.Word(severity).ToLowerInvariant(), AlertSeverities.Word(severity), new Compared(now, then)));
            }
        }

        return rows;
    }

    /// <summary>The severity of an incident: that of an alert of its category (an incident has no kind of its own).</summary>
    private AlertSeverity IncidentSeverity(Incident incident) => severities.Of(AlertKind.Other, incident.Category);

    private async Task ReadSeriesAsync(WeekFigures[] weeks, HashSet<long>? siteRooms, CancellationToken cancellationToken)
    {
        var o = influxOptions.Value;
        string From(string measurement) =>
            $"{InfluxQl.QuoteIdentifier(o.Database)}.{InfluxQl.QuoteIdentifier(measurement == Measurements.ReportTop ? InfluxOptions.ReportTopPolicyName : InfluxOptions.HourPolicyName)}.{InfluxQl.QuoteIdentifier(measurement)}";
        var rooms = siteRooms is null ? string.Empty
            : siteRooms.Count == 0 ? " AND \"room\" = '0'" // no room has id 0: a site without rooms has no traffic
            : " AND \"room\" =~ /^(?:" + string.Join('|', siteRooms.Order().Select(r => r.ToString(CultureInfo.InvariantCulture))) + ")$/"; // ids are digits

        // Statements per week, in this order; a series's StatementId says which week and which statement it answers.
        const int PerWeek = 8;
        var statements = new List<string>();
        foreach (var w in weeks)
        {
            var range = $"time >= {InfluxQl.Time(w.Period.Start)} AND time < {InfluxQl.Time(w.Period.End)}";
            statements.Add($"SELECT sum(\"sum_bytes_in\") AS \"in\", sum(\"sum_bytes_out\") AS \"out\" FROM {From(Measurements.NetActivity)} WHERE {range}{rooms} GROUP BY \"device\", \"room\"");
            statements.Add($"SELECT sum(\"sum_queries\") AS \"queries\", sum(\"sum_blocked\") AS \"blocked\" FROM {From(Measurements.DnsActivity)} WHERE {range}{rooms} GROUP BY \"device\", \"room\"");
            statements.Add($"SELECT sum(\"sum_queries\") AS \"queries\" FROM {From(Measurements.DnsActivity)} WHERE {range}{rooms} GROUP BY time(1h) fill(none)");
            statements.Add($"SELECT sum(/^sum_blocked_/) FROM {From(Measurements.DnsCategories)} WHERE {range}{rooms} GROUP BY time(1h) fill(none)");
            statements.Add(
                $"SELECT sum(\"sum_reporting_minutes\") AS \"minutes\", sum(\"sum_dropped\") AS \"dropped\", sum(\"sum_if_dropped\") AS \"if_dropped\", "
                + $"sum(\"sum_points_dropped\") AS \"points_dropped\", sum(\"sum_spool_points\") AS \"spool\" FROM {From(Measurements.ServiceHealth)} WHERE time >= {InfluxQl.Time(w.Period.Start)} AND time < {InfluxQl.Time(w.Until)} "
                + "GROUP BY time(1h), \"component\" fill(none)");
            statements.Add($"SELECT \"name\", \"count\", \"category\" FROM {From(Measurements.ReportTop)} WHERE {range} AND \"list\" <> {InfluxQl.QuoteString(ReportRollup.DoneList)}{rooms} GROUP BY \"list\"");
            statements.Add($"SELECT count(\"count\") AS \"hours\" FROM {From(Measurements.ReportTop)} WHERE {range} AND \"list\" = {InfluxQl.QuoteString(ReportRollup.DoneList)}");

            // The spool's true peak from raw (a gauge: the hourly rollup holds only its sum), for the part of the week raw still holds.
            statements.Add(
                $"SELECT max(\"spool_points\") AS \"peak\" FROM {InfluxQl.QuoteIdentifier(o.Database)}.{InfluxQl.QuoteIdentifier(InfluxOptions.RawPolicyName)}.{InfluxQl.QuoteIdentifier(Measurements.ServiceHealth)} "
                + $"WHERE {range} GROUP BY \"component\"");
        }

        await foreach (var series in influx.StreamAsync(string.Join("; ", statements), ChunkSize, cancellationToken))
        {
            var week = weeks[series.StatementId / PerWeek];
            week.Rows += series.Rows.Count;
            switch (series.StatementId % PerWeek)
            {
                case 0:
                    week.AddTraffic(series);
                    break;
                case 1:
                    week.AddDns(series);
                    break;
                case 2:
                    week.AddHeat(series);
                    break;
                case 3:
                    week.AddCategories(series);
                    break;
                case 4:
                    week.AddHealth(series);
                    break;
                case 5:
                    week.AddTop(series);
                    break;
                case 6:
                    week.AddRolledUpHours(series);
                    break;
                default:
                    week.AddRawPeak(series, week.Period.Start >= time.GetUtcNow() - o.RawRetention);
                    break;
            }
        }
    }

    private static List<NamedCount> Top(Dictionary<string, long> current, Dictionary<string, long> previous, int count, Func<string, string> label) =>
        current.Where(p => p.Value > 0).OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(count)
            .Concat(count == int.MaxValue ? previous.Where(p => p.Value > 0 && !current.ContainsKey(p.Key)).OrderBy(p => p.Key, StringComparer.Ordinal) : [])
            .Select(p => new NamedCount(p.Key, label(p.Key), new Compared(current.GetValueOrDefault(p.Key), previous.GetValueOrDefault(p.Key))))
            .ToList();

    private static List<NamedCount> BySeverity(IEnumerable<(bool This, AlertSeverity Severity)> items)
    {
        var counts = new Dictionary<AlertSeverity, (long This, long Previous)>();
        foreach (var (isThis, severity) in items)
        {
            var c = counts.GetValueOrDefault(severity);
            counts[severity] = isThis ? (c.This + 1, c.Previous) : (c.This, c.Previous + 1);
        }

        return [.. Enum.GetValues<AlertSeverity>().Where(counts.ContainsKey)
            .Select(s => new NamedCount(AlertSeverities.Word(s).ToLowerInvariant(), AlertSeverities.Word(s), new Compared(counts[s].This, counts[s].Previous)))];
    }

    private static List<string> Gaps(WeekFigures current, WeekFigures previous, DateTimeOffset now, TimeZoneInfo zone, InfluxOptions influx)
    {
        var gaps = new List<string>();
        var p = current.Period;
        var until = p.End < now ? p.End : ReportRollup.HourOf(now); // complete hours only
        if (now < p.End)
        {
            gaps.Add(now <= p.Start
                ? "This week has not started yet: there is nothing to report."
                : $"The week is not over: the figures run to {TimeZoneInfo.ConvertTime(until, zone).ToString("dddd HH:mm", CultureInfo.InvariantCulture)}.");
        }

        if (p.Start < now - influx.HourRollupRetention)
        {
            // The hourly figures have been deleted: saying the services "did not report" would give the wrong reason.
            gaps.Add(string.Create(CultureInfo.InvariantCulture,
                $"This week's traffic, DNS, blocks and health figures have been deleted: hourly figures are kept for {Days(influx.HourRollupRetention)} (the setting Influx:HourRollupRetention). New devices, alerts and incidents are still shown."));
            return gaps;
        }

        foreach (var (key, label) in Components)
        {
            var h = current.HealthOf(key);
            var who = key == "dnsfilter" ? "The DNS filter" : "The traffic monitor (sniffer)";
            var unmeasured = h.UnmeasuredHours.Count(hour => hour >= p.Start && hour < until);
            if (unmeasured > 0)
            {
                gaps.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{who}'s running time was not measured for {unmeasured} of the week's {(long)(until - p.Start).TotalHours} hours (its version did not record it yet): its uptime counts only the hours measured."));
            }

            if (h.Minutes == 0)
            {
                if (unmeasured > 0)
                {
                    continue;
                }

                if (until > p.Start)
                {
                    gaps.Add(key == "dnsfilter"
                        ? "The DNS filter did not report this week (not running, or InfluxDB could not be reached): DNS queries, blocks and the activity heat map may be missing."
                        : "Traffic is not measured: no sniffer reported this week, so traffic per room, top devices by volume and top sites by traffic are empty.");
                }

                continue;
            }

            var missing = new List<(DateTimeOffset From, DateTimeOffset To)>();
            for (var hour = p.Start; hour < until; hour = hour.AddHours(1))
            {
                if (h.HourMinutes.GetValueOrDefault(hour) >= GapMinutes || h.UnmeasuredHours.Contains(hour))
                {
                    continue;
                }

                if (missing.Count > 0 && missing[^1].To == hour)
                {
                    missing[^1] = (missing[^1].From, hour.AddHours(1));
                }
                else
                {
                    missing.Add((hour, hour.AddHours(1)));
                }
            }

            foreach (var (from, to) in missing.Take(5))
            {
                var a = TimeZoneInfo.ConvertTime(from, zone);
                var b = TimeZoneInfo.ConvertTime(to, zone);
                gaps.Add(a.Date == b.Date || (b.TimeOfDay == TimeSpan.Zero && b.Date == a.Date.AddDays(1))
                    ? string.Create(CultureInfo.InvariantCulture, $"{who} did not report on {a:dddd} between {a:HH:mm} and {(b.TimeOfDay == TimeSpan.Zero ? "midnight" : b.ToString("HH:mm", CultureInfo.InvariantCulture))}{Why}.")
                    : b.TimeOfDay == TimeSpan.Zero
                        ? string.Create(CultureInfo.InvariantCulture, $"{who} did not report from {a:dddd HH:mm} to the end of {b.AddDays(-1):dddd}{Why}.")
                        : string.Create(CultureInfo.InvariantCulture, $"{who} did not report from {a:dddd HH:mm} to {b:dddd HH:mm}{Why}."));
            }

            if (missing.Count > 5)
            {
                gaps.Add(string.Create(CultureInfo.InvariantCulture, $"{who} also did not report at {missing.Count - 5} other times this week."));
            }
        }

        var expected = (long)Math.Max(0, (until - p.Start).TotalHours);
        if (p.Start < now - influx.ReportTopRetention)
        {
            gaps.Add(string.Create(CultureInfo.InvariantCulture,
                $"Top sites, top blocked domains and blocks by group have expired for this week: they are kept for {Days(influx.ReportTopRetention)} (the setting Influx:ReportTopRetention)."));
        }
        else if (expected > 0 && current.RolledUpHours < expected && (current.Queries > 0 || current.Bytes > 0))
        {
            gaps.Add(string.Create(CultureInfo.InvariantCulture,
                $"Top sites, top blocked domains and blocks by group are missing for {expected - current.RolledUpHours} of the week's {expected} hours (the hourly report summary had not been made for them)."));
        }

        if (previous.Queries == 0 && previous.Bytes == 0 && previous.HealthOf("dnsfilter").Minutes == 0)
        {
            gaps.Add("Nothing was recorded the week before, so there is nothing to compare with.");
        }

        return gaps;
    }

    /// <summary>Why a service may not have reported: its points come through InfluxDB, so an outage of either looks the same.</summary>
    private const string Why = " (not running, or InfluxDB could not be reached)";

    private static string Days(TimeSpan span) => span.TotalDays >= 1 && span.Ticks % TimeSpan.TicksPerDay == 0
        ? string.Create(CultureInfo.InvariantCulture, $"{(long)span.TotalDays} days")
        : string.Create(CultureInfo.InvariantCulture, $"{(long)span.TotalHours} hours");


    /// <summary>One week's sums, filled from the streamed series.</summary>
    private sealed class WeekFigures(ReportPeriod period, TimeZoneInfo zone, DateTimeOffset now)
    {
        public ReportPeriod Period => period;

        /// <summary>The end of the week's complete hours: the week's end, or the start of the current hour while it runs.</summary>
        public DateTimeOffset Until => period.End < now ? period.End : ReportRollup.HourOf(now) < period.Start ? period.Start : ReportRollup.HourOf(now);

        public long Rows { get; set; }

        public long Bytes { get; private set; }

        public long Queries { get; private set; }

        public long Blocks { get; private set; }

        public long RolledUpHours { get; private set; }

        public HashSet<long> DevicesSeen { get; } = [];

        public Dictionary<long, DeviceSums> Devices { get; } = [];

        /// <summary>Sums per room id; <see cref="NoRoom"/> (0, never a room id) for none.</summary>
        public Dictionary<long, RoomSums> Rooms { get; } = [];

        public long[][] Heat { get; } = [.. Enumerable.Range(0, 7).Select(_ => new long[24])];

        public Dictionary<string, long> Categories { get; } = new(StringComparer.Ordinal);

        public Dictionary<DateOnly, Dictionary<string, long>> PerDay { get; } = [];

        public Dictionary<string, long> Sites { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, long> Domains { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, long> Blocked { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, string> BlockedCategory { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, long> Groups { get; } = new(StringComparer.Ordinal);

        private Dictionary<string, HealthSums> Health { get; } = new(StringComparer.Ordinal);

        /// <summary>A room's sums; null (and a room tag that is no room id) is "No room".</summary>
        public RoomSums RoomOf(long? room) => Rooms.GetValueOrDefault(room ?? NoRoom) ?? RoomSums.Empty;

        public HealthSums HealthOf(string component) => Health.GetValueOrDefault(component) ?? HealthSums.Empty;

        /// <summary>
        /// The span a service's uptime is measured over: the week's complete hours so far (the week in progress is not
        /// counted as down for the days still to come), less the hours before the service measured its running time.
        /// </summary>
        public TimeSpan MeasuredSpan(string component)
        {
            var span = Until - period.Start - TimeSpan.FromHours(HealthOf(component).UnmeasuredHours.Count(h => h >= period.Start && h < Until));
            return span < TimeSpan.Zero ? TimeSpan.Zero : span;
        }

        public double Uptime(string component)
        {
            var minutes = MeasuredSpan(component).TotalMinutes;
            return minutes <= 0 ? 0 : Math.Min(100, Math.Round(HealthOf(component).Minutes * 100.0 / minutes, 2));
        }

        public void AddTraffic(InfluxSeries series)
        {
            var (device, room) = Identify(series);
            int i = series.ColumnIndex("in"), o = series.ColumnIndex("out");
            foreach (var row in series.Rows)
            {
                long bytesIn = Long(row, i), bytesOut = Long(row, o);
                Bytes += bytesIn + bytesOut;
                Room(room).Bytes += bytesIn + bytesOut;
                if (device is { } d)
                {
                    var sums = Device(d);
                    sums.BytesIn += bytesIn;
                    sums.BytesOut += bytesOut;
                    Seen(d, room);
                }
            }
        }

        public void AddDns(InfluxSeries series)
        {
            var (device, room) = Identify(series);
            int q = series.ColumnIndex("queries"), b = series.ColumnIndex("blocked");
            foreach (var row in series.Rows)
            {
                long queries = Long(row, q), blocked = Long(row, b);
                Queries += queries;
                Blocks += blocked;
                Room(room).Queries += queries;
                Room(room).Blocks += blocked;
                if (device is { } d)
                {
                    var sums = Device(d);
                    sums.Queries += queries;
                    sums.Blocks += blocked;
                    Seen(d, room);
                }
            }
        }

        public void AddHeat(InfluxSeries series)
        {
            var q = series.ColumnIndex("queries");
            foreach (var row in series.Rows)
            {
                var local = TimeZoneInfo.ConvertTime(row[0].AsTime(), zone);
                Heat[((int)local.DayOfWeek + 6) % 7][local.Hour] += Long(row, q);
            }
        }

        public void AddCategories(InfluxSeries series)
        {
            const string Prefix = "sum_sum_blocked_";
            foreach (var row in series.Rows)
            {
                var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(row[0].AsTime(), zone).DateTime);
                for (var c = 1; c < series.Columns.Count; c++)
                {
                    var blocks = Long(row, c);
                    if (blocks == 0 || !series.Columns[c].StartsWith(Prefix, StringComparison.Ordinal))
                    {
                        continue;
                    }

                    var key = series.Columns[c][Prefix.Length..];
                    Categories[key] = Categories.GetValueOrDefault(key) + blocks;
                    if (!PerDay.TryGetValue(day, out var perDay))
                    {
                        PerDay[day] = perDay = new Dictionary<string, long>(StringComparer.Ordinal);
                    }

                    perDay[key] = perDay.GetValueOrDefault(key) + blocks;
                }
            }
        }

        public void AddHealth(InfluxSeries series)
        {
            var component = series.Tags.GetValueOrDefault("component") ?? string.Empty;
            if (!Health.TryGetValue(component, out var h))
            {
                Health[component] = h = new HealthSums();
            }

            int m = series.ColumnIndex("minutes"), d = series.ColumnIndex("dropped"), i = series.ColumnIndex("if_dropped"),
                p = series.ColumnIndex("points_dropped"), s = series.ColumnIndex("spool");
            foreach (var row in series.Rows)
            {
                if ((m < 0 || row[m].IsNull) && row.Skip(1).Any(v => !v.IsNull))
                {
                    // Health sums without reporting minutes: written before the service measured its running time.
                    h.UnmeasuredHours.Add(row[0].AsTime());
                }

                var minutes = Long(row, m);
                h.Minutes += minutes;
                h.HourMinutes[row[0].AsTime()] = h.HourMinutes.GetValueOrDefault(row[0].AsTime()) + minutes;
                h.CaptureDrops += Long(row, d) + Long(row, i);
                h.PointsDropped += Long(row, p);
                if (minutes > 0)
                {
                    h.PeakSpool = Math.Max(h.PeakSpool, (long)Math.Round((double)Long(row, s) / minutes));
                }
            }
        }

        /// <summary>The spool's peak from raw; <paramref name="wholeWeek"/>: raw holds the whole week, so it is exact.</summary>
        public void AddRawPeak(InfluxSeries series, bool wholeWeek)
        {
            var component = series.Tags.GetValueOrDefault("component") ?? string.Empty;
            if (!Health.TryGetValue(component, out var h))
            {
                Health[component] = h = new HealthSums();
            }

            var p = series.ColumnIndex("peak");
            foreach (var row in series.Rows)
            {
                h.PeakSpool = wholeWeek ? Long(row, p) : Math.Max(h.PeakSpool, Long(row, p));
                h.PeakSpoolExact = wholeWeek;
            }
        }

        public void AddTop(InfluxSeries series)
        {
            var list = series.Tags.GetValueOrDefault("list");
            var into = list switch
            {
                ReportRollup.SitesList => Sites,
                ReportRollup.DomainsList => Domains,
                ReportRollup.BlockedList => Blocked,
                ReportRollup.GroupsList => Groups,
                _ => null,
            };
            if (into is null)
            {
                return;
            }

            int n = series.ColumnIndex("name"), c = series.ColumnIndex("count"), k = series.ColumnIndex("category");
            foreach (var row in series.Rows)
            {
                if (n < 0 || row[n].Kind != InfluxValueKind.String)
                {
                    continue;
                }

                var name = row[n].AsString();
                into[name] = into.GetValueOrDefault(name) + Long(row, c);
                if (into == Blocked && k >= 0 && row[k].Kind == InfluxValueKind.String)
                {
                    BlockedCategory.TryAdd(name, row[k].AsString());
                }
            }
        }

        public void AddRolledUpHours(InfluxSeries series)
        {
            var h = series.ColumnIndex("hours");
            foreach (var row in series.Rows)
            {
                RolledUpHours += Long(row, h);
            }
        }

        private static (long? Device, long? Room) Identify(InfluxSeries series)
        {
            long? device = long.TryParse(series.Tags.GetValueOrDefault("device"), NumberStyles.None, CultureInfo.InvariantCulture, out var d) ? d : null;
            var roomTag = series.Tags.GetValueOrDefault("room");
            long? room = long.TryParse(roomTag, NumberStyles.None, CultureInfo.InvariantCulture, out var r) && r != NoRoom ? r : null;
            return (device, room);
        }

        private void Seen(long device, long? room)
        {
            DevicesSeen.Add(device);
            Room(room).Devices.Add(device);
        }

        private DeviceSums Device(long id)
        {
            if (!Devices.TryGetValue(id, out var sums))
            {
                Devices[id] = sums = new DeviceSums();
            }

            return sums;
        }

        private RoomSums Room(long? id)
        {
            if (!Rooms.TryGetValue(id ?? NoRoom, out var sums))
            {
                Rooms[id ?? NoRoom] = sums = new RoomSums();
            }

            return sums;
        }

        private static long Long(InfluxValue[] row, int column) =>
            column < 0 ? 0 : row[column].Kind switch
            {
                InfluxValueKind.Integer => row[column].AsInt64(),
                InfluxValueKind.Float => (long)Math.Round(row[column].AsDouble()),
                _ => 0,
            };
    }

    private sealed class DeviceSums
    {
        public long BytesIn { get; set; }

        public long BytesOut { get; set; }

        public long Queries { get; set; }

        public long Blocks { get; set; }
    }

    private sealed class RoomSums
    {
        public static readonly RoomSums Empty = new();

        public long Bytes { get; set; }

        public long Queries { get; set; }

        public long Blocks { get; set; }

        public HashSet<long> Devices { get; } = [];
    }

    private sealed class HealthSums
    {
        public static readonly HealthSums Empty = new();

        public long Minutes { get; set; }

        public long CaptureDrops { get; set; }

        public long PointsDropped { get; set; }

        public long PeakSpool { get; set; }

        public bool PeakSpoolExact { get; set; }

        public Dictionary<DateTimeOffset, long> HourMinutes { get; } = [];

        /// <summary>Hours with health sums but no <c>reporting_minutes</c>: written before the service measured its running time.</summary>
        public HashSet<DateTimeOffset> UnmeasuredHours { get; } = [];
    }
}

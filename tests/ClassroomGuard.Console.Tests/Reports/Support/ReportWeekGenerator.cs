// The weekly report's test data (issue #14): one self-contained file, linked by other test projects and the benchmark
// (<Compile Include="…/Reports/Support/ReportWeekGenerator.cs" Link="…" />). It needs only ClassroomGuard.Console and
// ClassroomGuard.Storage.
//
// What it writes, and through what:
// - SQLite state through the StateStore's own repositories: sites, rooms, devices (hostnames, MACs, addresses, pupils'
//   names from the agent, first seen long ago or during either week, some with no room), a safeguarding lead, alerts of
//   every severity (danger, caution, advisory, appliance) and circumvention alerts of several kinds with repeats that the
//   store folds into one alert (their count is the attempts), and incidents.
// - service_health through the real ServiceHealthReporter (storage), driven minute by minute with a chosen time
//   (Report(at)), one InfluxWriter per service as on the appliance, with a health source of the generator's own: the
//   reporter writes reporting_minutes, points_dropped (made real: an invalid point offered to that service's writer) and
//   the sniffer's dropped/if_dropped deltas.
// - dns_activity, dns_categories, dns_blocks and net_activity through InfluxWriter/PointBuilder, exactly as
//   docs/dns-policy.md ("Events") and docs/timeseries.md (net_activity contract) define them, one point per device per
//   active minute (the rollups' sums are the same as for per-second points). Not through dnsfilter's DnsActivity or the
//   sniffer's NetActivityFlusher: DnsActivity counts one DNS query at a time against a CompiledPolicy (compiled block
//   lists, wire-format names, a PolicyClient per query) and NetActivityFlusher flushes what packet capture accounted, so
//   driving them for a week of 1,000 devices (tens of millions of queries and flows) would not fit the benchmark's
//   ~3 minutes on two cores, and linking them would make every user of this file reference the DNS filter and the
//   sniffer; their point formats are contracts checked against influxd by their own tests.
// - Then RollupBackfill over both weeks (rollup_1h and the report rollup; rollup_1m is not needed by the report and is
//   left out for speed).
//
// It keeps its own totals, computed from what it wrote (never by querying), per week and per room, so a test can check a
// site's figures too. Activity follows a school: busy Monday to Friday 08:00-16:00 (school time zone), a little in the
// evenings, almost nothing at night and at weekends. Deterministic for a seed.
using System.Globalization;
using ClassroomGuard.Console.Reports;
using ClassroomGuard.Storage.State;
using ClassroomGuard.Storage.TimeSeries;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClassroomGuard.Console.Tests.Reports.Support;

/// <summary>What <see cref="ReportWeekGenerator"/> makes.</summary>
public sealed record ReportWeekSpec
{
    /// <summary>Devices (the benchmark: 1,000).</summary>
    public int Devices { get; init; } = 120;

    /// <summary>Rooms, spread over the sites (the benchmark: 40).</summary>
    public int Rooms { get; init; } = 8;

    /// <summary>Sites.</summary>
    public int Sites { get; init; } = 2;

    /// <summary>Seed of every random choice.</summary>
    public int Seed { get; init; } = 14;

    /// <summary>The report's week; the week before it is generated too.</summary>
    public IsoWeek Week { get; init; } = new(2026, 49);

    /// <summary>The school's time zone (use the same in the state options of the reader).</summary>
    public string TimeZone { get; init; } = "Europe/London";

    /// <summary>Whether a sniffer reported (traffic, top sites, capture health). False: DNS only.</summary>
    public bool Sniffer { get; init; } = true;

    /// <summary>Whether the DNS filter was down on the report week's Tuesday from 09:00 to 11:00 (no DNS points, no health).</summary>
    public bool DnsOutage { get; init; } = true;

    /// <summary>Share of devices with no room.</summary>
    public double RoomlessShare { get; init; } = 0.05;

    /// <summary>Share of devices first seen during the report week (the same share again during the week before).</summary>
    public double NewShare { get; init; } = 0.04;

    /// <summary>Told each phase's duration ("state 1.2 s"), for benchmarks; null: nothing.</summary>
    public Action<string>? Progress { get; init; }
}

/// <summary>A generated device and its name as the console shows it (hostname, else MAC).</summary>
public sealed record GeneratedDevice(long Id, string Name, long? RoomId, string Group, DateTimeOffset FirstSeen, string Mac, string Ip);

/// <summary>
/// Writes a realistic school week and the week before it into a state database and a real influxd, then makes the hourly
/// rollups (see the file's header). Its API: <see cref="GenerateAsync"/>.
/// </summary>
public static class ReportWeekGenerator
{
    /// <summary>Room key of devices with no room in <see cref="WeekTotals"/>' per-room figures.</summary>
    public const long NoRoom = 0;

    internal static readonly string[] SitePool =
    [
        "www.bbc.co.uk", "classroom.google.com", "docs.google.com", "www.youtube.com", "login.microsoftonline.com",
        "teams.microsoft.com", "outlook.office365.com", "en.wikipedia.org", "scratch.mit.edu", "www.mathsisfun.com",
        "kahoot.it", "www.duolingo.com", "www.spotify.com", "www.instagram.com", "www.sparxmaths.uk",
        "www.senecalearning.com", "quizlet.com", "www.canva.com", "www.tiktok.com", "www.oaknational.academy",
    ];

    internal static readonly (string Domain, string Category)[] BlockedPool =
    [
        ("poki.com", "games"), ("coolmathgames.com", "games"), ("krunker.io", "games"), ("discord.com", "chat"),
        ("www.snapchat.com", "social_networking"), ("www.reddit.com", "social_networking"), ("adult.example", "adult"),
        ("www.bet365.com", "gambling"), ("nordvpn.com", "circumvention"), ("hidemy.name", "circumvention"),
        ("selfharm-forum.example", "self_harm"), ("wetransfer.com", "file_sharing"), ("phish-login.example", "malware"),
        ("thepiratebay.org", "piracy"), ("tinder.com", "dating"),
    ];

    private static readonly string[] RoomGroups = ["ks3", "ks4", "ks5", "staff"];
    private static readonly string[] RoomNames = ["IT Suite", "Science Lab", "Library", "Maths", "English", "Humanities", "Art Room", "Music Room", "Staff Room", "Sixth Form Centre"];
    private static readonly string[] FirstNames = ["Amira", "Ben", "Chloe", "Dev", "Ella", "Finn", "Grace", "Harry", "Isla", "Jack", "Keira", "Leo", "Maya", "Noah", "Olivia", "Priya", "Quinn", "Ruby", "Sam", "Tom"];
    private static readonly string[] LastNames = ["Khan", "Smith", "Jones", "Patel", "Brown", "Taylor", "Wilson", "Evans", "Thomas", "Roberts"];

    /// <summary>
    /// Writes the week <paramref name="spec"/> names and the week before into <paramref name="store"/> (an empty state
    /// database) and <paramref name="database"/> on the influxd at <paramref name="influxUrl"/> (provisioned here with raw
    /// and rollup retention long enough to keep both weeks), runs the rollup backfill, and returns what it wrote with its
    /// own totals.
    /// </summary>
    public static async Task<ReportWeekData> GenerateAsync(ReportWeekSpec spec, StateStore store, Uri influxUrl, string database, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(store);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(spec.TimeZone);
        var period = ReportPeriod.OfWeek(spec.Week, zone);
        var previous = ReportPeriod.OfWeek(spec.Week.Previous, zone);
        var random = new Random(spec.Seed);
        var data = new ReportWeekData(spec, zone, period, previous, Options(influxUrl, database, previous.Start));

        var watch = System.Diagnostics.Stopwatch.StartNew();
        void Phase(string name)
        {
            spec.Progress?.Invoke(string.Create(CultureInfo.InvariantCulture, $"{name} {watch.Elapsed.TotalSeconds:F1} s"));
            watch.Restart();
        }

        await WriteStateAsync(data, store, random, cancellationToken);
        Phase("state");
        var spool = Path.Combine(Path.GetTempPath(), "cg-reportweek-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            await WriteSeriesAsync(data, random, spool, cancellationToken);
        }
        finally
        {
            if (Directory.Exists(spool))
            {
                Directory.Delete(spool, recursive: true);
            }
        }

        Phase("points");
        var options = Microsoft.Extensions.Options.Options.Create(data.Influx);
        using var connection = new InfluxConnection(options);
        var reader = new InfluxReader(connection, options);
        var backfill = new RollupBackfill(reader, new ReportRollup(connection, reader, options), options);
        await backfill.RunAsync(previous.Start, period.End, RollupScope.Hour, cancellationToken);
        Phase("hourly rollup");
        await backfill.RunAsync(previous.Start, period.End, RollupScope.Report, cancellationToken);
        Phase("report rollup");
        return data;
    }

    /// <summary>Options for <paramref name="database"/> with retention that keeps everything since <paramref name="oldest"/>.</summary>
    public static InfluxOptions Options(Uri influxUrl, string database, DateTimeOffset oldest)
    {
        var age = DateTimeOffset.UtcNow - oldest;
        var keep = TimeSpan.FromHours(Math.Ceiling(Math.Max(age.TotalHours, 0)) + 72);
        return new InfluxOptions
        {
            Url = influxUrl,
            Database = database,
            RawRetention = keep > TimeSpan.FromDays(7) ? keep : TimeSpan.FromDays(7),
            MinuteRollupRetention = keep > TimeSpan.FromDays(90) ? keep : TimeSpan.FromDays(90),
            HourRollupRetention = keep > TimeSpan.FromDays(400) ? keep : TimeSpan.FromDays(400),
            BlockRetention = keep > TimeSpan.FromDays(90) ? keep : TimeSpan.FromDays(90),
            ReportTopRetention = keep > TimeSpan.FromDays(35) ? keep : TimeSpan.FromDays(35),
            RequestTimeout = TimeSpan.FromSeconds(60),
            BatchSize = 10_000,
            MaxBufferedPoints = 1_000_000,
            FlushInterval = TimeSpan.FromMilliseconds(200),
        };
    }

    private static async Task WriteStateAsync(ReportWeekData data, StateStore store, Random random, CancellationToken ct)
    {
        var spec = data.Spec;
        for (var s = 0; s < spec.Sites; s++)
        {
            data.SiteList.Add(await store.Sites.CreateSiteAsync(s == 0 ? "Main site" : $"Site {s + 1}", ct));
        }

        for (var r = 0; r < spec.Rooms; r++)
        {
            var site = data.SiteList[r % data.SiteList.Count];
            var name = $"{RoomNames[r % RoomNames.Length]} {(r / RoomNames.Length) + 1}";
            var room = await store.Sites.CreateRoomAsync(site.Id, name, ct);
            data.RoomList.Add(room);
            data.RoomGroup[room.Id] = RoomGroups[r % RoomGroups.Length];
        }

        var (user, account) = await store.Users.CreateUserAsync("dsl", "Safeguarding Lead", [Role.SafeguardingLead], "a long enough password 14", ct);
        if (user != CreateUserOutcome.Created || account is null)
        {
            throw new InvalidOperationException("Could not create the safeguarding lead: " + user);
        }

        // Devices: hostnames (laptops, iPads), a tenth with none (the console then shows the MAC), a fifth with the agent
        // (a pupil's name); first seen long ago, or during either week.
        var observations = new List<DeviceObservation>(spec.Devices);
        var planned = new List<(string Mac, string Ip, string? Host, string? Pupil, DateTimeOffset First, Room? Room)>();
        for (var d = 0; d < spec.Devices; d++)
        {
            var mac = string.Create(CultureInfo.InvariantCulture, $"02:14:{d >> 16 & 0xff:x2}:{d >> 8 & 0xff:x2}:{d & 0xff:x2}:01");
            var ip = string.Create(CultureInfo.InvariantCulture, $"10.{14 + (d >> 16)}.{d >> 8 & 0xff}.{(d & 0xff) + 1}");
            var kind = random.Next(10);
            var host = kind == 0 ? null : string.Create(CultureInfo.InvariantCulture, $"{(kind < 4 ? "ipad" : "laptop")}-{d + 1:D4}");
            var pupil = kind >= 8 ? $"{FirstNames[random.Next(FirstNames.Length)]} {LastNames[random.Next(LastNames.Length)]}" : null;
            var draw = random.NextDouble();
            var first = draw < spec.NewShare ? SchoolTime(data.Period, data.Zone, random)
                : draw < spec.NewShare * 2 ? SchoolTime(data.PreviousPeriod, data.Zone, random)
                : data.PreviousPeriod.Start.AddDays(-30 - random.Next(300)).AddMinutes(random.Next(1440));
            var room = data.RoomList.Count == 0 || random.NextDouble() < spec.RoomlessShare ? null : data.RoomList[random.Next(data.RoomList.Count)];
            planned.Add((mac, ip, host, pupil, first, room));
            observations.Add(new DeviceObservation(first, pupil is null ? DeviceSource.Sniffer : DeviceSource.Agent, mac, ip, host, pupil));
        }

        var ids = await store.Devices.ObserveManyAsync(observations, ct);
        for (var d = 0; d < ids.Count; d++)
        {
            var p = planned[d];
            if (p.Room is { } room)
            {
                await store.Devices.SetRoomAsync(ids[d], room.Id, ct);
            }

            var group = p.Room is { } r ? data.RoomGroup[r.Id] : "guests";
            data.DeviceList.Add(new GeneratedDevice(ids[d], p.Host ?? p.Mac, p.Room?.Id, group, p.First, p.Mac, p.Ip));
        }

        foreach (var device in data.DeviceList)
        {
            foreach (var (week, p) in new[] { (false, data.Period), (true, data.PreviousPeriod) })
            {
                if (device.FirstSeen >= p.Start && device.FirstSeen < p.End)
                {
                    data.Bucket(week, device.RoomId).NewDevices.Add(device.Id);
                }
            }
        }

        // Alerts, in time order (the store folds a repeat into an earlier alert of the same device, kind, category and
        // domain raised within the hour): each primary alert unique, circumvention repeats minutes after their alert.
        var alerts = new List<(DateTimeOffset At, NewAlert Alert, bool Repeat, GeneratedDevice? Device, string Severity)>();
        var old = data.DeviceList.Where(d => d.FirstSeen < data.PreviousPeriod.Start).ToList();
        if (old.Count == 0)
        {
            old = [.. data.DeviceList];
        }

        var serial = 0;
        foreach (var (week, p, scale) in new[] { (false, data.Period, 1.0), (true, data.PreviousPeriod, 0.7) })
        {
            void Raise(AlertKind kind, string? category, string severity, int count, int repeats)
            {
                for (var i = 0; i < Math.Max(1, (int)Math.Round(count * scale)); i++)
                {
                    var device = kind == AlertKind.Appliance || old.Count == 0 ? null : old[random.Next(old.Count)];
                    var at = SchoolTime(p, data.Zone, random);
                    var domain = kind == AlertKind.Appliance ? null : $"{category}-{++serial}.example";
                    var evidence = device is null
                        ? "Block list download failed: the server answered 503; the last good lists stay in force."
                        : $"DNS query for {domain} blocked: category {category}; client {device.Ip}, MAC {device.Mac}, device {device.Id}; at {at:O}";
                    var alert = new NewAlert(kind, at, evidence, device?.Id, category, domain);
                    alerts.Add((at, alert, false, device, severity));
                    for (var k = 1; k <= repeats; k++)
                    {
                        alerts.Add((at.AddMinutes(k * 3), alert with { At = at.AddMinutes(k * 3) }, true, device, severity));
                    }
                }
            }

            Raise(AlertKind.HighRiskCategory, "self_harm", "danger", 3, 0);
            Raise(AlertKind.HighRiskCategory, "adult", "caution", 5, 0);
            Raise(AlertKind.HighRiskCategory, "games", "advisory", 4, 0);
            Raise(AlertKind.Appliance, null, "appliance", 1, 0);
            Raise(AlertKind.Circumvention, "doh", "caution", 2, 2);
            Raise(AlertKind.Circumvention, "vpn", "caution", 2, 1);
            Raise(AlertKind.Circumvention, "wireguard", "caution", 1, 3);
            Raise(AlertKind.Circumvention, "other-resolver", "caution", 1, 0);
        }

        foreach (var (at, alert, repeat, device, severity) in alerts.OrderBy(a => a.At))
        {
            await store.Alerts.RaiseAsync(alert, ct);
            var previous = at < data.Period.Start;
            var bucket = data.Bucket(previous, device?.RoomId);
            if (!repeat)
            {
                bucket.Alerts++;
                Add(bucket.AlertsBySeverity, severity, 1);
            }

            if (alert.Kind == AlertKind.Circumvention)
            {
                bucket.CircumventionAttempts++;
                var key = (alert.Category!, device?.Id);
                bucket.Circumvention[key] = bucket.Circumvention.GetValueOrDefault(key) + 1;
            }
        }

        // Incidents: danger, caution and advisory ones (severity from the category, as the alerts').
        foreach (var (week, p, count) in new[] { (false, data.Period, 3), (true, data.PreviousPeriod, 2) })
        {
            for (var i = 0; i < count; i++)
            {
                foreach (var (category, severity) in new[] { ("self_harm", "danger"), ("adult", "caution"), ((string?)null, "advisory") })
                {
                    var device = old[random.Next(old.Count)];
                    await store.Incidents.RecordAsync(
                        new NewIncident(account.Id, SchoolTime(p, data.Zone, random), "Screen blanked", device.Id, "A pupil", "https://example.org/",
                            category, RoomId: device.RoomId), ct);
                    var bucket = data.Bucket(week, device.RoomId);
                    bucket.Incidents++;
                    Add(bucket.IncidentsBySeverity, severity, 1);
                }
            }
        }
    }

    private static async Task WriteSeriesAsync(ReportWeekData data, Random random, string spool, CancellationToken ct)
    {
        var spec = data.Spec;
        await using var activity = Writer(data.Influx, Path.Combine(spool, "activity"));
        await using var dnsHealth = Writer(data.Influx, Path.Combine(spool, "dnsfilter"));
        await using var snifferHealth = Writer(data.Influx, Path.Combine(spool, "sniffer"));
        var options = Microsoft.Extensions.Options.Options.Create(data.Influx);
        using (var connection = new InfluxConnection(options))
        {
            await new InfluxProvisioner(connection, new InfluxReader(connection, options), options, NullLogger<InfluxProvisioner>.Instance).ProvisionAsync(ct);
        }

        await activity.Writer.StartAsync(ct);
        await dnsHealth.Writer.StartAsync(ct);
        await snifferHealth.Writer.StartAsync(ct);

        var outageStart = Local(data.Period.First.AddDays(1), 9, data.Zone);
        var outageEnd = Local(data.Period.First.AddDays(1), 11, data.Zone);
        bool DnsDown(DateTimeOffset t) => spec.DnsOutage && t >= outageStart && t < outageEnd;

        // Activity: hour by hour, device by device; each active device gets a few distinct minutes.
        var minutes = new int[60];
        for (var minute = 0; minute < 60; minute++)
        {
            minutes[minute] = minute;
        }

        var top = new List<(string Name, long Count)>(5);
        var blocks = new List<(string Domain, string Category, long Count)>(4);
        var sinceFlush = 0L;
        for (var hour = data.PreviousPeriod.Start; hour < data.Period.End; hour = hour.AddHours(1))
        {
            var local = TimeZoneInfo.ConvertTime(hour, data.Zone);
            var weekday = local.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);
            var (chance, perHour, blockChance) = weekday && local.Hour is >= 8 and < 16 ? (0.85, 3, 0.15)
                : weekday && local.Hour is >= 16 and < 22 ? (0.05, 1, 0.1)
                : (0.01, 1, 0.05);
            var previous = hour < data.Period.Start;
            foreach (var device in data.DeviceList)
            {
                if (random.NextDouble() >= chance)
                {
                    continue;
                }

                // A partial Fisher-Yates picks distinct minutes.
                for (var k = 0; k < perHour; k++)
                {
                    var j = k + random.Next(60 - k);
                    (minutes[k], minutes[j]) = (minutes[j], minutes[k]);
                }

                for (var k = 0; k < perHour; k++)
                {
                    var at = hour.AddMinutes(minutes[k]);
                    if (at < device.FirstSeen)
                    {
                        continue;
                    }

                    var bucket = data.Bucket(previous, device.RoomId);
                    var seen = false;
                    if (!DnsDown(at))
                    {
                        sinceFlush += WriteDns(activity.Writer, data, bucket, device, at, random, top, blocks);
                        seen = true;
                    }

                    if (spec.Sniffer)
                    {
                        sinceFlush += WriteTraffic(activity.Writer, bucket, device, at, random, top);
                        seen = true;
                    }

                    if (seen)
                    {
                        bucket.DevicesSeen.Add(device.Id);
                        bucket.RoomDevices.Add(device.Id);
                    }
                }
            }

            if (sinceFlush > 200_000)
            {
                await activity.Writer.FlushAsync(ct);
                sinceFlush = 0;
            }
        }

        // Health: the real reporter, once a minute, stamped at the end of the minute it counts.
        var dnsSource = new HealthSource("dnsfilter");
        var snifferSource = new HealthSource("sniffer");
        var dnsReporter = new ServiceHealthReporter(dnsSource, TimeProvider.System, dnsHealth.Writer);
        var snifferReporter = new ServiceHealthReporter(snifferSource, TimeProvider.System, snifferHealth.Writer);
        for (var at = data.PreviousPeriod.Start; at < data.Period.End; at = at.AddMinutes(1))
        {
            var previous = at < data.Period.Start;
            var busy = random.Next(100);
            if (!DnsDown(at))
            {
                dnsSource.Totals["queries"] = dnsSource.Totals.GetValueOrDefault("queries") + busy;
                var dropped = busy == 0 ? 1 : 0;
                if (dropped == 1)
                {
                    // A point the writer refuses (no name): counted as dropped in this minute's points_dropped.
                    Assert(!dnsHealth.Writer.TryWrite(dnsHealth.Writer.CreatePoint(string.Empty).Field("x", 1L)), "an invalid point was accepted");
                }

                Assert(dnsReporter.Report(at), "the writer refused a service_health point");
                Add(data.Health(previous).ReportingMinutes, "dnsfilter", 1);
                Add(data.Health(previous).PointsDropped, "dnsfilter", dropped);
            }

            if (spec.Sniffer)
            {
                var drops = busy >= 97 ? random.Next(1, 50) : 0;
                var ifDrops = busy == 50 ? random.Next(1, 5) : 0;
                snifferSource.Totals["packets"] = snifferSource.Totals.GetValueOrDefault("packets") + (busy * 100);
                snifferSource.Totals["dropped"] = snifferSource.Totals.GetValueOrDefault("dropped") + drops;
                snifferSource.Totals["if_dropped"] = snifferSource.Totals.GetValueOrDefault("if_dropped") + ifDrops;
                Assert(snifferReporter.Report(at), "the writer refused a service_health point");
                Add(data.Health(previous).ReportingMinutes, "sniffer", 1);
                Add(data.Health(previous).CaptureDrops, "sniffer", drops + ifDrops);
                Add(data.Health(previous).PointsDropped, "sniffer", 0);
            }
        }

        foreach (var w in new[] { activity, dnsHealth, snifferHealth })
        {
            await w.Writer.FlushAsync(ct);
            await w.Writer.StopAsync(ct);
            var stats = w.Writer.GetStatistics();
            Assert(stats.PointsDroppedByServer == 0 && stats.PointsRejectedFull == 0 && stats.SpoolPoints == 0,
                $"influxd did not take every point: {stats}");
            data.PointsWritten += stats.PointsWritten;
        }
    }

    private static int WriteDns(InfluxWriter writer, ReportWeekData data, RoomBucket bucket, GeneratedDevice device, DateTimeOffset at, Random random,
        List<(string Name, long Count)> top, List<(string Domain, string Category, long Count)> blocks)
    {
        var device_ = device.Id.ToString(CultureInfo.InvariantCulture);
        var room = device.RoomId?.ToString(CultureInfo.InvariantCulture) ?? string.Empty;
        long queries = 5 + random.Next(40);
        blocks.Clear();
        if (random.NextDouble() < 0.15)
        {
            var distinct = 1 + random.Next(3);
            for (var i = 0; i < distinct; i++)
            {
                var (domain, category) = BlockedPool[random.Next(BlockedPool.Length)];
                if (blocks.Exists(b => b.Domain == domain))
                {
                    continue;
                }

                blocks.Add((domain, category, 1 + random.Next(4)));
            }
        }

        long blocked = blocks.Sum(b => b.Count);
        queries += blocked;
        top.Clear();
        PickNames(random, top, 1 + random.Next(5), 1, 10);
        var points = 0;
        Assert(writer.TryWrite(writer.CreatePoint("dns_activity").Tag("device", device_).Tag("room", room)
            .Field("queries", queries).Field("blocked", blocked).Field("rewritten", 0L).Field("top_domains", Pairs(top)).Timestamp(at)), "dns_activity refused");
        points++;
        foreach (var (name, count) in top)
        {
            Add(bucket.Domains, name, count);
        }

        bucket.Queries += queries;
        bucket.Blocks += blocked;
        Add(bucket.QueriesByDevice, device.Id, queries);
        Add(bucket.BlocksByDevice, device.Id, blocked);
        var local = TimeZoneInfo.ConvertTime(at, data.Zone);
        bucket.HeatMap[((int)local.DayOfWeek + 6) % 7][local.Hour] += queries;
        if (blocks.Count > 0)
        {
            var categories = writer.CreatePoint("dns_categories").Tag("device", device_).Tag("room", room);
            foreach (var group in blocks.GroupBy(b => b.Category))
            {
                var sum = group.Sum(b => b.Count);
                categories = categories.Field("cat_" + group.Key, sum).Field("blocked_" + group.Key, sum);
                Add(bucket.BlocksByCategory, group.Key, sum);
                var day = DateOnly.FromDateTime(local.DateTime);
                if (!bucket.BlocksPerDay.TryGetValue(day, out var perDay))
                {
                    bucket.BlocksPerDay[day] = perDay = new Dictionary<string, long>(StringComparer.Ordinal);
                }

                Add(perDay, group.Key, sum);
            }

            Assert(writer.TryWrite(categories.Timestamp(at)), "dns_categories refused");
            points++;
            for (var n = 0; n < blocks.Count; n++)
            {
                var (domain, category, count) = blocks[n];
                Assert(writer.TryWrite(writer.CreatePoint("dns_blocks").Tag("device", device_).Tag("room", room).Tag("n", n.ToString(CultureInfo.InvariantCulture))
                    .Field("domain", domain).Field("category", category).Field("reason", "Category").Field("rule", "list:" + domain)
                    .Field("group", device.Group).Field("ip", device.Ip).Field("mac", device.Mac).Field("count", count).Timestamp(at)), "dns_blocks refused");
                points++;
                Add(bucket.BlockedDomains, domain, count);
                Add(bucket.BlocksByGroup, device.Group, count);
            }
        }

        return points;
    }

    private static int WriteTraffic(InfluxWriter writer, RoomBucket bucket, GeneratedDevice device, DateTimeOffset at, Random random, List<(string Name, long Count)> top)
    {
        long bytesIn = 20_000 + random.Next(2_000_000);
        var bytesOut = bytesIn / 10 + random.Next(5_000);
        top.Clear();
        PickNames(random, top, 1 + random.Next(5), 1_000, (int)Math.Min(int.MaxValue, (bytesIn + bytesOut) / 5));
        var point = writer.CreatePoint("net_activity").Tag("device", device.Id.ToString(CultureInfo.InvariantCulture))
            .Tag("room", device.RoomId?.ToString(CultureInfo.InvariantCulture) ?? string.Empty)
            .Field("bytes_in", bytesIn).Field("bytes_out", bytesOut).Field("packets_in", bytesIn / 1200 + 1).Field("packets_out", bytesOut / 600 + 1)
            .Field("flows_new", (long)random.Next(1, 20)).Field("top_sites", Pairs(top));
        Assert(writer.TryWrite(point.Timestamp(at)), "net_activity refused");
        bucket.Bytes += bytesIn + bytesOut;
        Add(bucket.BytesByDevice, device.Id, bytesIn + bytesOut);
        Add(bucket.BytesInByDevice, device.Id, bytesIn);
        Add(bucket.BytesOutByDevice, device.Id, bytesOut);
        foreach (var (name, count) in top)
        {
            Add(bucket.Sites, name, count);
        }

        return 1;
    }

    private static void PickNames(Random random, List<(string Name, long Count)> into, int count, int min, int max)
    {
        for (var i = 0; i < count; i++)
        {
            var name = SitePool[random.Next(SitePool.Length)];
            if (!into.Exists(t => t.Name == name))
            {
                into.Add((name, random.Next(min, Math.Max(min + 1, max))));
            }
        }

        into.Sort((a, b) => b.Count.CompareTo(a.Count));
    }

    private static string Pairs(List<(string Name, long Count)> pairs) =>
        string.Join(',', pairs.Select(p => p.Name + "=" + p.Count.ToString(CultureInfo.InvariantCulture)));

    private static DateTimeOffset SchoolTime(ReportPeriod period, TimeZoneInfo zone, Random random)
    {
        var day = period.First.AddDays(random.Next(5));
        return Local(day, 9, zone).AddMinutes(random.Next(6 * 60));
    }

    private static DateTimeOffset Local(DateOnly day, int hour, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(new TimeOnly(hour, 0), DateTimeKind.Unspecified);
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    private static OwnWriter Writer(InfluxOptions template, string spool)
    {
        var options = Microsoft.Extensions.Options.Options.Create(new InfluxOptions
        {
            Url = template.Url,
            Database = template.Database,
            SpoolDirectory = spool,
            BatchSize = template.BatchSize,
            MaxBufferedPoints = template.MaxBufferedPoints,
            FlushInterval = template.FlushInterval,
            RequestTimeout = template.RequestTimeout,
            RawRetention = template.RawRetention,
        });
        var connection = new InfluxConnection(options);
        return new OwnWriter(new InfluxWriter(connection, options, NullLogger<InfluxWriter>.Instance, TimeProvider.System), connection);
    }

    private static void Add<TKey>(Dictionary<TKey, long> into, TKey key, long count)
        where TKey : notnull => into[key] = into.GetValueOrDefault(key) + count;

    private static void Assert(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException("Report week generator: " + what);
        }
    }

    /// <summary>A writer and its connection, as each service has its own.</summary>
    private sealed class OwnWriter(InfluxWriter writer, InfluxConnection connection) : IAsyncDisposable
    {
        public InfluxWriter Writer => writer;

        public async ValueTask DisposeAsync()
        {
            await writer.DisposeAsync();
            connection.Dispose();
        }
    }

    private sealed class HealthSource(string component) : IServiceHealthSource
    {
        public Dictionary<string, long> Totals { get; } = new(StringComparer.Ordinal);

        public string Component => component;

        public void ReadTotals(IDictionary<string, long> totals)
        {
            foreach (var (key, value) in Totals)
            {
                totals[key] = value;
            }
        }
    }
}

/// <summary>What the generator wrote: the state's sites, rooms and devices, the periods, and its own totals.</summary>
public sealed class ReportWeekData
{
    private readonly Dictionary<(bool Previous, long Room), RoomBucket> buckets = [];
    private readonly HealthTotals[] health = [new(), new()];

    internal ReportWeekData(ReportWeekSpec spec, TimeZoneInfo zone, ReportPeriod period, ReportPeriod previous, InfluxOptions influx)
    {
        Spec = spec;
        Zone = zone;
        Period = period;
        PreviousPeriod = previous;
        Influx = influx;
    }

    /// <summary>What was asked for.</summary>
    public ReportWeekSpec Spec { get; }

    /// <summary>The school's time zone.</summary>
    public TimeZoneInfo Zone { get; }

    /// <summary>The report week.</summary>
    public ReportPeriod Period { get; }

    /// <summary>The week before.</summary>
    public ReportPeriod PreviousPeriod { get; }

    /// <summary>The InfluxDB options the data was written with (database, retention): give the reader the same.</summary>
    public InfluxOptions Influx { get; }

    /// <summary>Sites created.</summary>
    public IReadOnlyList<Site> Sites => SiteList;

    /// <summary>Rooms created.</summary>
    public IReadOnlyList<Room> Rooms => RoomList;

    /// <summary>Devices created, with the console's names for them.</summary>
    public IReadOnlyList<GeneratedDevice> Devices => DeviceList;

    /// <summary>Points the writers sent (activity and health).</summary>
    public long PointsWritten { get; internal set; }

    internal List<Site> SiteList { get; } = [];

    internal List<Room> RoomList { get; } = [];

    internal List<GeneratedDevice> DeviceList { get; } = [];

    internal Dictionary<long, string> RoomGroup { get; } = [];

    /// <summary>
    /// The totals of the report week (or, with <paramref name="previous"/>, the week before) for <paramref name="siteId"/>:
    /// its rooms only; null for the whole appliance (devices with no room and alerts without a device included). Health is
    /// the appliance's in both.
    /// </summary>
    public WeekTotals Totals(long? siteId, bool previous = false)
    {
        var rooms = siteId is null ? null : RoomList.Where(r => r.SiteId == siteId).Select(r => r.Id).ToHashSet();
        var totals = new WeekTotals(health[previous ? 1 : 0]);
        foreach (var ((isPrevious, room), bucket) in buckets)
        {
            if (isPrevious == previous && (rooms is null || rooms.Contains(room)))
            {
                totals.Merge(room, bucket);
            }
        }

        return totals;
    }

    internal RoomBucket Bucket(bool previous, long? roomId)
    {
        var key = (previous, roomId ?? ReportWeekGenerator.NoRoom);
        if (!buckets.TryGetValue(key, out var bucket))
        {
            buckets[key] = bucket = new RoomBucket();
        }

        return bucket;
    }

    internal HealthTotals Health(bool previous) => health[previous ? 1 : 0];
}

/// <summary>The appliance's health as the generator reported it, by component (<c>dnsfilter</c>, <c>sniffer</c>).</summary>
public sealed class HealthTotals
{
    /// <summary>service_health points written in the week (its minutes reported).</summary>
    public Dictionary<string, long> ReportingMinutes { get; } = new(StringComparer.Ordinal);

    /// <summary>Packets the capture and the interface dropped (sniffer).</summary>
    public Dictionary<string, long> CaptureDrops { get; } = new(StringComparer.Ordinal);

    /// <summary>Points the service's writer dropped.</summary>
    public Dictionary<string, long> PointsDropped { get; } = new(StringComparer.Ordinal);
}

/// <summary>One room's (or no room's) figures for one week, as written.</summary>
internal sealed class RoomBucket
{
    public HashSet<long> DevicesSeen { get; } = [];

    public HashSet<long> RoomDevices { get; } = [];

    public HashSet<long> NewDevices { get; } = [];

    public long Bytes { get; set; }

    public long Queries { get; set; }

    public long Blocks { get; set; }

    public long Alerts { get; set; }

    public long Incidents { get; set; }

    public long CircumventionAttempts { get; set; }

    public Dictionary<long, long> BytesByDevice { get; } = [];

    public Dictionary<long, long> BytesInByDevice { get; } = [];

    public Dictionary<long, long> BytesOutByDevice { get; } = [];

    public Dictionary<long, long> QueriesByDevice { get; } = [];

    public Dictionary<long, long> BlocksByDevice { get; } = [];

    public Dictionary<string, long> BlocksByCategory { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, long> BlocksByGroup { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, long> BlockedDomains { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, long> Sites { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, long> Domains { get; } = new(StringComparer.Ordinal);

    public Dictionary<DateOnly, Dictionary<string, long>> BlocksPerDay { get; } = [];

    public long[][] HeatMap { get; } = [.. Enumerable.Range(0, 7).Select(_ => new long[24])];

    public Dictionary<string, long> AlertsBySeverity { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, long> IncidentsBySeverity { get; } = new(StringComparer.Ordinal);

    public Dictionary<(string Kind, long? DeviceId), long> Circumvention { get; } = [];
}

/// <summary>A week's totals as the generator wrote them (for a site or the whole appliance).</summary>
public sealed class WeekTotals
{
    internal WeekTotals(HealthTotals health) => Health = health;

    /// <summary>Devices with any DNS or traffic point in the week.</summary>
    public HashSet<long> DevicesSeen { get; } = [];

    /// <summary>Devices first seen in the week (state's first seen).</summary>
    public HashSet<long> NewDevices { get; } = [];

    /// <summary>Bytes in + out.</summary>
    public long Bytes { get; private set; }

    /// <summary>DNS queries.</summary>
    public long Queries { get; private set; }

    /// <summary>Blocked DNS queries.</summary>
    public long Blocks { get; private set; }

    /// <summary>Alerts raised (folded repeats not counted).</summary>
    public long Alerts { get; private set; }

    /// <summary>Incidents that occurred.</summary>
    public long Incidents { get; private set; }

    /// <summary>Circumvention attempts (every raise, folded repeats included).</summary>
    public long CircumventionAttempts { get; private set; }

    /// <summary>Per room id (<see cref="ReportWeekGenerator.NoRoom"/> for none): bytes, queries, blocks, devices seen.</summary>
    public Dictionary<long, (long Bytes, long Queries, long Blocks, int Devices)> Rooms { get; } = [];

    /// <summary>Bytes (in + out) per device.</summary>
    public Dictionary<long, long> BytesByDevice { get; } = [];

    /// <summary>Bytes in per device.</summary>
    public Dictionary<long, long> BytesInByDevice { get; } = [];

    /// <summary>Bytes out per device.</summary>
    public Dictionary<long, long> BytesOutByDevice { get; } = [];

    /// <summary>Queries per device.</summary>
    public Dictionary<long, long> QueriesByDevice { get; } = [];

    /// <summary>Blocks per device.</summary>
    public Dictionary<long, long> BlocksByDevice { get; } = [];

    /// <summary>Blocks per category key.</summary>
    public Dictionary<string, long> BlocksByCategory { get; } = new(StringComparer.Ordinal);

    /// <summary>Blocks per filtering group key.</summary>
    public Dictionary<string, long> BlocksByGroup { get; } = new(StringComparer.Ordinal);

    /// <summary>Blocks per blocked domain.</summary>
    public Dictionary<string, long> BlockedDomains { get; } = new(StringComparer.Ordinal);

    /// <summary>Bytes per site (the sniffer's top_sites).</summary>
    public Dictionary<string, long> Sites { get; } = new(StringComparer.Ordinal);

    /// <summary>Queries per name (dnsfilter's top_domains).</summary>
    public Dictionary<string, long> Domains { get; } = new(StringComparer.Ordinal);

    /// <summary>Blocks per local day and category key.</summary>
    public Dictionary<DateOnly, Dictionary<string, long>> BlocksPerDay { get; } = [];

    /// <summary>DNS queries by local weekday (0 = Monday) and hour.</summary>
    public long[][] HeatMap { get; } = [.. Enumerable.Range(0, 7).Select(_ => new long[24])];

    /// <summary>Alerts per severity word in lower case (danger, caution, advisory, appliance).</summary>
    public Dictionary<string, long> AlertsBySeverity { get; } = new(StringComparer.Ordinal);

    /// <summary>Incidents per severity word in lower case.</summary>
    public Dictionary<string, long> IncidentsBySeverity { get; } = new(StringComparer.Ordinal);

    /// <summary>Circumvention attempts per kind (the alert's category) and device.</summary>
    public Dictionary<(string Kind, long? DeviceId), long> Circumvention { get; } = [];

    /// <summary>The appliance's health in the week.</summary>
    public HealthTotals Health { get; }

    internal void Merge(long room, RoomBucket b)
    {
        DevicesSeen.UnionWith(b.DevicesSeen);
        NewDevices.UnionWith(b.NewDevices);
        Bytes += b.Bytes;
        Queries += b.Queries;
        Blocks += b.Blocks;
        Alerts += b.Alerts;
        Incidents += b.Incidents;
        CircumventionAttempts += b.CircumventionAttempts;
        if (b.RoomDevices.Count > 0 || b.Bytes > 0 || b.Queries > 0)
        {
            Rooms[room] = (b.Bytes, b.Queries, b.Blocks, b.RoomDevices.Count);
        }

        Sum(BytesByDevice, b.BytesByDevice);
        Sum(BytesInByDevice, b.BytesInByDevice);
        Sum(BytesOutByDevice, b.BytesOutByDevice);
        Sum(QueriesByDevice, b.QueriesByDevice);
        Sum(BlocksByDevice, b.BlocksByDevice);
        Sum(BlocksByCategory, b.BlocksByCategory);
        Sum(BlocksByGroup, b.BlocksByGroup);
        Sum(BlockedDomains, b.BlockedDomains);
        Sum(Sites, b.Sites);
        Sum(Domains, b.Domains);
        Sum(AlertsBySeverity, b.AlertsBySeverity);
        Sum(IncidentsBySeverity, b.IncidentsBySeverity);
        Sum(Circumvention, b.Circumvention);
        foreach (var (day, categories) in b.BlocksPerDay)
        {
            if (!BlocksPerDay.TryGetValue(day, out var into))
            {
                BlocksPerDay[day] = into = new Dictionary<string, long>(StringComparer.Ordinal);
            }

            Sum(into, categories);
        }

        for (var d = 0; d < 7; d++)
        {
            for (var h = 0; h < 24; h++)
            {
                HeatMap[d][h] += b.HeatMap[d][h];
            }
        }
    }

    private static void Sum<TKey>(Dictionary<TKey, long> into, Dictionary<TKey, long> from)
        where TKey : notnull
    {
        foreach (var (key, value) in from)
        {
            into[key] = into.GetValueOrDefault(key) + value;
        }
    }
}

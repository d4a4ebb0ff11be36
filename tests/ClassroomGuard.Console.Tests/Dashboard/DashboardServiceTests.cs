using System.Globalization;
using ClassroomGuard.Console.Dashboard;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Console.Tests.Support;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.DependencyInjection;

namespace ClassroomGuard.Console.Tests.Dashboard;

/// <summary>
/// The home page's figures against a real influxd and a real SQLite state: what the services write (service_health,
/// dns_categories, dns_activity, net_activity) and what the state holds (rooms, devices, actions, alerts) is exactly
/// what each role's view says.
/// </summary>
public sealed class DashboardServiceTests(LiveFixture fixture) : IClassFixture<LiveFixture>
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Technician_HealthAndTodaysBlocks_AreWhatTheServicesWrote()
    {
        var now = DateTimeOffset.UtcNow;
        var reader = fixture.Factory.Services.GetRequiredService<SchoolOverviewReader>();
        var midnight = reader.MidnightBefore(now);
        var inToday = midnight + ((now - midnight) / 2);
        await fixture.WriteAsync(
            $"service_health,component=dnsfilter queries=1500i,blocked=35i,servfail=0i,upstream_failed=0i,points_dropped=0i,spool_points=0i,spool_bytes=0i {LiveFixture.Ns(now.AddSeconds(-20))}",
            $"service_health,component=sniffer packets=90000i,dropped=12i,if_dropped=0i,points_dropped=0i,spool_points=0i,spool_bytes=0i {LiveFixture.Ns(now.AddSeconds(-20))}",
            $"dns_categories,device=901,room=90 cat_games=5i,blocked_games=3i,blocked_adult=2i {LiveFixture.Ns(inToday)}",
            $"dns_categories,device=902,room=90 blocked_games=4i {LiveFixture.Ns(inToday.AddSeconds(-1))}",
            $"dns_categories,device=902,room=90 blocked_games=100i {LiveFixture.Ns(midnight.AddMinutes(-30))}"); // yesterday: not counted

        var view = await ViewAsync(Role.Technician);

        var health = Assert.IsType<HealthSection>(view.Health);
        var dns = health.Services.Single(t => t.Title == "DNS filter");
        Assert.Equal((Condition.Good, "Answering"), (dns.Condition, dns.Status));
        Assert.StartsWith("1,500 queries and 35 blocked in the last minute.", dns.Detail, StringComparison.Ordinal);
        var sniffer = health.Services.Single(t => t.Title.StartsWith("Traffic monitor", StringComparison.Ordinal));
        Assert.Equal(Condition.Attention, sniffer.Condition);
        Assert.StartsWith("90,000 packets seen and 12 dropped in the last minute.", sniffer.Detail, StringComparison.Ordinal);
        var influx = health.Services.Single(t => t.Title.Contains("InfluxDB", StringComparison.Ordinal));
        Assert.Equal((Condition.Good, "Reachable"), (influx.Condition, influx.Status));
        var certificate = health.Services.Single(t => t.Title == "Console certificate");
        Assert.Equal(Condition.NotReported, certificate.Condition); // the test console listens on plain http: no certificate
        Assert.Contains("Console:CertificatePath is empty", certificate.Detail, StringComparison.Ordinal);
        var disk = health.Services.Single(t => t.Title == "Disk space");
        Assert.NotEqual(Condition.NotReported, disk.Condition);
        Assert.Contains(fixture.Factory.Root, disk.Detail, StringComparison.Ordinal);

        Assert.Equal([new CategoryCount("games", 7), new CategoryCount("adult", 2)], health.BlocksToday);
        Assert.Null(health.BlocksNote);
        Assert.Null(view.Rooms);
        Assert.Null(view.Safeguarding);
        Assert.False(view.Governor);
    }

    [Fact]
    public async Task Teacher_RoomCard_CountsOnlineDevicesBlocksInTheLastHourAndBlanks()
    {
        var (room, devices) = await fixture.RoomAsync("Dashboard Room", 3);
        var store = ConsoleSession.Store(fixture.Factory);
        var teacher = await ConsoleSession.UserAsync(fixture.Factory, "dashboard.teacher", Role.Teacher);
        var now = DateTimeOffset.UtcNow;
        string Tags(long device) => string.Create(CultureInfo.InvariantCulture, $"device={device},room={room.Id}");
        await fixture.WriteAsync(
            $"dns_activity,{Tags(devices[0])} queries=10i,blocked=4i {LiveFixture.Ns(now.AddSeconds(-30))}",
            $"dns_activity,{Tags(devices[0])} queries=3i,blocked=1i {LiveFixture.Ns(now.AddMinutes(-50))}",
            $"dns_activity,{Tags(devices[0])} queries=60i,blocked=50i {LiveFixture.Ns(now.AddHours(-2))}", // more than an hour ago
            $"net_activity,{Tags(devices[1])} bytes_in=1000i,bytes_out=200i {LiveFixture.Ns(now.AddSeconds(-20))}");
        await store.TeacherActions.StartAsync(new NewTeacherAction(TeacherActionKind.Blank, teacher.Id, "test", ActionScope.Device, devices[2], null, now.AddMinutes(20)), None);

        // Teacher for the rooms section; technician too, so RoomAccess lets them see this room whether or not rooms are
        // assigned to teachers (the teacher-only list is RoomAccess's to decide and test).
        var view = await ViewAsync(teacher.Id, Role.Teacher, Role.Technician);

        var rooms = Assert.IsType<RoomsSection>(view.Rooms);
        var card = rooms.Rooms.Single(r => r.Id == room.Id);
        Assert.Equal(("Dashboard Room", 2, 3, (long?)5), (card.Name, card.Online, card.Total, card.BlocksLastHour));
        Assert.Equal(["1 screen blanked"], card.Actions);
        Assert.Equal("/rooms/" + room.Id.ToString(CultureInfo.InvariantCulture), card.Href);
        Assert.Null(view.Safeguarding);
    }

    [Fact]
    public async Task SafeguardingLead_SeesOpenAlertsNewestFirst_WithDeviceRoomAndKindCounts()
    {
        var (room, devices) = await fixture.RoomAsync("Alerts Room", 2);
        var store = ConsoleSession.Store(fixture.Factory);
        var lead = await ConsoleSession.UserAsync(fixture.Factory, "dashboard.dsl", Role.SafeguardingLead);
        var now = DateTimeOffset.UtcNow;
        await store.Alerts.RaiseAsync(new NewAlert(AlertKind.HighRiskCategory, now.AddMinutes(-30), "e", devices[0], "self_harm", "harm.example"), None);
        await store.Alerts.RaiseAsync(new NewAlert(AlertKind.Circumvention, now.AddMinutes(-10), "e", devices[1], "vpn", "vpn.example"), None);
        var acknowledged = await store.Alerts.RaiseAsync(new NewAlert(AlertKind.HighRiskCategory, now.AddMinutes(-5), "e", devices[1], "extremism", "x.example"), None);
        Assert.True(await store.Alerts.AcknowledgeAsync(acknowledged.Id, lead.Id, None));
        await store.Alerts.RaiseAsync(new NewAlert(AlertKind.Appliance, now.AddMinutes(-1), "The UT1 download failed"), None);

        var view = await ViewAsync(lead.Id, Role.SafeguardingLead);

        var section = Assert.IsType<SafeguardingSection>(view.Safeguarding);
        Assert.Equal((await store.Alerts.ListUnacknowledgedAsync(None)).Count(a => a.Kind != AlertKind.Appliance), section.Total); // appliance alerts are the technician's
        var mine = section.Newest.Where(a => a.Room == "Alerts Room").ToList();
        Assert.Equal(2, mine.Count);
        Assert.Equal(("Alerts Room-PC2", "Tried to get round the filter", "vpn", "vpn.example"), (mine[0].Device, mine[0].What, mine[0].Category, mine[0].Domain));
        Assert.Equal(("Alerts Room-PC1", "Tried a high-risk site", "self harm", "harm.example"), (mine[1].Device, mine[1].What, mine[1].Category, mine[1].Domain));
        // "Today 09:12" within the school's day; an alert from before midnight (a run just after it) shows its date.
        var london = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
        var sameDay = TimeZoneInfo.ConvertTime(now.AddMinutes(-10), london).Date == TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, london).Date;
        Assert.Equal(sameDay, mine[0].When.StartsWith("Today ", StringComparison.Ordinal));
        Assert.DoesNotContain(section.Newest, a => a.Domain == "x.example"); // acknowledged: not open
        Assert.Contains(new KindCount("Tried to get round the filter", 1), section.ByKind);
        Assert.DoesNotContain(section.ByKind, k => k.Kind == "The appliance needs attention"); // the technician's, not the safeguarding lead's
        Assert.Null(view.Health);
        Assert.Null(view.Rooms);
    }

    [Fact]
    public async Task Governor_GetsTheirCardAndNoOtherSection()
    {
        var view = await ViewAsync(Role.Governor);

        Assert.True(view.Governor);
        Assert.Null(view.Health);
        Assert.Null(view.Rooms);
        Assert.Null(view.Safeguarding);
        Assert.Equal("governor", view.RolesText);
    }

    [Fact]
    public async Task SeveralRoles_SeeTheSectionsOfEach()
    {
        var view = await ViewAsync(Role.Technician, Role.SafeguardingLead, Role.Governor);

        Assert.NotNull(view.Health);
        Assert.NotNull(view.Safeguarding);
        Assert.True(view.Governor);
        Assert.Null(view.Rooms);
    }

    [Fact]
    public async Task ServicesSilent_TilesSayNotReportingOrNotKnown_NeverAFigure()
    {
        using var scope = fixture.Factory.Services.CreateScope();
        var service = scope.ServiceProvider.GetRequiredService<DashboardService>();
        var now = DateTimeOffset.UtcNow;
        var overview = new SchoolOverview(now, new InfluxState(true, "1.6.7", null, 0), new Dictionary<string, ServiceReport>
        {
            ["sniffer"] = new(now.AddMinutes(-7), new Dictionary<string, long> { ["packets"] = 5 }),
        }, null, new DiskState("/data", 10, 1000, null), new CertificateState(now.AddDays(-1), "CN=console", null), [], [], [], new HashSet<long>(),
            new Dictionary<long, long>(), [], []);

        var health = (await service.BuildAsync(User(1, Role.Technician), overview, None)).Health!;

        Assert.Equal((Condition.Problem, "Not reporting"), Tile(health, "DNS filter"));
        Assert.Equal((Condition.Problem, "Not reporting"), Tile(health, "Traffic monitor (sniffer)"));
        Assert.Equal((Condition.Problem, "Almost full"), Tile(health, "Disk space"));
        Assert.Equal((Condition.Problem, "Expired"), Tile(health, "Console certificate"));
        Assert.Equal("Nothing has been blocked since midnight.", health.BlocksNote);

        var down = overview with { Influx = new InfluxState(false, null, "connection refused", 120), SeriesProblem = "connection refused" };
        health = (await service.BuildAsync(User(1, Role.Technician), down, None)).Health!;

        Assert.Equal((Condition.NotReported, "Not known"), Tile(health, "DNS filter"));
        Assert.Equal((Condition.Problem, "Not reachable"), Tile(health, "Time-series database (InfluxDB)"));
        Assert.Contains("120 points in the console's spool", health.Services.Single(t => t.Title.Contains("InfluxDB", StringComparison.Ordinal)).Detail, StringComparison.Ordinal);
        Assert.StartsWith("Not available: InfluxDB did not answer", health.BlocksNote, StringComparison.Ordinal);
    }

    private static (Condition, string) Tile(HealthSection health, string title)
    {
        var tile = health.Services.Single(t => t.Title == title);
        return (tile.Condition, tile.Status);
    }

    private static ConsoleUser User(long id, params Role[] roles) => new(id, "user" + id, "User " + id, roles.ToHashSet(), false);

    private Task<HomeView> ViewAsync(params Role[] roles) => ViewAsync(1, roles);

    private async Task<HomeView> ViewAsync(long userId, params Role[] roles)
    {
        var feed = fixture.Factory.Services.GetRequiredService<DashboardFeed>();
        var overview = await feed.GetAsync(None, TimeSpan.Zero); // a fresh read: what was just written
        using var scope = fixture.Factory.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<DashboardService>().BuildAsync(User(userId, roles), overview, None);
    }
}

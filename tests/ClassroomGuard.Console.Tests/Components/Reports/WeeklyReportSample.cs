using ClassroomGuard.Console.Reports;
using ClassroomGuard.Console.Reports.Weekly;

namespace ClassroomGuard.Console.Tests.Components.Reports;

/// <summary>Hand-built weekly reports for the view's tests (the reader is tested on its own, over a real influxd).</summary>
internal static class WeeklyReportSample
{
    public static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
    public static readonly IsoWeek Week = new(2026, 49);

    /// <summary>A busy week at Oak Lane: every list filled, a sniffer outage of 3 h 20 min.</summary>
    public static WeeklyReport Busy()
    {
        var period = ReportPeriod.OfWeek(Week, London);
        var heat = Enumerable.Range(0, 7).Select(d => Enumerable.Range(0, 24).Select(h => d < 5 && h is >= 8 and < 16 ? (long)(100 * (d + 1) + h) : 0L).ToArray()).ToArray();
        heat[2][10] = 5000;
        var sniffer = 100.0 * (1 - 200.0 / (7 * 24 * 60)); // 200 minutes missing
        return new WeeklyReport(
            "Oak Lane Primary",
            3,
            Week,
            period,
            ReportPeriod.OfWeek(Week.Previous, London),
            new DateTimeOffset(2026, 12, 7, 7, 0, 5, TimeSpan.Zero),
            new WeeklyHeadlines(
                DevicesSeen: new Compared(142, 130),
                NewDevices: new Compared(2, 2),
                BytesTotal: new Compared(5_368_709_120, 4_294_967_296),
                DnsQueries: new Compared(1_234_567, 1_300_000),
                Blocks: new Compared(512, 500),
                CircumventionAttempts: new Compared(7, 0),
                Alerts: new Compared(3, 5),
                Incidents: new Compared(1, 1)),
            [
                new NewDevice(41, "IPAD-17", "Room 4", new DateTimeOffset(2026, 12, 1, 9, 14, 0, TimeSpan.Zero)),
                new NewDevice(42, "Guest phone & tablet", null, new DateTimeOffset(2026, 12, 3, 13, 2, 0, TimeSpan.Zero)),
            ],
            [
                new RoomTraffic(1, "Room 4", new Compared(2_147_483_648, 1_073_741_824), new Compared(400_000, 380_000), new Compared(200, 180), 31),
                new RoomTraffic(2, "ICT Suite", new Compared(1_610_612_736, 2_147_483_648), new Compared(600_000, 700_000), new Compared(250, 300), 30),
                new RoomTraffic(null, "No room", new Compared(1_048_576, 0), new Compared(1000, 0), new Compared(2, 0), 2),
            ],
            [
                new DeviceTraffic(7, "PC-07", "ICT Suite", 943_718_400, 104_857_600, 12_000, 40),
                new DeviceTraffic(41, "IPAD-17", "Room 4", 52_428_800, 1_536, 900, 3),
            ],
            [
                new NamedCount("classroom.google.com", "classroom.google.com", new Compared(15_000, 16_000)),
                new NamedCount("www.bbc.co.uk", "www.bbc.co.uk", new Compared(9_000, 7_500)),
            ],
            [
                new NamedCount("games", "Games", new Compared(300, 250)),
                new NamedCount("social_networks", "Social networking", new Compared(150, 200)),
                new NamedCount("self_harm", "Self-harm", new Compared(2, 0)),
            ],
            [
                new NamedCount("key-stage-2", "Pupils (key stage 2)", new Compared(400, 420)),
                new NamedCount("staff", "Staff", new Compared(12, 10)),
            ],
            [
                new NamedCount("poki.com", "poki.com", new Compared(120, 90)),
            ],
            Enumerable.Range(0, 7).Select(d => new DayCategoryBlocks(period.First.AddDays(d), d >= 5
                ? new Dictionary<string, long>()
                : new Dictionary<string, long> { ["games"] = 60, ["social_networks"] = 30, ["self_harm"] = d == 2 ? 2 : 0 })).ToArray(),
            [
                new CircumventionCount("doh", "DNS over HTTPS", 7, "PC-07", 5),
                new CircumventionCount("other_dns", "Another DNS server", null, "10.0.4.99", 2),
            ],
            [
                new NamedCount("high", "High", new Compared(2, 3)),
                new NamedCount("medium", "Medium", new Compared(1, 2)),
            ],
            [
                new NamedCount("serious", "Serious", new Compared(1, 0)),
            ],
            [
                new ComponentHealth("dnsfilter", "DNS filter", 100, 100, 0, 0, 0),
                new ComponentHealth("sniffer", "Sniffer", sniffer, 100, 1_204, 0, 3_000),
            ],
            new ActivityHeatMap(heat),
            ["The sniffer did not report from Wed 2 Dec 10:00 to 13:20: traffic in those hours is missing."],
            [
                new NamedCount("www.bbc.co.uk", "www.bbc.co.uk", new Compared(209_715_200, 104_857_600)),
                new NamedCount("classroom.google.com", "classroom.google.com", new Compared(15_000, 16_000)),
            ]);
    }

    /// <summary>A silent week: nothing in any list.</summary>
    public static WeeklyReport Empty()
    {
        var busy = Busy();
        return busy with
        {
            Headlines = new WeeklyHeadlines(default, default, default, default, default, default, default, default),
            NewDevices = [],
            Rooms = [],
            TopDevices = [],
            TopSites = [],
            TopSitesByTraffic = [],
            BlocksByCategory = [],
            BlocksByGroup = [],
            TopBlockedDomains = [],
            BlocksPerDay = [],
            Circumvention = [],
            AlertsBySeverity = [],
            IncidentsBySeverity = [],
            Health = [],
            HeatMap = new ActivityHeatMap(Enumerable.Range(0, 7).Select(_ => new long[24]).ToArray()),
            Gaps = [],
        };
    }
}

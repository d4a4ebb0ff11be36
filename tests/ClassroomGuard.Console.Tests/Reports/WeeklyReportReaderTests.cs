using System.Diagnostics;
using ClassroomGuard.Console.Reports;
using ClassroomGuard.Console.Reports.Weekly;
using ClassroomGuard.Console.Tests.Reports.Support;
using Xunit.Abstractions;

namespace ClassroomGuard.Console.Tests.Reports;

/// <summary>One generated week (two sites, devices with and without rooms, a DNS filter outage) read back.</summary>
public sealed class WeeklyReportFixture : IAsyncLifetime
{
    public WeeklyReportWorld World { get; private set; } = null!;

    public TimeSpan GenerationTime { get; private set; }

    public async Task InitializeAsync()
    {
        var watch = Stopwatch.StartNew();
        World = await WeeklyReportWorld.CreateAsync(new ReportWeekSpec { Devices = 150, Rooms = 8, Sites = 2, Seed = 7 });
        GenerationTime = watch.Elapsed;
    }

    public async Task DisposeAsync() => await World.DisposeAsync();
}

public sealed class WeeklyReportReaderTests(WeeklyReportFixture fixture, ITestOutputHelper output) : IClassFixture<WeeklyReportFixture>
{
    private WeeklyReportWorld World => fixture.World;

    private ReportWeekData Data => fixture.World.Data;

    [Fact]
    public async Task The_whole_appliance_report_equals_the_generators_own_totals()
    {
        output.WriteLine($"generated in {fixture.GenerationTime.TotalSeconds:F1} s, {Data.PointsWritten} points");
        var report = await World.Reader().ReadAsync(null, Data.Spec.Week, CancellationToken.None);
        var t = Data.Totals(null);
        var p = Data.Totals(null, previous: true);

        // The generated week has something in every figure, so each comparison can fail.
        Assert.NotEmpty(t.NewDevices);
        Assert.True(t.BlocksByCategory.Count >= 5 && t.BlocksByGroup.Count >= 2 && t.Sites.Count > WeeklyReportReader.TopEntries && t.Domains.Count > WeeklyReportReader.TopEntries);
        Assert.True(t.Circumvention.Count >= 3 && t.CircumventionAttempts > t.Circumvention.Count);
        Assert.True(t.AlertsBySeverity.Count >= 3 && t.IncidentsBySeverity.Count == 3);
        Assert.Contains(t.Health.CaptureDrops, c => c.Value > 0);
        Assert.Contains(t.Health.PointsDropped, c => c.Value > 0);
        Check(report, t, p);
        var names = (await World.Store.Policy.ListCategoriesAsync(CancellationToken.None)).ToDictionary(c => c.Key, c => c.Name, StringComparer.Ordinal);
        Assert.Contains(report.Circumvention, c => c.Kind == "doh" && c.KindLabel == "DNS-over-HTTPS resolvers"); // the category's name, as on the alerts page
        Assert.All(report.Circumvention, c => Assert.Equal(ClassroomGuard.Console.Safeguarding.Alerts.AlertWords.Category(c.Kind, names), c.KindLabel));
        Assert.Equal("Test Academy", report.SiteName);
        Assert.Contains(report.Rooms, r => r.RoomId is null && r.Name == "No room" && r.Bytes.This == t.Rooms[ReportWeekGenerator.NoRoom].Bytes);
        Assert.Contains("The DNS filter did not report on Tuesday between 09:00 and 11:00 (not running, or InfluxDB could not be reached).", report.Gaps);
        Assert.DoesNotContain(report.Gaps, g => g.Contains("sniffer", StringComparison.Ordinal));
        Assert.Contains(report.AlertsBySeverity, a => a.Key == "appliance" && a.Label == "Appliance" && a.Count.This == 1);
    }

    [Fact]
    public async Task A_sites_report_counts_only_its_rooms()
    {
        var site = Data.Sites[1];
        var report = await World.Reader().ReadAsync(site.Id, Data.Spec.Week, CancellationToken.None);
        Check(report, Data.Totals(site.Id), Data.Totals(site.Id, previous: true));
        Assert.Equal(site.Name, report.SiteName);
        Assert.All(report.Rooms, r => Assert.Contains(Data.Rooms, room => room.Id == r.RoomId && room.SiteId == site.Id));
        Assert.DoesNotContain(report.AlertsBySeverity, a => a.Key == "appliance");
    }

    [Fact]
    public async Task The_reader_streams_chunked_answers_from_the_hourly_rollups_only()
    {
        World.Queries.Clear();
        await World.Reader().ReadAsync(null, Data.Spec.Week, CancellationToken.None);
        var queries = World.Queries.Where(q => q.Contains("/query", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(queries);
        Assert.All(queries, q => Assert.Contains("chunked=true", q, StringComparison.Ordinal));
        var text = Uri.UnescapeDataString(string.Join("\n", queries));
        // raw only for the spool's peak (a gauge, one point per service and minute), never the traffic's per-second points.
        var raw = text.Split(';', '\n').Where(q => q.Contains("\"raw\"", StringComparison.Ordinal)).ToList();
        Assert.All(raw, q => Assert.Contains("\"raw\".\"service_health\"", q, StringComparison.Ordinal));
        Assert.Equal(2, raw.Count); // this week and the week before
        Assert.Contains("\"rollup_1h\"", text, StringComparison.Ordinal);
    }

    private static void Check(WeeklyReport report, WeekTotals t, WeekTotals p)
    {
        Assert.True(t.Bytes > 0 && p.Bytes > 0 && t.Queries > 0 && t.Blocks > 0);
        var h = report.Headlines;
        Assert.Equal(new Compared(t.DevicesSeen.Count, p.DevicesSeen.Count), h.DevicesSeen);
        Assert.Equal(new Compared(t.NewDevices.Count, p.NewDevices.Count), h.NewDevices);
        Assert.Equal(t.NewDevices.Order(), report.NewDevices.Select(d => d.DeviceId).Order());
        Assert.Equal(new Compared(t.Bytes, p.Bytes), h.BytesTotal);
        Assert.Equal(new Compared(t.Queries, p.Queries), h.DnsQueries);
        Assert.Equal(new Compared(t.Blocks, p.Blocks), h.Blocks);
        Assert.Equal(new Compared(t.Alerts, p.Alerts), h.Alerts);
        Assert.Equal(new Compared(t.Incidents, p.Incidents), h.Incidents);
        Assert.Equal(new Compared(t.CircumventionAttempts, p.CircumventionAttempts), h.CircumventionAttempts);

        foreach (var (room, sums) in t.Rooms)
        {
            var row = Assert.Single(report.Rooms, r => (r.RoomId ?? ReportWeekGenerator.NoRoom) == room);
            Assert.Equal((sums.Bytes, sums.Queries, sums.Blocks, sums.Devices), (row.Bytes.This, row.Queries.This, row.Blocks.This, row.Devices));
        }

        var top = t.BytesByDevice.OrderByDescending(d => d.Value).ThenBy(d => d.Key).Take(WeeklyReportReader.TopDevices).ToList();
        Assert.Equal(top.Select(d => d.Key), report.TopDevices.Select(d => d.DeviceId));
        foreach (var d in report.TopDevices)
        {
            Assert.Equal(t.BytesInByDevice[d.DeviceId], d.BytesIn);
            Assert.Equal(t.BytesOutByDevice[d.DeviceId], d.BytesOut);
            Assert.Equal(t.QueriesByDevice.GetValueOrDefault(d.DeviceId), d.Queries);
            Assert.Equal(t.BlocksByDevice.GetValueOrDefault(d.DeviceId), d.Blocks);
        }

        AssertCounts(t.BlocksByCategory, p.BlocksByCategory, report.BlocksByCategory, all: true);
        AssertCounts(t.BlocksByGroup, p.BlocksByGroup, report.BlocksByGroup, all: true);
        AssertCounts(t.BlockedDomains, p.BlockedDomains, report.TopBlockedDomains, all: false);
        AssertCounts(t.Domains, p.Domains, report.TopSites, all: false);
        AssertCounts(t.Sites, p.Sites, report.TopSitesByTraffic!, all: false);
        Assert.Equal(7, report.BlocksPerDay.Count);
        foreach (var day in report.BlocksPerDay)
        {
            var expected = t.BlocksPerDay.GetValueOrDefault(day.Day) ?? [];
            Assert.Equal(expected.OrderBy(e => e.Key), day.ByCategory.OrderBy(e => e.Key));
        }

        Assert.Equal(t.HeatMap.Select(d => d.ToList()).ToList(), report.HeatMap.QueriesByDayAndHour.Select(d => d.ToList()).ToList());
        Assert.Equal(t.AlertsBySeverity.Where(a => a.Value > 0).OrderBy(a => a.Key),
            report.AlertsBySeverity.Where(a => a.Count.This > 0).Select(a => KeyValuePair.Create(a.Key, a.Count.This)).OrderBy(a => a.Key));
        Assert.Equal(t.IncidentsBySeverity.Where(a => a.Value > 0).OrderBy(a => a.Key),
            report.IncidentsBySeverity.Where(a => a.Count.This > 0).Select(a => KeyValuePair.Create(a.Key, a.Count.This)).OrderBy(a => a.Key));
        Assert.Equal(t.Circumvention.OrderBy(c => c.Key.Kind).ThenBy(c => c.Key.DeviceId).Select(c => (c.Key.Kind, c.Key.DeviceId, c.Value)),
            report.Circumvention.OrderBy(c => c.Kind).ThenBy(c => c.DeviceId).Select(c => (c.Kind, c.DeviceId, c.Attempts)));
        Assert.All(report.Circumvention, c => Assert.NotEqual(c.Kind, c.KindLabel));

        var minutes = (report.Period.End - report.Period.Start).TotalMinutes;
        foreach (var component in report.Health)
        {
            var reported = t.Health.ReportingMinutes.GetValueOrDefault(component.Component);
            Assert.Equal(Math.Round(reported * 100.0 / minutes, 2), component.UptimePercent);
            Assert.Equal(t.Health.CaptureDrops.GetValueOrDefault(component.Component), component.CaptureDrops);
            Assert.Equal(t.Health.PointsDropped.GetValueOrDefault(component.Component), component.PointsDropped);
            Assert.Equal(0, component.PeakSpoolPoints);
        }
    }

    private static void AssertCounts(Dictionary<string, long> current, Dictionary<string, long> previous, IReadOnlyList<NamedCount> rows, bool all)
    {
        var expected = current.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).ToList();
        if (!all)
        {
            expected = [.. expected.Take(WeeklyReportReader.TopEntries)];
        }

        Assert.Equal(expected.Select(e => (e.Key, e.Value, previous.GetValueOrDefault(e.Key))),
            rows.Where(r => r.Count.This > 0).Select(r => (r.Key, r.Count.This, r.Count.Previous)));
        Assert.All(rows, r => Assert.DoesNotContain("_", r.Label, StringComparison.Ordinal));
    }
}

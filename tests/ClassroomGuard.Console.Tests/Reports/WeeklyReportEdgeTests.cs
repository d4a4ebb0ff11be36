using ClassroomGuard.Console.Reports;
using ClassroomGuard.Console.Reports.Weekly;
using ClassroomGuard.Console.Tests.Reports.Support;

namespace ClassroomGuard.Console.Tests.Reports;

/// <summary>The weekly report of an empty week, and of the weeks the clocks change.</summary>
public sealed class WeeklyReportEdgeTests
{
    [Fact]
    public async Task An_empty_week_has_every_list_empty_and_says_why()
    {
        await using var world = await WeeklyReportWorld.CreateAsync(spec: null);
        var report = await world.Reader().ReadAsync(null, new IsoWeek(2026, 48), CancellationToken.None);

        Assert.Empty(report.NewDevices);
        Assert.Empty(report.Rooms);
        Assert.Empty(report.TopDevices);
        Assert.Empty(report.TopSites);
        Assert.Empty(report.TopSitesByTraffic!);
        Assert.Empty(report.BlocksByCategory);
        Assert.Empty(report.BlocksByGroup);
        Assert.Empty(report.TopBlockedDomains);
        Assert.Empty(report.Circumvention);
        Assert.Empty(report.AlertsBySeverity);
        Assert.Empty(report.IncidentsBySeverity);
        Assert.All(report.BlocksPerDay, d => Assert.Empty(d.ByCategory));
        Assert.Equal(7, report.BlocksPerDay.Count);
        Assert.Equal(0, report.HeatMap.Max);
        Assert.Equal(new WeeklyHeadlines(default, default, default, default, default, default, default, default), report.Headlines);
        Assert.All(report.Health, h => Assert.Equal(0, h.UptimePercent));
        Assert.Contains("The DNS filter did not report this week (not running, or InfluxDB could not be reached): DNS queries, blocks and the activity heat map may be missing.", report.Gaps);
        Assert.Contains("Traffic is not measured: no sniffer reported this week, so traffic per room, top devices by volume and top sites by traffic are empty.", report.Gaps);
        Assert.Contains("Nothing was recorded the week before, so there is nothing to compare with.", report.Gaps);
    }

    [Fact]
    public async Task A_week_older_than_the_top_lists_retention_says_they_have_expired()
    {
        await using var world = await WeeklyReportWorld.CreateAsync(spec: null, "expired");
        Assert.Equal(TimeSpan.FromDays(35), world.InfluxOptions.ReportTopRetention);
        var report = await world.Reader().ReadAsync(null, new IsoWeek(2026, 43), CancellationToken.None); // 49 days before the clock
        Assert.Contains("Top sites, top blocked domains and blocks by group have expired for this week: they are kept for 35 days (the setting Influx:ReportTopRetention).", report.Gaps);

        var recent = await world.Reader().ReadAsync(null, new IsoWeek(2026, 48), CancellationToken.None);
        Assert.DoesNotContain(recent.Gaps, g => g.Contains("expired", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_week_older_than_the_hourly_rollups_retention_says_its_figures_were_deleted()
    {
        await using var world = await WeeklyReportWorld.CreateAsync(spec: null, "deleted");
        world.Clock.Now = new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);
        var report = await world.Reader().ReadAsync(null, new IsoWeek(2025, 40), CancellationToken.None); // 430 days before
        Assert.Equal(
            ["This week's traffic, DNS, blocks and health figures have been deleted: hourly figures are kept for 400 days (the setting Influx:HourRollupRetention). New devices, alerts and incidents are still shown."],
            report.Gaps);
    }

    [Fact]
    public async Task Without_a_sniffer_no_device_is_listed_as_busiest_by_traffic()
    {
        var spec = new ReportWeekSpec { Devices = 20, Rooms = 2, Sites = 1, Seed = 20, Sniffer = false, DnsOutage = false };
        await using var world = await WeeklyReportWorld.CreateAsync(spec, "nosniffer");
        var report = await world.Reader().ReadAsync(null, spec.Week, CancellationToken.None);

        Assert.True(report.Headlines.DnsQueries.This > 0);
        Assert.Equal(0, report.Headlines.BytesTotal.This);
        Assert.Empty(report.TopDevices); // not 10 devices ordered by queries under a traffic heading
    }

    [Theory]
    [InlineData(2026, 43, 169)] // clocks go back on Sunday 25 October 2026
    [InlineData(2026, 13, 167)] // clocks go forward on Sunday 29 March 2026
    public async Task A_week_with_a_clock_change_counts_every_hour_it_has(int year, int number, int hours)
    {
        var spec = new ReportWeekSpec { Week = new IsoWeek(year, number), Devices = 30, Rooms = 3, Sites = 1, Seed = number, DnsOutage = false };
        await using var world = await WeeklyReportWorld.CreateAsync(spec, "summer");
        var report = await world.Reader().ReadAsync(null, spec.Week, CancellationToken.None);
        var t = world.Data.Totals(null);

        Assert.Equal(hours, (report.Period.End - report.Period.Start).TotalHours);
        Assert.Equal(hours * 60, t.Health.ReportingMinutes["dnsfilter"]);
        Assert.All(report.Health, h => Assert.Equal(100, h.UptimePercent));
        Assert.Equal(t.Queries, report.HeatMap.QueriesByDayAndHour.Sum(d => d.Sum()));
        Assert.Equal(t.HeatMap.Select(d => d.ToList()).ToList(), report.HeatMap.QueriesByDayAndHour.Select(d => d.ToList()).ToList());
        Assert.Equal(t.Queries, report.Headlines.DnsQueries.This);
        Assert.DoesNotContain(report.Gaps, g => g.Contains("did not report", StringComparison.Ordinal));
    }
}

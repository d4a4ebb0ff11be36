using ClassroomGuard.Console.Reports;
using ClassroomGuard.Console.Reports.Weekly;
using ClassroomGuard.Storage.TimeSeries;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Tests.Reports;

/// <summary>The health figures and the gap sentences from service_health hourly sums, and the rollup service's catch-up.</summary>
public sealed class WeeklyReportHealthTests
{
    [Fact]
    public async Task Uptime_peak_spool_and_gaps_come_from_the_hourly_sums()
    {
        await using var world = await WeeklyReportWorld.CreateAsync(spec: null, "health");
        var week = new IsoWeek(2026, 48);
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
        var period = ReportPeriod.OfWeek(week, zone);
        var options = Options.Create(world.InfluxOptions);
        using var connection = new InfluxConnection(options);
        await using var writer = new InfluxWriter(connection, options, NullLogger<InfluxWriter>.Instance, TimeProvider.System);
        await writer.StartAsync(CancellationToken.None);

        // Monday 09:00-10:00 every minute with 100 points spooled; 10:00-10:30 with 500; then nothing (the sniffer: none at all).
        var nine = period.Start.AddHours(9);
        for (var minute = 0; minute < 90; minute++)
        {
            Assert.True(writer.TryWrite(writer.CreatePoint(ServiceHealthReporter.Measurement).Tag("component", "dnsfilter")
                .Field("reporting_minutes", 1L).Field("points_dropped", minute == 5 ? 3L : 0L).Field("spool_points", minute < 60 ? 100L : 500L)
                .Field("spool_bytes", 1L).Field("queries", 10L).Timestamp(nine.AddMinutes(minute))));
        }

        await writer.FlushAsync(CancellationToken.None);
        var reader = new InfluxReader(connection, options);
        await new RollupBackfill(reader, new ReportRollup(connection, reader, options), options).RunAsync(period.Start, period.End, RollupScope.Hour, CancellationToken.None);

        var report = await world.Reader().ReadAsync(null, week, CancellationToken.None);
        var dns = Assert.Single(report.Health, h => h.Component == "dnsfilter");
        Assert.Equal("DNS filter", dns.Label);
        Assert.Equal(Math.Round(90 * 100.0 / (7 * 24 * 60), 2), dns.UptimePercent);
        Assert.Equal(500, dns.PeakSpoolPoints);
        Assert.Equal(3, dns.PointsDropped);
        Assert.Equal(0, Assert.Single(report.Health, h => h.Component == "sniffer").UptimePercent);
        Assert.Contains("The DNS filter did not report on Monday between 00:00 and 09:00.", report.Gaps);
        Assert.Contains("The DNS filter did not report from Monday 11:00 to the end of Sunday.", report.Gaps); // 10:00-11:00 had 30 minutes
        Assert.Equal(2, report.Gaps.Count(g => g.StartsWith("The DNS filter", StringComparison.Ordinal)));
        Assert.Contains("Traffic is not measured: no sniffer reported this week, so traffic per room, top devices by volume and top sites by traffic are empty.", report.Gaps);
    }

    [Fact]
    public async Task Mid_week_the_uptime_counts_only_the_hours_so_far()
    {
        await using var world = await WeeklyReportWorld.CreateAsync(spec: null, "midweek");
        var week = new IsoWeek(2026, 48);
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
        var period = ReportPeriod.OfWeek(week, zone);
        world.Clock.Now = period.Start.AddDays(2).AddHours(12).AddMinutes(20); // Wednesday 12:20: complete hours to 12:00
        var options = Options.Create(world.InfluxOptions);
        using var connection = new InfluxConnection(options);
        await using var writer = new InfluxWriter(connection, options, NullLogger<InfluxWriter>.Instance, TimeProvider.System);
        await writer.StartAsync(CancellationToken.None);

        // The DNS filter reported every minute from Monday 00:00 to Wednesday 12:00, but not between 08:00 and 09:00 on Tuesday.
        for (var at = period.Start; at < world.Clock.Now; at = at.AddMinutes(1))
        {
            if (at >= period.Start.AddHours(32) && at < period.Start.AddHours(33))
            {
                continue;
            }

            Assert.True(writer.TryWrite(writer.CreatePoint(ServiceHealthReporter.Measurement).Tag("component", "dnsfilter")
                .Field("reporting_minutes", 1L).Field("points_dropped", 0L).Field("spool_points", 0L).Timestamp(at)));
        }

        await writer.FlushAsync(CancellationToken.None);
        var reader = new InfluxReader(connection, options);
        await new RollupBackfill(reader, new ReportRollup(connection, reader, options), options).RunAsync(period.Start, period.End, RollupScope.Hour, CancellationToken.None);

        var report = await world.Reader().ReadAsync(null, week, CancellationToken.None);
        var dns = Assert.Single(report.Health, h => h.Component == "dnsfilter");
        Assert.Equal(TimeSpan.FromHours(60), dns.MeasuredSpan);
        Assert.Equal(Math.Round(59 * 100.0 / 60, 2), dns.UptimePercent); // not 59 of 168 hours
        var sentence = ClassroomGuard.Console.Components.Pages.Reports.Weekly.WeeklyReportText.Uptime(dns, period.End - period.Start, soFar: true);
        Assert.Equal("The DNS filter was not running for 1 h (up 98.3% of the week so far; the week before 0.0%).", sentence);
        Assert.Contains("The DNS filter did not report on Tuesday between 08:00 and 09:00.", report.Gaps);
        Assert.DoesNotContain(report.Gaps, g => g.Contains("Wednesday 13:00", StringComparison.Ordinal) || g.Contains("to the end of Sunday", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_rollup_service_catches_up_from_the_watermark_after_each_hour()
    {
        await using var world = await WeeklyReportWorld.CreateAsync(spec: null, "service");
        world.InfluxOptions.RawRetention = TimeSpan.FromHours(4);
        var options = Options.Create(world.InfluxOptions);
        using var connection = new InfluxConnection(options);
        var reader = new InfluxReader(connection, options);
        var rollup = new ReportRollup(connection, reader, options);
        var clock = new WeeklyReportWorld.ReportClock(ReportRollup.HourOf(DateTimeOffset.UtcNow).AddMinutes(10));
        var service = new ReportRollupService(rollup, clock, NullLogger<ReportRollupService>.Instance);

        Assert.Equal(3, await service.RunOnceAsync(CancellationToken.None)); // the complete hours raw holds
        Assert.Equal(0, await service.RunOnceAsync(CancellationToken.None));
        clock.Now = clock.Now.AddMinutes(52); // 2 minutes past the next hour: too early, its last points may still come
        Assert.Equal(0, await service.RunOnceAsync(CancellationToken.None));
        clock.Now = clock.Now.AddMinutes(2);
        Assert.Equal(1, await service.RunOnceAsync(CancellationToken.None));
        Assert.Equal(ReportRollup.HourOf(clock.Now).AddHours(-1), await rollup.LastHourAsync(CancellationToken.None));
    }
}

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
            Assert.True(writer.TryWrite(writer.CreatePoint(Measurements.ServiceHealth).Tag("component", "dnsfilter")
                .Field("reporting_minutes", 1L).Field("points_dropped", minute == 5 ? 3L : 0L).Field("spool_points", minute < 60 ? 100L : minute == 75 ? 2000L : 500L)
                .Field("spool_bytes", 1L).Field("queries", 10L).Timestamp(nine.AddMinutes(minute))));
        }

        await writer.FlushAsync(CancellationToken.None);
        var reader = new InfluxReader(connection, options);
        await new RollupBackfill(reader, new ReportRollup(connection, reader, options), options).RunAsync(period.Start, period.End, RollupScope.Hour, CancellationToken.None);

        var report = await world.Reader().ReadAsync(null, week, CancellationToken.None);
        var dns = Assert.Single(report.Health, h => h.Component == "dnsfilter");
        Assert.Equal("DNS filter", dns.Label);
        Assert.Equal(Math.Round(90 * 100.0 / (7 * 24 * 60), 2), dns.UptimePercent);
        Assert.Equal(2000, dns.PeakSpoolPoints); // the true peak from raw (the hourly average of 10:00-11:00 is 550)
        Assert.True(dns.PeakSpoolExact);
        Assert.Equal(3, dns.PointsDropped);
        Assert.Equal(0, Assert.Single(report.Health, h => h.Component == "sniffer").UptimePercent);
        Assert.Contains("The DNS filter did not report on Monday between 00:00 and 09:00 (not running, or InfluxDB could not be reached).", report.Gaps);
        Assert.Contains("The DNS filter did not report from Monday 11:00 to the end of Sunday (not running, or InfluxDB could not be reached).", report.Gaps); // 10:00-11:00 had 30 minutes
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

            Assert.True(writer.TryWrite(writer.CreatePoint(Measurements.ServiceHealth).Tag("component", "dnsfilter")
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
        Assert.Contains("The DNS filter did not report on Tuesday between 08:00 and 09:00 (not running, or InfluxDB could not be reached).", report.Gaps);
        Assert.DoesNotContain(report.Gaps, g => g.Contains("Wednesday 13:00", StringComparison.Ordinal) || g.Contains("to the end of Sunday", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Hours_before_the_upgrade_that_measures_uptime_are_not_counted_as_down()
    {
        await using var world = await WeeklyReportWorld.CreateAsync(spec: null, "upgrade");
        var week = new IsoWeek(2026, 48);
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
        var period = ReportPeriod.OfWeek(week, zone);
        var before = ReportPeriod.OfWeek(week.Previous, zone);
        var options = Options.Create(world.InfluxOptions);
        using var connection = new InfluxConnection(options);
        await using var writer = new InfluxWriter(connection, options, NullLogger<InfluxWriter>.Instance, TimeProvider.System);
        await writer.StartAsync(CancellationToken.None);

        // The old version (no reporting_minutes) ran the week before and until Wednesday 00:00; the new one from then on.
        var upgrade = period.Start.AddDays(2);
        for (var at = before.Start; at < period.End; at = at.AddMinutes(1))
        {
            var point = writer.CreatePoint(Measurements.ServiceHealth).Tag("component", "dnsfilter").Field("points_dropped", 0L).Field("spool_points", 0L).Field("queries", 5L);
            Assert.True(writer.TryWrite((at >= upgrade ? point.Field("reporting_minutes", 1L) : point).Timestamp(at)));
        }

        await writer.FlushAsync(CancellationToken.None);
        var reader = new InfluxReader(connection, options);
        await new RollupBackfill(reader, new ReportRollup(connection, reader, options), options).RunAsync(before.Start, period.End, RollupScope.Hour, CancellationToken.None);

        var report = await world.Reader().ReadAsync(null, week, CancellationToken.None);
        var dns = Assert.Single(report.Health, h => h.Component == "dnsfilter");
        Assert.Equal(100, dns.UptimePercent);
        Assert.Equal(TimeSpan.FromDays(5), dns.MeasuredSpan);
        Assert.Equal(TimeSpan.Zero, dns.PreviousMeasuredSpan);
        Assert.Equal("The DNS filter answered all week (the week before not measured).",
            ClassroomGuard.Console.Components.Pages.Reports.Weekly.WeeklyReportText.Uptime(dns, period.End - period.Start));
        Assert.Contains("The DNS filter's running time was not measured for 48 of the week's 168 hours (its version did not record it yet): its uptime counts only the hours measured.", report.Gaps);
        Assert.DoesNotContain(report.Gaps, g => g.StartsWith("The DNS filter did not report", StringComparison.Ordinal));
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
        var service = new ReportRollupService(rollup, new RollupBackfill(reader, rollup, options), clock, NullLogger<ReportRollupService>.Instance);

        Assert.Equal(3, await service.RunOnceAsync(CancellationToken.None)); // the complete hours raw holds
        Assert.Equal(0, await service.RunOnceAsync(CancellationToken.None));
        clock.Now = clock.Now.AddMinutes(52); // 2 minutes past the next hour: too early, its last points may still come
        Assert.Equal(0, await service.RunOnceAsync(CancellationToken.None));
        clock.Now = clock.Now.AddMinutes(2);
        Assert.Equal(1, await service.RunOnceAsync(CancellationToken.None));
        Assert.Equal(ReportRollup.HourOf(clock.Now).AddHours(-1), await rollup.LastHourAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Points_replayed_late_from_a_spool_are_rolled_up_again_and_the_uptime_is_whole()
    {
        await using var world = await WeeklyReportWorld.CreateAsync(spec: null, "late");
        world.InfluxOptions.RawRetention = TimeSpan.FromHours(6);
        var options = Options.Create(world.InfluxOptions);
        using var connection = new InfluxConnection(options);
        var reader = new InfluxReader(connection, options);
        var rollup = new ReportRollup(connection, reader, options);
        var backfill = new RollupBackfill(reader, rollup, options);
        var clock = new WeeklyReportWorld.ReportClock(ReportRollup.HourOf(DateTimeOffset.UtcNow).AddMinutes(10));
        var service = new ReportRollupService(rollup, backfill, clock, NullLogger<ReportRollupService>.Instance);
        await using var writer = new InfluxWriter(connection, options, NullLogger<InfluxWriter>.Instance, TimeProvider.System);
        await writer.StartAsync(CancellationToken.None);
        var hour = ReportRollup.HourOf(clock.Now).AddHours(-3);
        void Minutes(int from, int to, string domain)
        {
            for (var m = from; m < to; m++)
            {
                Assert.True(writer.TryWrite(writer.CreatePoint(Measurements.ServiceHealth).Tag("component", "dnsfilter")
                    .Field("reporting_minutes", 1L).Field("spool_points", 0L).Timestamp(hour.AddMinutes(m))));
            }

            Assert.True(writer.TryWrite(writer.CreatePoint("dns_blocks").Tag("device", "7").Tag("room", "2").Tag("n", "0").Field("domain", domain)
                .Field("category", "games").Field("group", "pupils").Field("count", 1L).Timestamp(hour.AddMinutes(from))));
        }

        // InfluxDB answered for the hour's first 20 minutes; the rollups were made then (the CQ, the report rollup).
        Minutes(0, 20, "early.example");
        await writer.FlushAsync(CancellationToken.None);
        await backfill.RunAsync(hour, hour.AddHours(1), RollupScope.Hour, CancellationToken.None);
        Assert.True(await service.RunOnceAsync(CancellationToken.None) >= 3); // catch-up of the hours raw holds
        Assert.Equal(0, await service.RunOnceAsync(CancellationToken.None)); // nothing late
        Assert.Equal(20, await MinutesAsync(reader, world.InfluxOptions.Database, hour));

        // The spool replays the other 40 minutes long after the continuous query's last pass over the hour.
        Minutes(20, 60, "late.example");
        await writer.FlushAsync(CancellationToken.None);
        Assert.Equal(1, await service.RunOnceAsync(CancellationToken.None));
        Assert.Equal(60, await MinutesAsync(reader, world.InfluxOptions.Database, hour));
        var top = await reader.QueryAsync(
            $"SELECT \"name\" FROM \"{world.InfluxOptions.Database}\".\"report_top\".\"report_top\" WHERE \"list\" = 'blocked' AND time = {InfluxQl.Time(hour)}", CancellationToken.None);
        Assert.Contains(top.Series.SelectMany(x => x.Rows), r => r[1].AsString() == "late.example");
        Assert.Equal(0, await service.RunOnceAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_first_start_catches_up_a_few_hours_a_pass_oldest_first()
    {
        await using var world = await WeeklyReportWorld.CreateAsync(spec: null, "capped");
        world.InfluxOptions.RawRetention = TimeSpan.FromHours(20);
        var options = Options.Create(world.InfluxOptions);
        using var connection = new InfluxConnection(options);
        var reader = new InfluxReader(connection, options);
        var rollup = new ReportRollup(connection, reader, options);
        var clock = new WeeklyReportWorld.ReportClock(ReportRollup.HourOf(DateTimeOffset.UtcNow).AddMinutes(10));
        var service = new ReportRollupService(rollup, new RollupBackfill(reader, rollup, options), clock, NullLogger<ReportRollupService>.Instance);
        var oldest = ReportRollup.HourOf(clock.Now).AddHours(-19);

        Assert.Equal(ReportRollupService.MaxHoursPerPass, await service.RunOnceAsync(CancellationToken.None)); // 19 hours to do
        Assert.Equal(oldest.AddHours(ReportRollupService.MaxHoursPerPass - 1), await rollup.LastHourAsync(CancellationToken.None));
        Assert.Equal(ReportRollupService.MaxHoursPerPass, await service.RunOnceAsync(CancellationToken.None));
        Assert.Equal(ReportRollupService.MaxHoursPerPass, await service.RunOnceAsync(CancellationToken.None));
        Assert.Equal(19 - (3 * ReportRollupService.MaxHoursPerPass), await service.RunOnceAsync(CancellationToken.None));
        Assert.Equal(ReportRollup.HourOf(clock.Now).AddHours(-1), await rollup.LastHourAsync(CancellationToken.None));
        Assert.Equal(0, await service.RunOnceAsync(CancellationToken.None));
    }

    private static async Task<long> MinutesAsync(InfluxReader reader, string database, DateTimeOffset hour)
    {
        var result = await reader.QueryAsync(
            $"SELECT sum(\"sum_reporting_minutes\") FROM \"{database}\".\"rollup_1h\".\"service_health\" WHERE time >= {InfluxQl.Time(hour)} AND time < {InfluxQl.Time(hour.AddHours(1))}",
            CancellationToken.None);
        var row = result.Series.SelectMany(x => x.Rows).FirstOrDefault();
        return row is null || row[1].IsNull ? 0 : (long)(row[1].Kind == InfluxValueKind.Integer ? row[1].AsInt64() : row[1].AsDouble());
    }
}

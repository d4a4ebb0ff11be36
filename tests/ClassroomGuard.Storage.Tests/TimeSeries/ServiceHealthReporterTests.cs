using ClassroomGuard.Storage.Tests.TimeSeries.Support;
using ClassroomGuard.Storage.TimeSeries;

namespace ClassroomGuard.Storage.Tests.TimeSeries;

[Collection(InfluxdCollection.Name)]
public sealed class ServiceHealthReporterTests(InfluxdFixture influxd)
{
    private sealed class Totals : IServiceHealthSource
    {
        public Dictionary<string, long> Values { get; } = new(StringComparer.Ordinal);

        public string Component => "dnsfilter";

        public void ReadTotals(IDictionary<string, long> totals)
        {
            foreach (var (k, v) in Values)
            {
                totals[k] = v;
            }
        }
    }

    [Fact]
    public async Task Report_TwoMinutes_WritesEachMinutesDifferenceAndTheSpoolBacklog()
    {
        var database = influxd.NewDatabase("health");
        await using var client = new InfluxTestClient(influxd.Server.Url, database, o => o.RetentionPolicy = "");
        await client.Reader.QueryAsync($"CREATE DATABASE {database}", CancellationToken.None);
        await client.Writer.StartAsync(CancellationToken.None);
        var source = new Totals();
        using var reporter = new ServiceHealthReporter(source, TimeProvider.System, client.Writer);
        var t0 = new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);

        source.Values["queries"] = 1200;
        source.Values["blocked"] = 30;
        Assert.True(reporter.Report(t0));
        source.Values["queries"] = 1500;
        source.Values["blocked"] = 35;
        Assert.True(reporter.Report(t0.AddMinutes(1)));
        await client.Writer.FlushAsync(CancellationToken.None);

        var series = await client.SeriesAsync("SELECT \"queries\", \"blocked\", \"spool_points\", \"points_dropped\", \"reporting_minutes\" FROM \"service_health\" WHERE \"component\" = 'dnsfilter'");
        Assert.NotNull(series);
        Assert.Equal(2, series.Rows.Count);
        Assert.Equal([1200L, 300L], series.Rows.Select(r => r[series.ColumnIndex("queries")].AsInt64()));
        Assert.Equal([30L, 5L], series.Rows.Select(r => r[series.ColumnIndex("blocked")].AsInt64()));
        Assert.All(series.Rows, r => Assert.Equal(0L, r[series.ColumnIndex("spool_points")].AsInt64()));
        Assert.All(series.Rows, r => Assert.Equal(0L, r[series.ColumnIndex("points_dropped")].AsInt64()));

        // One reporting minute per point: an hour's sum (rollup_1h) is the minutes the service reported.
        Assert.All(series.Rows, r => Assert.Equal(1L, r[series.ColumnIndex("reporting_minutes")].AsInt64()));
    }

    [Fact]
    public void Report_WithoutWriter_WritesNothing()
    {
        using var reporter = new ServiceHealthReporter(new Totals(), TimeProvider.System);
        Assert.False(reporter.Report(DateTimeOffset.UtcNow));
    }
}

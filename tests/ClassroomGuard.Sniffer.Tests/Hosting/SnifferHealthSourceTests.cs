using ClassroomGuard.Sniffer.Capture;
using ClassroomGuard.Sniffer.Hosting;
using ClassroomGuard.Sniffer.Tests.Support;
using ClassroomGuard.Storage.Tests.TimeSeries.Support;
using ClassroomGuard.Storage.TimeSeries;

namespace ClassroomGuard.Sniffer.Tests.Hosting;

/// <summary>
/// The sniffer's once-a-minute service_health point from a real live capture on a veth (pings from the other end) into
/// the real influxd: its packet and drop counts are the capture's own kernel counters.
/// </summary>
[Collection(InfluxdCollection.Name)]
public sealed class SnifferHealthSourceTests(InfluxdFixture influxd)
{
    [Fact]
    public async Task Report_LiveCapture_WritesTheKernelsCounters()
    {
        await using var lab = await NetworkLab.CreateAsync();
        await using var influx = await InfluxRig.StartAsync(influxd, "snifferhealth");
        using var capture = NetworkLab.RunInNamespace(lab.ClientNamespace, () => PacketCapture.OpenLive(new LiveCaptureSettings
        {
            Interface = lab.ClientInterface,
            ImmediateMode = true,
            ReadTimeout = TimeSpan.FromMilliseconds(50),
        }));
        var source = new SnifferHealthSource();
        source.Attach(capture);
        using var reporter = new ServiceHealthReporter(source, TimeProvider.System, influx.Writer);
        var reading = Task.Factory.StartNew(() =>
        {
            while (capture.ReadNext(out _) is CaptureReadResult.Packet or CaptureReadResult.Timeout)
            {
            }
        }, TaskCreationOptions.LongRunning);

        await Tool.CheckAsync("ip", "netns", "exec", lab.ServerNamespace, "ping", "-c", "5", "-i", "0.2", "-W", "1", lab.ClientIp);
        var received = (long)capture.GetStatistics().Received;
        Assert.True(reporter.Report(DateTimeOffset.UtcNow));
        await influx.Writer.FlushAsync(CancellationToken.None);
        capture.BreakLoop();
        await reading;

        var result = await influx.Reader.QueryAsync("SELECT \"packets\", \"dropped\", \"if_dropped\" FROM \"service_health\" WHERE \"component\" = 'sniffer'", CancellationToken.None);
        var series = Assert.Single(result.Series);
        var row = Assert.Single(series.Rows);
        var packets = row[series.ColumnIndex("packets")].AsInt64();
        Assert.True(packets >= 10 && packets >= received, $"{packets} packets reported, {received} received before the report"); // 5 requests, 5 replies at least
        Assert.Equal(0, row[series.ColumnIndex("dropped")].AsInt64());

        source.Attach(null); // the capture ended: the next point carries no capture counters
        var totals = new Dictionary<string, long>();
        source.ReadTotals(totals);
        Assert.Empty(totals);
    }
}

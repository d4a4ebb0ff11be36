using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using BenchmarkDotNet.Running;
using ClassroomGuard.Storage.Benchmarks;
using ClassroomGuard.Storage.TimeSeries;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

// bench/influx.sh drives this:
//   --generate DIR  --points N --devices D --batch B   write the workload as gzipped line-protocol batch files (for curl)
//   --provision --url U --db DB                     create database, retention policies, continuous queries
//   --writer  --url U --db DB --points N --devices D --batch B   push the workload through InfluxWriter, print points/s
//   --bdn [BenchmarkDotNet args]   micro-benchmarks with MemoryDiagnoser
if (args.Length > 0 && args[0] == "--bdn")
{
    BenchmarkSwitcher.FromAssembly(typeof(PointBenchmarks).Assembly).Run(args[1..]);
    return 0;
}

string Arg(string name, string fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
}

var points = long.Parse(Arg("--points", "1500000"), CultureInfo.InvariantCulture);
var devices = int.Parse(Arg("--devices", "3000"), CultureInfo.InvariantCulture);
var batch = int.Parse(Arg("--batch", "5000"), CultureInfo.InvariantCulture);
Workload.Prepare(devices);
if (Arg("--base", "") is { Length: > 0 } baseSecond)
{
    Workload.BaseTime = long.Parse(baseSecond, CultureInfo.InvariantCulture) * 1_000_000_000L;
}

if (args.Contains("--generate"))
{
    var directory = Arg("--generate", "batches");
    Directory.CreateDirectory(directory);
    using var lines = new MemoryStream();
    var file = 0;
    for (long i = 0; i < points; i++)
    {
        var point = Workload.Build(PointBuilder.Create("dns_activity"), i);
        lines.Write(point.Utf8Line);
        lines.WriteByte((byte)'\n');
        if ((i + 1) % batch == 0 || i + 1 == points)
        {
            // Same compression as InfluxWriter: gzip, CompressionLevel.Fastest, one body per batch.
            var path = Path.Combine(directory, file++.ToString("D6", CultureInfo.InvariantCulture) + ".lp.gz");
            using (var output = File.Create(path))
            using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
            {
                gzip.Write(lines.GetBuffer(), 0, (int)lines.Length);
            }

            lines.SetLength(0);
        }
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"generated {file} batches in {directory}"));
    return 0;
}

if (args.Contains("--provision"))
{
    // The same provisioning the appliance runs at start: database, retention policies, continuous queries.
    var wrapped = Options.Create(new InfluxOptions { Url = new Uri(Arg("--url", "http://127.0.0.1:8086")), Database = Arg("--db", "bench") });
    using var connection = new InfluxConnection(wrapped);
    var provisioner = new InfluxProvisioner(connection, new InfluxReader(connection, wrapped), wrapped, NullLogger<InfluxProvisioner>.Instance);
    var version = await provisioner.ProvisionAsync(CancellationToken.None);
    Console.WriteLine($"provisioned {wrapped.Value.Database} on InfluxDB {version}");
    return 0;
}

if (args.Contains("--writer"))
{
    var options = new InfluxOptions
    {
        Url = new Uri(Arg("--url", "http://127.0.0.1:8086")),
        Database = Arg("--db", "bench"),
        BatchSize = batch,
        SpoolDirectory = Path.Combine(Path.GetTempPath(), "cg-bench-spool-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture)),
    };
    var wrapped = Options.Create(options);
    using var connection = new InfluxConnection(wrapped);
    await using var writer = new InfluxWriter(connection, wrapped, NullLogger<InfluxWriter>.Instance, TimeProvider.System);
    await writer.StartAsync(CancellationToken.None);

    var clock = Stopwatch.StartNew();
    long waits = 0;
    for (long i = 0; i < points; i++)
    {
        var point = Workload.Build(writer.CreatePoint("dns_activity"), i);
        while (!writer.TryWrite(point))
        {
            // Memory full: a bulk producer may wait (the hot path would drop instead); sleep, do not spin: the
            // server shares these two cores. The point stays valid.
            waits++;
            Thread.Sleep(1);
        }
    }

    var enqueued = clock.Elapsed;
    await writer.FlushAsync(CancellationToken.None);
    var elapsed = clock.Elapsed;
    var stats = writer.GetStatistics();
    await writer.StopAsync(CancellationToken.None);
    Directory.Delete(options.SpoolDirectory, recursive: true);

    var rate = points / elapsed.TotalSeconds;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"writer: {points} points acknowledged in {elapsed.TotalSeconds:F2} s (enqueue done at {enqueued.TotalSeconds:F2} s), "
        + $"written={stats.PointsWritten} spooled={stats.PointsSpooled} failures={stats.WriteFailures} full_waits={waits}"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"writer_rate={rate:F0}"));
    return stats.PointsWritten == points ? 0 : 1;
}

if (args.Contains("--report-rollup"))
{
    // One hour of raw data at per-second density (every device has a dns_activity and a net_activity point each second,
    // with 5 names each, and a block every 10 seconds), then the time of ReportRollup.RollUpHourAsync over it.
    var seconds = int.Parse(Arg("--seconds", "3600"), CultureInfo.InvariantCulture);
    var rooms = int.Parse(Arg("--rooms", "40"), CultureInfo.InvariantCulture);
    var options = new InfluxOptions
    {
        Url = new Uri(Arg("--url", "http://127.0.0.1:8086")),
        Database = Arg("--db", "bench_report"),
        BatchSize = batch,
        MaxBufferedPoints = 1_000_000,
        RequestTimeout = TimeSpan.FromMinutes(5),
        SpoolDirectory = Path.Combine(Path.GetTempPath(), "cg-bench-spool-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture)),
    };
    var wrapped = Options.Create(options);
    using var connection = new InfluxConnection(wrapped);
    var reader = new InfluxReader(connection, wrapped);
    await new InfluxProvisioner(connection, reader, wrapped, NullLogger<InfluxProvisioner>.Instance).ProvisionAsync(CancellationToken.None);
    var hour = ReportRollup.HourOf(DateTimeOffset.UtcNow).AddHours(-2);
    var written = Stopwatch.StartNew();
    long total = 0;
    await using (var writer = new InfluxWriter(connection, wrapped, NullLogger<InfluxWriter>.Instance, TimeProvider.System))
    {
        await writer.StartAsync(CancellationToken.None);
        void Put(PointBuilder point)
        {
            while (!writer.TryWrite(point))
            {
                Thread.Sleep(1);
            }

            total++;
        }

        for (var s = 0; s < seconds; s++)
        {
            var at = hour.AddSeconds(s);
            for (var d = 0; d < devices; d++)
            {
                var device = d.ToString(CultureInfo.InvariantCulture);
                var room = (d % rooms + 1).ToString(CultureInfo.InvariantCulture);
                var k = (d * 7) + (s / 60);
                var names = string.Create(CultureInfo.InvariantCulture, $"site{k % 300}.example=3,cdn{k % 97}.example=2,api{k % 53}.example=2,img{k % 31}.example=1,www{d % 400}.example=1");
                Put(writer.CreatePoint("dns_activity").Tag("device", device).Tag("room", room).Field("queries", 9L).Field("blocked", 0L).Field("top_domains", names).Timestamp(at));
                Put(writer.CreatePoint("net_activity").Tag("device", device).Tag("room", room).Field("bytes_in", 40_000L).Field("bytes_out", 4_000L).Field("top_sites", names).Timestamp(at));
                if ((s + d) % 10 == 0)
                {
                    Put(writer.CreatePoint("dns_blocks").Tag("device", device).Tag("room", room).Tag("n", "0").Field("domain", string.Create(CultureInfo.InvariantCulture, $"blocked{k % 150}.example"))
                        .Field("category", "games").Field("group", "pupils").Field("count", 1L).Timestamp(at));
                }
            }
        }

        await writer.FlushAsync(CancellationToken.None);
        await writer.StopAsync(CancellationToken.None);
    }

    var writeTime = written.Elapsed;
    Directory.Delete(options.SpoolDirectory, recursive: true);
    var rollup = new ReportRollup(connection, reader, wrapped);
    var clock = Stopwatch.StartNew();
    var rolled = await rollup.RollUpHourAsync(hour, CancellationToken.None);
    var rollupTime = clock.Elapsed;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"report rollup: {devices} devices, {seconds} s, {total} raw points (written in {writeTime.TotalSeconds:F1} s); one hour rolled up in {rollupTime.TotalSeconds:F1} s, {rolled} points written"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"report_rollup_seconds={rollupTime.TotalSeconds:F1}"));
    return rolled > 1 ? 0 : 1;
}

Console.Error.WriteLine("usage: --generate DIR | --writer --url U --db DB | --report-rollup --url U [--seconds S --rooms R] | --bdn [args]  (with --points --devices --batch)");
return 2;

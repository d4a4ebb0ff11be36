// bench/history.sh's program: a week of blocks for 1,000 devices into a real influxd, then block-history pages timed
// through the console's BlockHistoryReader (the code the /blocks page and the CSV export use). Prints per kind of page
// min/median/p95/max, writes each timed request's InfluxQL to --peer-file (for curl, the peer), and prints last:
//   history p95_ms=N devices=1000 days=7
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using ClassroomGuard.Console.Safeguarding.History;
using ClassroomGuard.History.Benchmarks;
using ClassroomGuard.Storage.TimeSeries;
using Microsoft.Extensions.Logging.Abstractions;

var url = new Option<string>("--url") { Description = "influxd's HTTP address.", Required = true };
var database = new Option<string>("--db") { Description = "Database to create and fill.", DefaultValueFactory = _ => "bench_history" };
var devices = new Option<int>("--devices") { Description = "Devices.", DefaultValueFactory = _ => 1000 };
var days = new Option<int>("--days") { Description = "Days of blocks, ending now.", DefaultValueFactory = _ => 7 };
var samples = new Option<int>("--samples") { Description = "Timed pages of each kind.", DefaultValueFactory = _ => 40 };
var peerFile = new Option<FileInfo?>("--peer-file") { Description = "Where to write the timed requests' InfluxQL (kind<TAB>query per line)." };
var root = new RootCommand("Generates a week of DNS blocks and times block-history pages.") { url, database, devices, days, samples, peerFile };
root.SetAction((result, cancellationToken) => RunAsync(
    new Uri(result.GetValue(url)!), result.GetValue(database)!, result.GetValue(devices), result.GetValue(days), result.GetValue(samples), result.GetValue(peerFile), cancellationToken));
// The /blocks page's page size (BlockHistoryService.PageSize).
const int PageSize = 50;
return await root.Parse(args).InvokeAsync();

static async Task<int> RunAsync(Uri url, string database, int deviceCount, int dayCount, int samples, FileInfo? peerFile, CancellationToken cancellationToken)
{
    var options = new InfluxOptions
    {
        Url = url,
        Database = database,
        RetentionPolicy = InfluxOptions.BlocksPolicyName,
        Precision = InfluxPrecision.Seconds,
        SpoolDirectory = Path.Combine(Path.GetTempPath(), "cg-bench-history-spool-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture)),
        RequestTimeout = TimeSpan.FromSeconds(60),
    };
    var wrapped = Microsoft.Extensions.Options.Options.Create(options);
    using var connection = new InfluxConnection(wrapped);
    var influx = new InfluxReader(connection, wrapped);
    await new InfluxProvisioner(connection, influx, wrapped, NullLogger<InfluxProvisioner>.Instance).ProvisionAsync(cancellationToken);

    var now = DateTimeOffset.UtcNow;
    var end = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero);
    var week = new WeekOfBlocks(deviceCount, dayCount, end, seed: 13);
    var clock = Stopwatch.StartNew();
    long points;
    await using (var writer = new InfluxWriter(connection, wrapped, NullLogger<InfluxWriter>.Instance, TimeProvider.System))
    {
        await writer.StartAsync(cancellationToken);
        points = await week.WriteAsync(writer, cancellationToken);
        await writer.StopAsync(cancellationToken);
        var stats = writer.GetStatistics();
        if (stats.PointsWritten != points)
        {
            Console.Error.WriteLine($"the writer wrote {stats.PointsWritten} of {points} points: {stats}");
            return 1;
        }
    }

    var counted = (await influx.QueryAsync("SELECT count(\"count\") FROM \"blocks\".\"dns_blocks\"", cancellationToken)).Series.Single().Rows[0][1].AsInt64();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"generated {points:N0} blocks ({counted:N0} stored) for {deviceCount:N0} devices over {dayCount} days, {week.Domains.Count:N0} domains, {WeekOfBlocks.Categories.Count} categories, in {clock.Elapsed.TotalSeconds:0.0} s"));

    var history = new BlockHistoryReader(influx);
    var random = new Random(29);
    var retention = options.BlockRetention;
    // The page's default period: the whole retention up to a minute from now.
    var everything = new BlockCriteria(now - retention, now.AddMinutes(1));
    var kinds = new (string Name, Func<(BlockCriteria, BlockCursor?)> Make)[]
    {
        ("first page", () => (everything, null)),
        ("by device", () => (everything with { DeviceIds = [random.Next(1, deviceCount + 1)] }, null)),
        ("by domain", () => (everything with { DomainSuffix = week.Domains[random.Next(week.Domains.Count)].Domain }, null)),
        ("by category", () => (everything with { Category = WeekOfBlocks.Categories[random.Next(WeekOfBlocks.Categories.Count)] }, null)),
        ("deep page", () => (everything, new BlockCursor(Ns(week.Start.AddSeconds(random.Next(dayCount * 86400 / 4, dayCount * 86400 * 3 / 4))), ""))),
    };

    // Warm-up (not counted), then the kinds interleaved in random order.
    foreach (var kind in kinds)
    {
        for (var i = 0; i < 3; i++)
        {
            var (criteria, cursor) = kind.Make();
            await history.PageAsync(criteria, cursor, PageSize, cancellationToken);
        }
    }

    var order = Enumerable.Range(0, kinds.Length).SelectMany(k => Enumerable.Repeat(k, samples)).OrderBy(_ => random.Next()).ToList();
    var times = kinds.Select(_ => new List<double>()).ToArray();
    var rows = new long[kinds.Length];
    using var peer = peerFile is null ? null : new StreamWriter(peerFile.FullName);
    foreach (var k in order)
    {
        var (criteria, cursor) = kinds[k].Make();
        var started = Stopwatch.GetTimestamp();
        var page = await history.PageAsync(criteria, cursor, PageSize, cancellationToken);
        times[k].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        rows[k] += page.Rows.Count;
        peer?.WriteLine(kinds[k].Name + "\t" + BlockHistoryReader.PageQuery(criteria, cursor, PageSize));
    }

    for (var k = 0; k < kinds.Length; k++)
    {
        Console.WriteLine(Describe(kinds[k].Name, times[k]) + string.Create(CultureInfo.InvariantCulture, $"  (rows/page {rows[k] / (double)samples:0.0})"));
    }

    var all = times.SelectMany(t => t).ToList();
    Console.WriteLine(Describe("all pages", all));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"history p95_ms={Percentile(all, 95):0} devices={deviceCount} days={dayCount}"));
    return 0;
}

static long Ns(DateTimeOffset at) => (at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;

static double Percentile(List<double> values, double p)
{
    var sorted = values.Order().ToList();
    var rank = (int)Math.Ceiling(p / 100 * sorted.Count) - 1;
    return sorted[Math.Clamp(rank, 0, sorted.Count - 1)];
}

static string Describe(string what, List<double> values) => string.Create(CultureInfo.InvariantCulture,
    $"{what,-12} n={values.Count} min={values.Min():0.0} median={Percentile(values, 50):0.0} p95={Percentile(values, 95):0.0} max={values.Max():0.0} ms");

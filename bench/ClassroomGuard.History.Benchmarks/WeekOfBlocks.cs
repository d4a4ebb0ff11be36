using System.Globalization;
using ClassroomGuard.Storage.TimeSeries;

namespace ClassroomGuard.History.Benchmarks;

/// <summary>
/// A school's week of DNS blocks, generated with a fixed seed: <see cref="Devices"/> devices in rooms of 25 and four
/// groups; during school hours (Monday–Friday 08:30–15:30, Europe/London) each device is blocked about
/// <see cref="SchoolHourRate"/> times an hour, outside them rarely. Names come from a few thousand domains in categories,
/// popular ones far more often (Zipf); most blocks are a category's list, some deny entries, a teacher's pause or focus,
/// circumvention. Points are what the DNS filter writes (one per device, distinct block and second; tag <c>n</c>).
/// </summary>
internal sealed class WeekOfBlocks(int devices, int days, DateTimeOffset end, int seed)
{
    public const double SchoolHourRate = 12;
    public const double OffHourRate = 0.3;
    public const double WeekendHourRate = 0.05;

    private static readonly string[] CategoryKeys =
        ["games", "social_networks", "adult", "gambling", "chat", "dating", "violence", "drugs", "malware", "phishing", "warez", "vpn", "shopping", "audio-video"];

    private readonly Random random = new(seed);
    private readonly TimeZoneInfo zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    public int Devices => devices;

    public DateTimeOffset Start => end.AddDays(-days);

    public DateTimeOffset End => end;

    /// <summary>The domains (3,000) with their category, most popular first.</summary>
    public IReadOnlyList<(string Domain, string Category)> Domains { get; } = MakeDomains();

    public static IReadOnlyList<string> Categories => CategoryKeys;

    /// <summary>Writes every block; returns how many points were written.</summary>
    public async Task<long> WriteAsync(InfluxWriter writer, CancellationToken cancellationToken)
    {
        var zipf = ZipfTable(Domains.Count, 1.1);
        long points = 0;
        var seconds = new Dictionary<(long Device, long Second), int>();
        for (var hour = Start; hour < end; hour = hour.AddHours(1))
        {
            var local = TimeZoneInfo.ConvertTime(hour, zone);
            var weekend = local.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
            var rate = weekend ? WeekendHourRate : local.Hour is >= 9 and < 15 ? SchoolHourRate : local.Hour == 8 || local.Hour == 15 ? SchoolHourRate / 2 : OffHourRate;
            seconds.Clear();
            for (var device = 1; device <= devices; device++)
            {
                var blocks = Poisson(rate);
                for (var b = 0; b < blocks; b++)
                {
                    var second = random.Next(3600);
                    var n = seconds.TryGetValue((device, second), out var used) ? used : 0;
                    if (n >= 8)
                    {
                        continue; // the DNS filter keeps at most 8 distinct blocks per client and second
                    }

                    seconds[(device, second)] = n + 1;
                    var (domain, category) = Domains[Pick(zipf)];
                    var roll = random.NextDouble();
                    var (reason, rule, cat) = roll switch
                    {
                        < 0.05 => ("Deny", "deny:" + domain, ""),
                        < 0.07 when !weekend => ("Pause", "pause:action " + (1 + device / 25).ToString(CultureInfo.InvariantCulture), ""),
                        < 0.08 when !weekend => ("Focus", "focus:action " + (500 + device / 25).ToString(CultureInfo.InvariantCulture), ""),
                        < 0.09 => ("Circumvention", "circumvention:" + domain, "circumvention"),
                        < 0.0905 => ("AlwaysOn", "list:" + domain, "child_abuse"),
                        _ => ("Category", "list:" + domain, category),
                    };
                    var point = writer.CreatePoint("dns_blocks")
                        .Tag("device", device.ToString(CultureInfo.InvariantCulture))
                        .Tag("n", n.ToString(CultureInfo.InvariantCulture))
                        .Tag("room", (1 + (device - 1) / 25).ToString(CultureInfo.InvariantCulture))
                        .Field("domain", domain).Field("category", cat).Field("reason", reason).Field("rule", rule)
                        .Field("group", Group(device))
                        .Field("ip", string.Create(CultureInfo.InvariantCulture, $"10.{10 + device / 250}.{device % 250 / 10}.{device % 10 + 10}"))
                        .Field("mac", string.Create(CultureInfo.InvariantCulture, $"02:00:00:00:{device / 256:x2}:{device % 256:x2}"))
                        .Field("count", 1 + (random.Next(10) == 0 ? random.Next(1, 5) : 0))
                        .Timestamp(hour.AddSeconds(second));
                    if (!writer.TryWrite(point))
                    {
                        // The loop below keeps the backlog far under MaxBufferedPoints, so this is a real fault.
                        throw new InvalidOperationException("The writer refused a point: " + writer.GetStatistics());
                    }

                    points++;
                }
            }

            while (writer.GetStatistics().BufferedPoints > 100_000)
            {
                await Task.Delay(5, cancellationToken);
            }
        }

        return points;
    }

    public static string Group(long device) => (device % 10) switch
    {
        < 4 => "pupils_ks3",
        < 8 => "pupils_ks4",
        8 => "sixth_form",
        _ => "staff",
    };

    private int Poisson(double lambda)
    {
        // Knuth's method: fine for the small rates used here.
        var limit = Math.Exp(-lambda);
        var k = 0;
        var p = random.NextDouble();
        while (p > limit)
        {
            k++;
            p *= random.NextDouble();
        }

        return k;
    }

    private int Pick(double[] cumulative)
    {
        var index = Array.BinarySearch(cumulative, random.NextDouble());
        return Math.Min(index < 0 ? ~index : index, cumulative.Length - 1);
    }

    private static double[] ZipfTable(int count, double exponent)
    {
        var weights = new double[count];
        double total = 0;
        for (var i = 0; i < count; i++)
        {
            total += weights[i] = 1 / Math.Pow(i + 1, exponent);
        }

        double running = 0;
        for (var i = 0; i < count; i++)
        {
            running += weights[i] / total;
            weights[i] = running;
        }

        return weights;
    }

    private static List<(string, string)> MakeDomains()
    {
        var random = new Random(7);
        var tlds = new[] { "com", "net", "co.uk", "io", "org", "tv" };
        var domains = new List<(string, string)>(3000);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (domains.Count < 3000)
        {
            var stem = new string([.. Enumerable.Range(0, random.Next(4, 11)).Select(_ => (char)('a' + random.Next(26)))]);
            var name = (random.Next(4) == 0 ? new[] { "www.", "m.", "cdn.", "api." }[random.Next(4)] : "") + stem + "." + tlds[random.Next(tlds.Length)];
            if (seen.Add(name))
            {
                domains.Add((name, CategoryKeys[random.Next(CategoryKeys.Length)]));
            }
        }

        return domains;
    }
}

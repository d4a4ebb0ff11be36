using System.Globalization;
using ClassroomGuard.Console.Safeguarding.History;
using ClassroomGuard.Storage.Tests.TimeSeries.Support;
using ClassroomGuard.Storage.TimeSeries;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Tests.Safeguarding;

/// <summary>
/// A real influxd with a provisioned database and generated <c>dns_blocks</c> written into the <c>blocks</c> policy
/// through our <see cref="InfluxWriter"/>, as the continuous query leaves them: devices and unknown addresses, several
/// devices and several blocks of one device in the same second (so paging must order within a second), suffix traps
/// (notyoutube.com, youtube.com.evil.example) and hostile names (quotes, backslashes, slashes, regex characters, newlines).
/// </summary>
public sealed class BlockHistoryWorld : IAsyncLifetime
{
    public const string Database = "history";
    public static readonly DateTimeOffset Start = new(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);

    public static readonly string[] Hostile =
    [
        "it's \"quoted\".example",
        "back\\slash.example",
        "slash/ends/the/regex.example",
        "regex(.*)|[a-z]+$^.example",
        "new\nline.example",
        "\\x{2e}literal.example",
        "trailing-backslash.example\\",
    ];

    private static readonly string[] Domains = ["youtube.com", "m.youtube.com", "www.m.youtube.com", "notyoutube.com", "youtube.com.evil.example", "poki.com", "games.poki.com", "bet365.com", "tiktok.com"];
    private static readonly string[] Categories = ["games", "adult", "gambling", "social_networks", ""];
    private static readonly string[] Groups = ["pupils_ks3", "pupils_ks4", "staff"];
    private static readonly string[] Reasons = ["Category", "AlwaysOn", "Deny", "Pause", "Focus", "Circumvention"];

    private InfluxdServer? influxd;
    private InfluxConnection? connection;

    public InfluxReader Reader { get; private set; } = null!;

    public InfluxOptions Options { get; private set; } = null!;

    public InfluxdServer Influxd => influxd!;

    public List<BlockRecord> Written { get; } = [];

    public BlockHistoryReader History => new(Reader);

    public static DateTimeOffset End => Start.AddDays(2);

    public async Task InitializeAsync()
    {
        influxd = await InfluxdServer.StartNewAsync();
        Options = new InfluxOptions
        {
            Url = influxd.Url,
            Database = Database,
            RetentionPolicy = InfluxOptions.BlocksPolicyName,
            BlockRetention = TimeSpan.FromDays(3650),
            SpoolDirectory = Path.Combine(influxd.Root, "spool"),
        };
        var options = Microsoft.Extensions.Options.Options.Create(Options);
        connection = new InfluxConnection(options);
        Reader = new InfluxReader(connection, options);
        await new InfluxProvisioner(connection, Reader, options, NullLogger<InfluxProvisioner>.Instance).ProvisionAsync(CancellationToken.None);

        var random = new Random(13);
        var writer = new InfluxWriter(connection, options, NullLogger<InfluxWriter>.Instance, TimeProvider.System);
        await writer.StartAsync(CancellationToken.None);
        var second = Start;
        var hostile = 0;
        var used = new HashSet<string>(StringComparer.Ordinal);
        while (Written.Count < 1500)
        {
            // Gaps of 0-90 s; a busy second has several clients and up to 3 blocks per client.
            var next = second.AddSeconds(random.Next(0, 4) == 0 ? 0 : random.Next(1, 90));
            if (next != second)
            {
                used.Clear(); // one point per series and second, as the DNS filter writes (a second point would replace the first)
            }

            second = next;
            var clients = random.Next(1, 6);
            for (var c = 0; c < clients; c++)
            {
                var unknown = random.Next(10) == 0;
                long? device = unknown ? null : random.Next(1, 31);
                var client = unknown ? "10.9.0." + random.Next(1, 4).ToString(CultureInfo.InvariantCulture) : null;
                var room = device is { } d ? (d % 3 + 1).ToString(CultureInfo.InvariantCulture) : null;
                var blocks = random.Next(1, 4);
                for (var n = 0; n < blocks; n++)
                {
                    var key = $"{device}|{client}|{n}";
                    if (!used.Add(key))
                    {
                        continue;
                    }

                    var domain = hostile < Hostile.Length * 3 && random.Next(8) == 0 ? Hostile[hostile++ % Hostile.Length] : Domains[random.Next(Domains.Length)];
                    var reason = Reasons[random.Next(Reasons.Length)];
                    var record = new BlockRecord(
                        (second.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100, device, client, room, n.ToString(CultureInfo.InvariantCulture),
                        domain, Categories[random.Next(Categories.Length)], reason, reason is "Pause" or "Focus" ? "pause:action 4" : "list:" + domain,
                        Groups[random.Next(Groups.Length)], device is { } dv ? "10.3.0." + dv.ToString(CultureInfo.InvariantCulture) : client!,
                        device is { } m ? "02:00:00:00:00:" + m.ToString("x2", CultureInfo.InvariantCulture) : "", random.Next(1, 5));
                    Written.Add(record);
                    Assert.True(writer.TryWrite(Point(writer, record)));
                }
            }
        }

        await writer.StopAsync(CancellationToken.None);
        await writer.DisposeAsync();
        Assert.Contains(Written, r => r.Domain.Contains('\n', StringComparison.Ordinal));
    }

    public static PointBuilder Point(InfluxWriter writer, BlockRecord r)
    {
        var point = writer.CreatePoint(Measurements.DnsBlocks);
        if (r.DeviceId is { } device)
        {
            point = point.Tag("device", device.ToString(CultureInfo.InvariantCulture));
        }

        point = point.Tag("client", r.Client ?? "").Tag("room", r.RoomId ?? "").Tag("n", r.N);
        return point.Field("domain", r.Domain).Field("category", r.Category).Field("reason", r.Reason).Field("rule", r.Rule)
            .Field("group", r.Group).Field("ip", r.Ip).Field("mac", r.Mac).Field("count", r.Count)
            .Timestamp(DateTimeOffset.UnixEpoch.AddTicks(r.TimeNs / 100));
    }

    /// <summary>Every row of <paramref name="criteria"/>, through pages of <paramref name="size"/>, checking each page's size.</summary>
    public async Task<List<BlockRecord>> AllPagesAsync(BlockCriteria criteria, int size, TimeSpan? budget = null)
    {
        var rows = new List<BlockRecord>();
        BlockCursor? cursor = null;
        for (var pages = 0; ; pages++)
        {
            Assert.True(pages < 10_000, "paging does not end");
            var page = await History.PageAsync(criteria, cursor, size, budget ?? TimeSpan.MaxValue, CancellationToken.None);
            Assert.True(page.Rows.Count <= size);
            if (budget is null && page.Next is not null)
            {
                Assert.Equal(size, page.Rows.Count); // without a budget, only the last page may be short
            }

            if (page.Rows.Count < size && page.Next is { } next)
            {
                Assert.Null(next.Key); // a short page with more to come stopped at a window's start, and says how far it searched
                Assert.Equal(DateTimeOffset.UnixEpoch.AddTicks(next.TimeNs / 100), page.SearchedBackTo);
            }

            rows.AddRange(page.Rows);
            if (page.Next is null)
            {
                return rows;
            }

            cursor = page.Next;
        }
    }

    public async Task DisposeAsync()
    {
        connection?.Dispose();
        if (influxd is not null)
        {
            await influxd.DisposeAsync();
        }
    }
}

using System.Buffers;
using System.Globalization;
using ClassroomGuard.Storage.TimeSeries.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Storage.TimeSeries;

/// <summary>
/// The hourly report rollup (docs/timeseries.md, "Report rollup"): what the generic <c>sum(*)</c> rollups cannot keep
/// because it is text. For each complete hour it streams the hour's raw <c>dns_blocks</c> (domain, category, group,
/// count), <c>dns_activity.top_domains</c> and <c>net_activity.top_sites</c> and writes, per room, the top
/// <see cref="TopN"/> of each list into <c>report_top.report_top</c> (its own retention policy,
/// <see cref="InfluxOptions.ReportTopRetention"/>) (tags <c>room</c>, <c>list</c>, <c>rank</c>; fields
/// <c>name</c>, <c>count</c>, and <c>category</c> for blocked domains), every group's blocks (list <c>groups</c>), and a
/// marker point (list <c>done</c>, field <c>count</c> = entries written) that is the watermark: the newest hour rolled up.
/// Writing an hour again overwrites its points (same series and time).
/// </summary>
public sealed class ReportRollup
{
    /// <summary>Entries kept per room, list and hour.</summary>
    public const int TopN = 25;

    /// <summary>List of sites by bytes (<c>net_activity.top_sites</c>).</summary>
    public const string SitesList = "sites";

    /// <summary>List of names asked by DNS queries (<c>dns_activity.top_domains</c>).</summary>
    public const string DomainsList = "domains";

    /// <summary>List of blocked domains by blocks (<c>dns_blocks</c> domain, count; field <c>category</c>).</summary>
    public const string BlockedList = "blocked";

    /// <summary>Blocks by filtering group (<c>dns_blocks</c> group, count): every group, not only the top.</summary>
    public const string GroupsList = "groups";

    /// <summary>The watermark list: one point per hour rolled up, without a room.</summary>
    public const string DoneList = "done";

    private readonly InfluxConnection connection;
    private readonly InfluxReader reader;
    private readonly InfluxOptions options;
    private readonly ILogger log;

    /// <summary>Creates the rollup on the configured database.</summary>
    public ReportRollup(InfluxConnection connection, InfluxReader reader, IOptions<InfluxOptions> options, ILogger<ReportRollup>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(options);
        this.connection = connection;
        this.reader = reader;
        this.options = options.Value;
        log = logger ?? NullLogger<ReportRollup>.Instance;
    }

    /// <summary>The start of the hour holding <paramref name="instant"/> (UTC).</summary>
    public static DateTimeOffset HourOf(DateTimeOffset instant) =>
        new(instant.UtcTicks - (instant.UtcTicks % TimeSpan.TicksPerHour), TimeSpan.Zero);

    /// <summary>The newest hour rolled up (its start), from the <c>done</c> markers in InfluxDB; null when none.</summary>
    public async Task<DateTimeOffset?> LastHourAsync(CancellationToken cancellationToken)
    {
        var query = $"SELECT last(\"count\") FROM {Source(InfluxOptions.ReportTopPolicyName, Measurements.ReportTop)} WHERE \"list\" = {InfluxQl.QuoteString(DoneList)}";
        await foreach (var series in reader.StreamAsync(query, 100, cancellationToken))
        {
            if (series.Rows.Count > 0)
            {
                return series.Rows[^1][0].AsTime();
            }
        }

        return null;
    }

    /// <summary>
    /// Rolls up the complete hours after the watermark (or, with none, the hours <c>raw</c> still holds: the last
    /// <see cref="InfluxOptions.RawRetention"/>) up to the hour before <paramref name="now"/>, oldest first (they leave
    /// <c>raw</c> first, and the watermark stays a watermark), at most <paramref name="maxHours"/> of them: a first start
    /// has up to 168 hours to catch up, each streaming the hour's per-second top lists, so the caller spreads them over
    /// several passes. Returns the hours rolled up.
    /// </summary>
    public async Task<int> CatchUpAsync(DateTimeOffset now, CancellationToken cancellationToken, int maxHours = int.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxHours);
        var last = await LastHourAsync(cancellationToken);
        var oldest = HourOf(now - options.RawRetention).AddHours(1);
        var from = last is { } l && l.AddHours(1) > oldest ? l.AddHours(1) : oldest;
        var to = HourOf(now); // exclusive: the current hour is not complete
        var hours = 0;
        for (var hour = from; hour < to && hours < maxHours; hour = hour.AddHours(1))
        {
            await RollUpHourAsync(hour, cancellationToken);
            hours++;
        }

        if (hours > 0)
        {
            ReportRollupLog.CaughtUp(log, hours, from, from.AddHours(hours));
        }

        return hours;
    }

    /// <summary>Rolls up the hour starting at <paramref name="hour"/> (rounded down to the hour). Returns the points written.</summary>
    public async Task<int> RollUpHourAsync(DateTimeOffset hour, CancellationToken cancellationToken)
    {
        hour = HourOf(hour);
        var range = $"time >= {InfluxQl.Time(hour)} AND time < {InfluxQl.Time(hour.AddHours(1))}";
        var query =
            $"SELECT \"domain\", \"category\", \"group\", \"count\" FROM {Source(InfluxOptions.RawPolicyName, Measurements.DnsBlocks)} WHERE {range} GROUP BY \"room\"; "
            + $"SELECT \"top_domains\" FROM {Source(InfluxOptions.RawPolicyName, Measurements.DnsActivity)} WHERE {range} GROUP BY \"room\"; "
            + $"SELECT \"top_sites\" FROM {Source(InfluxOptions.RawPolicyName, Measurements.NetActivity)} WHERE {range} GROUP BY \"room\"";

        // room → list → name → count; blocked domain → category (the first seen).
        var rooms = new Dictionary<string, Dictionary<string, Dictionary<string, long>>>(StringComparer.Ordinal);
        var categories = new Dictionary<string, string>(StringComparer.Ordinal);
        Dictionary<string, long> List(string room, string list)
        {
            if (!rooms.TryGetValue(room, out var lists))
            {
                rooms[room] = lists = new Dictionary<string, Dictionary<string, long>>(StringComparer.Ordinal);
            }

            if (!lists.TryGetValue(list, out var names))
            {
                lists[list] = names = new Dictionary<string, long>(StringComparer.Ordinal);
            }

            return names;
        }

        await foreach (var series in reader.StreamAsync(query, InfluxReader.DefaultChunkSize, cancellationToken))
        {
            var room = series.Tags.GetValueOrDefault(Measurements.Tags.Room) ?? string.Empty;
            switch (series.Name)
            {
                case Measurements.DnsBlocks:
                    int domain = series.ColumnIndex("domain"), category = series.ColumnIndex("category"), group = series.ColumnIndex("group"), count = series.ColumnIndex("count");
                    foreach (var row in series.Rows)
                    {
                        var n = row[count].Kind == InfluxValueKind.Integer ? row[count].AsInt64() : 1;
                        if (row[domain].Kind == InfluxValueKind.String && row[domain].AsString() is { Length: > 0 } name)
                        {
                            Add(List(room, BlockedList), name, n);
                            if (row[category].Kind == InfluxValueKind.String && row[category].AsString() is { Length: > 0 } key)
                            {
                                categories.TryAdd(name, key);
                            }
                        }

                        if (row[group].Kind == InfluxValueKind.String && row[group].AsString() is { Length: > 0 } g)
                        {
                            Add(List(room, GroupsList), g, n);
                        }
                    }

                    break;
                case Measurements.DnsActivity:
                    AddPairs(series, Measurements.Fields.TopDomains, List(room, DomainsList));
                    break;
                case Measurements.NetActivity:
                    AddPairs(series, Measurements.Fields.TopSites, List(room, SitesList));
                    break;
            }
        }

        var lines = new ArrayBufferWriter<byte>(4096);
        var points = 0;
        foreach (var (room, lists) in rooms)
        {
            foreach (var (list, names) in lists)
            {
                var rank = 0;
                IEnumerable<KeyValuePair<string, long>> ordered = names.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal);
                foreach (var (name, count) in list == GroupsList ? ordered : ordered.Take(TopN))
                {
                    rank++;
                    var point = PointBuilder.Create(Measurements.ReportTop).Tag(Measurements.Tags.Room, room).Tag("list", list)
                        .Tag("rank", rank.ToString(CultureInfo.InvariantCulture)).Field("name", name).Field("count", count);
                    if (list == BlockedList && categories.TryGetValue(name, out var category))
                    {
                        point = point.Field("category", category);
                    }

                    Append(lines, point.Timestamp(hour));
                    points++;
                }
            }
        }

        Append(lines, PointBuilder.Create(Measurements.ReportTop).Tag("list", DoneList).Field("count", points).Timestamp(hour));
        await connection.WriteLinesAsync(InfluxOptions.ReportTopPolicyName, lines.WrittenMemory, cancellationToken);
        ReportRollupLog.HourRolledUp(log, hour, points);
        return points + 1;
    }

    /// <summary>Adds the <c>name=count,name=count</c> pairs of <paramref name="field"/> (dnsfilter's and the sniffer's format).</summary>
    internal static void AddPairs(InfluxSeries series, string field, Dictionary<string, long> into)
    {
        var column = series.ColumnIndex(field);
        if (column < 0)
        {
            return;
        }

        foreach (var row in series.Rows)
        {
            if (row[column].Kind != InfluxValueKind.String)
            {
                continue;
            }

            foreach (var pair in row[column].AsString().Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                var equals = pair.LastIndexOf('=');
                if (equals > 0 && long.TryParse(pair.AsSpan(equals + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var count))
                {
                    Add(into, pair[..equals], count);
                }
            }
        }
    }

    private static void Add(Dictionary<string, long> into, string name, long count) =>
        into[name] = into.GetValueOrDefault(name) + count;

    private static void Append(ArrayBufferWriter<byte> lines, PointBuilder point)
    {
        if (point.Error != PointError.None)
        {
            return;
        }

        lines.Write(point.Utf8Line);
        lines.Write("\n"u8);
    }

    private string Source(string policy, string measurement) =>
        $"{InfluxQl.QuoteIdentifier(options.Database)}.{InfluxQl.QuoteIdentifier(policy)}.{InfluxQl.QuoteIdentifier(measurement)}";
}

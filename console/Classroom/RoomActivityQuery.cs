using System.Globalization;
using System.Text;
using ClassroomGuard.Storage.TimeSeries;

namespace ClassroomGuard.Console.Classroom;

/// <summary>What the series say about one device (docs/timeseries.md: dns_activity, dns_categories, dns_blocks, net_activity).</summary>
internal sealed class DeviceActivity(int buckets)
{
    public long[] Queries { get; } = new long[buckets];

    public long[] Bytes { get; } = new long[buckets];

    /// <summary>Unix ms of its latest DNS second in the window.</summary>
    public long? LastDns { get; set; }

    /// <summary>Unix ms of its latest traffic second within the online window.</summary>
    public long? LastNet { get; set; }

    /// <summary>Most-asked name of its latest DNS second.</summary>
    public string? DnsSite { get; set; }

    /// <summary>Busiest site (bytes) of its latest traffic second.</summary>
    public string? NetSite { get; set; }

    /// <summary>
    /// Busiest name of its latest second with names the sniffer only inferred from the device's own DNS answers
    /// (net_activity.inferred_sites): a guess, shown as "probably …", never as the site.
    /// </summary>
    public string? ProbableSite { get; set; }

    /// <summary>Most-asked category of its latest DNS second, when that second had any.</summary>
    public string? DnsCategory { get; set; }

    public BlockedAttempt? LastBlocked { get; set; }
}

/// <summary>
/// The one InfluxQL request per room per interval: seven statements over the room's devices, sent together and read
/// back into <see cref="DeviceActivity"/> per device. Measurements that do not exist yet (net_activity before the
/// sniffer's accounting runs) just return nothing.
/// </summary>
internal static class RoomActivityQuery
{
    /// <summary>Builds the request. Times are absolute (from the console's clock), so buckets line up with <paramref name="bucketEnd"/>.</summary>
    public static string Build(string retentionPolicy, IReadOnlyCollection<long> deviceIds, DateTimeOffset now, DateTimeOffset bucketEnd,
        int buckets, int bucketSeconds, TimeSpan onlineWindow, TimeSpan siteWindow, TimeSpan blockWindow)
    {
        var devices = new StringBuilder("(");
        foreach (var id in deviceIds)
        {
            devices.Append(devices.Length == 1 ? "" : " OR ").Append("\"device\" = ").Append(InfluxQl.QuoteString(id.ToString(CultureInfo.InvariantCulture)));
        }

        devices.Append(')');
        var rp = InfluxQl.QuoteIdentifier(retentionPolicy) + ".";
        var start = InfluxQl.Time(bucketEnd.AddSeconds(-buckets * bucketSeconds));
        var end = InfluxQl.Time(bucketEnd);
        var upTo = " AND time <= " + InfluxQl.Time(now);
        var bucket = bucketSeconds.ToString(CultureInfo.InvariantCulture) + "s";
        var sparkRange = $"{devices} AND time >= {start} AND time < {end}";
        return string.Join(";\n",
            $"SELECT sum(\"queries\") AS \"q\" FROM {rp}\"{Measurements.DnsActivity}\" WHERE {sparkRange} GROUP BY time({bucket}), \"device\" fill(0)",
            $"SELECT sum(\"bytes_in\") AS \"i\", sum(\"bytes_out\") AS \"o\" FROM {rp}\"{Measurements.NetActivity}\" WHERE {sparkRange} GROUP BY time({bucket}), \"device\" fill(0)",
            $"SELECT last(\"top_domains\") AS \"top\" FROM {rp}\"{Measurements.DnsActivity}\" WHERE {devices} AND time >= {InfluxQl.Time(now - siteWindow)}{upTo} GROUP BY \"device\"",
            $"SELECT * FROM {rp}\"{Measurements.DnsCategories}\" WHERE {devices} AND time >= {InfluxQl.Time(now - siteWindow)}{upTo} GROUP BY \"device\" ORDER BY time DESC LIMIT 1",
            $"SELECT \"domain\", \"category\", \"reason\" FROM {rp}\"{Measurements.DnsBlocks}\" WHERE {devices} AND time >= {InfluxQl.Time(now - blockWindow)}{upTo} GROUP BY \"device\" ORDER BY time DESC LIMIT 1",
            $"SELECT last(\"top_sites\") AS \"top\" FROM {rp}\"{Measurements.NetActivity}\" WHERE {devices} AND time >= {InfluxQl.Time(now - onlineWindow)}{upTo} GROUP BY \"device\"",
            $"SELECT last(\"inferred_sites\") AS \"top\" FROM {rp}\"{Measurements.NetActivity}\" WHERE {devices} AND time >= {InfluxQl.Time(now - onlineWindow)}{upTo} GROUP BY \"device\"");
    }

    /// <summary>Reads the statements' answers into <paramref name="activity"/> (one entry per device, created by the caller).</summary>
    public static void Read(InfluxQueryResult result, IReadOnlyDictionary<long, DeviceActivity> activity, long bucketStartNs, long bucketNs)
    {
        var statements = result.Statements;
        if (statements.Count < 6)
        {
            return;
        }

        ReadBuckets(statements[0], activity, bucketStartNs, bucketNs, (a, i, row, s) => a.Queries[i] = Long(row, s.ColumnIndex("q")));
        ReadBuckets(statements[1], activity, bucketStartNs, bucketNs, (a, i, row, s) => a.Bytes[i] = Long(row, s.ColumnIndex("i")) + Long(row, s.ColumnIndex("o")));
        Last(statements[2], activity, (a, row, s) =>
        {
            a.LastDns = Ms(row[0]);
            a.DnsSite = TopName(Text(row, s.ColumnIndex("top")));
        });
        Last(statements[3], activity, (a, row, s) =>
        {
            if (a.LastDns == Ms(row[0]))
            {
                a.DnsCategory = TopCategory(s, row);
            }
        });
        Last(statements[4], activity, (a, row, s) =>
        {
            if (Text(row, s.ColumnIndex("domain")) is { } domain)
            {
                a.LastBlocked = new BlockedAttempt(domain, Text(row, s.ColumnIndex("category")), Text(row, s.ColumnIndex("reason")), Ms(row[0]));
            }
        });
        Last(statements[5], activity, (a, row, s) =>
        {
            a.LastNet = Ms(row[0]);
            a.NetSite = TopName(Text(row, s.ColumnIndex("top")));
        });
        if (statements.Count > 6)
        {
            Last(statements[6], activity, (a, row, s) => a.ProbableSite = TopName(Text(row, s.ColumnIndex("top"))));
        }
    }

    /// <summary>The name with the largest count in "name=count,name=count" (dnsfilter's top_domains, the sniffer's top_sites).</summary>
    public static string? TopName(string? list)
    {
        if (string.IsNullOrEmpty(list))
        {
            return null;
        }

        string? best = null;
        var bestCount = long.MinValue;
        foreach (var part in list.Split(','))
        {
            var eq = part.LastIndexOf('=');
            var name = (eq < 0 ? part : part[..eq]).Trim();
            var count = eq < 0 || !long.TryParse(part.AsSpan(eq + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var c) ? 0 : c;
            if (name.Length > 0 && count > bestCount)
            {
                (best, bestCount) = (name, count);
            }
        }

        return best;
    }

    private static string? TopCategory(InfluxSeries series, InfluxValue[] row)
    {
        string? best = null;
        var bestCount = 0L;
        for (var c = 1; c < series.Columns.Count; c++)
        {
            var column = series.Columns[c];
            if (column.StartsWith("cat_", StringComparison.Ordinal) && Long(row, c) is var count && count > bestCount)
            {
                (best, bestCount) = (column[4..], count);
            }
        }

        return best;
    }

    private static void ReadBuckets(InfluxStatementResult statement, IReadOnlyDictionary<long, DeviceActivity> activity, long startNs, long bucketNs,
        Action<DeviceActivity, int, InfluxValue[], InfluxSeries> set)
    {
        foreach (var series in statement.Series)
        {
            if (Device(series, activity) is not { } a)
            {
                continue;
            }

            foreach (var row in series.Rows)
            {
                var index = (row[0].AsInt64() - startNs) / bucketNs;
                if (index >= 0 && index < a.Queries.Length)
                {
                    set(a, (int)index, row, series);
                }
            }
        }
    }

    private static void Last(InfluxStatementResult statement, IReadOnlyDictionary<long, DeviceActivity> activity, Action<DeviceActivity, InfluxValue[], InfluxSeries> set)
    {
        foreach (var series in statement.Series)
        {
            if (Device(series, activity) is { } a && series.Rows.Count > 0)
            {
                set(a, series.Rows[0], series);
            }
        }
    }

    private static DeviceActivity? Device(InfluxSeries series, IReadOnlyDictionary<long, DeviceActivity> activity)
        => series.Tags.TryGetValue("device", out var tag) && long.TryParse(tag, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? activity.GetValueOrDefault(id)
            : null;

    private static long Long(InfluxValue[] row, int column)
        => column < 0 || column >= row.Length ? 0 : row[column].Kind is InfluxValueKind.Integer or InfluxValueKind.Float ? (long)row[column].AsDouble() : 0;

    private static string? Text(InfluxValue[] row, int column)
        => column < 0 || column >= row.Length || row[column].Kind != InfluxValueKind.String || row[column].AsString().Length == 0 ? null : row[column].AsString();

    private static long Ms(InfluxValue time) => time.AsInt64() / 1_000_000;
}

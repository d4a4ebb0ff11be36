using System.Globalization;
using ClassroomGuard.Storage.TimeSeries;

namespace ClassroomGuard.Console.Safeguarding.Incidents;

/// <summary>
/// The one InfluxQL request of an evidence copy: three statements over one device and one window (docs/timeseries.md:
/// <c>dns_activity</c>, <c>dns_blocks</c>, <c>net_activity</c>), each bounded, merged into rows oldest first. The device's
/// own series, and those the DNS filter wrote under an address the device held in the window (the <c>client</c> tag is
/// set only while the filter does not know the device, so nothing is counted twice).
/// </summary>
internal static class EvidenceQuery
{
    public static string Build(string retentionPolicy, long device, DateTimeOffset from, DateTimeOffset to, int limit, IReadOnlyList<string>? addresses = null)
    {
        var rp = string.IsNullOrEmpty(retentionPolicy) ? "" : InfluxQl.QuoteIdentifier(retentionPolicy) + ".";
        var who = $"\"device\" = {InfluxQl.QuoteString(device.ToString(CultureInfo.InvariantCulture))}";
        if (addresses is { Count: > 0 })
        {
            who = "(" + who + string.Concat(addresses.Select(a => $" OR \"client\" = {InfluxQl.QuoteString(a)}")) + ")";
        }

        var where = $"WHERE {who} AND time >= {InfluxQl.Time(from)} AND time < {InfluxQl.Time(to)}";
        var bound = $"ORDER BY time ASC LIMIT {limit.ToString(CultureInfo.InvariantCulture)}";
        return string.Join(";\n",
            $"SELECT \"queries\", \"blocked\", \"top_domains\" FROM {rp}\"{Measurements.DnsActivity}\" {where} {bound}",
            $"SELECT \"domain\", \"category\", \"rule\", \"reason\" FROM {rp}\"{Measurements.DnsBlocks}\" {where} {bound}",
            $"SELECT \"bytes_in\", \"bytes_out\", \"top_sites\" FROM {rp}\"{Measurements.NetActivity}\" {where} {bound}");
    }

    /// <summary>The three statements' rows, merged oldest first (at one second: DNS, then blocks, then traffic).</summary>
    public static List<EvidenceRow> Read(InfluxQueryResult result)
    {
        var rows = new List<(EvidenceRow Row, int Order)>();
        var statements = result.Statements;
        for (var s = 0; s < statements.Count && s < 3; s++)
        {
            foreach (var series in statements[s].Series)
            {
                foreach (var values in series.Rows)
                {
                    if (values.Length == 0 || values[0].Kind != InfluxValueKind.Integer)
                    {
                        continue;
                    }

                    var at = values[0].AsInt64() / 1_000_000;
                    var row = s switch
                    {
                        0 => Dns(series, values, at),
                        1 => Block(series, values, at),
                        _ => Net(series, values, at),
                    };
                    if (row is not null)
                    {
                        rows.Add((row, s));
                    }
                }
            }
        }

        return rows.OrderBy(r => r.Row.At).ThenBy(r => r.Order).Select(r => r.Row).ToList();
    }

    private static EvidenceRow? Dns(InfluxSeries series, InfluxValue[] values, long at)
    {
        var top = EvidenceRows.TopList(Text(series, values, Measurements.Fields.TopDomains));
        var queries = Long(series, values, "queries");
        return top.Count == 0 && queries is null or 0 ? null : new EvidenceRow(at, EvidenceRow.Dns, Queries: queries ?? 0, Blocked: Long(series, values, "blocked") ?? 0, Top: top);
    }

    private static EvidenceRow? Block(InfluxSeries series, InfluxValue[] values, long at)
        => Text(series, values, "domain") is { } domain
            ? new EvidenceRow(at, EvidenceRow.Block, Domain: domain, Category: Text(series, values, "category"), Rule: Text(series, values, "rule"), Reason: Text(series, values, "reason"))
            : null;

    private static EvidenceRow? Net(InfluxSeries series, InfluxValue[] values, long at)
    {
        var top = EvidenceRows.TopList(Text(series, values, Measurements.Fields.TopSites));
        var bytes = (Long(series, values, "bytes_in") ?? 0) + (Long(series, values, "bytes_out") ?? 0);
        return top.Count == 0 && bytes == 0 ? null : new EvidenceRow(at, EvidenceRow.Net, Bytes: bytes, Top: top);
    }

    private static string? Text(InfluxSeries series, InfluxValue[] values, string column)
    {
        var i = series.ColumnIndex(column);
        return i < 0 || i >= values.Length || values[i].Kind != InfluxValueKind.String || values[i].AsString().Length == 0 ? null : values[i].AsString();
    }

    private static long? Long(InfluxSeries series, InfluxValue[] values, string column)
    {
        var i = series.ColumnIndex(column);
        return i < 0 || i >= values.Length || values[i].Kind is not (InfluxValueKind.Integer or InfluxValueKind.Float) ? null : (long)values[i].AsDouble();
    }
}

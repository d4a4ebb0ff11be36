namespace ClassroomGuard.Storage.TimeSeries;

/// <summary>
/// The continuous query that keeps the block history: every <c>dns_blocks</c> point of the <c>raw</c> policy (7 days)
/// copied, tags and fields unchanged, into the <c>blocks</c> policy (<see cref="InfluxOptions.BlockRetention"/>, 90 days).
/// </summary>
/// <remarks>
/// The DNS filter writes one point per device (or address), per distinct block (tag <c>n</c>) and per second, stamped
/// at the second's start, so <c>last(field)</c> over 1-second buckets of one series is that point itself and the copy
/// is exact. It runs every minute over the last 5 minutes (<c>fill(none)</c>: empty seconds write nothing), so a block
/// reaches the history within about a minute; points that reach <c>raw</c> more than 5 minutes late (replayed from the
/// spool after an outage) are not copied, as for the rollups (docs/timeseries.md).
/// </remarks>
public static class BlockHistoryCopy
{
    /// <summary>The continuous query's name: <c>cq_blocks</c>.</summary>
    public const string Name = "cq_blocks";

    /// <summary>The fields of a <c>dns_blocks</c> point (docs/dns-policy.md), all copied.</summary>
    public static IReadOnlyList<string> Fields { get; } = ["domain", "category", "reason", "rule", "group", "ip", "mac", "count"];

    /// <summary>The copy's <c>SELECT … INTO</c> without a time range (the continuous query adds it; tests add their own).</summary>
    public static string Select(string database)
    {
        var db = InfluxQl.QuoteIdentifier(database);
        var measurement = InfluxQl.QuoteIdentifier(Measurements.DnsBlocks);
        var fields = string.Join(", ", Fields.Select(f => $"last({InfluxQl.QuoteIdentifier(f)}) AS {InfluxQl.QuoteIdentifier(f)}"));
        return $"SELECT {fields} INTO {db}.{InfluxQl.QuoteIdentifier(InfluxOptions.BlocksPolicyName)}.{measurement} "
            + $"FROM {db}.{InfluxQl.QuoteIdentifier(InfluxOptions.RawPolicyName)}.{measurement}";
    }

    /// <summary>The <c>CREATE CONTINUOUS QUERY</c> statement provisioning runs.</summary>
    public static string Create(string database) =>
        $"CREATE CONTINUOUS QUERY {InfluxQl.QuoteIdentifier(Name)} ON {InfluxQl.QuoteIdentifier(database)} RESAMPLE EVERY 1m FOR 5m BEGIN "
        + Select(database) + " GROUP BY time(1s), * fill(none) END";
}

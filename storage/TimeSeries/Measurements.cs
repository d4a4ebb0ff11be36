namespace ClassroomGuard.Storage.TimeSeries;

/// <summary>
/// The one definition of every InfluxDB measurement name the services write or read (docs/timeseries.md, "Measurements"),
/// and of the tag and field names one service writes and another reads. Writers and readers use these, never a literal,
/// so a rename is one edit and a typo is a compile error rather than an empty chart.
/// </summary>
public static class Measurements
{
    /// <summary>Per device and second: DNS queries, blocks, rewrites, top names (the DNS filter).</summary>
    public const string DnsActivity = "dns_activity";

    /// <summary>Per device and second: queries and blocks per list category, as <c>cat_</c>/<c>blocked_</c> fields (the DNS filter).</summary>
    public const string DnsCategories = "dns_categories";

    /// <summary>Per device, distinct block and second: what was blocked and why (the DNS filter; copied to the block history).</summary>
    public const string DnsBlocks = "dns_blocks";

    /// <summary>Per device and second: bytes, packets, new flows and top sites (the sniffer).</summary>
    public const string NetActivity = "net_activity";

    /// <summary>Per service and minute: the heartbeat and the service's own counters (every service with InfluxDB).</summary>
    public const string ServiceHealth = "service_health";

    /// <summary>Per room, list, rank and hour: the report rollup's top lists (the console).</summary>
    public const string ReportTop = "report_top";

    /// <summary>Every measurement name above, for checks against the documentation.</summary>
    public static IReadOnlyList<string> All { get; } = [DnsActivity, DnsCategories, DnsBlocks, NetActivity, ServiceHealth, ReportTop];

    /// <summary>Tag names shared by the writers and the readers.</summary>
    public static class Tags
    {
        /// <summary>The appliance's stable device id.</summary>
        public const string Device = "device";

        /// <summary>The room id (left out when the device has none).</summary>
        public const string Room = "room";

        /// <summary>The client address while no device is known (<c>overflow</c> beyond the tables' bounds).</summary>
        public const string Client = "client";

        /// <summary><see cref="ServiceHealth"/>: the service (<c>dnsfilter</c>, <c>sniffer</c>, …).</summary>
        public const string Component = "component";
    }

    /// <summary>Field names that one service writes and another reads.</summary>
    public static class Fields
    {
        /// <summary><see cref="DnsActivity"/>: queries received.</summary>
        public const string Queries = "queries";

        /// <summary><see cref="DnsActivity"/>: queries blocked.</summary>
        public const string Blocked = "blocked";

        /// <summary><see cref="DnsActivity"/>: queries rewritten (SafeSearch).</summary>
        public const string Rewritten = "rewritten";

        /// <summary><see cref="DnsActivity"/>: the most asked names, <c>name=count,…</c>.</summary>
        public const string TopDomains = "top_domains";

        /// <summary><see cref="NetActivity"/>: frame bytes received by the device.</summary>
        public const string BytesIn = "bytes_in";

        /// <summary><see cref="NetActivity"/>: frame bytes sent by the device.</summary>
        public const string BytesOut = "bytes_out";

        /// <summary><see cref="NetActivity"/>: packets received by the device.</summary>
        public const string PacketsIn = "packets_in";

        /// <summary><see cref="NetActivity"/>: packets sent by the device.</summary>
        public const string PacketsOut = "packets_out";

        /// <summary><see cref="NetActivity"/>: flows whose first packet fell in the second.</summary>
        public const string FlowsNew = "flows_new";

        /// <summary><see cref="NetActivity"/>: the biggest sites, <c>name=bytes,…</c>.</summary>
        public const string TopSites = "top_sites";

        /// <summary><see cref="NetActivity"/>: sites only inferred from the client's own DNS answers, <c>name=bytes,…</c>.</summary>
        public const string InferredSites = "inferred_sites";

        /// <summary><see cref="ServiceHealth"/>: always 1, so an hour's sum is the minutes reported.</summary>
        public const string ReportingMinutes = "reporting_minutes";
    }
}

namespace ClassroomGuard.DnsFilter;

/// <summary>
/// Monotonic counters of the DNS filter, for the console's status page. Incremented with Interlocked on the
/// query path (no locks, no allocation); read with <see cref="Snapshot"/>.
/// </summary>
public sealed class DnsCounters
{
    internal long UdpQueries;
    internal long TcpQueries;
    internal long Responses;
    internal long MalformedDropped;
    internal long FormErr;
    internal long NotImp;
    internal long Refused;
    internal long BadVers;
    internal long ServFail;
    internal long Truncated;
    internal long UdpBackpressureWaits;
    internal long SendErrors;
    internal long TcpConnections;
    internal long TcpConnectionsRejected;
    internal long TcpIdleClosed;
    internal long TcpSlowClientsClosed;
    internal long TcpIncompleteMessages;
    internal long PolicyAnswered;
    internal long CacheHits;
    internal long CacheMisses;
    internal long CacheStaleServed;
    internal long CacheEvictions;
    internal long CoalescedQueries;
    internal long UpstreamQueries;
    internal long UpstreamTcpFallbacks;
    internal long UpstreamTimeouts;
    internal long UpstreamErrors;
    internal long UpstreamMismatched;
    internal long UpstreamFailedQueries;

    /// <summary>Current values by name (stable names, suitable for a status page or a time series).</summary>
    public IReadOnlyDictionary<string, long> Snapshot() => new Dictionary<string, long>(StringComparer.Ordinal)
    {
        ["udp_queries"] = Volatile.Read(ref UdpQueries),
        ["tcp_queries"] = Volatile.Read(ref TcpQueries),
        ["responses"] = Volatile.Read(ref Responses),
        ["malformed_dropped"] = Volatile.Read(ref MalformedDropped),
        ["formerr"] = Volatile.Read(ref FormErr),
        ["notimp"] = Volatile.Read(ref NotImp),
        ["refused"] = Volatile.Read(ref Refused),
        ["badvers"] = Volatile.Read(ref BadVers),
        ["servfail"] = Volatile.Read(ref ServFail),
        ["truncated"] = Volatile.Read(ref Truncated),
        ["udp_backpressure_waits"] = Volatile.Read(ref UdpBackpressureWaits),
        ["send_errors"] = Volatile.Read(ref SendErrors),
        ["tcp_connections"] = Volatile.Read(ref TcpConnections),
        ["tcp_connections_rejected"] = Volatile.Read(ref TcpConnectionsRejected),
        ["tcp_idle_closed"] = Volatile.Read(ref TcpIdleClosed),
        ["tcp_slow_clients_closed"] = Volatile.Read(ref TcpSlowClientsClosed),
        ["tcp_incomplete_messages"] = Volatile.Read(ref TcpIncompleteMessages),
        ["policy_answered"] = Volatile.Read(ref PolicyAnswered),
        ["cache_hits"] = Volatile.Read(ref CacheHits),
        ["cache_misses"] = Volatile.Read(ref CacheMisses),
        ["cache_stale_served"] = Volatile.Read(ref CacheStaleServed),
        ["cache_evictions"] = Volatile.Read(ref CacheEvictions),
        ["coalesced_queries"] = Volatile.Read(ref CoalescedQueries),
        ["upstream_queries"] = Volatile.Read(ref UpstreamQueries),
        ["upstream_tcp_fallbacks"] = Volatile.Read(ref UpstreamTcpFallbacks),
        ["upstream_timeouts"] = Volatile.Read(ref UpstreamTimeouts),
        ["upstream_errors"] = Volatile.Read(ref UpstreamErrors),
        ["upstream_mismatched_dropped"] = Volatile.Read(ref UpstreamMismatched),
        ["upstream_failed_queries"] = Volatile.Read(ref UpstreamFailedQueries),
    };

    /// <summary>One counter by its <see cref="Snapshot"/> name.</summary>
    public long Get(string name) => Snapshot().TryGetValue(name, out var value) ? value : throw new ArgumentException($"No counter '{name}'.", nameof(name));
}

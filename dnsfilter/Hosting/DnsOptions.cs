using System.ComponentModel.DataAnnotations;

namespace ClassroomGuard.DnsFilter.Hosting;

/// <summary>
/// Settings of the DNS filter, bound from the <c>Dns</c> configuration section
/// (e.g. <c>--Dns:Listen:0=0.0.0.0:53</c>, <c>ClassroomGuard__Dns__Upstreams__0=192.0.2.53</c>).
/// Limits marked "untrusted input" bound what a hostile client on the LAN can make the service spend.
/// </summary>
public sealed class DnsOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Dns";

    /// <summary>
    /// IPv4 listen endpoint used when <see cref="Listen"/> is empty (development: unprivileged port, loopback only).
    /// <see cref="DefaultListenIPv6"/> is served beside it.
    /// </summary>
    public const string DefaultListen = "127.0.0.1:5353";

    /// <summary>
    /// IPv6 listen endpoint used beside <see cref="DefaultListen"/> when <see cref="Listen"/> is empty; left out, with a
    /// warning, where the machine has no IPv6 loopback (IPv6 disabled).
    /// </summary>
    public const string DefaultListenIPv6 = "[::1]:5353";

    /// <summary>
    /// Endpoints served over both UDP and TCP, as <c>address:port</c> (<c>0.0.0.0:53</c>, <c>[::]:53</c>, <c>192.168.1.1:53</c>).
    /// Default: empty, meaning <c>127.0.0.1:5353</c> and <c>[::1]:5353</c>. Production (set-up) lists <c>0.0.0.0:53</c>
    /// and <c>[::]:53</c>: IPv6 sockets are v6-only so both can bind, and the school's IPv6 clients are filtered too.
    /// Port 0 picks a free port (tests).
    /// </summary>
    public List<string> Listen { get; set; } = [];

    /// <summary>
    /// Upstream resolvers, tried in order (<c>192.0.2.53</c>, <c>192.0.2.53:53</c>, <c>[2001:db8::53]:53</c>; port defaults to 53).
    /// Default: none — the service refuses to start without at least one.
    /// </summary>
    public List<string> Upstreams { get; set; } = [];

    /// <summary>UDP sockets per listen endpoint, bound with SO_REUSEPORT so the kernel spreads datagrams. Default 0 = one per CPU core.</summary>
    [Range(0, 64)]
    public int UdpSocketsPerEndpoint { get; set; }

    /// <summary>
    /// UDP queries in flight per listen endpoint (each holds a context with its buffers: about 6 KiB). Default 256.
    /// Answers ready at once (cache hits) are sent by the receive loops without using more; queries waiting on an
    /// upstream hold one each. Security: when all are in use the receive loops wait (back-pressure), so a flood of
    /// cache misses cannot grow memory; the kernel drops what its socket buffer cannot hold.
    /// </summary>
    [Range(1, 65536)]
    public int MaxConcurrentQueries { get; set; } = 256;

    /// <summary>
    /// Largest UDP response we send and the payload size we advertise, in bytes (RFC 6891; 1232 avoids IP fragmentation,
    /// per DNS Flag Day 2020). Larger answers are truncated with TC so the client retries over TCP. Default 1232.
    /// Security (untrusted input): also the largest UDP query accepted.
    /// </summary>
    [Range(512, 4096)]
    public int MaxUdpSize { get; set; } = 1232;

    /// <summary>Open TCP connections in total; further connections are closed at once and counted. Default 128.</summary>
    [Range(1, 100_000)]
    public int MaxTcpConnections { get; set; } = 128;

    /// <summary>Queries answered concurrently on one TCP connection (pipelining, RFC 7766 §6.2.1.1). Default 16.</summary>
    [Range(1, 1024)]
    public int MaxTcpQueriesPerConnection { get; set; } = 16;

    /// <summary>A TCP connection with no query in progress is closed after this long (RFC 7766 §6.2.3). Default 10 s.</summary>
    public TimeSpan TcpIdleTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Once a TCP query's first byte has arrived, its length prefix and whole body must arrive within this time,
    /// else the connection is closed. Default 2 s. Security: stops slow clients trickling bytes to hold connections.
    /// </summary>
    public TimeSpan TcpReadTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A TCP client must accept a response within this time, else the connection is closed. Default 5 s.</summary>
    public TimeSpan TcpWriteTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Compression pointers followed per name when reading. Default 16. Security (untrusted input): pointers must
    /// also point backwards, so loops are impossible; this bounds the work per name.
    /// </summary>
    [Range(1, 127)]
    public int MaxCompressionPointers { get; set; } = 16;

    /// <summary>Time to wait for one upstream's answer before trying the next. Default 1 s.</summary>
    public TimeSpan UpstreamTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Upstream attempts per query, cycling through the upstreams, healthy ones first. Default 3.</summary>
    [Range(1, 10)]
    public int UpstreamAttempts { get; set; } = 3;

    /// <summary>After a failure an upstream is tried only after the healthy ones for this long. Default 30 s.</summary>
    public TimeSpan UpstreamRecheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Cached responses (positive and negative). Default 100000.</summary>
    [Range(0, 10_000_000)]
    public int CacheMaxEntries { get; set; } = 100_000;

    /// <summary>
    /// Approximate bytes of cached messages (message + key + ~100 bytes each). Default 16 MiB: about 60,000 typical
    /// answers, more than a school's distinct names in a day, and inside the appliance's 80 MB RSS budget (the
    /// process needs ~65 MB without a cache). Raise it where memory allows; a smaller cache only means more upstream
    /// queries.
    /// </summary>
    [Range(0, long.MaxValue)]
    public long CacheMaxBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>TTLs below this are raised to it (seconds). Default 0 (honour the upstream's TTL).</summary>
    [Range(0, 86400)]
    public int CacheMinTtl { get; set; }

    /// <summary>TTLs above this are lowered to it (seconds). Default 86400 (1 day).</summary>
    [Range(1, 604800)]
    public int CacheMaxTtl { get; set; } = 86400;

    /// <summary>
    /// Cached negative answers (NXDOMAIN and NODATA), within <see cref="CacheMaxEntries"/>; 0 = negative answers are
    /// not cached. Default 10000 (~3 MB of process memory, ~300 B each measured). Security: names that do not exist cost a client nothing
    /// to invent, so a flood of unique names (issue #11) fills at most this many entries — the least recently used
    /// negative answer makes room — instead of pushing positive answers out and the process over its memory budget.
    /// </summary>
    [Range(0, 10_000_000)]
    public int CacheMaxNegativeEntries { get; set; } = 10_000;

    /// <summary>Cap on negative-cache TTLs (NXDOMAIN/NODATA; RFC 2308 §5), seconds. Default 900.</summary>
    [Range(0, 86400)]
    public int CacheMaxNegativeTtl { get; set; } = 900;

    /// <summary>Serve expired answers when every upstream fails (RFC 8767). Default true.</summary>
    public bool ServeStale { get; set; } = true;

    /// <summary>How long after expiry an answer may still be served stale (RFC 8767 §5 suggests 1–3 days). Default 1 day.</summary>
    public TimeSpan MaxStaleAge { get; set; } = TimeSpan.FromDays(1);

    /// <summary>TTL on stale answers, seconds (RFC 8767 §4 recommends 30). Default 30.</summary>
    [Range(1, 3600)]
    public int StaleAnswerTtl { get; set; } = 30;

    /// <summary>After a failed refresh, a stale answer is served without asking upstream again for this long (RFC 8767 §4). Default 30 s.</summary>
    public TimeSpan StaleRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);
}

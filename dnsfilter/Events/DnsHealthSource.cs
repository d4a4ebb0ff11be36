using ClassroomGuard.Storage.TimeSeries;

namespace ClassroomGuard.DnsFilter.Events;

/// <summary>
/// The DNS filter's totals for its once-a-minute <c>service_health</c> point: queries answered (UDP and TCP), blocked by
/// the policy, answered SERVFAIL, and queries no upstream resolver answered. Read with Volatile, never on the query path.
/// </summary>
internal sealed class DnsHealthSource(DnsCounters counters, PolicyCounters policy) : IServiceHealthSource
{
    public string Component => "dnsfilter";

    public void ReadTotals(IDictionary<string, long> totals)
    {
        totals["queries"] = Volatile.Read(ref counters.UdpQueries) + Volatile.Read(ref counters.TcpQueries);
        totals["blocked"] = Interlocked.Read(ref policy.Blocked);
        totals["servfail"] = Volatile.Read(ref counters.ServFail);
        totals["upstream_failed"] = Volatile.Read(ref counters.UpstreamFailedQueries);
    }
}

using ClassroomGuard.DnsFilter.Events;

namespace ClassroomGuard.DnsFilter.Tests.Events;

public sealed class DnsHealthSourceTests
{
    [Fact]
    public void ReadTotals_AddsUdpAndTcpQueries_AndReadsBlocksServfailsAndUpstreamFailures()
    {
        var counters = new DnsCounters();
        var policy = new PolicyCounters();
        counters.UdpQueries = 120;
        counters.TcpQueries = 3;
        counters.ServFail = 2;
        counters.UpstreamFailedQueries = 1;
        policy.Blocked = 17;
        var totals = new Dictionary<string, long>();

        new DnsHealthSource(counters, policy).ReadTotals(totals);

        Assert.Equal(new Dictionary<string, long> { ["queries"] = 123, ["blocked"] = 17, ["servfail"] = 2, ["upstream_failed"] = 1 }, totals);
        Assert.Equal("dnsfilter", new DnsHealthSource(counters, policy).Component);
    }
}

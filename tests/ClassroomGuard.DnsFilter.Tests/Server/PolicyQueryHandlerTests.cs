using ClassroomGuard.DnsFilter.Policy;
using ClassroomGuard.Dns.Protocol;
using ClassroomGuard.Dns.Tests.Support;
using ClassroomGuard.DnsFilter.Server;
using ClassroomGuard.DnsFilter.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace ClassroomGuard.DnsFilter.Tests.Server;

/// <summary>The seam the school policy plugs into: a registered <see cref="IDnsPolicy"/> answers, drops or forwards.</summary>
public sealed class PolicyQueryHandlerTests : IClassFixture<UnboundFixture>
{
    private readonly UnboundFixture _unbound;

    public PolicyQueryHandlerTests(UnboundFixture unbound)
    {
        _unbound = unbound;
    }

    [Fact]
    public async Task Dig_BlockedName_NxDomainWithExtendedErrorAndNoUpstreamQuery()
    {
        await using var host = await DnsTestHost.StartAsync([_unbound.Upstream], services: s => s.AddSingleton<IDnsPolicy, BlockingPolicy>());
        var output = await Tool.DigAsync(host.Port, "www.blocked.test");
        Assert.Contains("status: NXDOMAIN", output);
        Assert.Contains("EDE: 17 (Filtered): (category: test)", output);
        Assert.Equal(0, host.Counter("upstream_queries"));
        Assert.Equal(1, host.Counter("policy_answered"));
    }

    [Fact]
    public async Task Dig_DroppedName_NoAnswer_OtherNamesForwarded()
    {
        await using var host = await DnsTestHost.StartAsync([_unbound.Upstream], services: s => s.AddSingleton<IDnsPolicy, BlockingPolicy>());
        Assert.Null(await DnsClient.UdpAsync(host.EndPoint, DnsClient.BuildQuery(1, "drop.test", DnsRecordType.A), timeoutMs: 300));
        Assert.Contains("192.0.2.1", await Tool.DigAsync(host.Port, "a.test"));
    }

    [Fact]
    public async Task Kdig_BlockedNameWithoutEdns_NxDomainWithoutOpt()
    {
        await using var host = await DnsTestHost.StartAsync([_unbound.Upstream], services: s => s.AddSingleton<IDnsPolicy, BlockingPolicy>());
        var response = await DnsClient.UdpAsync(host.EndPoint, DnsClient.BuildQuery(4, "blocked.test", DnsRecordType.A, edns: false));
        Assert.Equal(DnsResponseCode.NXDomain, DnsClient.ResponseCode(response!));
        Assert.DoesNotContain("OPT", DnsText.Dump(response!));
    }

    /// <summary>Blocks *.blocked.test with NXDOMAIN + EDE 17, drops drop.test, forwards the rest.</summary>
    private sealed class BlockingPolicy : IDnsPolicy
    {
        private static readonly byte[] Blocked = DnsName.FromText("blocked.test");

        public DnsPolicyDecision Evaluate(DnsRequestContext request)
        {
            var name = request.Name;
            if (DnsName.EqualsIgnoreCase(name, DnsName.FromText("drop.test")))
            {
                return DnsPolicyDecision.Drop;
            }

            if (!name.EndsWith(Blocked))
            {
                return DnsPolicyDecision.Forward;
            }

            var writer = request.BeginResponse(DnsResponseCode.NXDomain);
            if (request.Info.HasEdns && writer.TryWriteOpt(request.OurUdpPayloadSize, request.Info.DnssecOk))
            {
                writer.TryWriteExtendedError(DnsExtendedError.Filtered, "category: test");
                return DnsPolicyDecision.Answered(request.FinishResponse(ref writer, DnsResponseCode.NXDomain, optWritten: true));
            }

            return DnsPolicyDecision.Answered(request.FinishResponse(ref writer, DnsResponseCode.NXDomain));
        }
    }
}

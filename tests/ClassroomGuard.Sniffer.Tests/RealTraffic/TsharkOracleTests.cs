using ClassroomGuard.Sniffer.Decoding;
using ClassroomGuard.Sniffer.Tests.Support;

namespace ClassroomGuard.Sniffer.Tests.RealTraffic;

/// <summary>tshark is the oracle: for the same real capture, our facts equal what tshark extracts.</summary>
[Collection(LabCaptureCollection.Name)]
public sealed class TsharkOracleTests(LabCaptureFixture lab)
{
    [Fact]
    public async Task ClientHellos_RealCapture_SameClientSniAndAlpnAsTshark()
    {
        var tshark = (await lab.TsharkAsync("tls.handshake.type == 1", "ip.src", "tls.handshake.extensions_server_name", "tls.handshake.extensions_alpn_str"))
            .Select(r => (r[0], r[1], r[2])).ToHashSet();
        var ours = lab.Ours.ClientHellos.Select(h => (h.Client, h.ServerName, h.Alpn)).ToHashSet();

        Assert.Equal(LabCaptureFixture.SniNames.Order(), ours.Select(h => h.ServerName).Order());
        Assert.Equal(tshark.Order(), ours.Order());
        Assert.All(ours, h => Assert.Equal(lab.ClientIp, h.Client));
    }

    [Fact]
    public void ClientHellos_LargeHello_ReassembledFromSeveralSegments()
    {
        var big = Assert.Single(lab.Ours.ClientHellos, h => h.ServerName == "big.example.test");
        Assert.Equal(HelloTransport.TcpReassembled, big.Transport);
        Assert.StartsWith("proto-01-", big.Alpn, StringComparison.Ordinal);
        Assert.Equal(1, lab.OurStatistics.TlsReassembled);
    }

    [Fact]
    public async Task DnsQueries_RealCapture_SameClientAndNameAsTshark()
    {
        var tshark = (await lab.TsharkAsync("dns.flags.response == 0", "ip.src", "ipv6.src", "dns.qry.name"))
            .Select(r => (r[0].Length > 0 ? r[0] : r[1], r[2])).ToHashSet();
        var ours = lab.Ours.Dns.Where(d => !d.IsResponse).Select(d => (d.Client, d.Name)).ToHashSet();

        Assert.Superset(ours.Select(d => d.Name).ToHashSet(), LabCaptureFixture.DnsNames.ToHashSet());
        Assert.Equal(tshark.Order(), ours.Order());
    }

    [Fact]
    public async Task DnsAnswers_RealCapture_SameNamesAsTshark()
    {
        var tshark = (await lab.TsharkAsync("dns.flags.response == 1", "dns.qry.name")).Select(r => r[0]).ToHashSet();
        var ours = lab.Ours.Dns.Where(d => d.IsResponse).Select(d => d.Name).ToHashSet();
        Assert.Equal(tshark.Order(), ours.Order());
    }

    [Fact]
    public async Task DhcpHostNames_RealCapture_SameMacAndHostNameAsTshark()
    {
        var tshark = (await lab.TsharkAsync("dhcp.option.hostname", "dhcp.hw.mac_addr", "dhcp.option.hostname")).Select(r => (r[0], r[1])).ToHashSet();
        var ours = lab.Ours.Dhcp.Where(d => d.HostName.Length > 0).Select(d => (d.Mac, d.HostName)).ToHashSet();

        Assert.Equal(LabCaptureFixture.DhcpHostName, Assert.Single(ours).HostName);
        Assert.Equal(tshark, ours);
    }

    [Fact]
    public async Task DhcpExchange_RealCapture_AllFourMessagesWithAssignedAddress()
    {
        var tshark = (await lab.TsharkAsync("dhcp", "dhcp.option.dhcp", "dhcp.ip.your")).Select(r => (byte.Parse(r[0]), r[1])).ToList();
        var ours = lab.Ours.Dhcp.Select(d => (d.Type, d.Assigned)).ToList();

        // dhclient may retransmit a DISCOVER or REQUEST when the server is slow to answer: compare kinds, then everything.
        Assert.Equal([1, 2, 3, 5], ours.Select(d => (int)d.Type).Distinct().Order());
        Assert.Contains(ours, d => d.Type == 5 && d.Assigned.StartsWith("10.213.", StringComparison.Ordinal));
        Assert.Equal(tshark, ours);
    }

    [Fact]
    public async Task HttpHosts_RealCapture_SameClientAndHostAsTshark()
    {
        var tshark = (await lab.TsharkAsync("http.request", "ip.src", "http.host")).Select(r => (r[0], r[1])).ToHashSet();
        var ours = lab.Ours.Http.Select(h => (h.Client, h.Host)).ToHashSet();

        Assert.Contains((lab.ClientIp, "plain.example.test"), ours);
        Assert.Equal(tshark, ours);
    }

    [Fact]
    public void Decoder_RealCapture_NothingMalformed()
    {
        Assert.Empty(lab.Ours.Malformed);
        Assert.True(lab.OurStatistics.Packets > 50);
    }
}

using ClassroomGuard.Sniffer.Circumvention;
using ClassroomGuard.Sniffer.Tests.Support;
using static ClassroomGuard.Sniffer.Tests.Circumvention.CircumventionPackets;

namespace ClassroomGuard.Sniffer.Tests.Circumvention;

/// <summary>Each detector on hand-built frames through the real decoder, with the near misses that must not alert.</summary>
public sealed class CircumventionDetectorTests
{
    private const string Google = "8.8.8.8";

    [Fact]
    public void DnsQuery_ToOtherResolver_OtherResolverWithName()
    {
        using var harness = new CircumventionHarness();
        harness.Feed(Udp(Pupil, Google, 40000, 53, Packets.DnsQuery("www.Example.org")));

        var attempt = Assert.Single(harness.Drain());
        Assert.Equal(CircumventionKind.OtherResolver, attempt.Kind);
        Assert.Equal("www.example.org", attempt.Domain);
        Assert.Equal(Pupil, attempt.Client.ToString());
        Assert.Equal(Google, attempt.Server.ToString());
        Assert.Equal(53, attempt.ServerPort);
        Assert.Equal("a DNS query (UDP)", attempt.Detail);
    }

    [Fact]
    public void DnsQueryOverTcp_ToOtherResolver_OtherResolver()
    {
        using var harness = new CircumventionHarness();
        var query = Packets.DnsQuery("tcp.example.org");
        harness.Feed(Tcp(Pupil, "9.9.9.9", 40000, 53, [.. Packets.U16((ushort)query.Length), .. query]));

        var attempt = Assert.Single(harness.Drain());
        Assert.Equal(CircumventionKind.OtherResolver, attempt.Kind);
        Assert.Equal("a DNS query (TCP)", attempt.Detail);
    }

    [Fact]
    public void DnsNearMisses_NoAlert()
    {
        using var harness = new CircumventionHarness(new CircumventionOptions
        {
            ApplianceAddresses = [CircumventionHarness.Appliance],
            AllowedResolvers = ["10.213.0.53"],
            ExemptClients = ["10.213.5.0/24"],
        });
        harness.Feed(Udp(Pupil, CircumventionHarness.Appliance, 40000, 53, Packets.DnsQuery("www.example.org")));          // the appliance
        harness.Feed(Udp(Pupil, "10.213.0.53", 40000, 53, Packets.DnsQuery("www.example.org")));                         // an allowed resolver
        harness.Feed(Udp(CircumventionHarness.Appliance, Google, 40000, 53, Packets.DnsQuery("www.example.org")));          // the filter forwarding
        harness.Feed(Udp("10.213.5.9", Google, 40000, 53, Packets.DnsQuery("www.example.org")));                          // exempt client
        harness.Feed(Udp("203.0.113.5", Google, 40000, 53, Packets.DnsQuery("www.example.org")));                         // not a school device
        harness.Feed(Udp(Google, Pupil, 53, 40000, Packets.DnsResponse("www.example.org", "a.example.org", [1, 2, 3, 4]))); // the answer
        harness.Feed(Udp(Pupil, "224.0.0.251", 5353, 5353, Packets.DnsQuery("printer.local")));                           // mDNS

        Assert.Empty(harness.Drain());
    }

    [Fact]
    public void TcpSynTo853_DnsOverTls_RepliesAndLaterSegmentsIgnored()
    {
        using var harness = new CircumventionHarness();
        harness.Feed(Tcp(Pupil, "9.9.9.9", 40001, 853, [], flags: 0x02));
        harness.Feed(Tcp("9.9.9.9", Pupil, 853, 40001, [], flags: 0x12));          // SYN-ACK: the reply direction
        harness.Feed(Tcp(Pupil, "9.9.9.9", 40001, 853, [1, 2, 3], flags: 0x18));  // data on the same connection
        harness.Feed(Tcp("9.9.9.9", Pupil, 853, 40001, [1, 2, 3], flags: 0x18));

        var attempt = Assert.Single(harness.Drain());
        Assert.Equal(CircumventionKind.DnsOverTls, attempt.Kind);
        Assert.Equal(853, attempt.ServerPort);
        Assert.Equal(0, harness.Queue.Statistics.Suppressed);
    }

    [Fact]
    public void QuicTo853_DnsOverQuic_ReplyAndShortHeaderIgnored()
    {
        using var harness = new CircumventionHarness();
        harness.Feed(Udp("94.140.14.14", Pupil, 853, 40002, QuicLongHeader()));  // reply direction
        harness.Feed(Udp(Pupil, "94.140.14.14", 40002, 853, [0x41, 1, 2, 3, 4, 5, 6, 7])); // short header: not a handshake
        Assert.Empty(harness.Drain());

        harness.Feed(Udp(Pupil, "94.140.14.14", 40002, 853, QuicLongHeader()));
        Assert.Equal(CircumventionKind.DnsOverQuic, Assert.Single(harness.Drain()).Kind);
    }

    [Theory]
    [InlineData("dns.google", CircumventionKind.DnsOverHttps, "dns.google")]
    [InlineData("DNS.Google.", CircumventionKind.DnsOverHttps, "dns.google")]
    [InlineData("mozilla.cloudflare-dns.com", CircumventionKind.DnsOverHttps, "cloudflare-dns.com")]
    [InlineData("nordvpn.com", CircumventionKind.VpnService, "nordvpn.com")]
    [InlineData("www.hidemyass.com", CircumventionKind.ProxyService, "hidemyass.com")]
    public void ClientHello_ListedName_KindAndListedEntry(string serverName, CircumventionKind kind, string listed)
    {
        using var harness = new CircumventionHarness();
        harness.Feed(Tcp(Pupil, Google, 40003, 443, Packets.ClientHelloRecord(serverName, ["h2"])));

        var attempt = Assert.Single(harness.Drain());
        Assert.Equal(kind, attempt.Kind);
        Assert.Equal(serverName.TrimEnd('.').ToLowerInvariant(), attempt.Domain);
        Assert.Equal(listed, attempt.ListedName);
        Assert.Equal("a TLS ClientHello", attempt.Detail);
    }

    [Theory]
    [InlineData("www.example.org")]
    [InlineData("notdns.google")]        // not a subdomain of dns.google
    [InlineData("google")]
    [InlineData("dns.example.bet")]      // listed, but under gambling: not a circumvention list
    [InlineData("dns..google")]
    public void ClientHello_OrdinaryName_NoAlert(string serverName)
    {
        using var harness = new CircumventionHarness();
        harness.Feed(Tcp(Pupil, Google, 40004, 443, Packets.ClientHelloRecord(serverName)));
        Assert.Empty(harness.Drain());
    }

    [Fact]
    public void QuicClientHello_ListedName_DnsOverHttps()
    {
        using var harness = new CircumventionHarness();
        var initial = QuicInitialProtector.Protect(1, [1, 2, 3, 4, 5, 6, 7, 8], [9, 9], 0, QuicInitialProtector.CryptoFrame(0, Packets.ClientHelloMessage("dns.google", ["h3"])));
        harness.Feed(Udp(Pupil, Google, 40005, 443, initial));

        var attempt = Assert.Single(harness.Drain());
        Assert.Equal(CircumventionKind.DnsOverHttps, attempt.Kind);
        Assert.Equal("a QUIC TLS ClientHello", attempt.Detail);
        Assert.Equal(17, attempt.Protocol);
    }

    [Fact]
    public void HttpHost_ListedProxy_ProxyWithoutPort()
    {
        using var harness = new CircumventionHarness();
        harness.Feed(Tcp(Pupil, "203.0.113.80", 40006, 8080, Packets.HttpGet("ProxySite.example:8080")));
        harness.Feed(Tcp(Pupil, "203.0.113.80", 40007, 80, Packets.HttpGet("www.example.org")));
        harness.Feed(Tcp(Pupil, "203.0.113.80", 40008, 80, Packets.HttpGet("8.8.8.8")));

        var attempt = Assert.Single(harness.Drain());
        Assert.Equal(CircumventionKind.ProxyService, attempt.Kind);
        Assert.Equal("proxysite.example", attempt.Domain);
        Assert.Equal("an HTTP request", attempt.Detail);
    }

    [Fact]
    public void ClientHello_NoSniOrAddressTo443_NumericIpTls()
    {
        using var harness = new CircumventionHarness();
        harness.Feed(Tcp(Pupil, "203.0.113.9", 40009, 443, Packets.ClientHelloRecord(null)));
        var first = Assert.Single(harness.Drain());
        Assert.Equal(CircumventionKind.NumericIpTls, first.Kind);
        Assert.Null(first.Domain);

        using var other = new CircumventionHarness();
        other.Feed(Tcp(Pupil, "203.0.113.9", 40010, 443, Packets.ClientHelloRecord("203.0.113.9")));
        var second = Assert.Single(other.Drain());
        Assert.Equal(CircumventionKind.NumericIpTls, second.Kind);
        Assert.Equal("203.0.113.9", second.Domain);
    }

    [Fact]
    public void ClientHello_NoSniToOtherPort_NoAlert()
    {
        using var harness = new CircumventionHarness();
        harness.Feed(Tcp(Pupil, "203.0.113.9", 40011, 8443, Packets.ClientHelloRecord(null)));
        harness.Feed(Tcp(Pupil, "203.0.113.9", 40012, 443, Packets.ClientHelloRecord("www.example.org")));
        Assert.Empty(harness.Drain());
    }

    [Fact]
    public void WireGuard_148ByteInitiationOnAnyPort_Alert_NearMissesNot()
    {
        using var harness = new CircumventionHarness();
        harness.Feed(Udp(Pupil, "198.51.100.7", 40013, 9999, WireGuardInitiation(147)));
        harness.Feed(Udp(Pupil, "198.51.100.7", 40013, 9999, WireGuardInitiation(149)));
        harness.Feed(Udp(Pupil, "198.51.100.7", 40013, 9999, WireGuardInitiation(type: 2)));
        harness.Feed(Udp("198.51.100.7", Pupil, 9999, 40013, WireGuardInitiation())); // from outside
        Assert.Empty(harness.Drain());

        harness.Feed(Udp(Pupil, "198.51.100.7", 40013, 9999, WireGuardInitiation()));
        var attempt = Assert.Single(harness.Drain());
        Assert.Equal(CircumventionKind.WireGuard, attempt.Kind);
        Assert.Equal(9999, attempt.ServerPort);
    }

    [Fact]
    public void OpenVpn_HardResetOn1194_UdpAndTcp()
    {
        using var harness = new CircumventionHarness();
        harness.Feed(Udp(Pupil, "198.51.100.8", 40014, 1194, OpenVpnHardReset(keyId: 1)));          // key id must be 0
        harness.Feed(Udp(Pupil, "198.51.100.8", 40014, 1194, OpenVpnHardReset(opcode: 4)));         // P_CONTROL_V1: not a start
        harness.Feed(Udp(Pupil, "198.51.100.8", 40014, 1195, OpenVpnHardReset()));                  // other port
        Assert.Empty(harness.Drain());

        harness.Feed(Udp(Pupil, "198.51.100.8", 40014, 1194, OpenVpnHardReset()));
        var udp = Assert.Single(harness.Drain());
        Assert.Equal(CircumventionKind.OpenVpn, udp.Kind);
        Assert.Equal("an OpenVPN client hard reset (P_CONTROL_HARD_RESET_CLIENT_V2)", udp.Detail);

        using var tcp = new CircumventionHarness();
        tcp.Feed(Tcp(Pupil, "198.51.100.9", 40015, 1194, OpenVpnHardReset(TunnelShapes.OpenVpnHardResetClientV3, tcp: true)));
        var attempt = Assert.Single(tcp.Drain());
        Assert.Equal("an OpenVPN client hard reset (P_CONTROL_HARD_RESET_CLIENT_V3)", attempt.Detail);
        Assert.Equal(6, attempt.Protocol);
    }

    [Fact]
    public void IPsec_IkeInitiationsAndEsp_Alert_ResponsesNot()
    {
        using var harness = new CircumventionHarness();
        harness.Feed(Udp(Pupil, "198.51.100.10", 500, 500, IkeInitiation(responderSpi: 42)));      // a response / later message
        harness.Feed(Udp("198.51.100.10", Pupil, 500, 500, IkeInitiation()));                      // from outside
        harness.Feed(Udp(Pupil, "198.51.100.10", 4500, 4500, IkeInitiation()));                    // 4500 without the marker
        Assert.Empty(harness.Drain());

        harness.Feed(Udp(Pupil, "198.51.100.10", 500, 500, IkeInitiation()));
        var ike = Assert.Single(harness.Drain());
        Assert.Equal(CircumventionKind.IPsec, ike.Kind);
        Assert.Equal("an IKEv2 IKE_SA_INIT request", ike.Detail);

        using var nat = new CircumventionHarness();
        nat.Feed(Udp(Pupil, "198.51.100.10", 4500, 4500, IkeInitiation(version: 1, natTraversal: true)));
        Assert.Equal("an IKEv1 Main/Aggressive Mode request", Assert.Single(nat.Drain()).Detail);

        using var esp = new CircumventionHarness();
        esp.Feed(Esp("198.51.100.10", Pupil));
        Assert.Empty(esp.Drain());
        esp.Feed(Esp(Pupil, "198.51.100.10"));
        var attempt = Assert.Single(esp.Drain());
        Assert.Equal(50, attempt.Protocol);
        Assert.Equal(0, attempt.ServerPort);
    }

    [Fact]
    public void NoLists_NameDetectionOff_OthersStillWork()
    {
        using var harness = new CircumventionHarness(new CircumventionOptions { ApplianceAddresses = [CircumventionHarness.Appliance], Ut1Directory = "" });
        harness.Feed(Tcp(Pupil, Google, 40016, 443, Packets.ClientHelloRecord("dns.google")));
        harness.Feed(Udp(Pupil, "198.51.100.7", 40013, 51820, WireGuardInitiation()));
        Assert.Equal(CircumventionKind.WireGuard, Assert.Single(harness.Drain()).Kind);
    }

    [Fact]
    public void RealUt1Snapshot_KnownServicesMatched()
    {
        using var harness = new CircumventionHarness(ut1Root: CircumventionHarness.RealUt1Root);
        harness.Feed(Tcp(Pupil, Google, 40017, 443, Packets.ClientHelloRecord("dns.google")));
        harness.Feed(Tcp(Pupil, "203.0.113.1", 40018, 443, Packets.ClientHelloRecord("nordvpn.com")));
        harness.Feed(Tcp(Pupil, "203.0.113.2", 40019, 443, Packets.ClientHelloRecord("hidemyass.com")));
        harness.Feed(Tcp(Pupil, "203.0.113.3", 40020, 443, Packets.ClientHelloRecord("www.bbc.co.uk")));

        Assert.Equal(
            [CircumventionKind.DnsOverHttps, CircumventionKind.VpnService, CircumventionKind.VpnService],
            harness.Drain().Select(a => a.Kind));
    }
}

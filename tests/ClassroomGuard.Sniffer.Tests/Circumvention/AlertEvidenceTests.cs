using System.Net;
using ClassroomGuard.Sniffer.Circumvention;
using ClassroomGuard.Sniffer.Decoding;

namespace ClassroomGuard.Sniffer.Tests.Circumvention;

public sealed class AlertEvidenceTests
{
    private static readonly long At = new DateTimeOffset(2026, 3, 2, 9, 15, 0, TimeSpan.Zero).ToUnixTimeMilliseconds() * 1000;

    private static CircumventionAttempt Attempt(CircumventionKind kind, string detail, string? domain = null, string? listed = null, byte protocol = 6, ushort port = 443, string server = "8.8.8.8", long suppressed = 0) =>
        new(At, kind, NetAddress.FromIPAddress(IPAddress.Parse("10.0.0.5")), MacAddress.Read([2, 0, 0, 0, 0, 7]), NetAddress.FromIPAddress(IPAddress.Parse(server)), port, protocol, detail, domain, listed, suppressed);

    [Fact]
    public void Format_Doh_WhoWhatWhereListWhen()
    {
        Assert.Equal(
            "10.0.0.5 sent a TLS ClientHello for dns.google to 8.8.8.8:443 (on the UT1 doh list as dns.google: DNS over HTTPS); MAC 02:00:00:00:00:07; device 12; at 2026-03-02T09:15:00.0000000+00:00",
            AlertEvidence.Format(Attempt(CircumventionKind.DnsOverHttps, "a TLS ClientHello", "dns.google", "dns.google"), 12, TimeSpan.FromMinutes(10)));
    }

    [Fact]
    public void Format_OtherKinds()
    {
        var interval = TimeSpan.FromMinutes(10);
        Assert.StartsWith(
            "10.0.0.5 sent a DNS query (UDP) for www.example.org to 8.8.8.8:53 (UDP), a resolver other than the appliance; MAC",
            AlertEvidence.Format(Attempt(CircumventionKind.OtherResolver, "a DNS query (UDP)", "www.example.org", protocol: 17, port: 53), null, interval), StringComparison.Ordinal);
        Assert.StartsWith(
            "10.0.0.5 sent a TLS ClientHello without a server name to 203.0.113.9:443 (TLS to a bare address",
            AlertEvidence.Format(Attempt(CircumventionKind.NumericIpTls, "a TLS ClientHello", server: "203.0.113.9"), null, interval), StringComparison.Ordinal);
        Assert.StartsWith(
            "10.0.0.5 sent ESP packets (IP protocol 50) to 2001:db8::1; MAC",
            AlertEvidence.Format(Attempt(CircumventionKind.IPsec, "ESP packets (IP protocol 50)", protocol: 50, port: 0, server: "2001:db8::1"), null, interval), StringComparison.Ordinal);
        Assert.StartsWith(
            "10.0.0.5 sent a WireGuard handshake initiation to [2001:db8::1]:51820 (UDP); MAC",
            AlertEvidence.Format(Attempt(CircumventionKind.WireGuard, "a WireGuard handshake initiation", protocol: 17, port: 51820, server: "2001:db8::1"), null, interval), StringComparison.Ordinal);
        Assert.EndsWith(
            "; 37 more attempts since the previous alert (at most one alert per 00:10:00 per address, kind and name)",
            AlertEvidence.Format(Attempt(CircumventionKind.VpnService, "a TLS ClientHello", "nordvpn.com", "nordvpn.com", suppressed: 37), null, interval), StringComparison.Ordinal);
    }
}

using System.Globalization;
using System.Text;
using ClassroomGuard.Sniffer.Decoding;
using ClassroomGuard.Sniffer.Decoding.Network;

namespace ClassroomGuard.Sniffer.Circumvention;

/// <summary>
/// The human-readable evidence stored with a circumvention alert: who, what was seen, where to, why it counts, when,
/// and how many repeats the rate limit held back. E.g. <c>10.0.0.5 sent a TLS ClientHello for dns.google to
/// 8.8.8.8:443 (on the UT1 doh list as dns.google); MAC 02:00:00:00:00:07; at 2026-03-02T09:15:00.0000000+00:00</c>.
/// </summary>
public static class AlertEvidence
{
    /// <summary>Formats the evidence of <paramref name="attempt"/> (device id when known).</summary>
    public static string Format(in CircumventionAttempt attempt, long? deviceId, TimeSpan alertInterval)
    {
        var text = new StringBuilder(256);
        text.Append(attempt.Client.ToString()).Append(" sent ").Append(attempt.Detail);
        switch (attempt.Kind)
        {
            case CircumventionKind.NumericIpTls:
                text.Append(attempt.Domain is null ? " without a server name" : $" with the address {attempt.Domain} as its server name");
                break;
            case CircumventionKind.OtherResolver when attempt.Domain is not null:
                text.Append(" for ").Append(attempt.Domain);
                break;
            case CircumventionKind.DnsOverHttps or CircumventionKind.VpnService or CircumventionKind.ProxyService:
                text.Append(" for ").Append(attempt.Domain);
                break;
        }

        text.Append(" to ").Append(Endpoint(attempt.Server, attempt.ServerPort, attempt.Protocol));
        text.Append(attempt.Kind switch
        {
            CircumventionKind.OtherResolver => ", a resolver other than the appliance",
            CircumventionKind.DnsOverHttps => $" (on the UT1 doh list as {attempt.ListedName}: DNS over HTTPS)",
            CircumventionKind.VpnService => $" (on the UT1 vpn list as {attempt.ListedName})",
            CircumventionKind.ProxyService => $" (on the UT1 proxy list as {attempt.ListedName})",
            CircumventionKind.NumericIpTls => " (TLS to a bare address: no name for the filter to check)",
            _ => "",
        });

        if (attempt.ClientMac.Value != 0)
        {
            text.Append("; MAC ").Append(attempt.ClientMac.ToString());
        }

        if (deviceId is { } id)
        {
            text.Append("; device ").Append(id.ToString(CultureInfo.InvariantCulture));
        }

        text.Append("; at ").Append(attempt.At.ToString("O", CultureInfo.InvariantCulture));
        if (attempt.Suppressed > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"; {attempt.Suppressed} more {(attempt.Suppressed == 1 ? "attempt" : "attempts")} since the previous alert (at most one alert per {alertInterval:c} per address, kind and name)");
        }

        return text.ToString();
    }

    private static string Endpoint(NetAddress server, ushort port, byte protocol)
    {
        var address = server.Version == 6 ? "[" + server + "]" : server.ToString();
        return protocol switch
        {
            IPProtocols.Udp => $"{address}:{port.ToString(CultureInfo.InvariantCulture)} (UDP)",
            IPProtocols.Tcp => $"{address}:{port.ToString(CultureInfo.InvariantCulture)}",
            _ => server.ToString(),
        };
    }
}

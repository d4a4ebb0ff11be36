using System.Globalization;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Safeguarding.Alerts;

/// <summary>Alerts in words: category names (from the state, and the sniffer's circumvention kinds), what happened.</summary>
public static class AlertWords
{
    private static readonly Dictionary<string, string> Circumvention = new(StringComparer.Ordinal)
    {
        ["other-resolver"] = "Another DNS server (not the school's)",
        ["dot"] = "DNS over TLS",
        ["doq"] = "DNS over QUIC",
        ["doh"] = "DNS over HTTPS",
        ["vpn"] = "VPN service",
        ["proxy"] = "Proxy service",
        ["openvpn"] = "OpenVPN tunnel",
        ["wireguard"] = "WireGuard tunnel",
        ["ipsec"] = "IPsec VPN tunnel",
        ["numeric-ip-tls"] = "Encrypted connection to a bare address",
    };

    /// <summary>The circumvention kinds the sniffer reports (category keys that are not in the categories table).</summary>
    public static IReadOnlyCollection<string> CircumventionKeys => Circumvention.Keys;

    /// <summary>
    /// A category key's name: the state's (<paramref name="names"/>), else a circumvention kind's, else the key in words
    /// ("file sharing"); empty when there is none.
    /// </summary>
    public static string Category(string? key, IReadOnlyDictionary<string, string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        if (string.IsNullOrEmpty(key))
        {
            return string.Empty;
        }

        if (names.TryGetValue(key, out var name) || Circumvention.TryGetValue(key, out name))
        {
            return name;
        }

        var words = key.Replace('_', ' ').Replace('-', ' ');
        return char.ToUpper(words[0], CultureInfo.InvariantCulture) + words[1..];
    }

    /// <summary>What happened, in words.</summary>
    public static string Kind(AlertKind kind) => kind switch
    {
        AlertKind.HighRiskCategory => "Tried a blocked high-risk site",
        AlertKind.Circumvention => "Tried to get round the filter",
        AlertKind.Appliance => "The appliance needs attention",
        _ => "Other alert",
    };
}

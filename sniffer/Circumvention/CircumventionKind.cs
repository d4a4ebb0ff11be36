namespace ClassroomGuard.Sniffer.Circumvention;

/// <summary>What a device did to get round the filter. Each kind has a stable token (<see cref="CircumventionKinds.Token"/>).</summary>
public enum CircumventionKind : byte
{
    /// <summary>A DNS query (UDP/TCP 53) to a resolver other than the appliance or an allowed one: <c>other-resolver</c>.</summary>
    OtherResolver,

    /// <summary>DNS over TLS: a TCP connection to port 853: <c>dot</c>.</summary>
    DnsOverTls,

    /// <summary>DNS over QUIC: a QUIC long-header packet to UDP port 853: <c>doq</c>.</summary>
    DnsOverQuic,

    /// <summary>A TLS/QUIC server name on the UT1 <c>doh</c> list (DNS over HTTPS): <c>doh</c>.</summary>
    DnsOverHttps,

    /// <summary>A server name or HTTP Host on the UT1 <c>vpn</c> list: <c>vpn</c>.</summary>
    VpnService,

    /// <summary>A server name or HTTP Host on the UT1 proxy lists (<c>redirector</c>, <c>residential-proxies</c>): <c>proxy</c>.</summary>
    ProxyService,

    /// <summary>An OpenVPN client hard reset to port 1194 (UDP or TCP): <c>openvpn</c>.</summary>
    OpenVpn,

    /// <summary>A WireGuard handshake initiation (UDP, type 1, 148 bytes, any port): <c>wireguard</c>.</summary>
    WireGuard,

    /// <summary>An IKE initiation (UDP 500/4500) or ESP packets (IP protocol 50): <c>ipsec</c>.</summary>
    IPsec,

    /// <summary>A TLS ClientHello to port 443 without a server name, or with an IP address as the name: <c>numeric-ip-tls</c>.</summary>
    NumericIpTls,
}

/// <summary>Tokens of <see cref="CircumventionKind"/>, stored as the alert's category.</summary>
public static class CircumventionKinds
{
    /// <summary>How many kinds there are.</summary>
    public const int Count = (int)CircumventionKind.NumericIpTls + 1;

    private static readonly string[] Tokens = ["other-resolver", "dot", "doq", "doh", "vpn", "proxy", "openvpn", "wireguard", "ipsec", "numeric-ip-tls"];

    /// <summary>The stable token of <paramref name="kind"/> (the alert's category): <c>doh</c>, <c>vpn</c>, <c>other-resolver</c>, ….</summary>
    public static string Token(this CircumventionKind kind) => (uint)kind < (uint)Tokens.Length ? Tokens[(int)kind] : "unknown";
}

namespace ClassroomGuard.Sniffer.Decoding.Network;

/// <summary>IP protocol numbers the decoder acts on.</summary>
public static class IPProtocols
{
    /// <summary>IPv6 hop-by-hop options.</summary>
    public const byte HopByHop = 0;

    /// <summary>ICMP.</summary>
    public const byte Icmp = 1;

    /// <summary>TCP.</summary>
    public const byte Tcp = 6;

    /// <summary>UDP.</summary>
    public const byte Udp = 17;

    /// <summary>IPv6 routing header.</summary>
    public const byte Routing = 43;

    /// <summary>IPv6 fragment header.</summary>
    public const byte Fragment = 44;

    /// <summary>Encapsulating security payload (opaque).</summary>
    public const byte Esp = 50;

    /// <summary>Authentication header.</summary>
    public const byte AuthenticationHeader = 51;

    /// <summary>ICMPv6.</summary>
    public const byte IcmpV6 = 58;

    /// <summary>IPv6 "no next header".</summary>
    public const byte NoNextHeader = 59;

    /// <summary>IPv6 destination options.</summary>
    public const byte DestinationOptions = 60;

    /// <summary>Mobility header.</summary>
    public const byte Mobility = 135;

    /// <summary>Host identity protocol.</summary>
    public const byte HostIdentity = 139;

    /// <summary>Shim6.</summary>
    public const byte Shim6 = 140;
}

namespace ClassroomGuard.Sniffer.Decoding.Link;

/// <summary>The EtherType values the decoder acts on.</summary>
public static class EtherTypes
{
    /// <summary>IPv4.</summary>
    public const ushort IPv4 = 0x0800;

    /// <summary>ARP.</summary>
    public const ushort Arp = 0x0806;

    /// <summary>IPv6.</summary>
    public const ushort IPv6 = 0x86DD;

    /// <summary>IEEE 802.1Q customer VLAN tag.</summary>
    public const ushort Vlan = 0x8100;

    /// <summary>IEEE 802.1ad service VLAN tag (QinQ outer tag).</summary>
    public const ushort ServiceVlan = 0x88A8;

    /// <summary>Pre-standard QinQ outer tag still sent by some switches.</summary>
    public const ushort LegacyQinQ = 0x9100;

    /// <summary>Whether <paramref name="etherType"/> introduces a VLAN tag.</summary>
    public static bool IsVlanTag(ushort etherType) => etherType is Vlan or ServiceVlan or LegacyQinQ;
}

using System.Buffers.Binary;

namespace ClassroomGuard.Sniffer.Decoding.Link;

/// <summary>
/// An Ethernet II header with up to <see cref="MaxVlanTags"/> VLAN tags (802.1Q, and 802.1ad QinQ), over the captured bytes.
/// </summary>
public readonly ref struct EthernetFrame
{
    /// <summary>Most VLAN tags read (outer service tag + inner customer tag). A frame with more is malformed.</summary>
    public const int MaxVlanTags = 2;

    /// <summary>Destination, source and EtherType: 14 bytes.</summary>
    public const int HeaderLength = 14;

    private EthernetFrame(MacAddress destination, MacAddress source, ushort etherType, ushort outerVlan, ushort innerVlan, int vlanCount, ReadOnlySpan<byte> payload)
    {
        Destination = destination;
        Source = source;
        EtherType = etherType;
        OuterVlanId = outerVlan;
        InnerVlanId = innerVlan;
        VlanCount = vlanCount;
        Payload = payload;
    }

    /// <summary>Destination MAC address.</summary>
    public MacAddress Destination { get; }

    /// <summary>Source MAC address.</summary>
    public MacAddress Source { get; }

    /// <summary>EtherType after the VLAN tags (values below 0x0600 are 802.3 lengths: not IP).</summary>
    public ushort EtherType { get; }

    /// <summary>VLAN ID of the first (outer) tag, 0 when untagged.</summary>
    public ushort OuterVlanId { get; }

    /// <summary>VLAN ID of the second (inner) tag of a QinQ frame, 0 otherwise.</summary>
    public ushort InnerVlanId { get; }

    /// <summary>Number of VLAN tags (0-2).</summary>
    public int VlanCount { get; }

    /// <summary>The bytes after the header and tags.</summary>
    public ReadOnlySpan<byte> Payload { get; }

    /// <summary>Reads the header; <see langword="false"/> when truncated or with more than <see cref="MaxVlanTags"/> tags.</summary>
    public static bool TryRead(ReadOnlySpan<byte> data, out EthernetFrame frame)
    {
        frame = default;
        if (data.Length < HeaderLength)
        {
            return false;
        }

        var offset = 12;
        var etherType = BinaryPrimitives.ReadUInt16BigEndian(data[offset..]);
        offset += 2;
        ushort outer = 0, inner = 0;
        var tags = 0;
        while (EtherTypes.IsVlanTag(etherType))
        {
            if (tags == MaxVlanTags || (uint)(offset + 4) > (uint)data.Length)
            {
                return false;
            }

            var vlan = (ushort)(BinaryPrimitives.ReadUInt16BigEndian(data[offset..]) & 0x0FFF);
            if (tags == 0)
            {
                outer = vlan;
            }
            else
            {
                inner = vlan;
            }

            tags++;
            etherType = BinaryPrimitives.ReadUInt16BigEndian(data[(offset + 2)..]);
            offset += 4;
        }

        frame = new EthernetFrame(MacAddress.Read(data), MacAddress.Read(data[6..]), etherType, outer, inner, tags, data[offset..]);
        return true;
    }
}

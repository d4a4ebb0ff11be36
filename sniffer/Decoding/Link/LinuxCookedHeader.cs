using System.Buffers.Binary;

namespace ClassroomGuard.Sniffer.Decoding.Link;

/// <summary>
/// The Linux "cooked" pseudo-header that libpcap puts in front of packets captured on the <c>any</c> interface:
/// SLL (16 bytes) or SLL2 (20 bytes, adds the interface index).
/// </summary>
public readonly ref struct LinuxCookedHeader
{
    /// <summary>Length of an SLL (v1) header.</summary>
    public const int Sll1Length = 16;

    /// <summary>Length of an SLL2 header.</summary>
    public const int Sll2Length = 20;

    private const ushort ArpHardwareEther = 1;

    private LinuxCookedHeader(ushort protocol, byte packetType, int interfaceIndex, MacAddress source, ReadOnlySpan<byte> payload)
    {
        Protocol = protocol;
        PacketType = packetType;
        InterfaceIndex = interfaceIndex;
        Source = source;
        Payload = payload;
    }

    /// <summary>The EtherType of the payload.</summary>
    public ushort Protocol { get; }

    /// <summary>0 to us, 1 broadcast, 2 multicast, 3 to someone else, 4 sent by us.</summary>
    public byte PacketType { get; }

    /// <summary>Interface index (SLL2 only, 0 for SLL).</summary>
    public int InterfaceIndex { get; }

    /// <summary>Link-layer source address when it is an Ethernet address, else default.</summary>
    public MacAddress Source { get; }

    /// <summary>The bytes after the pseudo-header.</summary>
    public ReadOnlySpan<byte> Payload { get; }

    /// <summary>Reads an SLL (v1) header.</summary>
    public static bool TryReadSll(ReadOnlySpan<byte> data, out LinuxCookedHeader header)
    {
        header = default;
        if (data.Length < Sll1Length)
        {
            return false;
        }

        var packetType = BinaryPrimitives.ReadUInt16BigEndian(data);
        var hardware = BinaryPrimitives.ReadUInt16BigEndian(data[2..]);
        var addressLength = BinaryPrimitives.ReadUInt16BigEndian(data[4..]);
        var source = hardware == ArpHardwareEther && addressLength == 6 ? MacAddress.Read(data[6..]) : default;
        var protocol = BinaryPrimitives.ReadUInt16BigEndian(data[14..]);
        return TrySkipVlan(protocol, (byte)packetType, 0, source, data[Sll1Length..], out header);
    }

    /// <summary>Reads an SLL2 header.</summary>
    public static bool TryReadSll2(ReadOnlySpan<byte> data, out LinuxCookedHeader header)
    {
        header = default;
        if (data.Length < Sll2Length)
        {
            return false;
        }

        var protocol = BinaryPrimitives.ReadUInt16BigEndian(data);
        var index = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
        var hardware = BinaryPrimitives.ReadUInt16BigEndian(data[8..]);
        var packetType = data[10];
        var addressLength = data[11];
        var source = hardware == ArpHardwareEther && addressLength == 6 ? MacAddress.Read(data[12..]) : default;
        return TrySkipVlan(protocol, packetType, index, source, data[Sll2Length..], out header);
    }

    // libpcap re-inserts a stripped VLAN tag after the cooked header; skip up to two like Ethernet.
    private static bool TrySkipVlan(ushort protocol, byte packetType, int index, MacAddress source, ReadOnlySpan<byte> payload, out LinuxCookedHeader header)
    {
        header = default;
        for (var tags = 0; EtherTypes.IsVlanTag(protocol); tags++)
        {
            if (tags == EthernetFrame.MaxVlanTags || payload.Length < 4)
            {
                return false;
            }

            protocol = BinaryPrimitives.ReadUInt16BigEndian(payload[2..]);
            payload = payload[4..];
        }

        header = new LinuxCookedHeader(protocol, packetType, index, source, payload);
        return true;
    }
}

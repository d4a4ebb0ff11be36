using System.Buffers.Binary;

namespace ClassroomGuard.Sniffer.Decoding.Link;

/// <summary>An ARP packet for IPv4 over Ethernet (the only kind on a school LAN): who has which IP at which MAC.</summary>
public readonly ref struct ArpPacket
{
    /// <summary>Length of an Ethernet/IPv4 ARP packet: 28 bytes.</summary>
    public const int Length = 28;

    private ArpPacket(ushort operation, MacAddress senderMac, NetAddress senderIp, MacAddress targetMac, NetAddress targetIp)
    {
        Operation = operation;
        SenderMac = senderMac;
        SenderIp = senderIp;
        TargetMac = targetMac;
        TargetIp = targetIp;
    }

    /// <summary>1 request, 2 reply.</summary>
    public ushort Operation { get; }

    /// <summary>Sender hardware address.</summary>
    public MacAddress SenderMac { get; }

    /// <summary>Sender protocol address.</summary>
    public NetAddress SenderIp { get; }

    /// <summary>Target hardware address (zero in requests).</summary>
    public MacAddress TargetMac { get; }

    /// <summary>Target protocol address.</summary>
    public NetAddress TargetIp { get; }

    /// <summary>Reads the packet; <see langword="false"/> when truncated or not Ethernet/IPv4 ARP.</summary>
    public static bool TryRead(ReadOnlySpan<byte> data, out ArpPacket packet)
    {
        packet = default;
        if (data.Length < Length
            || BinaryPrimitives.ReadUInt16BigEndian(data) != 1
            || BinaryPrimitives.ReadUInt16BigEndian(data[2..]) != EtherTypes.IPv4
            || data[4] != 6
            || data[5] != 4)
        {
            return false;
        }

        var operation = BinaryPrimitives.ReadUInt16BigEndian(data[6..]);
        if (operation is not (1 or 2))
        {
            return false;
        }

        packet = new ArpPacket(operation, MacAddress.Read(data[8..]), NetAddress.ReadIPv4(data[14..]), MacAddress.Read(data[18..]), NetAddress.ReadIPv4(data[24..]));
        return true;
    }
}

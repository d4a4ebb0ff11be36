using System.Buffers.Binary;
using System.Net;
using ClassroomGuard.Sniffer.Circumvention;
using ClassroomGuard.Sniffer.Tests.Support;

namespace ClassroomGuard.Sniffer.Tests.Circumvention;

/// <summary>Hand-built frames of circumvention attempts and their near misses, byte by byte.</summary>
internal static class CircumventionPackets
{
    public const string Pupil = "10.213.0.7";

    public static byte[] Ip(string address) => IPAddress.Parse(address).GetAddressBytes();

    public static byte[] Udp(string source, string destination, ushort sourcePort, ushort destinationPort, byte[] payload) =>
        Packets.Ethernet(0x0800, Packets.IPv4(17, Packets.Udp(sourcePort, destinationPort, payload), source: Ip(source), destination: Ip(destination)));

    public static byte[] Tcp(string source, string destination, ushort sourcePort, ushort destinationPort, byte[] payload, byte flags = 0x18) =>
        Packets.Ethernet(0x0800, Packets.IPv4(6, Packets.Tcp(sourcePort, destinationPort, payload, flags: flags), source: Ip(source), destination: Ip(destination)));

    public static byte[] Esp(string source, string destination) =>
        Packets.Ethernet(0x0800, Packets.IPv4(50, [0x12, 0x34, 0x56, 0x78, 0, 0, 0, 1, .. new byte[48]], source: Ip(source), destination: Ip(destination)));

    /// <summary>A WireGuard handshake initiation: type 1, reserved zeros, sender index, then ephemeral key, static, timestamp, MACs.</summary>
    public static byte[] WireGuardInitiation(int length = TunnelShapes.WireGuardInitiationLength, byte type = 1)
    {
        var message = new byte[length];
        message[0] = type;
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(4), 0x1EADBEEF);
        for (var i = 8; i < length; i++)
        {
            message[i] = (byte)(i * 7);
        }

        return message;
    }

    /// <summary>An OpenVPN hard reset without tls-auth: opcode/key id, session id, ack length 0, packet id 0.</summary>
    public static byte[] OpenVpnHardReset(byte opcode = TunnelShapes.OpenVpnHardResetClientV2, byte keyId = 0, bool tcp = false)
    {
        byte[] packet = [(byte)((opcode << 3) | keyId), 0xA1, 0xB2, 0xC3, 0xD4, 0xE5, 0xF6, 0x07, 0x18, 0, 0, 0, 0, 0];
        return tcp ? [.. Packets.U16((ushort)packet.Length), .. packet] : packet;
    }

    /// <summary>An IKE first message: header (28 bytes) and one dummy payload; <paramref name="natTraversal"/> adds the non-ESP marker.</summary>
    public static byte[] IkeInitiation(int version = 2, bool natTraversal = false, ulong responderSpi = 0)
    {
        var message = new byte[28 + 8];
        BinaryPrimitives.WriteUInt64BigEndian(message, 0x0102030405060708);
        BinaryPrimitives.WriteUInt64BigEndian(message.AsSpan(8), responderSpi);
        message[16] = 33; // SA payload next
        message[17] = version == 2 ? (byte)0x20 : (byte)0x10;
        message[18] = version == 2 ? (byte)34 : (byte)2;
        message[19] = version == 2 ? (byte)0x08 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(24), (uint)message.Length);
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(30), 8);
        return natTraversal ? [0, 0, 0, 0, .. message] : message;
    }

    /// <summary>A QUIC v1 long-header packet start (what a DoQ client sends first), padded to 1200 bytes.</summary>
    public static byte[] QuicLongHeader()
    {
        var packet = new byte[1200];
        packet[0] = 0xC3;
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(1), 1);
        packet[5] = 8;
        return packet;
    }
}

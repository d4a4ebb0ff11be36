using System.Buffers.Binary;
using System.Net;

namespace ClassroomGuard.Sniffer.Tests.Support;

/// <summary>Payloads for the site-naming tests: a DNS answer with a chosen TTL, and QUIC that cannot be decrypted.</summary>
internal static class NamingPackets
{
    /// <summary>A response for <paramref name="name"/> (A) with one A record (owner: a pointer to the question) of <paramref name="ttl"/> seconds.</summary>
    public static byte[] DnsAnswer(string name, string address, uint ttl, ushort id = 0x4242)
    {
        var message = new List<byte>(Packets.DnsQuery(name, id: id));
        message[2] = 0x81;
        message[3] = 0x80;
        message[7] = 1;
        message.AddRange([0xC0, 12]);
        message.AddRange(Packets.U16(1));
        message.AddRange(Packets.U16(1));
        var ttlBytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(ttlBytes, ttl);
        message.AddRange(ttlBytes);
        var bytes = IPAddress.Parse(address).GetAddressBytes();
        message.AddRange(Packets.U16((ushort)bytes.Length));
        message.AddRange(bytes);
        return [.. message];
    }

    /// <summary>
    /// A 1,250-byte QUIC v1 Initial-shaped datagram whose protected payload is noise: the decoder tries it and fails, so the
    /// flow has no SNI (as a real Initial with a ClientHello this decoder cannot read).
    /// </summary>
    public static byte[] UndecodableQuicInitial(int seed)
    {
        var random = new Random(seed);
        var datagram = new byte[1250];
        random.NextBytes(datagram);
        datagram[0] = 0xC3; // long header, fixed bit, Initial, 4-byte packet number
        BinaryPrimitives.WriteUInt32BigEndian(datagram.AsSpan(1), 1);
        datagram[5] = 8; // destination connection id: 8 bytes (random)
        datagram[14] = 0; // no source connection id
        datagram[15] = 0; // no token
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(16), (ushort)(0x4000 | (datagram.Length - 18)));
        return datagram;
    }
}

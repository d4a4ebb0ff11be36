using System.Buffers.Binary;

namespace ClassroomGuard.Sniffer.Decoding.Application;

/// <summary>
/// The unprotected part of a QUIC long-header packet (RFC 9000 17.2): version, connection IDs, and for Initial packets the
/// token and the Length that says where the (protected) packet number and payload end.
/// </summary>
public readonly ref struct QuicLongHeader
{
    /// <summary>QUIC version 1 (RFC 9000).</summary>
    public const uint Version1 = 0x00000001;

    /// <summary>QUIC version 2 (RFC 9369).</summary>
    public const uint Version2 = 0x6b3343cf;

    /// <summary>Longest connection ID in versions 1 and 2.</summary>
    public const int MaxConnectionIdLength = 20;

    private QuicLongHeader(byte firstByte, uint version, ReadOnlySpan<byte> destination, ReadOnlySpan<byte> source, ReadOnlySpan<byte> token, int packetNumberOffset, int packetLength)
    {
        FirstByte = firstByte;
        Version = version;
        DestinationConnectionId = destination;
        SourceConnectionId = source;
        Token = token;
        PacketNumberOffset = packetNumberOffset;
        PacketLength = packetLength;
    }

    /// <summary>The first byte as sent (its low bits are still header-protected).</summary>
    public byte FirstByte { get; }

    /// <summary>The version field.</summary>
    public uint Version { get; }

    /// <summary>Destination connection ID: for a client's first Initial, the key material of the Initial secrets.</summary>
    public ReadOnlySpan<byte> DestinationConnectionId { get; }

    /// <summary>Source connection ID.</summary>
    public ReadOnlySpan<byte> SourceConnectionId { get; }

    /// <summary>The Initial packet's token (empty unless after a Retry or with a NEW_TOKEN).</summary>
    public ReadOnlySpan<byte> Token { get; }

    /// <summary>Offset of the (protected) packet number.</summary>
    public int PacketNumberOffset { get; }

    /// <summary>Length of this packet in the datagram (header + packet number + payload); more packets may follow.</summary>
    public int PacketLength { get; }

    /// <summary>
    /// Reads the header of an Initial packet of QUIC v1 or v2 at the start of <paramref name="datagram"/>.
    /// <see langword="false"/> for other versions, other packet types, or when a length overruns the datagram.
    /// </summary>
    public static bool TryReadInitial(ReadOnlySpan<byte> datagram, out QuicLongHeader header)
    {
        header = default;

        // Long header form and fixed bit set; 1 + 4 (version) + 1 + 1 is the least a long header takes.
        if (datagram.Length < 7 || (datagram[0] & 0xC0) != 0xC0)
        {
            return false;
        }

        var version = BinaryPrimitives.ReadUInt32BigEndian(datagram[1..]);
        var type = (datagram[0] >> 4) & 0x03;

        // Initial is type 0 in v1 and type 1 in v2 (RFC 9369 3.2).
        if (!(version == Version1 && type == 0) && !(version == Version2 && type == 1))
        {
            return false;
        }

        var offset = 5;
        int destinationLength = datagram[offset++];
        if (destinationLength > MaxConnectionIdLength || (uint)(offset + destinationLength + 1) > (uint)datagram.Length)
        {
            return false;
        }

        var destination = datagram.Slice(offset, destinationLength);
        offset += destinationLength;
        int sourceLength = datagram[offset++];
        if (sourceLength > MaxConnectionIdLength || (uint)(offset + sourceLength) > (uint)datagram.Length)
        {
            return false;
        }

        var source = datagram.Slice(offset, sourceLength);
        offset += sourceLength;
        if (!QuicVarint.TryRead(datagram, ref offset, out var tokenLength) || tokenLength > (ulong)(datagram.Length - offset))
        {
            return false;
        }

        var token = datagram.Slice(offset, (int)tokenLength);
        offset += (int)tokenLength;
        if (!QuicVarint.TryRead(datagram, ref offset, out var length) || length > (ulong)(datagram.Length - offset))
        {
            return false;
        }

        header = new QuicLongHeader(datagram[0], version, destination, source, token, offset, offset + (int)length);
        return true;
    }
}

/// <summary>QUIC variable-length integers (RFC 9000 16): the top two bits give the length, 1, 2, 4 or 8 bytes.</summary>
public static class QuicVarint
{
    /// <summary>Reads one at <paramref name="offset"/> and moves past it; <see langword="false"/> when truncated.</summary>
    public static bool TryRead(ReadOnlySpan<byte> data, ref int offset, out ulong value)
    {
        value = 0;
        if ((uint)offset >= (uint)data.Length)
        {
            return false;
        }

        var length = 1 << (data[offset] >> 6);
        if ((uint)(offset + length) > (uint)data.Length)
        {
            return false;
        }

        value = (ulong)(data[offset] & 0x3F);
        for (var i = 1; i < length; i++)
        {
            value = (value << 8) | data[offset + i];
        }

        offset += length;
        return true;
    }
}

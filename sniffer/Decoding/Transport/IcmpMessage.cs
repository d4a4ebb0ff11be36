using System.Buffers.Binary;

namespace ClassroomGuard.Sniffer.Decoding.Transport;

/// <summary>An ICMP or ICMPv6 message header (type, code, checksum, the 4-byte rest) and its body.</summary>
public readonly ref struct IcmpMessage
{
    /// <summary>Header length: 8 bytes.</summary>
    public const int HeaderLength = 8;

    private IcmpMessage(byte type, byte code, uint rest, ReadOnlySpan<byte> body)
    {
        Type = type;
        Code = code;
        RestOfHeader = rest;
        Body = body;
    }

    /// <summary>Message type (e.g. 8 echo request in ICMP, 128 in ICMPv6).</summary>
    public byte Type { get; }

    /// <summary>Message code.</summary>
    public byte Code { get; }

    /// <summary>The type-specific second word (echo identifier and sequence, …).</summary>
    public uint RestOfHeader { get; }

    /// <summary>The bytes after the 8-byte header.</summary>
    public ReadOnlySpan<byte> Body { get; }

    /// <summary>Reads the header; <see langword="false"/> when shorter than 8 bytes.</summary>
    public static bool TryRead(ReadOnlySpan<byte> data, out IcmpMessage message)
    {
        message = default;
        if (data.Length < HeaderLength)
        {
            return false;
        }

        message = new IcmpMessage(data[0], data[1], BinaryPrimitives.ReadUInt32BigEndian(data[4..]), data[HeaderLength..]);
        return true;
    }
}

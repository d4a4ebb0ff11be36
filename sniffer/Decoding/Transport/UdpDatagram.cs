using System.Buffers.Binary;

namespace ClassroomGuard.Sniffer.Decoding.Transport;

/// <summary>A UDP header and its payload, trimmed to the length field.</summary>
public readonly ref struct UdpDatagram
{
    /// <summary>Header length: 8 bytes.</summary>
    public const int HeaderLength = 8;

    private UdpDatagram(ushort sourcePort, ushort destinationPort, int length, ReadOnlySpan<byte> payload)
    {
        SourcePort = sourcePort;
        DestinationPort = destinationPort;
        Length = length;
        Payload = payload;
    }

    /// <summary>Source port.</summary>
    public ushort SourcePort { get; }

    /// <summary>Destination port.</summary>
    public ushort DestinationPort { get; }

    /// <summary>Length field (header + payload as sent).</summary>
    public int Length { get; }

    /// <summary>Payload bytes as captured.</summary>
    public ReadOnlySpan<byte> Payload { get; }

    /// <summary>Whether the capture holds fewer bytes than the length field announces.</summary>
    public bool IsTruncated => Payload.Length < Length - HeaderLength;

    /// <summary>Reads the header; <see langword="false"/> when truncated or the length field is below 8.</summary>
    public static bool TryRead(ReadOnlySpan<byte> data, out UdpDatagram datagram)
    {
        datagram = default;
        if (data.Length < HeaderLength)
        {
            return false;
        }

        int length = BinaryPrimitives.ReadUInt16BigEndian(data[4..]);
        if (length < HeaderLength)
        {
            return false;
        }

        datagram = new UdpDatagram(
            BinaryPrimitives.ReadUInt16BigEndian(data),
            BinaryPrimitives.ReadUInt16BigEndian(data[2..]),
            length,
            data[HeaderLength..Math.Min(length, data.Length)]);
        return true;
    }
}

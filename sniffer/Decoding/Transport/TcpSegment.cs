using System.Buffers.Binary;

namespace ClassroomGuard.Sniffer.Decoding.Transport;

/// <summary>A TCP header (options skipped) and its payload.</summary>
public readonly ref struct TcpSegment
{
    /// <summary>Length of a header without options.</summary>
    public const int MinHeaderLength = 20;

    private TcpSegment(ushort sourcePort, ushort destinationPort, uint sequence, uint acknowledgment, TcpFlags flags, ushort window, ReadOnlySpan<byte> payload)
    {
        SourcePort = sourcePort;
        DestinationPort = destinationPort;
        Sequence = sequence;
        Acknowledgment = acknowledgment;
        Flags = flags;
        Window = window;
        Payload = payload;
    }

    /// <summary>Source port.</summary>
    public ushort SourcePort { get; }

    /// <summary>Destination port.</summary>
    public ushort DestinationPort { get; }

    /// <summary>Sequence number of the first payload byte.</summary>
    public uint Sequence { get; }

    /// <summary>Acknowledgment number.</summary>
    public uint Acknowledgment { get; }

    /// <summary>Control flags.</summary>
    public TcpFlags Flags { get; }

    /// <summary>Receive window.</summary>
    public ushort Window { get; }

    /// <summary>Payload bytes as captured.</summary>
    public ReadOnlySpan<byte> Payload { get; }

    /// <summary>Reads the header; <see langword="false"/> when truncated or the data offset is below 5 or past the data.</summary>
    public static bool TryRead(ReadOnlySpan<byte> data, out TcpSegment segment)
    {
        segment = default;
        if (data.Length < MinHeaderLength)
        {
            return false;
        }

        var headerLength = (data[12] >> 4) * 4;
        if (headerLength < MinHeaderLength || (uint)headerLength > (uint)data.Length)
        {
            return false;
        }

        segment = new TcpSegment(
            BinaryPrimitives.ReadUInt16BigEndian(data),
            BinaryPrimitives.ReadUInt16BigEndian(data[2..]),
            BinaryPrimitives.ReadUInt32BigEndian(data[4..]),
            BinaryPrimitives.ReadUInt32BigEndian(data[8..]),
            (TcpFlags)(BinaryPrimitives.ReadUInt16BigEndian(data[12..]) & 0x01FF),
            BinaryPrimitives.ReadUInt16BigEndian(data[14..]),
            data[headerLength..]);
        return true;
    }
}

/// <summary>TCP control flags.</summary>
[Flags]
public enum TcpFlags : ushort
{
    /// <summary>No flag.</summary>
    None = 0,

    /// <summary>FIN.</summary>
    Fin = 0x001,

    /// <summary>SYN.</summary>
    Syn = 0x002,

    /// <summary>RST.</summary>
    Rst = 0x004,

    /// <summary>PSH.</summary>
    Psh = 0x008,

    /// <summary>ACK.</summary>
    Ack = 0x010,

    /// <summary>URG.</summary>
    Urg = 0x020,

    /// <summary>ECE.</summary>
    Ece = 0x040,

    /// <summary>CWR.</summary>
    Cwr = 0x080,

    /// <summary>AE (accurate ECN).</summary>
    Ae = 0x100,
}

namespace ClassroomGuard.Sniffer.Capture;

/// <summary>
/// One packet as libpcap returned it. <see cref="Data"/> points into libpcap's own buffer and is valid only until the next
/// read from the same <see cref="PacketCapture"/>: decode it, never keep it.
/// </summary>
public readonly ref struct CapturedPacket
{
    /// <summary>Creates a packet view.</summary>
    public CapturedPacket(long timestampMicroseconds, int originalLength, ReadOnlySpan<byte> data)
    {
        TimestampMicroseconds = timestampMicroseconds;
        OriginalLength = originalLength;
        Data = data;
    }

    /// <summary>Capture time in microseconds since the Unix epoch (UTC).</summary>
    public long TimestampMicroseconds { get; }

    /// <summary>Length of the packet on the wire; larger than <see cref="Data"/>'s length when the snap length cut it.</summary>
    public int OriginalLength { get; }

    /// <summary>The captured bytes, starting with the link-layer header.</summary>
    public ReadOnlySpan<byte> Data { get; }
}

/// <summary>What <see cref="PacketCapture.ReadNext"/> found.</summary>
public enum CaptureReadResult
{
    /// <summary>A packet was read.</summary>
    Packet,

    /// <summary>The read timeout expired with no packet (live capture); call again.</summary>
    Timeout,

    /// <summary>The capture file has no more packets.</summary>
    EndOfFile,

    /// <summary><see cref="PacketCapture.BreakLoop"/> was called.</summary>
    Stopped,
}

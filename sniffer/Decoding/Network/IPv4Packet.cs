using System.Buffers.Binary;

namespace ClassroomGuard.Sniffer.Decoding.Network;

/// <summary>An IPv4 header (options validated) and its payload, trimmed to the total length.</summary>
public readonly ref struct IPv4Packet
{
    /// <summary>Length of a header without options.</summary>
    public const int MinHeaderLength = 20;

    private IPv4Packet(int headerLength, int totalLength, ushort identification, int fragmentOffset, bool moreFragments, byte ttl, byte protocol, NetAddress source, NetAddress destination, ReadOnlySpan<byte> options, ReadOnlySpan<byte> payload)
    {
        HeaderLength = headerLength;
        TotalLength = totalLength;
        Identification = identification;
        FragmentOffset = fragmentOffset;
        MoreFragments = moreFragments;
        TimeToLive = ttl;
        Protocol = protocol;
        Source = source;
        Destination = destination;
        Options = options;
        Payload = payload;
    }

    /// <summary>Header length in bytes (20-60).</summary>
    public int HeaderLength { get; }

    /// <summary>Total length field: header plus payload as sent.</summary>
    public int TotalLength { get; }

    /// <summary>Identification (groups fragments).</summary>
    public ushort Identification { get; }

    /// <summary>Fragment offset in bytes.</summary>
    public int FragmentOffset { get; }

    /// <summary>More-fragments flag.</summary>
    public bool MoreFragments { get; }

    /// <summary>Whether this packet is a fragment (first, middle or last).</summary>
    public bool IsFragment => MoreFragments || FragmentOffset != 0;

    /// <summary>Time to live.</summary>
    public byte TimeToLive { get; }

    /// <summary>Protocol of the payload.</summary>
    public byte Protocol { get; }

    /// <summary>Source address.</summary>
    public NetAddress Source { get; }

    /// <summary>Destination address.</summary>
    public NetAddress Destination { get; }

    /// <summary>The raw options (empty when none).</summary>
    public ReadOnlySpan<byte> Options { get; }

    /// <summary>The payload as captured: shorter than <c>TotalLength - HeaderLength</c> when the snap length cut it.</summary>
    public ReadOnlySpan<byte> Payload { get; }

    /// <summary>Whether the capture holds fewer payload bytes than the header announces.</summary>
    public bool IsTruncated => Payload.Length < TotalLength - HeaderLength;

    /// <summary>
    /// Reads the header. <see langword="false"/> when it is not version 4, shorter than its IHL, its total length is smaller
    /// than its header, or an option overruns the header.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> data, out IPv4Packet packet)
    {
        packet = default;
        if (data.Length < MinHeaderLength || (data[0] >> 4) != 4)
        {
            return false;
        }

        var headerLength = (data[0] & 0x0F) * 4;
        if (headerLength < MinHeaderLength || (uint)headerLength > (uint)data.Length)
        {
            return false;
        }

        int totalLength = BinaryPrimitives.ReadUInt16BigEndian(data[2..]);
        if (totalLength < headerLength)
        {
            return false;
        }

        var options = data[MinHeaderLength..headerLength];
        if (!OptionsAreWellFormed(options))
        {
            return false;
        }

        var flagsAndOffset = BinaryPrimitives.ReadUInt16BigEndian(data[6..]);

        // Ethernet pads short frames: the total length, not the frame, says where the payload ends.
        var end = Math.Min(totalLength, data.Length);
        packet = new IPv4Packet(
            headerLength,
            totalLength,
            BinaryPrimitives.ReadUInt16BigEndian(data[4..]),
            (flagsAndOffset & 0x1FFF) * 8,
            (flagsAndOffset & 0x2000) != 0,
            data[8],
            data[9],
            NetAddress.ReadIPv4(data[12..]),
            NetAddress.ReadIPv4(data[16..]),
            options,
            data[headerLength..end]);
        return true;
    }

    // Type-length-value walk (RFC 791): 0 ends the list, 1 is a one-byte no-op, every other option has a length >= 2.
    private static bool OptionsAreWellFormed(ReadOnlySpan<byte> options)
    {
        var i = 0;
        while ((uint)i < (uint)options.Length)
        {
            var type = options[i];
            if (type == 0)
            {
                return true;
            }

            if (type == 1)
            {
                i++;
                continue;
            }

            if ((uint)(i + 1) >= (uint)options.Length)
            {
                return false;
            }

            var length = options[i + 1];
            if (length < 2 || i + length > options.Length)
            {
                return false;
            }

            i += length;
        }

        return true;
    }
}

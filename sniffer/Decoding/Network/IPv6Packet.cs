using System.Buffers.Binary;

namespace ClassroomGuard.Sniffer.Decoding.Network;

/// <summary>An IPv6 header with its extension-header chain walked to the upper-layer protocol.</summary>
public readonly ref struct IPv6Packet
{
    /// <summary>Length of the fixed header.</summary>
    public const int HeaderLength = 40;

    /// <summary>
    /// Most extension headers walked before the packet counts as malformed. Legitimate packets carry two or three;
    /// long chains are an evasion and CPU-exhaustion trick (RFC 7112, RFC 9098). Default 8.
    /// </summary>
    public const int MaxExtensionHeaders = 8;

    private IPv6Packet(int payloadLength, byte hopLimit, byte protocol, NetAddress source, NetAddress destination, bool isFragment, int fragmentOffset, int extensionHeaders, ReadOnlySpan<byte> payload)
    {
        PayloadLength = payloadLength;
        HopLimit = hopLimit;
        Protocol = protocol;
        Source = source;
        Destination = destination;
        IsFragment = isFragment;
        FragmentOffset = fragmentOffset;
        ExtensionHeaderCount = extensionHeaders;
        Payload = payload;
    }

    /// <summary>Payload length field (extension headers included).</summary>
    public int PayloadLength { get; }

    /// <summary>Hop limit.</summary>
    public byte HopLimit { get; }

    /// <summary>The upper-layer protocol after the extension headers (e.g. 6, 17, 58; 50 for ESP; 59 for none).</summary>
    public byte Protocol { get; }

    /// <summary>Source address.</summary>
    public NetAddress Source { get; }

    /// <summary>Destination address.</summary>
    public NetAddress Destination { get; }

    /// <summary>Whether a fragment header was present.</summary>
    public bool IsFragment { get; }

    /// <summary>Fragment offset in bytes (0 for the first fragment or an unfragmented packet).</summary>
    public int FragmentOffset { get; }

    /// <summary>Number of extension headers walked.</summary>
    public int ExtensionHeaderCount { get; }

    /// <summary>The upper-layer bytes as captured.</summary>
    public ReadOnlySpan<byte> Payload { get; }

    /// <summary>Reads the header and walks the extension headers; <see langword="false"/> when anything overruns.</summary>
    public static bool TryRead(ReadOnlySpan<byte> data, out IPv6Packet packet)
    {
        packet = default;
        if (data.Length < HeaderLength || (data[0] >> 4) != 6)
        {
            return false;
        }

        int payloadLength = BinaryPrimitives.ReadUInt16BigEndian(data[4..]);
        var next = data[6];

        // Jumbograms (payload length 0 with a hop-by-hop jumbo option) do not occur on Ethernet: take what was captured.
        var end = payloadLength == 0 ? data.Length : Math.Min(HeaderLength + payloadLength, data.Length);
        var offset = HeaderLength;
        var isFragment = false;
        var fragmentOffset = 0;
        var count = 0;
        while (IsExtensionHeader(next))
        {
            if (count == MaxExtensionHeaders || (uint)(offset + 8) > (uint)end)
            {
                return false;
            }

            int length;
            if (next == IPProtocols.Fragment)
            {
                length = 8;
                isFragment = true;
                fragmentOffset = BinaryPrimitives.ReadUInt16BigEndian(data[(offset + 2)..]) & 0xFFF8;
            }
            else if (next == IPProtocols.AuthenticationHeader)
            {
                length = (data[offset + 1] + 2) * 4;
            }
            else
            {
                length = (data[offset + 1] + 1) * 8;
            }

            if (offset + length > end)
            {
                return false;
            }

            next = data[offset];
            offset += length;
            count++;
            if (isFragment && fragmentOffset != 0)
            {
                // Later fragments carry no upper-layer header: stop here.
                break;
            }
        }

        packet = new IPv6Packet(payloadLength, data[7], next, NetAddress.ReadIPv6(data[8..]), NetAddress.ReadIPv6(data[24..]), isFragment, fragmentOffset, count, data[offset..end]);
        return true;
    }

    private static bool IsExtensionHeader(byte next) => next is IPProtocols.HopByHop or IPProtocols.Routing or IPProtocols.Fragment
        or IPProtocols.DestinationOptions or IPProtocols.AuthenticationHeader or IPProtocols.Mobility or IPProtocols.HostIdentity or IPProtocols.Shim6;
}

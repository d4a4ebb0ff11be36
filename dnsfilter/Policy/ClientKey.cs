using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace ClassroomGuard.DnsFilter.Policy;

/// <summary>Client addresses as 128-bit keys: IPv6 as is, IPv4 as IPv4-mapped IPv6 (::ffff:a.b.c.d), so one table serves both.</summary>
public static class ClientKey
{
    private static readonly UInt128 V4Prefix = new(0, 0x0000_FFFF_0000_0000UL);

    /// <summary>Key of a socket address without allocating (0 when unknown).</summary>
    public static UInt128 From(SocketAddress? address)
    {
        if (address is null)
        {
            return UInt128.Zero;
        }

        var buffer = address.Buffer.Span;
        if (address.Family == AddressFamily.InterNetwork && buffer.Length >= 8)
        {
            return V4Prefix | BinaryPrimitives.ReadUInt32BigEndian(buffer[4..]);
        }

        if (address.Family == AddressFamily.InterNetworkV6 && buffer.Length >= 24)
        {
            return BinaryPrimitives.ReadUInt128BigEndian(buffer[8..]);
        }

        return UInt128.Zero;
    }

    /// <summary>Key of an address (configuration and tests).</summary>
    public static UInt128 From(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        Span<byte> bytes = stackalloc byte[16];
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            address.TryWriteBytes(bytes, out _);
            return V4Prefix | BinaryPrimitives.ReadUInt32BigEndian(bytes);
        }

        address.TryWriteBytes(bytes, out _);
        return BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }

    /// <summary>Parses <c>10.1.0.0/16</c> or <c>2001:db8::/48</c> into a network key and prefix length in the 128-bit space.</summary>
    public static bool TryParseSubnet(string text, out UInt128 network, out int prefixLength)
    {
        network = UInt128.Zero;
        prefixLength = 0;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !IPAddress.TryParse(text.AsSpan(0, slash), out var address)
            || !int.TryParse(text.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var bits))
        {
            return false;
        }

        var v4 = address.AddressFamily == AddressFamily.InterNetwork;
        if (bits > (v4 ? 32 : 128))
        {
            return false;
        }

        prefixLength = v4 ? 96 + bits : bits;
        network = From(address) & MaskOf(prefixLength);
        return true;
    }

    /// <summary>The mask of a prefix length (0–128).</summary>
    public static UInt128 MaskOf(int prefixLength) => prefixLength == 0 ? UInt128.Zero : UInt128.MaxValue << (128 - prefixLength);

    /// <summary>Text of a key (allocates; for events and logs).</summary>
    public static string ToText(UInt128 key)
    {
        if ((key >> 32) == (V4Prefix >> 32))
        {
            return new IPAddress(BinaryPrimitives.ReverseEndianness((uint)key)).ToString();
        }

        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, key);
        return new IPAddress(bytes).ToString();
    }
}

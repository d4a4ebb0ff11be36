using System.Buffers.Binary;
using System.Net;

namespace ClassroomGuard.Sniffer.Decoding;

/// <summary>
/// An IPv4 or IPv6 address as two <see cref="ulong"/>s (IPv4 in its IPv4-mapped IPv6 form), so decoding never allocates an
/// <see cref="IPAddress"/>. <c>default</c> means "none".
/// </summary>
public readonly record struct NetAddress(ulong High, ulong Low, byte Version)
{
    /// <summary>An IPv4 address from its 32-bit network-order value.</summary>
    public static NetAddress FromIPv4(uint address) => new(0, 0x0000_FFFF_0000_0000UL | address, 4);

    /// <summary>Reads an IPv4 address from four bytes.</summary>
    public static NetAddress ReadIPv4(ReadOnlySpan<byte> bytes) => FromIPv4(BinaryPrimitives.ReadUInt32BigEndian(bytes));

    /// <summary>Reads an IPv6 address from sixteen bytes.</summary>
    public static NetAddress ReadIPv6(ReadOnlySpan<byte> bytes) =>
        new(BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]), 6);

    /// <summary>Converts from <see cref="IPAddress"/> (tests, configuration).</summary>
    public static NetAddress FromIPAddress(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        Span<byte> bytes = stackalloc byte[16];
        if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
        {
            address.TryWriteBytes(bytes, out _);
            return ReadIPv4(bytes);
        }

        address.TryWriteBytes(bytes, out _);
        return ReadIPv6(bytes);
    }

    /// <summary>The IPv4 address as a 32-bit network-order value (meaningful when <see cref="Version"/> is 4).</summary>
    public uint IPv4 => (uint)Low;

    /// <summary>Converts to <see cref="IPAddress"/>. Allocates: not for the hot path.</summary>
    public IPAddress ToIPAddress()
    {
        if (Version == 4)
        {
            return new IPAddress(BinaryPrimitives.ReverseEndianness(IPv4));
        }

        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, High);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], Low);
        return new IPAddress(bytes);
    }

    /// <summary>Text form (<c>10.0.0.1</c>, <c>fe80::1</c>), empty for none. Allocates: not for the hot path.</summary>
    public override string ToString() => Version == 0 ? string.Empty : ToIPAddress().ToString();
}

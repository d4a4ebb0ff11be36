using System.Buffers.Binary;
using System.Globalization;

namespace ClassroomGuard.Sniffer.Decoding;

/// <summary>A 48-bit Ethernet address held in a <see cref="ulong"/> (no allocation, cheap to hash and compare).</summary>
public readonly record struct MacAddress(ulong Value)
{
    /// <summary>Reads six bytes in network order; <paramref name="bytes"/> must hold at least six.</summary>
    public static MacAddress Read(ReadOnlySpan<byte> bytes) =>
        new(((ulong)BinaryPrimitives.ReadUInt32BigEndian(bytes) << 16) | BinaryPrimitives.ReadUInt16BigEndian(bytes[4..]));

    /// <summary>Whether this is a group (multicast or broadcast) address.</summary>
    public bool IsMulticast => (Value & 0x0100_0000_0000UL) != 0;

    /// <summary>Lower-case colon form, e.g. <c>02:00:5e:10:00:01</c> (as tshark prints it). Allocates: not for the hot path.</summary>
    public override string ToString() => string.Create(17, Value, static (chars, value) =>
    {
        for (var i = 0; i < 6; i++)
        {
            var b = (byte)(value >> (40 - (8 * i)));
            b.TryFormat(chars[(i * 3)..], out _, "x2", CultureInfo.InvariantCulture);
            if (i < 5)
            {
                chars[(i * 3) + 2] = ':';
            }
        }
    });
}

using System.Runtime.CompilerServices;
using System.Text;

namespace ClassroomGuard.Dns.Protocol;

/// <summary>
/// Domain names in uncompressed wire form (length-prefixed labels ending in a zero byte), which is
/// how every name leaves the reader and enters the writer. Reading enforces RFC 1035's limits.
/// </summary>
public static class DnsName
{
    /// <summary>Maximum length of a name in wire form, including the final zero byte (RFC 1035 §3.1).</summary>
    public const int MaxLength = 255;

    /// <summary>Maximum length of one label (RFC 1035 §2.3.4).</summary>
    public const int MaxLabelLength = 63;

    /// <summary>Default cap on compression pointers followed while reading one name.</summary>
    public const int DefaultMaxCompressionPointers = 16;

    /// <summary>The root name in wire form.</summary>
    public static ReadOnlySpan<byte> Root => [0];

    /// <summary>
    /// Reads a possibly compressed name starting at <paramref name="offset"/> of <paramref name="message"/>.
    /// Rules (hostile input): every pointer must point strictly before the start of the label run it
    /// ends, so chains always move backwards and cannot loop; at most <paramref name="maxPointers"/>
    /// pointers; labels ≤ 63 bytes; the expanded name ≤ 255 bytes; label types 01/10 are rejected.
    /// </summary>
    /// <param name="message">The whole message (pointers are offsets into it).</param>
    /// <param name="offset">Where the name starts.</param>
    /// <param name="destination">Receives the expanded name; may be empty to only validate/skip.</param>
    /// <param name="maxPointers">Cap on pointers followed.</param>
    /// <param name="nameLength">Length of the expanded name in wire form.</param>
    /// <param name="consumed">Bytes the name occupies at <paramref name="offset"/> (up to and including the first pointer).</param>
    public static bool TryRead(
        ReadOnlySpan<byte> message, int offset, Span<byte> destination, int maxPointers, out int nameLength, out int consumed)
    {
        nameLength = 0;
        consumed = -1;
        var copy = !destination.IsEmpty;
        var position = offset;
        var segmentStart = offset;
        var pointers = 0;
        var written = 0;
        while (true)
        {
            if ((uint)position >= (uint)message.Length)
            {
                return false;
            }

            int b = message[position];
            switch (b & 0xC0)
            {
                case 0x00:
                    if (b == 0)
                    {
                        if (written + 1 > MaxLength || (copy && written >= destination.Length))
                        {
                            return false;
                        }

                        if (copy)
                        {
                            destination[written] = 0;
                        }

                        written++;
                        if (consumed < 0)
                        {
                            consumed = position + 1 - offset;
                        }

                        nameLength = written;
                        return true;
                    }

                    // Label plus the root byte that must still follow must fit in 255.
                    if (position + 1 + b > message.Length || written + 1 + b + 1 > MaxLength)
                    {
                        return false;
                    }

                    if (copy)
                    {
                        if (written + 1 + b > destination.Length)
                        {
                            return false;
                        }

                        message.Slice(position, 1 + b).CopyTo(destination[written..]);
                    }

                    written += 1 + b;
                    position += 1 + b;
                    break;
                case 0xC0:
                    if (position + 1 >= message.Length)
                    {
                        return false;
                    }

                    var target = ((b & 0x3F) << 8) | message[position + 1];
                    if (target >= segmentStart || ++pointers > maxPointers)
                    {
                        return false;
                    }

                    if (consumed < 0)
                    {
                        consumed = position + 2 - offset;
                    }

                    position = target;
                    segmentStart = target;
                    break;
                default:
                    return false; // 0x40 / 0x80: extended and reserved label types
            }
        }
    }

    /// <summary>Validates an uncompressed wire name occupying exactly <paramref name="name"/>.</summary>
    public static bool IsValidUncompressed(ReadOnlySpan<byte> name)
    {
        if (name.IsEmpty || name.Length > MaxLength)
        {
            return false;
        }

        var i = 0;
        while (i < name.Length)
        {
            int len = name[i];
            if (len == 0)
            {
                return i == name.Length - 1;
            }

            if (len > MaxLabelLength)
            {
                return false;
            }

            i += 1 + len;
        }

        return false;
    }

    /// <summary>
    /// The one case-folding rule for names (RFC 4343 §3): bytes 0x41–0x5A ('A'–'Z') become 0x61–0x7A; every other
    /// byte — 0x80–0xFF, '.', backslash and controls inside a label, and length bytes (≤ 63) — is itself.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte FoldCase(byte b) => (uint)(b - 'A') <= 'Z' - 'A' ? (byte)(b | 0x20) : b;

    /// <summary>
    /// Compares two names (or labels) byte by byte after <see cref="FoldCase"/>: equal iff the lengths are equal
    /// and every byte folds to the same value (RFC 4343). Not <see cref="Ascii.EqualsIgnoreCase(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>,
    /// which answers false as soon as either side holds a byte ≥ 0x80 — a raw UTF-8 name would then not equal itself.
    /// </summary>
    public static bool EqualsIgnoreCase(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        if (a.Length != b.Length)
        {
            return false;
        }

        for (var i = 0; i < a.Length; i++)
        {
            if (a[i] != b[i] && FoldCase(a[i]) != FoldCase(b[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Folds a name in place with <see cref="FoldCase"/> (length bytes are ≤ 63, so never touched). Not
    /// <see cref="Ascii.ToLowerInPlace(Span{byte}, out int)"/>, which stops at the first byte ≥ 0x80 and leaves the
    /// rest of the name as it was.
    /// </summary>
    public static void ToLowerInPlace(Span<byte> name)
    {
        for (var i = 0; i < name.Length; i++)
        {
            name[i] = FoldCase(name[i]);
        }
    }

    /// <summary>
    /// Converts dotted text (<c>www.example.org</c> or <c>www.example.org.</c>) to wire form.
    /// Escapes are not supported; a label with a dot or a byte outside printable ASCII is rejected.
    /// </summary>
    public static bool TryFromText(ReadOnlySpan<char> text, Span<byte> destination, out int written)
    {
        written = 0;
        if (text.EndsWith('.'))
        {
            text = text[..^1];
        }

        var position = 0;
        while (!text.IsEmpty)
        {
            var dot = text.IndexOf('.');
            var label = dot < 0 ? text : text[..dot];
            if (label.IsEmpty || label.Length > MaxLabelLength || position + 1 + label.Length + 1 > Math.Min(MaxLength, destination.Length))
            {
                return false;
            }

            destination[position++] = (byte)label.Length;
            foreach (var c in label)
            {
                if (c is <= ' ' or > '~')
                {
                    return false;
                }

                destination[position++] = (byte)c;
            }

            text = dot < 0 ? [] : text[(dot + 1)..];
            if (dot >= 0 && text.IsEmpty)
            {
                return false; // "a..": empty label
            }
        }

        if (position >= destination.Length)
        {
            return false;
        }

        destination[position++] = 0;
        written = position;
        return true;
    }

    /// <summary>Wire form of dotted text; throws on invalid text. For configuration and tests, not the query path.</summary>
    public static byte[] FromText(string text)
    {
        Span<byte> buffer = stackalloc byte[MaxLength];
        return TryFromText(text, buffer, out var written)
            ? buffer[..written].ToArray()
            : throw new ArgumentException($"'{text}' is not a valid domain name.", nameof(text));
    }

    /// <summary>Presentation form with a trailing dot; non-printable bytes and dots inside labels escaped as \DDD. Allocates.</summary>
    public static string ToText(ReadOnlySpan<byte> name)
    {
        if (name.Length <= 1)
        {
            return ".";
        }

        var builder = new StringBuilder(name.Length + 4);
        var i = 0;
        while (i < name.Length && name[i] != 0)
        {
            int len = name[i];
            for (var j = 1; j <= len && i + j < name.Length; j++)
            {
                var c = name[i + j];
                if (c is > (byte)' ' and < 0x7F and not (byte)'.' and not (byte)'\\')
                {
                    builder.Append((char)c);
                }
                else
                {
                    builder.Append('\\').Append(((int)c).ToString("D3", System.Globalization.CultureInfo.InvariantCulture));
                }
            }

            builder.Append('.');
            i += 1 + len;
        }

        return builder.ToString();
    }
}

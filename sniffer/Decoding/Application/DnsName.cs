namespace ClassroomGuard.Sniffer.Decoding.Application;

/// <summary>Reads a (possibly compressed) DNS name into dotted text, with bounded work on hostile input.</summary>
public static class DnsName
{
    /// <summary>Longest name in dotted text form (RFC 1035: 255 octets on the wire, so at most 253 characters).</summary>
    public const int MaxLength = 253;

    /// <summary>
    /// Most compression pointers followed in one name. Real names need one or two; a pointer loop or chain is an attack on
    /// CPU. Default 16.
    /// </summary>
    public const int MaxCompressionPointers = 16;

    /// <summary>
    /// Reads the name at <paramref name="offset"/> of <paramref name="message"/> into <paramref name="destination"/> as
    /// <c>label.label</c> (no trailing dot; the root is empty). <paramref name="end"/> is the offset after the name as it
    /// appears at <paramref name="offset"/> (after its first pointer if compressed).
    /// </summary>
    /// <returns><see langword="false"/> when a label overruns, a pointer points forward or loops, or the name is too long.</returns>
    public static bool TryRead(ReadOnlySpan<byte> message, int offset, Span<byte> destination, out int written, out int end)
    {
        written = 0;
        end = -1;
        var pointers = 0;
        var position = offset;
        while (true)
        {
            if ((uint)position >= (uint)message.Length)
            {
                return false;
            }

            int length = message[position];
            if (length == 0)
            {
                if (end < 0)
                {
                    end = position + 1;
                }

                return true;
            }

            if ((length & 0xC0) == 0xC0)
            {
                if ((uint)(position + 1) >= (uint)message.Length || ++pointers > MaxCompressionPointers)
                {
                    return false;
                }

                if (end < 0)
                {
                    end = position + 2;
                }

                var target = ((length & 0x3F) << 8) | message[position + 1];

                // Pointers must go backwards (RFC 1035 4.1.4 points to a prior occurrence): this also rules out loops.
                if (target >= position)
                {
                    return false;
                }

                position = target;
                continue;
            }

            if ((length & 0xC0) != 0 || (uint)(position + 1 + length) > (uint)message.Length)
            {
                return false;
            }

            var needed = written == 0 ? length : length + 1;
            if (written + needed > MaxLength || written + needed > destination.Length)
            {
                return false;
            }

            if (written != 0)
            {
                destination[written++] = (byte)'.';
            }

            message.Slice(position + 1, length).CopyTo(destination[written..]);
            written += length;
            position += 1 + length;
        }
    }

    /// <summary>Skips the name at <paramref name="offset"/>: returns the offset after it, or -1 when malformed.</summary>
    public static int Skip(ReadOnlySpan<byte> message, int offset)
    {
        var position = offset;
        while ((uint)position < (uint)message.Length)
        {
            int length = message[position];
            if (length == 0)
            {
                return position + 1;
            }

            if ((length & 0xC0) == 0xC0)
            {
                return (uint)(position + 1) < (uint)message.Length ? position + 2 : -1;
            }

            if ((length & 0xC0) != 0)
            {
                return -1;
            }

            position += 1 + length;
        }

        return -1;
    }
}

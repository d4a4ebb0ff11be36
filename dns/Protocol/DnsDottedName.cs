namespace ClassroomGuard.Dns.Protocol;

/// <summary>
/// Dotted text of a name the reader expanded (<c>www.example.org</c>: no trailing dot, the root empty), made in the
/// reader's own buffer so that a passive reader (the sniffer) can match and show names without copying or allocating.
/// Label bytes are kept as they are, case too; a '.' inside a label is not escaped, so the text is for matching and
/// showing, never for turning back into a wire name (<see cref="Lists.DomainText.ToDotted"/> escapes, and allocates).
/// </summary>
public static class DnsDottedName
{
    /// <summary>Longest dotted name: a 255-byte wire name has at most 253 bytes of labels and dots.</summary>
    public const int MaxLength = DnsName.MaxLength - 2;

    /// <summary>
    /// Turns the uncompressed wire name that fills <paramref name="name"/> (as <see cref="DnsName.TryRead"/> left it) into
    /// dotted text in place: every length byte after the first becomes a '.', and the text is the slice between the first
    /// length byte and the root byte. Nothing moves (an overlapping copy per label cost more than the whole read).
    /// </summary>
    /// <returns><see langword="false"/> when <paramref name="name"/> is not exactly one whole wire name.</returns>
    public static bool TryDotInPlace(Span<byte> name, out Span<byte> dotted)
    {
        dotted = default;
        var position = 0;
        while (position < name.Length)
        {
            int length = name[position];
            if (length == 0)
            {
                if (position != name.Length - 1)
                {
                    return false;
                }

                dotted = position == 0 ? name[..0] : name[1..position];
                return true;
            }

            if (length > DnsName.MaxLabelLength)
            {
                return false;
            }

            if (position > 0)
            {
                name[position] = (byte)'.';
            }

            position += 1 + length;
        }

        return false;
    }
}

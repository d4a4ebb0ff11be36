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
    /// Rewrites the uncompressed wire name at the start of <paramref name="name"/> (as <see cref="DnsName.TryRead"/>
    /// left it) in place as dotted text starting at index 0, and returns its length. Each label moves one byte left
    /// and its length byte becomes the dot after the previous label, so nothing is copied twice.
    /// </summary>
    /// <returns>The dotted length, or -1 when <paramref name="name"/> holds no whole wire name.</returns>
    public static int RewriteInPlace(Span<byte> name)
    {
        var read = 0;
        var written = 0;
        while (read < name.Length)
        {
            int length = name[read];
            if (length == 0)
            {
                return written;
            }

            if (length > DnsName.MaxLabelLength || read + 1 + length >= name.Length)
            {
                return -1;
            }

            if (written > 0)
            {
                name[written++] = (byte)'.';
            }

            // Overlapping move to the left: Span.CopyTo copies as memmove does.
            name.Slice(read + 1, length).CopyTo(name[written..]);
            written += length;
            read += 1 + length;
        }

        return -1;
    }
}

namespace ClassroomGuard.Sniffer.Accounting.Internal;

/// <summary>Turns a name from the wire (SNI, HTTP Host, DNS question) into the form counted and written.</summary>
internal static class SiteName
{
    /// <summary>Longest name kept (a DNS name's limit).</summary>
    public const int MaxLength = 253;

    /// <summary>
    /// Lower-cases <paramref name="raw"/> into <paramref name="destination"/>, dropping a trailing dot and (for an HTTP
    /// Host) a <c>:port</c>. False for anything but a plausible host name — letters, digits, <c>-</c>, <c>_</c> and dots
    /// — so hostile bytes never reach the <c>top_sites</c> text, whose <c>,</c> and <c>=</c> are separators.
    /// </summary>
    public static bool TryNormalize(ReadOnlySpan<byte> raw, Span<byte> destination, out int length)
    {
        length = 0;
        var colon = raw.IndexOf((byte)':');
        if (colon >= 0)
        {
            raw = raw[..colon];
        }

        if (!raw.IsEmpty && raw[^1] == (byte)'.')
        {
            raw = raw[..^1];
        }

        if (raw.IsEmpty || raw.Length > MaxLength || raw.Length > destination.Length || raw[0] == (byte)'.')
        {
            return false;
        }

        for (var i = 0; i < raw.Length; i++)
        {
            var c = raw[i];
            if (c is >= (byte)'A' and <= (byte)'Z')
            {
                c = (byte)(c | 0x20);
            }
            else if (!(c is >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9' or (byte)'-' or (byte)'_' or (byte)'.'))
            {
                return false;
            }

            if (c == (byte)'.' && raw[i - 1] == (byte)'.')
            {
                return false;
            }

            destination[i] = c;
        }

        length = raw.Length;
        return true;
    }
}

namespace ClassroomGuard.Sniffer.Circumvention;

/// <summary>Server names as sent in a TLS SNI or an HTTP Host header, handled as bytes on the capture thread.</summary>
public static class HostNames
{
    /// <summary>Longest wire name written by <see cref="TryToWire"/> (253 characters + 2).</summary>
    public const int MaxWireLength = 255;

    /// <summary>
    /// Writes <paramref name="name"/> (dotted text, any case, an optional trailing dot) as a lower-case wire-format name
    /// ending in the root byte. False for an empty label, a label over 63 bytes, a name over 253 characters, or bytes
    /// outside printable ASCII. <paramref name="wire"/> needs <see cref="MaxWireLength"/> bytes.
    /// </summary>
    public static bool TryToWire(ReadOnlySpan<byte> name, Span<byte> wire, out int length)
    {
        length = 0;
        if (!name.IsEmpty && name[^1] == (byte)'.')
        {
            name = name[..^1];
        }

        if (name.IsEmpty || name.Length > 253 || wire.Length < name.Length + 2)
        {
            return false;
        }

        var labelStart = 0;
        for (var i = 0; i <= name.Length; i++)
        {
            if (i == name.Length || name[i] == (byte)'.')
            {
                var labelLength = i - labelStart;
                if (labelLength is 0 or > 63)
                {
                    return false;
                }

                wire[labelStart] = (byte)labelLength;
                labelStart = i + 1;
                continue;
            }

            var b = name[i];
            if (b is <= 0x20 or >= 0x7F)
            {
                return false;
            }

            wire[i + 1] = b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b | 0x20) : b;
        }

        wire[name.Length + 1] = 0;
        length = name.Length + 2;
        return true;
    }

    /// <summary>
    /// Whether <paramref name="name"/> is an IP address rather than a name: an IPv6 literal (a colon, with or without
    /// brackets) or four dot-separated decimal numbers (RFC 6066 forbids both in SNI; clients that connect to an
    /// address send none, or, a few, the address itself).
    /// </summary>
    public static bool IsIpLiteral(ReadOnlySpan<byte> name)
    {
        if (name.IsEmpty)
        {
            return false;
        }

        if (name.IndexOf((byte)':') >= 0)
        {
            return true;
        }

        var dots = 0;
        var digits = 0;
        foreach (var b in name)
        {
            if (b == (byte)'.')
            {
                if (digits == 0)
                {
                    return false;
                }

                dots++;
                digits = 0;
            }
            else if (b is >= (byte)'0' and <= (byte)'9' && ++digits <= 3)
            {
                continue;
            }
            else
            {
                return false;
            }
        }

        return dots == 3 && digits > 0;
    }

    /// <summary>The host part of an HTTP Host header value: without <c>:port</c>, and without brackets around an IPv6 literal.</summary>
    public static ReadOnlySpan<byte> HostWithoutPort(ReadOnlySpan<byte> host)
    {
        if (!host.IsEmpty && host[0] == (byte)'[')
        {
            var close = host.IndexOf((byte)']');
            return close > 0 ? host[1..close] : host;
        }

        var colon = host.IndexOf((byte)':');

        // More than one colon: an unbracketed IPv6 literal, not host:port.
        return colon >= 0 && host[(colon + 1)..].IndexOf((byte)':') < 0 ? host[..colon] : host;
    }
}

using System.Globalization;
using System.Text;

namespace ClassroomGuard.Dns.Lists;

/// <summary>Why a list entry was not used.</summary>
public enum DomainTextResult
{
    /// <summary>A usable domain name.</summary>
    Ok,
    /// <summary>An IPv4 or IPv6 address (lists contain some; DNS filtering cannot use them).</summary>
    Address,
    /// <summary>A label longer than 63 bytes or a name longer than 253 characters.</summary>
    TooLong,
    /// <summary>Empty labels, characters outside letters/digits/<c>-</c>/<c>_</c>, or a single label (a whole TLD is never blocked from a list).</summary>
    Invalid,
}

/// <summary>Normalises list entries to lower-case wire form, and formats wire names as text.</summary>
public static class DomainText
{
    /// <summary>
    /// Normalises <paramref name="text"/>: trims, lower-cases, drops a trailing dot and a leading <c>*.</c> or <c>.</c>,
    /// and writes the name in wire form without its root byte. Returns the length written, or 0 when unusable.
    /// </summary>
    public static int TryNormalize(ReadOnlySpan<char> text, Span<byte> destination) => Normalize(text, destination, out var length) == DomainTextResult.Ok ? length : 0;

    /// <summary>As <see cref="TryNormalize(ReadOnlySpan{char}, Span{byte})"/>, saying why an entry is unusable.</summary>
    public static DomainTextResult Normalize(ReadOnlySpan<char> text, Span<byte> destination, out int length)
    {
        length = 0;
        text = text.Trim();
        if (text.StartsWith("*."))
        {
            text = text[2..];
        }
        else if (text.StartsWith('.'))
        {
            text = text[1..];
        }

        if (text.EndsWith('.'))
        {
            text = text[..^1];
        }

        if (text.IsEmpty)
        {
            return DomainTextResult.Invalid;
        }

        if (text.Contains(':') || IsIPv4(text))
        {
            return DomainTextResult.Address;
        }

        if (text.Length > 253)
        {
            return DomainTextResult.TooLong;
        }

        var position = 0;
        var labels = 0;
        while (true)
        {
            var dot = text.IndexOf('.');
            var label = dot < 0 ? text : text[..dot];
            if (label.IsEmpty)
            {
                return DomainTextResult.Invalid;
            }

            if (label.Length > 63)
            {
                return DomainTextResult.TooLong;
            }

            if (position + 1 + label.Length > destination.Length)
            {
                return DomainTextResult.TooLong;
            }

            destination[position++] = (byte)label.Length;
            foreach (var c in label)
            {
                var lower = c is >= 'A' and <= 'Z' ? (char)(c | 0x20) : c;
                if (lower is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_'))
                {
                    return DomainTextResult.Invalid;
                }

                destination[position++] = (byte)lower;
            }

            labels++;
            if (dot < 0)
            {
                break;
            }

            text = text[(dot + 1)..];
        }

        if (labels < 2)
        {
            return DomainTextResult.Invalid;
        }

        length = position;
        return DomainTextResult.Ok;
    }

    /// <summary>
    /// Dotted text of a wire name (with or without its root byte), without a trailing dot. Bytes other than letters,
    /// digits, '-' and '_' are written as \DDD (RFC 1035 §5.1), so a '.', ',' or '=' inside a label — or a raw UTF-8
    /// byte — cannot make a client's name read as another name in alerts and events, nor break the
    /// "name=count,…" list of <c>top_domains</c>. Names from the lists never hold such bytes. Allocates.
    /// </summary>
    public static string ToDotted(ReadOnlySpan<byte> wire)
    {
        var builder = new StringBuilder(wire.Length);
        var i = 0;
        while (i < wire.Length && wire[i] != 0)
        {
            if (builder.Length > 0)
            {
                builder.Append('.');
            }

            int len = wire[i];
            for (var j = 1; j <= len && i + j < wire.Length; j++)
            {
                var c = (char)wire[i + j];
                if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
                {
                    builder.Append(c);
                }
                else
                {
                    builder.Append('\\').Append(((int)c).ToString("D3", CultureInfo.InvariantCulture));
                }
            }

            i += len + 1;
        }

        return builder.ToString();
    }

    private static bool IsIPv4(ReadOnlySpan<char> text)
    {
        // Four (or fewer, "10.1") all-digit labels: an address, not a name (no TLD is numeric).
        var lastDot = text.LastIndexOf('.');
        var last = lastDot < 0 ? text : text[(lastDot + 1)..];
        foreach (var c in last)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return !last.IsEmpty;
    }
}

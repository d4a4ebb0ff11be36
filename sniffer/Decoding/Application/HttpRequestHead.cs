using System.Text;

namespace ClassroomGuard.Sniffer.Decoding.Application;

/// <summary>
/// The request line and <c>Host</c> header of an HTTP/1.x request at the start of a TCP payload (one segment; requests
/// whose Host header is in a later segment are not seen).
/// </summary>
public readonly ref struct HttpRequestHead
{
    /// <summary>Most bytes of a payload searched for the request line and Host header. Default 4096.</summary>
    public const int MaxScanLength = 4096;

    private HttpRequestHead(ReadOnlySpan<byte> method, ReadOnlySpan<byte> target, ReadOnlySpan<byte> host)
    {
        Method = method;
        Target = target;
        Host = host;
    }

    /// <summary>The method, e.g. <c>GET</c>, <c>CONNECT</c>.</summary>
    public ReadOnlySpan<byte> Method { get; }

    /// <summary>The request target (for <c>CONNECT</c>: <c>host:port</c> — a proxy in use).</summary>
    public ReadOnlySpan<byte> Target { get; }

    /// <summary>The Host header value, trimmed; empty when absent.</summary>
    public ReadOnlySpan<byte> Host { get; }

    /// <summary>Reads the head; <see langword="false"/> when the payload does not start with an HTTP/1.x request line.</summary>
    public static bool TryRead(ReadOnlySpan<byte> payload, out HttpRequestHead head)
    {
        head = default;
        if (payload.Length > MaxScanLength)
        {
            payload = payload[..MaxScanLength];
        }

        // Only the first eight bytes can hold a method and its space: bulk data is rejected without a scan.
        var space = payload[..Math.Min(payload.Length, 8)].IndexOf((byte)' ');
        if (space < 3 || space > 7 || !IsKnownMethod(payload[..space]))
        {
            return false;
        }

        var lineEnd = payload.IndexOf("\r\n"u8);
        if (lineEnd < 0)
        {
            return false;
        }

        var line = payload[..lineEnd];
        var lastSpace = line.LastIndexOf((byte)' ');
        if (lastSpace <= space || !line[(lastSpace + 1)..].StartsWith("HTTP/1."u8))
        {
            return false;
        }

        var target = line[(space + 1)..lastSpace];
        ReadOnlySpan<byte> host = default;
        var rest = payload[(lineEnd + 2)..];
        while (true)
        {
            var end = rest.IndexOf("\r\n"u8);
            if (end <= 0)
            {
                // End of the headers (empty line) or of the segment.
                break;
            }

            var header = rest[..end];
            if (header.Length > 5 && header[4] == (byte)':' && Ascii.EqualsIgnoreCase(header[..4], "host"u8))
            {
                host = header[5..].Trim((byte)' ').Trim((byte)'\t');
                break;
            }

            rest = rest[(end + 2)..];
        }

        head = new HttpRequestHead(payload[..space], target, host);
        return true;
    }

    private static bool IsKnownMethod(ReadOnlySpan<byte> method) =>
        method.SequenceEqual("GET"u8) || method.SequenceEqual("POST"u8) || method.SequenceEqual("HEAD"u8)
        || method.SequenceEqual("PUT"u8) || method.SequenceEqual("DELETE"u8) || method.SequenceEqual("OPTIONS"u8)
        || method.SequenceEqual("PATCH"u8) || method.SequenceEqual("CONNECT"u8) || method.SequenceEqual("TRACE"u8);
}

using System.Buffers;
using System.Globalization;
using System.Text;

namespace ClassroomGuard.Storage.TimeSeries.Internal;

/// <summary>
/// Escaping and number formatting of InfluxDB line protocol, straight to UTF-8 in a <see cref="ByteBuffer"/>.
/// </summary>
/// <remarks>
/// Rules (InfluxDB 1.x parser, checked against influxd 1.6.7):
/// measurement escapes comma and space; tag keys, tag values and field keys escape comma, equals and space;
/// string field values escape double quote and backslash (a raw newline inside quotes is legal).
/// What 1.x cannot store in names is replaced by U+FFFD (see <see cref="Replacement"/>): CR and LF (they end the
/// line), a backslash that ends a name or precedes a comma, equals or space (the parser always reads it as an
/// escape), a leading '#' or tab of a measurement and a leading tab of a field key (the line would be a comment,
/// the tab skipped as whitespace). In measurements and field keys (not in tags) 1.x also unescapes \", so a
/// backslash before '"' is replaced there too. Checked by the round-trip tests against the real server.
/// </remarks>
internal static class LineProtocol
{
    /// <summary>What replaces characters the line protocol cannot carry in names: U+FFFD REPLACEMENT CHARACTER.</summary>
    public const char Replacement = '\uFFFD';

    private static readonly SearchValues<char> MeasurementSpecials = SearchValues.Create(", \\\n\r");
    private static readonly SearchValues<char> NameSpecials = SearchValues.Create(",= \\\n\r");
    private static readonly SearchValues<char> StringSpecials = SearchValues.Create("\"\\");

    // U+FFFD in UTF-8.
    private static ReadOnlySpan<byte> ReplacementUtf8 => [0xEF, 0xBF, 0xBD];

    public static void WriteMeasurement(ByteBuffer buffer, ReadOnlySpan<char> name)
    {
        // A line starting with '#' is a comment, and leading tabs are skipped as whitespace.
        if (name[0] is '#' or '\t')
        {
            buffer.Write(ReplacementUtf8);
            name = name[1..];
        }

        WriteEscaped(buffer, name, MeasurementSpecials, strict: true);
    }

    /// <summary>Writes a tag key or tag value.</summary>
    public static void WriteTag(ByteBuffer buffer, ReadOnlySpan<char> name) => WriteEscaped(buffer, name, NameSpecials, strict: false);

    /// <summary>Writes a field key (never empty).</summary>
    public static void WriteFieldKey(ByteBuffer buffer, ReadOnlySpan<char> name)
    {
        // Whitespace before the field set is skipped, tabs included.
        if (name[0] == '\t')
        {
            buffer.Write(ReplacementUtf8);
            name = name[1..];
        }

        WriteEscaped(buffer, name, NameSpecials, strict: true);
    }

    /// <summary>Writes a string field value with its quotes.</summary>
    public static void WriteStringValue(ByteBuffer buffer, ReadOnlySpan<char> value)
    {
        buffer.WriteByte((byte)'"');
        while (true)
        {
            var i = value.IndexOfAny(StringSpecials);
            if (i < 0)
            {
                WriteUtf8(buffer, value);
                break;
            }

            WriteUtf8(buffer, value[..i]);
            buffer.WriteByte((byte)'\\');
            buffer.WriteByte((byte)value[i]);
            value = value[(i + 1)..];
        }

        buffer.WriteByte((byte)'"');
    }

    public static void WriteInteger(ByteBuffer buffer, long value)
    {
        var span = buffer.GetSpan(21);
        value.TryFormat(span, out var written, default, CultureInfo.InvariantCulture);
        span[written] = (byte)'i';
        buffer.Advance(written + 1);
    }

    /// <summary>Writes the shortest text that round-trips <paramref name="value"/>; the caller rejects NaN and infinities.</summary>
    public static void WriteFloat(ByteBuffer buffer, double value)
    {
        var span = buffer.GetSpan(32);
        value.TryFormat(span, out var written, "R", CultureInfo.InvariantCulture);
        buffer.Advance(written);
    }

    public static void WriteBoolean(ByteBuffer buffer, bool value) => buffer.Write(value ? "true"u8 : "false"u8);

    public static void WriteTimestamp(ByteBuffer buffer, long value)
    {
        var span = buffer.GetSpan(20);
        value.TryFormat(span, out var written, default, CultureInfo.InvariantCulture);
        buffer.Advance(written);
    }

    /// <summary>Converts <paramref name="time"/> to Unix time in <paramref name="precision"/> units.</summary>
    public static long ToUnix(DateTimeOffset time, InfluxPrecision precision)
    {
        var ticks = time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        return precision switch
        {
            InfluxPrecision.Nanoseconds => ticks * 100,
            InfluxPrecision.Microseconds => ticks / 10,
            InfluxPrecision.Milliseconds => ticks / TimeSpan.TicksPerMillisecond,
            _ => ticks / TimeSpan.TicksPerSecond,
        };
    }

    /// <summary>The <c>precision</c> query parameter for <paramref name="precision"/>.</summary>
    public static string ToQueryValue(InfluxPrecision precision) => precision switch
    {
        InfluxPrecision.Nanoseconds => "ns",
        InfluxPrecision.Microseconds => "u",
        InfluxPrecision.Milliseconds => "ms",
        _ => "s",
    };

    private static void WriteEscaped(ByteBuffer buffer, ReadOnlySpan<char> text, SearchValues<char> specials, bool strict)
    {
        while (true)
        {
            var i = text.IndexOfAny(specials);
            if (i < 0)
            {
                WriteUtf8(buffer, text);
                return;
            }

            WriteUtf8(buffer, text[..i]);
            var c = text[i];
            switch (c)
            {
                case '\n' or '\r':
                    buffer.Write(ReplacementUtf8);
                    break;
                case '\\':
                    // 1.x reads "\x" as an escape when x is ',', '=' or ' ' (and '"' in measurements and field
                    // keys), and a trailing '\' breaks the line: no escaping survives that.
                    if (i + 1 == text.Length || text[i + 1] is ',' or '=' or ' ' || (strict && text[i + 1] == '"'))
                    {
                        buffer.Write(ReplacementUtf8);
                    }
                    else
                    {
                        buffer.WriteByte((byte)'\\');
                    }

                    break;
                default:
                    buffer.WriteByte((byte)'\\');
                    buffer.WriteByte((byte)c);
                    break;
            }

            text = text[(i + 1)..];
        }
    }

    private static void WriteUtf8(ByteBuffer buffer, ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return;
        }

        var span = buffer.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        buffer.Advance(Encoding.UTF8.GetBytes(text, span));
    }
}

using System.Text;

namespace ClassroomGuard.Storage.TimeSeries;

/// <summary>Quoting for building InfluxQL text safely from names and values.</summary>
public static class InfluxQl
{
    /// <summary>Quotes an identifier (measurement, tag key, field key, database, retention policy): <c>"a \"b\""</c>.</summary>
    public static string QuoteIdentifier(string identifier) => Quote(identifier, '"');

    /// <summary>Quotes a string literal (tag values, string field values): <c>'it\'s'</c>.</summary>
    public static string QuoteString(string value) => Quote(value, '\'');

    /// <summary>An instant as an InfluxQL time literal: nanoseconds since the Unix epoch (<c>time &gt;= 1764547200000000000</c>).</summary>
    public static string Time(DateTimeOffset instant)
        => ((instant.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Quote(string text, char quote)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder(text.Length + 2);
        builder.Append(quote);
        foreach (var c in text)
        {
            switch (c)
            {
                case '\\':
                    builder.Append(@"\\");
                    break;
                case '\n':
                    builder.Append(@"\n");
                    break;
                default:
                    if (c == quote)
                    {
                        builder.Append('\\');
                    }

                    builder.Append(c);
                    break;
            }
        }

        return builder.Append(quote).ToString();
    }
}

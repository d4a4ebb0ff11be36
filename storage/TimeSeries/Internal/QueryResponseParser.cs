using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ClassroomGuard.Storage.TimeSeries.Internal;

/// <summary>
/// Reads InfluxDB's <c>/query</c> JSON with <see cref="Utf8JsonReader"/> (no reflection). Unknown members are
/// skipped; anything that is not the expected shape throws <see cref="FormatException"/> or <see cref="JsonException"/>.
/// </summary>
internal static class QueryResponseParser
{
    /// <summary>Parses a whole answer. A top-level <c>"error"</c> is returned in <paramref name="error"/>.</summary>
    public static InfluxQueryResult Parse(ReadOnlySpan<byte> json, out string? error)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 16 });
        error = null;
        var statements = new List<InfluxStatementResult>();
        Read(ref reader);
        Expect(ref reader, JsonTokenType.StartObject, "the answer");
        while (ReadProperty(ref reader, out var name))
        {
            switch (name)
            {
                case "results":
                    Expect(ref reader, JsonTokenType.StartArray, "\"results\"");
                    while (Read(ref reader) != JsonTokenType.EndArray)
                    {
                        statements.Add(ReadStatement(ref reader));
                    }

                    break;
                case "error":
                    error = ReadString(ref reader, "\"error\"");
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        if (reader.Read())
        {
            throw new FormatException("Unexpected data after the JSON answer.");
        }

        return new InfluxQueryResult(statements);
    }

    /// <summary>The <c>"error"</c> of a JSON error body, or <see langword="null"/> if the text is not one.</summary>
    public static string? TryReadError(string text)
    {
        try
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            Parse(bytes, out var error);
            return error;
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
            return null;
        }
    }

    private static InfluxStatementResult ReadStatement(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.StartObject, "a statement result");
        var id = 0;
        string? error = null;
        var series = new List<InfluxSeries>();
        while (ReadProperty(ref reader, out var name))
        {
            switch (name)
            {
                case "statement_id":
                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out id))
                    {
                        throw new FormatException("\"statement_id\" is not an integer.");
                    }

                    break;
                case "error":
                    error = ReadString(ref reader, "a statement's \"error\"");
                    break;
                case "series":
                    Expect(ref reader, JsonTokenType.StartArray, "\"series\"");
                    while (Read(ref reader) != JsonTokenType.EndArray)
                    {
                        series.Add(ReadSeries(ref reader));
                    }

                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        foreach (var one in series)
        {
            one.StatementId = id;
        }

        return new InfluxStatementResult(id, series, error);
    }

    private static InfluxSeries ReadSeries(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.StartObject, "a series");
        var name = string.Empty;
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        var columns = new List<string>();
        var rows = new List<InfluxValue[]>();
        while (ReadProperty(ref reader, out var property))
        {
            switch (property)
            {
                case "name":
                    name = ReadString(ref reader, "a series \"name\"");
                    break;
                case "tags":
                    Expect(ref reader, JsonTokenType.StartObject, "\"tags\"");
                    while (ReadProperty(ref reader, out var key))
                    {
                        tags[key] = reader.TokenType == JsonTokenType.Null ? string.Empty : ReadString(ref reader, "a tag value");
                    }

                    break;
                case "columns":
                    Expect(ref reader, JsonTokenType.StartArray, "\"columns\"");
                    while (Read(ref reader) != JsonTokenType.EndArray)
                    {
                        columns.Add(ReadString(ref reader, "a column name"));
                    }

                    break;
                case "values":
                    Expect(ref reader, JsonTokenType.StartArray, "\"values\"");
                    while (Read(ref reader) != JsonTokenType.EndArray)
                    {
                        rows.Add(ReadRow(ref reader));
                    }

                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        foreach (var row in rows)
        {
            if (row.Length != columns.Count)
            {
                throw new FormatException(string.Create(
                    CultureInfo.InvariantCulture, $"A row of series '{name}' has {row.Length} values for {columns.Count} columns."));
            }
        }

        return new InfluxSeries(name, tags, columns, rows);
    }

    private static InfluxValue[] ReadRow(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.StartArray, "a row");
        var values = new List<InfluxValue>();
        while (Read(ref reader) != JsonTokenType.EndArray)
        {
            values.Add(reader.TokenType switch
            {
                JsonTokenType.Null => InfluxValue.Null,
                JsonTokenType.True => InfluxValue.FromBoolean(true),
                JsonTokenType.False => InfluxValue.FromBoolean(false),
                JsonTokenType.String => InfluxValue.FromString(reader.GetString()!),
                JsonTokenType.Number => ReadNumber(ref reader),
                _ => throw new FormatException($"A row holds a {reader.TokenType}, not a value."),
            });
        }

        return [.. values];
    }

    private static InfluxValue ReadNumber(ref Utf8JsonReader reader)
    {
        var raw = reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan;
        if (raw.IndexOfAny("."u8 + "eE"u8) < 0 && reader.TryGetInt64(out var integer))
        {
            return InfluxValue.FromInteger(integer);
        }

        return InfluxValue.FromFloat(reader.GetDouble());
    }

    private static bool ReadProperty(ref Utf8JsonReader reader, out string name)
    {
        var token = Read(ref reader);
        if (token == JsonTokenType.EndObject)
        {
            name = string.Empty;
            return false;
        }

        name = reader.GetString()!;
        Read(ref reader);
        return true;
    }

    private static string ReadString(ref Utf8JsonReader reader, string what) =>
        reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw new FormatException($"{what} is a {reader.TokenType}, not a string.");

    private static JsonTokenType Read(ref Utf8JsonReader reader) =>
        reader.Read() ? reader.TokenType : throw new FormatException("The JSON answer ends too early (truncated).");

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType expected, string what)
    {
        if (reader.TokenType != expected)
        {
            throw new FormatException($"{what} is a {reader.TokenType}, expected {expected}.");
        }
    }
}

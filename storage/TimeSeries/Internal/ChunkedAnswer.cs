using System.Net;
using System.Text.Json;

namespace ClassroomGuard.Storage.TimeSeries.Internal;

/// <summary>
/// Splits InfluxDB 1.x's chunked <c>/query</c> answer (a sequence of JSON objects, one per chunk, separated by
/// newlines) into chunks: finds where the next whole object ends with a non-final <see cref="Utf8JsonReader"/>, then
/// parses that object alone with <see cref="QueryResponseParser"/>.
/// </summary>
internal static class ChunkedAnswer
{
    /// <summary>
    /// The next whole chunk at the start of <paramref name="data"/> (after whitespace), or null when more bytes are
    /// needed (<paramref name="consumed"/> then counts only skipped whitespace). At the end of the stream
    /// (<paramref name="eof"/>) a partial object is a truncated answer. Errors in the chunk throw.
    /// </summary>
    public static InfluxQueryResult? TryTake(ReadOnlySpan<byte> data, bool eof, out int consumed, Uri url, HttpStatusCode status)
    {
        consumed = 0;
        while (consumed < data.Length && data[consumed] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')
        {
            consumed++;
        }

        var rest = data[consumed..];
        if (rest.IsEmpty)
        {
            return null;
        }

        int length;
        try
        {
            var reader = new Utf8JsonReader(rest, isFinalBlock: false, new JsonReaderState(new JsonReaderOptions { MaxDepth = 16 }));
            if (!reader.Read())
            {
                return eof ? throw Truncated(url, status) : null;
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new InfluxException($"InfluxDB at {url} sent a malformed chunked answer: a chunk does not start with a JSON object.", status);
            }

            if (!reader.TrySkip())
            {
                return eof ? throw Truncated(url, status) : null;
            }

            length = checked((int)reader.BytesConsumed);
        }
        catch (JsonException ex)
        {
            throw new InfluxException($"InfluxDB at {url} sent a malformed chunked answer: {ex.Message}", status, ex);
        }

        InfluxQueryResult result;
        string? error;
        try
        {
            result = QueryResponseParser.Parse(rest[..length], out error);
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
            throw new InfluxException($"InfluxDB at {url} sent a malformed chunk: {ex.Message}", status, ex);
        }

        if (error is not null)
        {
            throw new InfluxQueryException($"InfluxDB at {url} refused the query: {error}", error, -1, status);
        }

        foreach (var statement in result.Statements)
        {
            if (statement.Error is { } statementError)
            {
                throw new InfluxQueryException(
                    $"InfluxDB at {url} reported an error for statement {statement.StatementId}: {statementError}", statementError, statement.StatementId, status);
            }
        }

        consumed += length;
        return result;
    }

    private static InfluxException Truncated(Uri url, HttpStatusCode status) =>
        new($"InfluxDB at {url} sent a truncated answer: it ended in the middle of a chunk.", status);
}

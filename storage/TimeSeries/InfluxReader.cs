using System.Buffers;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using ClassroomGuard.Storage.TimeSeries.Internal;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Storage.TimeSeries;

/// <summary>
/// Runs InfluxQL against the configured database (<c>/query</c>, <c>epoch=ns</c>) and returns typed results.
/// Thread-safe.
/// </summary>
public sealed class InfluxReader
{
    private readonly InfluxConnection _connection;
    private readonly string _database;

    /// <summary>Creates a reader on <paramref name="connection"/> for the database in <paramref name="options"/>.</summary>
    public InfluxReader(InfluxConnection connection, IOptions<InfluxOptions> options)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        _connection = connection;
        _database = options.Value.Database;
    }

    /// <summary>
    /// Runs <paramref name="influxQl"/> (one or more statements separated by ';'). <c>SELECT</c> and <c>SHOW</c> go as
    /// GET, everything else as POST (InfluxDB 1.x refuses writes through GET). Times come back as Unix nanoseconds.
    /// </summary>
    /// <exception cref="InfluxQueryException">InfluxDB reported an error for the request or for any statement.</exception>
    /// <exception cref="InfluxException">InfluxDB is unreachable, refused the credentials, or sent an unreadable answer.</exception>
    public async Task<InfluxQueryResult> QueryAsync(string influxQl, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(influxQl);
        var trimmed = influxQl.AsSpan().TrimStart();
        var readOnly = trimmed.StartsWith("SELECT", StringComparison.OrdinalIgnoreCase)
            && !trimmed.Contains(" INTO ", StringComparison.OrdinalIgnoreCase)
            || trimmed.StartsWith("SHOW", StringComparison.OrdinalIgnoreCase);
        var (status, body) = await _connection.QueryAsync(influxQl, post: !readOnly, _database, cancellationToken);
        return Interpret(status, body, _connection);
    }

    /// <summary>The default number of rows per chunk of <see cref="StreamAsync"/>.</summary>
    public const int DefaultChunkSize = 10_000;

    /// <summary>The largest single chunk <see cref="StreamAsync"/> accepts (64 MiB): beyond it the answer is refused.</summary>
    public const int MaxChunkBytes = 64 * 1024 * 1024;

    /// <summary>
    /// Runs a read-only <paramref name="influxQl"/> (<c>SELECT</c>/<c>SHOW</c>, one or more statements) with InfluxDB's
    /// chunked answer (<c>chunked=true&amp;chunk_size=</c><paramref name="chunkSize"/>) and yields the series as each chunk
    /// arrives, so a large answer is never held whole: memory is bounded by one chunk. A series longer than a chunk
    /// comes as several consecutive pieces with the same name and tags (InfluxDB marks them <c>partial</c>); callers
    /// that aggregate by name and tags need not care. Statements' results come in order.
    /// </summary>
    /// <exception cref="InfluxQueryException">InfluxDB reported an error for the request or a statement (possibly after
    /// earlier series were yielded).</exception>
    /// <exception cref="InfluxException">Unreachable, refused credentials, or an answer that is malformed or ends in the
    /// middle of a chunk (a truncated answer is never taken for a short one).</exception>
    public async IAsyncEnumerable<InfluxSeries> StreamAsync(
        string influxQl, int chunkSize = DefaultChunkSize, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(influxQl);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkSize);
        using var response = await _connection.OpenChunkedQueryAsync(influxQl, _database, chunkSize, cancellationToken);
        var status = response.StatusCode;
        if ((int)status is < 200 or >= 300)
        {
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            _ = Interpret(status, body, _connection); // throws the error InfluxDB gave
            throw new InfluxException($"InfluxDB at {_connection.Url} answered {(int)status} {status} to the query.", status);
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            int start = 0, end = 0;
            var eof = false;
            var chunks = 0;
            while (true)
            {
                var chunk = ChunkedAnswer.TryTake(buffer.AsSpan(start, end - start), eof, out var consumed, _connection.Url, status);
                start += consumed;
                if (chunk is not null)
                {
                    chunks++;
                    foreach (var series in chunk.Series)
                    {
                        yield return series;
                    }

                    continue;
                }

                if (eof)
                {
                    if (chunks == 0)
                    {
                        throw new InfluxException($"InfluxDB at {_connection.Url} sent an empty answer to the query.", status);
                    }

                    yield break;
                }

                // Need more bytes: make room (compact, then grow up to MaxChunkBytes) and read.
                if (start > 0)
                {
                    buffer.AsSpan(start, end - start).CopyTo(buffer);
                    end -= start;
                    start = 0;
                }

                if (end == buffer.Length)
                {
                    if (buffer.Length >= MaxChunkBytes)
                    {
                        throw new InfluxException(
                            $"InfluxDB at {_connection.Url} sent a chunk larger than {MaxChunkBytes / (1024 * 1024)} MiB; ask for smaller chunks.", status);
                    }

                    var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, MaxChunkBytes));
                    buffer.AsSpan(0, end).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }

                int read;
                try
                {
                    read = await stream.ReadAsync(buffer.AsMemory(end), cancellationToken);
                }
                catch (Exception ex) when (ex is IOException or HttpRequestException
                    || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
                {
                    throw new InfluxException($"InfluxDB at {_connection.Url} broke off the answer: {ex.Message}", status, ex);
                }

                if (read == 0)
                {
                    eof = true;
                }

                end += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Turns a <c>/query</c> answer into a result or a clear exception.</summary>
    internal static InfluxQueryResult Interpret(HttpStatusCode status, ReadOnlySpan<byte> body, InfluxConnection connection)
    {
        var url = connection.Url;
        InfluxQueryResult result;
        string? error;
        try
        {
            result = QueryResponseParser.Parse(body, out error);
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
            var what = (int)status is >= 200 and < 300 ? "a malformed query answer" : $"HTTP {(int)status} with an unreadable body";
            throw new InfluxException($"InfluxDB at {url} sent {what}: {ex.Message}", status, ex);
        }

        if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw new InfluxException(connection.DescribeStatus(status, error), status);
        }

        if (error is not null)
        {
            throw new InfluxQueryException($"InfluxDB at {url} refused the query ({(int)status}): {error}", error, -1, status);
        }

        if ((int)status is < 200 or >= 300)
        {
            throw new InfluxException($"InfluxDB at {url} answered {(int)status} {status} to the query.", status);
        }

        foreach (var statement in result.Statements)
        {
            if (statement.Error is { } statementError)
            {
                throw new InfluxQueryException(
                    $"InfluxDB at {url} reported an error for statement {statement.StatementId}: {statementError}",
                    statementError,
                    statement.StatementId,
                    status);
            }
        }

        return result;
    }
}

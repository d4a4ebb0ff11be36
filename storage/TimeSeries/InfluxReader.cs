using System.Net;
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

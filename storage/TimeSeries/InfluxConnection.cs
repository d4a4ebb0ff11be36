using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using ClassroomGuard.Storage.TimeSeries.Internal;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Storage.TimeSeries;

/// <summary>
/// The HTTP connection to one InfluxDB server (v1-compatible API), shared by <see cref="InfluxWriter"/>,
/// <see cref="InfluxReader"/> and <see cref="InfluxProvisioner"/>. Thread-safe; register one per process.
/// </summary>
public sealed class InfluxConnection : IDisposable
{
    private readonly HttpClient _http;
    private readonly InfluxOptions _options;
    private readonly string _writePath;

    /// <summary>Creates a connection from validated <paramref name="options"/>.</summary>
    public InfluxConnection(IOptions<InfluxOptions> options)
        : this(options, handler: null)
    {
    }

    /// <summary>
    /// Creates a connection that sends through <paramref name="handler"/> (which it then owns): for tests and tools that
    /// observe or shape the requests. Null: the usual socket handler.
    /// </summary>
    public InfluxConnection(IOptions<InfluxOptions> options, HttpMessageHandler? handler)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        // The HttpClient owns and disposes the handler (disposeHandler: true).
#pragma warning disable CA2000
        handler ??= new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = _options.RequestTimeout < TimeSpan.FromSeconds(5) ? _options.RequestTimeout : TimeSpan.FromSeconds(5),
            AutomaticDecompression = DecompressionMethods.GZip,
            UseProxy = false,
        };
#pragma warning restore CA2000
        _http = new HttpClient(handler, disposeHandler: true)
        {
            BaseAddress = _options.Url,
            Timeout = _options.RequestTimeout,
        };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("ClassroomGuard", "1"));
        if (!string.IsNullOrEmpty(_options.Username))
        {
            var raw = Encoding.UTF8.GetBytes(_options.Username + ":" + _options.Password);
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(raw));
        }

        var path = "write?db=" + Uri.EscapeDataString(_options.Database);
        if (!string.IsNullOrEmpty(_options.RetentionPolicy))
        {
            path += "&rp=" + Uri.EscapeDataString(_options.RetentionPolicy);
        }

        _writePath = path + "&precision=" + LineProtocol.ToQueryValue(_options.Precision);
    }

    /// <summary>The server address, for messages.</summary>
    public Uri Url => _options.Url;

    /// <summary>Asks InfluxDB whether it is up (<c>GET /ping</c>) and which version it runs. Never throws for
    /// server or network failures: they come back as <see cref="InfluxPingResult.Error"/>.</summary>
    public async Task<InfluxPingResult> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _http.GetAsync(new Uri("ping", UriKind.Relative), cancellationToken);
            var version = response.Headers.TryGetValues("X-Influxdb-Version", out var values) ? values.FirstOrDefault() : null;
            return response.IsSuccessStatusCode
                ? new InfluxPingResult(true, version, null)
                : new InfluxPingResult(false, version, DescribeStatus(response.StatusCode, null));
        }
        catch (Exception ex) when (IsTransport(ex, cancellationToken))
        {
            return new InfluxPingResult(false, null, DescribeException(ex));
        }
    }

    internal async Task<WriteResult> WriteAsync(ReadOnlyMemory<byte> body, bool gzipped, CancellationToken cancellationToken)
    {
        try
        {
            using var content = new ReadOnlyMemoryContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("text/plain") { CharSet = "utf-8" };
            if (gzipped)
            {
                content.Headers.ContentEncoding.Add("gzip");
            }

            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_writePath, UriKind.Relative)) { Content = content };
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return WriteResult.Success;
            }

            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            var serverError = QueryResponseParser.TryReadError(text) ?? Truncate(text);
            var status = response.StatusCode;
            var message = DescribeStatus(status, serverError);
            if (status is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable
                || (int)status >= 500
                || status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.NotFound)
            {
                return new WriteResult(WriteStatus.Transient, status, response.Headers.RetryAfter, message, -1);
            }

            return new WriteResult(WriteStatus.Rejected, status, null, message, ParseDropped(serverError));
        }
        catch (Exception ex) when (IsTransport(ex, cancellationToken))
        {
            return new WriteResult(WriteStatus.Transient, null, null, DescribeException(ex), -1);
        }
    }

    internal async Task<(HttpStatusCode Status, byte[] Body)> QueryAsync(
        string query, bool post, string? database, CancellationToken cancellationToken)
    {
        var path = "query?epoch=ns";
        if (!string.IsNullOrEmpty(database))
        {
            path += "&db=" + Uri.EscapeDataString(database);
        }

        try
        {
            HttpResponseMessage response;
            if (post)
            {
                using var form = new FormUrlEncodedContent([new KeyValuePair<string, string>("q", query)]);
                response = await _http.PostAsync(new Uri(path, UriKind.Relative), form, cancellationToken);
            }
            else
            {
                response = await _http.GetAsync(new Uri(path + "&q=" + Uri.EscapeDataString(query), UriKind.Relative), cancellationToken);
            }

            using (response)
            {
                return (response.StatusCode, await response.Content.ReadAsByteArrayAsync(cancellationToken));
            }
        }
        catch (Exception ex) when (IsTransport(ex, cancellationToken))
        {
            throw new InfluxException(DescribeException(ex), ex);
        }
    }

    /// <summary>
    /// Sends a read-only query with <c>chunked=true&amp;chunk_size=<paramref name="chunkSize"/></c> and returns the answer
    /// as soon as its headers arrived: the caller reads the body as a stream and disposes the response.
    /// </summary>
    internal async Task<HttpResponseMessage> OpenChunkedQueryAsync(string query, string? database, int chunkSize, CancellationToken cancellationToken)
    {
        var path = "query?epoch=ns&chunked=true&chunk_size=" + chunkSize.ToString(CultureInfo.InvariantCulture);
        if (!string.IsNullOrEmpty(database))
        {
            path += "&db=" + Uri.EscapeDataString(database);
        }

        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path + "&q=" + Uri.EscapeDataString(query), UriKind.Relative));
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (Exception ex) when (IsTransport(ex, cancellationToken))
        {
            throw new InfluxException(DescribeException(ex), ex);
        }
    }

    /// <summary>
    /// Writes line protocol (nanosecond timestamps) into <paramref name="retentionPolicy"/> of the database, outside the
    /// writer's batching and spool: for small derived series (the report rollup) whose writer retries by itself.
    /// </summary>
    internal async Task WriteLinesAsync(string retentionPolicy, ReadOnlyMemory<byte> lines, CancellationToken cancellationToken)
    {
        var path = "write?db=" + Uri.EscapeDataString(_options.Database) + "&rp=" + Uri.EscapeDataString(retentionPolicy) + "&precision=ns";
        try
        {
            using var content = new ReadOnlyMemoryContent(lines);
            content.Headers.ContentType = new MediaTypeHeaderValue("text/plain") { CharSet = "utf-8" };
            using var response = await _http.PostAsync(new Uri(path, UriKind.Relative), content, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                throw new InfluxException(DescribeStatus(response.StatusCode, QueryResponseParser.TryReadError(text) ?? Truncate(text)), response.StatusCode);
            }
        }
        catch (Exception ex) when (IsTransport(ex, cancellationToken))
        {
            throw new InfluxException(DescribeException(ex), ex);
        }
    }

    /// <summary>Describes an HTTP error status with the server's text, naming the address.</summary>
    internal string DescribeStatus(HttpStatusCode status, string? serverError)
    {
        var code = ((int)status).ToString(CultureInfo.InvariantCulture);
        var what = status switch
        {
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden =>
                $"rejected the credentials ({code}, auth {_options.AuthDescription}); check Influx:Username/Password or Influx:Token",
            HttpStatusCode.NotFound => $"answered 404 (database '{_options.Database}' or endpoint not found)",
            _ => $"answered {code} {status}",
        };
        return string.IsNullOrEmpty(serverError) ? $"InfluxDB at {Url} {what}" : $"InfluxDB at {Url} {what}: {serverError}";
    }

    /// <summary>Describes a transport failure (refused, unreachable, timeout), naming the address.</summary>
    internal string DescribeException(Exception exception)
    {
        var socket = FindInner<SocketException>(exception);
        var cause = socket is not null
            ? socket.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => "connection refused (is influxd running?)",
                SocketError.HostNotFound or SocketError.NoData => "host name not found",
                SocketError.TimedOut => "connection timed out",
                SocketError.HostUnreachable or SocketError.NetworkUnreachable => "host unreachable",
                _ => socket.Message,
            }
            : exception is TaskCanceledException or TimeoutException
                ? $"no answer within {_options.RequestTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s (Influx:RequestTimeout)"
                : exception.Message;
        return $"InfluxDB at {Url} is unreachable: {cause}";
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private static bool IsTransport(Exception ex, CancellationToken cancellationToken) =>
        ex is HttpRequestException or IOException or TimeoutException
        || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    private static T? FindInner<T>(Exception? exception)
        where T : Exception
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is T match)
            {
                return match;
            }
        }

        return null;
    }

    // InfluxDB 1.x reports how many points of a partial write it dropped: "... dropped=3".
    private static int ParseDropped(string? serverError)
    {
        const string Marker = "dropped=";
        var index = serverError?.LastIndexOf(Marker, StringComparison.Ordinal) ?? -1;
        if (index < 0)
        {
            return -1;
        }

        var digits = serverError.AsSpan(index + Marker.Length);
        var end = 0;
        while (end < digits.Length && char.IsAsciiDigit(digits[end]))
        {
            end++;
        }

        return int.TryParse(digits[..end], NumberStyles.None, CultureInfo.InvariantCulture, out var dropped) ? dropped : -1;
    }

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "…";
}

using System.Collections.Concurrent;
using System.Globalization;
using System.Net;

namespace ClassroomGuard.Storage.Tests.TimeSeries.Support;

/// <summary>
/// A tiny loopback HTTP server that answers /write with scripted statuses and headers. It exists only because the
/// real influxd cannot be made to answer 429/503 with Retry-After on demand; everything else is tested against
/// the real server.
/// </summary>
public sealed class FakeInfluxServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<(HttpStatusCode Status, string? RetryAfter)> _script = new();
    private readonly Task _loop;

    public FakeInfluxServer()
    {
        // HttpListener needs a concrete prefix; retry on the rare port race.
        for (var attempt = 0; ; attempt++)
        {
            Port = InfluxdServer.FreePort();
            _listener.Prefixes.Add(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{Port}/"));
            try
            {
                _listener.Start();
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                // A fresh listener: the failed one keeps the lost port in its endpoint table, and closing it later
                // tries to bind that port again ("Address already in use" at dispose).
                Abandon(_listener);
                _listener = new HttpListener();
            }
        }

        Url = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{Port}"));
        _loop = Task.Run(LoopAsync);
    }

    public Uri Url { get; }

    public int Port { get; }

    /// <summary>Bodies of the write requests, decompressed.</summary>
    public ConcurrentQueue<string> Bodies { get; } = new();

    /// <summary>Write requests received so far.</summary>
    public int Writes => Volatile.Read(ref _writes);

    private int _writes;

    /// <summary>Queues the answer to the next write; when the script is empty, writes get 204.</summary>
    /// <summary>The version /ping reports in <c>X-Influxdb-Version</c> (none when null).</summary>
    public string? ReportedVersion { get; set; }

    public void Enqueue(HttpStatusCode status, string? retryAfter = null) => _script.Enqueue((status, retryAfter));

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using (context.Response)
            {
                var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                body.Position = 0;
                Stream reader = context.Request.Headers["Content-Encoding"] == "gzip"
                    ? new System.IO.Compression.GZipStream(body, System.IO.Compression.CompressionMode.Decompress)
                    : body;
                using (var text = new StreamReader(reader))
                {
                    Bodies.Enqueue(await text.ReadToEndAsync());
                }

                if (context.Request.Url!.AbsolutePath != "/write")
                {
                    if (ReportedVersion is not null)
                    {
                        context.Response.AddHeader("X-Influxdb-Version", ReportedVersion);
                    }

                    context.Response.StatusCode = 204;
                    continue;
                }

                Interlocked.Increment(ref _writes);
                if (_script.TryDequeue(out var answer))
                {
                    context.Response.StatusCode = (int)answer.Status;
                    if (answer.RetryAfter is not null)
                    {
                        context.Response.AddHeader("Retry-After", answer.RetryAfter);
                    }

                    context.Response.ContentType = "application/json";
                    await context.Response.OutputStream.WriteAsync("{\"error\":\"slow down\"}"u8.ToArray());
                }
                else
                {
                    context.Response.StatusCode = 204;
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        Abandon(_listener);
        await _loop;
    }

    // Closing the managed HttpListener looks its endpoint up again, which can fail if another test took the port
    // meanwhile; the fake is going away either way.
    private static void Abandon(HttpListener listener)
    {
        try
        {
            listener.Close();
        }
        catch (HttpListenerException)
        {
        }
    }
}

using System.Globalization;
using System.Net;
using System.Text;
using ClassroomGuard.Storage.Tests.TimeSeries.Support;
using ClassroomGuard.Storage.TimeSeries;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Storage.Tests.TimeSeries;

/// <summary>
/// <see cref="InfluxReader.StreamAsync"/>: InfluxDB's chunked answer parsed chunk by chunk, against the real influxd; the
/// hostile answers (malformed, truncated, garbage) come from a loopback server of this test's own, because influxd
/// cannot be made to send them.
/// </summary>
[Collection(InfluxdCollection.Name)]
public sealed class InfluxReaderStreamTests(InfluxdFixture influxd)
{
    [Fact]
    public async Task StreamAsync_LargeAnswer_ComesInChunksAndEveryRowIsCounted()
    {
        var database = influxd.NewDatabase("stream");
        await using var client = new InfluxTestClient(influxd.Server.Url, database, o => o.RetentionPolicy = "");
        await client.Reader.QueryAsync($"CREATE DATABASE {database}", CancellationToken.None);
        await client.Writer.StartAsync(CancellationToken.None);
        var t0 = new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
        const int Points = 30_000;
        long expected = 0;
        for (var i = 0; i < Points; i++)
        {
            var room = (i % 3).ToString(CultureInfo.InvariantCulture);
            Assert.True(client.Writer.TryWrite(client.Writer.CreatePoint("m").Tag("room", room).Field("v", (long)i).Field("s", "row " + i).Timestamp(t0.AddSeconds(i / 3))));
            expected += i;
        }

        await client.Writer.FlushAsync(CancellationToken.None);

        long rows = 0, sum = 0;
        var pieces = 0;
        var rooms = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var series in client.Reader.StreamAsync("SELECT \"v\", \"s\" FROM \"m\" GROUP BY \"room\"", chunkSize: 1000))
        {
            pieces++;
            rooms.Add(series.Tags["room"]);
            Assert.Equal(0, series.StatementId);
            Assert.True(series.Rows.Count <= 1000);
            rows += series.Rows.Count;
            sum += series.Rows.Sum(r => r[1].AsInt64());
        }

        Assert.Equal(Points, rows);
        Assert.Equal(expected, sum);
        Assert.Equal(3, rooms.Count);
        Assert.True(pieces >= Points / 1000, $"{pieces} pieces: the answer did not come in chunks");
    }

    [Fact]
    public async Task StreamAsync_SeveralStatements_SaysWhichStatementEachSeriesAnswers()
    {
        var database = influxd.NewDatabase("stream");
        await using var client = new InfluxTestClient(influxd.Server.Url, database, o => o.RetentionPolicy = "");
        await client.Reader.QueryAsync($"CREATE DATABASE {database}", CancellationToken.None);
        await client.Writer.StartAsync(CancellationToken.None);
        Assert.True(client.Writer.TryWrite(client.Writer.CreatePoint("a").Field("v", 1L).Timestamp(DateTimeOffset.UnixEpoch.AddDays(20000))));
        Assert.True(client.Writer.TryWrite(client.Writer.CreatePoint("b").Field("v", 2L).Timestamp(DateTimeOffset.UnixEpoch.AddDays(20000))));
        await client.Writer.FlushAsync(CancellationToken.None);

        var seen = new List<(int, string)>();
        await foreach (var series in client.Reader.StreamAsync("SELECT \"v\" FROM \"a\"; SELECT \"v\" FROM \"nothing\"; SELECT \"v\" FROM \"b\""))
        {
            seen.Add((series.StatementId, series.Name));
        }

        Assert.Equal([(0, "a"), (2, "b")], seen);
    }

    [Fact]
    public async Task StreamAsync_StatementError_InfluxQueryExceptionNamingTheStatement()
    {
        var database = influxd.NewDatabase("stream");
        await using var client = new InfluxTestClient(influxd.Server.Url, database, o => o.RetentionPolicy = "");
        await client.Reader.QueryAsync($"CREATE DATABASE {database}", CancellationToken.None);

        var error = await Assert.ThrowsAsync<InfluxQueryException>(async () =>
        {
            await foreach (var _ in client.Reader.StreamAsync("SELECT \"v\" FROM \"m\"; SELECT \"v\" FROM \"no_such_db\".\"autogen\".\"m\""))
            {
            }
        });
        Assert.Equal(1, error.StatementId);
        Assert.Contains("database not found", error.ServerError, StringComparison.Ordinal);

        var parse = await Assert.ThrowsAsync<InfluxQueryException>(async () =>
        {
            await foreach (var _ in client.Reader.StreamAsync("SELECT FROM WHERE"))
            {
            }
        });
        Assert.Equal(-1, parse.StatementId);
        Assert.Contains("error parsing query", parse.Message, StringComparison.Ordinal);
    }

    private const string Good = "{\"results\":[{\"statement_id\":0,\"series\":[{\"name\":\"m\",\"columns\":[\"time\",\"v\"],\"values\":[[1,2],[3,4]],\"partial\":true}],\"partial\":true}]}\n";

    public static TheoryData<string, string, int> Hostile => new()
    {
        { Good + "{\"results\":[{\"statement_id\":0,\"series\":[{\"name\":\"m\",\"columns\":[\"time\",\"v\"],\"val", "truncated answer", 1 },
        { Good + "{\"results\": [oops]}\n", "malformed chunked answer", 1 },
        { Good + "<html><body>502 Bad Gateway</body></html>", "malformed chunked answer", 1 },
        { Good + "{\"results\":[{\"statement_id\":0,\"series\":[{\"name\":\"m\",\"columns\":[\"time\",\"v\"],\"values\":[[1,2,3]]}]}]}\n", "malformed chunk", 1 },
        { Good + "[1,2]\n", "does not start with a JSON object", 1 },
        { "{\"results\":[{\"statement_id\":\"zero\"}]}\n", "malformed chunk", 0 },
        { "", "empty answer", 0 },
        { "   \n\n", "empty answer", 0 },
        { Good + "{\"results\":[{\"statement_id\":0,\"error\":\"shard 7 is busy\"}]}\n", "shard 7 is busy", 1 },
        { Good + "{\"error\":\"timeout\"}\n", "timeout", 1 },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task StreamAsync_HostileAnswer_ClearInfluxExceptionAfterTheGoodChunks(string body, string expected, int goodSeries)
    {
        await using var server = new ScriptedQueryServer(Encoding.UTF8.GetBytes(body));
        var options = Options.Create(new InfluxOptions { Url = server.Url, Database = "db", RequestTimeout = TimeSpan.FromSeconds(5) });
        using var connection = new InfluxConnection(options);
        var reader = new InfluxReader(connection, options);
        var yielded = 0;
        var error = await Assert.ThrowsAnyAsync<InfluxException>(async () =>
        {
            await foreach (var _ in reader.StreamAsync("SELECT * FROM m", 2))
            {
                yielded++;
            }
        });

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains(server.Url.ToString(), error.Message, StringComparison.Ordinal);
        Assert.Equal(goodSeries, yielded);
        Assert.Contains("chunked=true", server.LastQuery, StringComparison.Ordinal);
        Assert.Contains("chunk_size=2", server.LastQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamAsync_ChunksSplitAcrossReads_AreJoinedBeforeParsing()
    {
        // The body sent a few bytes at a time: chunk boundaries fall inside strings, numbers and escapes.
        var chunk = "{\"results\":[{\"statement_id\":0,\"series\":[{\"name\":\"m \\\"q\\\"\",\"tags\":{\"room\":\"1\"},\"columns\":[\"time\",\"v\"],\"values\":[[1,12345678901],[2,-3]]}]}]}\n";
        await using var server = new ScriptedQueryServer(Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(chunk, 50))), writeSize: 7);
        var options = Options.Create(new InfluxOptions { Url = server.Url, Database = "db" });
        using var connection = new InfluxConnection(options);
        var reader = new InfluxReader(connection, options);
        long sum = 0;
        var count = 0;
        await foreach (var series in reader.StreamAsync("SELECT * FROM m"))
        {
            Assert.Equal("m \"q\"", series.Name);
            sum += series.Rows.Sum(r => r[1].AsInt64());
            count++;
        }

        Assert.Equal(50, count);
        Assert.Equal(50 * (12345678901L - 3), sum);
    }

    [Fact]
    public async Task StreamAsync_ServerRefuses_InfluxExceptionWithItsError()
    {
        await using var server = new ScriptedQueryServer(Encoding.UTF8.GetBytes("{\"error\":\"authorization failed\"}"), HttpStatusCode.Unauthorized);
        var options = Options.Create(new InfluxOptions { Url = server.Url, Database = "db" });
        using var connection = new InfluxConnection(options);
        var error = await Assert.ThrowsAnyAsync<InfluxException>(async () =>
        {
            await foreach (var _ in new InfluxReader(connection, options).StreamAsync("SELECT * FROM m"))
            {
            }
        });
        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Contains("rejected the credentials", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A loopback server that answers every /query with one scripted body, sent in small writes.</summary>
    private sealed class ScriptedQueryServer : IAsyncDisposable
    {
        private readonly HttpListener listener = new();
        private readonly Task loop;

        public ScriptedQueryServer(byte[] body, HttpStatusCode status = HttpStatusCode.OK, int writeSize = 64)
        {
            var port = InfluxdServer.FreePort();
            listener.Prefixes.Add(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/"));
            listener.Start();
            Url = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/"));
            loop = Task.Run(async () =>
            {
                while (listener.IsListening)
                {
                    HttpListenerContext context;
                    try
                    {
                        context = await listener.GetContextAsync();
                    }
                    catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                    {
                        return;
                    }

                    LastQuery = context.Request.RawUrl ?? string.Empty;
                    context.Response.StatusCode = (int)status;
                    context.Response.ContentType = "application/json";
                    context.Response.SendChunked = true;
                    for (var i = 0; i < body.Length; i += writeSize)
                    {
                        await context.Response.OutputStream.WriteAsync(body.AsMemory(i, Math.Min(writeSize, body.Length - i)));
                        await context.Response.OutputStream.FlushAsync();
                    }

                    context.Response.Close();
                }
            });
        }

        public Uri Url { get; }

        public string LastQuery { get; private set; } = string.Empty;

        public async ValueTask DisposeAsync()
        {
            listener.Stop();
            listener.Close();
            await loop;
        }
    }
}

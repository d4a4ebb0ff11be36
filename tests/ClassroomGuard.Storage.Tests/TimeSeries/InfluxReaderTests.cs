using System.Net;
using System.Text;
using ClassroomGuard.Storage.Tests.TimeSeries.Support;
using ClassroomGuard.Storage.TimeSeries;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Storage.Tests.TimeSeries;

[Collection(InfluxdCollection.Name)]
public sealed class InfluxReaderTests(InfluxdFixture influxd)
{
    private const string Valid = """
        {"results":[{"statement_id":0,"series":[{"name":"dns_activity","tags":{"room":"B12"},"columns":["time","queries","ratio","note","ok"],
        "values":[[1763780000000000000,12,0.25,"a \"quoted\" \\ text",true],[1763780001000000000,null,1e3,"",false]]}]}]}
        """;

    private static readonly InfluxConnection Connection = new(Options.Create(new InfluxOptions { Url = new Uri("http://127.0.0.1:8086") }));

    private static InfluxQueryResult Interpret(string json, HttpStatusCode status = HttpStatusCode.OK) =>
        InfluxReader.Interpret(status, Encoding.UTF8.GetBytes(json), Connection);

    [Fact]
    public void Interpret_ValidAnswer_TypedSeries()
    {
        var series = Assert.Single(Interpret(Valid).Series);

        Assert.Equal("dns_activity", series.Name);
        Assert.Equal("B12", series.Tags["room"]);
        Assert.Equal(["time", "queries", "ratio", "note", "ok"], series.Columns);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_763_780_000), series.Rows[0][0].AsTime());
        Assert.Equal(12, series.Rows[0][1].AsInt64());
        Assert.Equal(0.25, series.Rows[0][2].AsDouble());
        Assert.Equal("a \"quoted\" \\ text", series.Rows[0][3].AsString());
        Assert.True(series.Rows[0][4].AsBoolean());
        Assert.True(series.Rows[1][1].IsNull);
        Assert.Equal(InfluxValueKind.Float, series.Rows[1][2].Kind);
        Assert.Equal(1000.0, series.Rows[1][2].AsDouble());
    }

    public static TheoryData<string, string> Malformed => new()
    {
        { "", "malformed" },
        { "not json", "malformed" },
        { "<html><body>502 Bad Gateway</body></html>", "malformed" },
        { "[]", "malformed" },
        { "{\"results\":{}}", "malformed" },
        { "{\"results\":[{\"series\":[{\"columns\":[\"a\"],\"values\":[[1,2]]}]}]}", "1 columns" },
        { "{\"results\":[{\"series\":[{\"values\":[[{}]]}]}]}", "malformed" },
        { "{\"results\":[]} trailing", "malformed" },
        { "{\"results\":[{\"statement_id\":\"zero\"}]}", "statement_id" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Interpret_MalformedJson_InfluxExceptionNamingServer(string json, string expected)
    {
        var error = Assert.Throws<InfluxException>(() => Interpret(json));

        Assert.StartsWith("InfluxDB at http://127.0.0.1:8086/ sent a malformed query answer", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Interpret_EveryTruncatedPrefix_InfluxExceptionNeverAnotherType()
    {
        var bytes = Encoding.UTF8.GetBytes(Valid);
        for (var length = 0; length < bytes.Length; length++)
        {
            var prefix = bytes.AsSpan(0, length).ToArray();
            var error = Record.Exception(() => InfluxReader.Interpret(HttpStatusCode.OK, prefix, Connection));
            if (error is null)
            {
                // Only a prefix that is itself a complete answer may parse.
                Assert.Equal('}', (char)prefix[^1]);
                continue;
            }

            Assert.IsType<InfluxException>(error);
        }
    }

    [Fact]
    public void Interpret_TopLevelError_InfluxQueryException()
    {
        var error = Assert.Throws<InfluxQueryException>(() =>
            Interpret("{\"error\":\"error parsing query: found EOF\"}", HttpStatusCode.BadRequest));

        Assert.Equal("error parsing query: found EOF", error.ServerError);
        Assert.Equal(-1, error.StatementId);
        Assert.Contains("refused the query (400)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Interpret_StatementError_InfluxQueryExceptionWithStatementId()
    {
        var error = Assert.Throws<InfluxQueryException>(() =>
            Interpret("{\"results\":[{\"statement_id\":0},{\"statement_id\":1,\"error\":\"database not found: x\"}]}"));

        Assert.Equal(1, error.StatementId);
        Assert.Equal("database not found: x", error.ServerError);
    }

    [Fact]
    public void Interpret_ServerErrorWithoutJson_InfluxExceptionWithStatus()
    {
        var error = Assert.Throws<InfluxException>(() => Interpret("upstream timed out", HttpStatusCode.GatewayTimeout));

        Assert.Equal(HttpStatusCode.GatewayTimeout, error.StatusCode);
        Assert.Contains("HTTP 504 with an unreadable body", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueryAsync_RealServerBadQuery_InfluxQueryException()
    {
        await using var client = new InfluxTestClient(influxd.Server.Url, influxd.NewDatabase("reader"));

        var error = await Assert.ThrowsAsync<InfluxQueryException>(() => client.Reader.QueryAsync("SELECT FROM WHERE", CancellationToken.None));

        Assert.Contains("error parsing query", error.ServerError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueryAsync_RealServerTwoStatements_BothResultsInOrder()
    {
        var database = influxd.NewDatabase("reader");
        await using var client = new InfluxTestClient(influxd.Server.Url, database, o => o.RetentionPolicy = "");
        await client.Reader.QueryAsync($"CREATE DATABASE {database}", CancellationToken.None);
        await client.Writer.StartAsync(CancellationToken.None);
        client.Writer.TryWrite(client.Writer.CreatePoint("a").Tag("t", "x").Field("v", 1.5).Timestamp(10L));
        client.Writer.TryWrite(client.Writer.CreatePoint("a").Tag("t", "y").Field("v", 2.5).Timestamp(20L));
        await client.Writer.FlushAsync(CancellationToken.None);

        var result = await client.Reader.QueryAsync("SELECT sum(v) FROM a GROUP BY t; SHOW TAG VALUES FROM a WITH KEY = t", CancellationToken.None);

        Assert.Equal(2, result.Statements.Count);
        Assert.Equal(["x", "y"], result.Statements[0].Series.Select(s => s.Tags["t"]));
        Assert.Equal(1.5, result.Statements[0].Series[0].Rows[0][1].AsDouble());
        Assert.Equal(["x", "y"], result.Statements[1].Series[0].Rows.Select(r => r[1].AsString()));
    }

    [Fact]
    public async Task QueryAsync_ServerUnreachable_InfluxExceptionNamingUrl()
    {
        var url = new Uri($"http://127.0.0.1:{InfluxdServer.FreePort()}");
        await using var client = new InfluxTestClient(url, "x");

        var error = await Assert.ThrowsAsync<InfluxException>(() => client.Reader.QueryAsync("SHOW DATABASES", CancellationToken.None));

        Assert.Equal($"InfluxDB at {url} is unreachable: connection refused (is influxd running?)", error.Message);
    }
}

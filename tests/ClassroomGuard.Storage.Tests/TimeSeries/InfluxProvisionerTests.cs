using ClassroomGuard.Storage.Tests.TimeSeries.Support;
using ClassroomGuard.Storage.TimeSeries;

namespace ClassroomGuard.Storage.Tests.TimeSeries;

[Collection(InfluxdCollection.Name)]
public sealed class InfluxProvisionerTests(InfluxdFixture influxd)
{
    private static async Task<Dictionary<string, (string Duration, bool IsDefault)>> PoliciesAsync(InfluxTestClient client)
    {
        var series = await client.SeriesAsync($"SHOW RETENTION POLICIES ON {client.Options.Database}");
        return series!.Rows.ToDictionary(r => r[0].AsString(), r => (r[1].AsString(), r[4].AsBoolean()));
    }

    private static async Task<List<string>> ContinuousQueriesAsync(InfluxTestClient client)
    {
        var result = await client.Reader.QueryAsync("SHOW CONTINUOUS QUERIES", CancellationToken.None);
        return result.Series.Where(s => s.Name == client.Options.Database).SelectMany(s => s.Rows).Select(r => r[1].AsString()).ToList();
    }

    [Fact]
    public async Task ProvisionAsync_RunTwice_PoliciesAndContinuousQueriesExistOnce()
    {
        await using var client = new InfluxTestClient(influxd.Server.Url, influxd.NewDatabase("prov"));

        var version = await client.Provisioner.ProvisionAsync(CancellationToken.None);
        await client.Provisioner.ProvisionAsync(CancellationToken.None);

        Assert.StartsWith("1.", version, StringComparison.Ordinal);
        var policies = await PoliciesAsync(client);
        Assert.Equal(("168h0m0s", true), policies["raw"]);
        Assert.Equal(("2160h0m0s", false), policies["rollup_1m"]);
        Assert.Equal(("9600h0m0s", false), policies["rollup_1h"]);
        Assert.Equal(("2160h0m0s", false), policies["blocks"]);
        Assert.Equal(("840h0m0s", false), policies["report_top"]); // the top lists: 35 days, not the hourly sums' 400
        var queries = await ContinuousQueriesAsync(client);
        Assert.Equal(3, queries.Count);
        Assert.Contains(queries, q => q.Contains("cq_blocks", StringComparison.Ordinal) && q.Contains("blocks.dns_blocks", StringComparison.Ordinal));
        Assert.Contains(queries, q => q.Contains("cq_rollup_1m", StringComparison.Ordinal) && q.Contains("rollup_1m.:MEASUREMENT", StringComparison.Ordinal));
        Assert.Contains(queries, q => q.Contains("cq_rollup_1h", StringComparison.Ordinal) && q.Contains("time(1h)", StringComparison.Ordinal));
        Assert.DoesNotContain(client.Logs, l => l.Contains("replaced", StringComparison.Ordinal) || l.Contains("altered", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ProvisionAsync_SettingsChanged_PoliciesAlteredAndQueriesReplaced()
    {
        var database = influxd.NewDatabase("prov");
        await using (var first = new InfluxTestClient(influxd.Server.Url, database))
        {
            await first.Provisioner.ProvisionAsync(CancellationToken.None);
        }

        await using var second = new InfluxTestClient(influxd.Server.Url, database, o => o.RawRetention = TimeSpan.FromDays(3));
        await second.Provisioner.ProvisionAsync(CancellationToken.None);

        Assert.Equal(("72h0m0s", true), (await PoliciesAsync(second))["raw"]);
        Assert.Contains(second.Logs, l => l.Contains("altered retention policy raw", StringComparison.Ordinal));
        Assert.Equal(3, (await ContinuousQueriesAsync(second)).Count);
    }

    [Fact]
    public async Task ContinuousQueries_BodyRunOnRawData_SumsPerMinuteIntoRollup()
    {
        var database = influxd.NewDatabase("prov");
        await using var client = new InfluxTestClient(influxd.Server.Url, database);
        await client.Provisioner.ProvisionAsync(CancellationToken.None);
        await client.Writer.StartAsync(CancellationToken.None);
        var minute = DateTimeOffset.UtcNow.AddHours(-1);
        minute = new DateTimeOffset(minute.Year, minute.Month, minute.Day, minute.Hour, minute.Minute, 0, TimeSpan.Zero);
        for (var second = 0; second < 60; second++)
        {
            client.Writer.TryWrite(client.Writer.CreatePoint("dns_activity").Tag("device", "d1")
                .Field("queries", 2L).Field("blocked", 1L).Timestamp(minute.AddSeconds(second)));
        }

        await client.Writer.FlushAsync(CancellationToken.None);

        // Run the minute CQ's own SELECT … INTO for that minute (the CQ service would do it every minute).
        var statement = client.Provisioner.ContinuousQueries.Single(q => q.Name == "cq_rollup_1m").Statement;
        var select = statement[(statement.IndexOf("BEGIN ", StringComparison.Ordinal) + 6)..statement.LastIndexOf(" END", StringComparison.Ordinal)];
        var ns = (minute - DateTimeOffset.UnixEpoch).Ticks * 100;
        select = select.Replace(" GROUP BY", $" WHERE time >= {ns} AND time < {ns + 60_000_000_000} GROUP BY", StringComparison.Ordinal);
        await client.Reader.QueryAsync(select, CancellationToken.None);

        var rollup = await client.SeriesAsync($"SELECT sum_queries, sum_blocked, device FROM {database}.rollup_1m.dns_activity");
        Assert.Equal(120, rollup!.Rows.Single()[1].AsInt64());
        Assert.Equal(60, rollup.Rows.Single()[2].AsInt64());
        Assert.Equal("d1", rollup.Rows.Single()[3].AsString());
    }

    [Fact]
    public async Task ProvisionAsync_UpgradeWithoutTheBlocksPolicy_CopiesRawBlocksOnceIntoTheNewHistory()
    {
        // A database provisioned before the block history: raw only, already holding the week's dns_blocks.
        var database = influxd.NewDatabase("prov");
        await using var client = new InfluxTestClient(influxd.Server.Url, database);
        await client.Reader.QueryAsync($"CREATE DATABASE {database}", CancellationToken.None);
        await client.Reader.QueryAsync($"CREATE RETENTION POLICY raw ON {database} DURATION 168h REPLICATION 1 DEFAULT", CancellationToken.None);
        await client.Writer.StartAsync(CancellationToken.None);
        var now = DateTimeOffset.UtcNow;
        var days = new[] { now.AddDays(-6).AddHours(-20), now.AddDays(-3), now.AddHours(-2) }
            .Select(t => new DateTimeOffset(t.UtcTicks - t.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero)).ToArray();
        for (var i = 0; i < days.Length; i++)
        {
            client.Writer.TryWrite(client.Writer.CreatePoint("dns_blocks").Tag("device", "7").Tag("room", "2").Tag("client", "").Tag("n", "0")
                .Field("domain", $"site{i}.example").Field("category", "games").Field("reason", "Category").Field("rule", $"list:site{i}.example")
                .Field("group", "ks3").Field("ip", "10.3.0.20").Field("mac", "02:00:00:00:00:20").Field("count", (long)(i + 1)).Timestamp(days[i]));
        }

        await client.Writer.FlushAsync(CancellationToken.None);

        await client.Provisioner.ProvisionAsync(CancellationToken.None);
        var copied = await client.SeriesAsync($"SELECT \"domain\", \"count\", \"device\" FROM {database}.blocks.dns_blocks");
        await client.Provisioner.ProvisionAsync(CancellationToken.None); // the policy exists now: no second copy

        Assert.NotNull(copied);
        Assert.Equal(["site0.example", "site1.example", "site2.example"], copied.Rows.Select(r => r[1].AsString()));
        Assert.Equal([1L, 2L, 3L], copied.Rows.Select(r => r[2].AsInt64()));
        Assert.All(copied.Rows, r => Assert.Equal("7", r[3].AsString()));
        Assert.Single(client.Logs, l => l.Contains("block history was filled", StringComparison.Ordinal));
        Assert.DoesNotContain(client.Logs, l => l.Contains("failed", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("168h0m0s", 168 * 60)]
    [InlineData("0s", 0)]
    [InlineData("1h30m0s", 90)]
    [InlineData("90m", 90)]
    public void ParseGoDuration_InfluxText_Minutes(string text, int minutes) =>
        Assert.Equal(TimeSpan.FromMinutes(minutes), InfluxProvisioner.ParseGoDuration(text));

    [Theory]
    [InlineData(7 * 24 * 60, "168h")]
    [InlineData(90, "90m")]
    public void FormatDuration_WholeHoursOrMinutes_InfluxQl(int minutes, string expected) =>
        Assert.Equal(expected, InfluxProvisioner.FormatDuration(TimeSpan.FromMinutes(minutes)));
}

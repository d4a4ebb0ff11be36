using System.Globalization;
using ClassroomGuard.Storage.Tests.TimeSeries.Support;
using ClassroomGuard.Storage.TimeSeries;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Storage.Tests.TimeSeries;

/// <summary>The hourly report rollup and the rollup backfill against the real influxd.</summary>
[Collection(InfluxdCollection.Name)]
public sealed class ReportRollupTests(InfluxdFixture influxd)
{
    private static ReportRollup Rollup(InfluxTestClient client) =>
        new(client.Connection, client.Reader, Options.Create(client.Options), NullLogger<ReportRollup>.Instance);

    private static async Task<InfluxTestClient> ClientAsync(InfluxdFixture influxd, TimeSpan rawRetention)
    {
        var client = new InfluxTestClient(influxd.Server.Url, influxd.NewDatabase("rollup"), o => o.RawRetention = rawRetention);
        await client.Provisioner.ProvisionAsync(CancellationToken.None);
        await client.Writer.StartAsync(CancellationToken.None);
        return client;
    }

    [Fact]
    public async Task RollUpHour_KeepsTheTop25PerRoomAndList_EveryGroup_AndAWatermark()
    {
        await using var client = await ClientAsync(influxd, TimeSpan.FromDays(7));
        var hour = ReportRollup.HourOf(DateTimeOffset.UtcNow).AddHours(-3);
        var w = client.Writer;

        // Room 1: 30 distinct sites over two points (only the top 25 are kept), blocks in two groups; no room: one block.
        var sites = Enumerable.Range(1, 30).Select(i => $"site{i:D2}.example={i * 100}").ToList();
        Assert.True(w.TryWrite(w.CreatePoint("net_activity").Tag("device", "1").Tag("room", "1").Field("bytes_in", 1L).Field("top_sites", string.Join(',', sites.Take(15))).Timestamp(hour.AddMinutes(1))));
        Assert.True(w.TryWrite(w.CreatePoint("net_activity").Tag("device", "2").Tag("room", "1").Field("bytes_in", 1L).Field("top_sites", string.Join(',', sites.Skip(15)) + ",site30.example=5").Timestamp(hour.AddMinutes(2))));
        Assert.True(w.TryWrite(w.CreatePoint("dns_activity").Tag("device", "1").Tag("room", "1").Field("queries", 9L).Field("top_domains", "a.example=5,b.example=4").Timestamp(hour.AddMinutes(1))));
        Assert.True(w.TryWrite(Block(w, "1", "1", "0", "poki.com", "games", "ks3", 3, hour.AddMinutes(5))));
        Assert.True(w.TryWrite(Block(w, "1", "1", "1", "discord.com", "chat", "ks3", 1, hour.AddMinutes(5))));
        Assert.True(w.TryWrite(Block(w, "2", "1", "0", "poki.com", "games", "staff", 2, hour.AddMinutes(6))));
        Assert.True(w.TryWrite(Block(w, "3", "", "0", "bet365.com", "gambling", "guests", 1, hour.AddMinutes(7))));
        Assert.True(w.TryWrite(Block(w, "1", "1", "0", "outside.example", "games", "ks3", 1, hour.AddHours(1))));
        await w.FlushAsync(CancellationToken.None);

        var rollup = Rollup(client);
        Assert.Null(await rollup.LastHourAsync(CancellationToken.None));
        await rollup.RollUpHourAsync(hour.AddMinutes(20), CancellationToken.None);
        Assert.Equal(hour, await rollup.LastHourAsync(CancellationToken.None));

        var rows = await TopAsync(client);
        var siteRows = rows.Where(r => r.Room == "1" && r.List == "sites").OrderBy(r => r.Rank).ToList();
        Assert.Equal(ReportRollup.TopN, siteRows.Count);
        Assert.Equal(("site30.example", 3005L), (siteRows[0].Name, siteRows[0].Count));
        Assert.Equal(("site06.example", 600L), (siteRows[^1].Name, siteRows[^1].Count));
        Assert.Equal([("a.example", 5L), ("b.example", 4L)], rows.Where(r => r.List == "domains").OrderBy(r => r.Rank).Select(r => (r.Name, r.Count)));
        Assert.Equal([("poki.com", 5L, "games"), ("discord.com", 1L, "chat")],
            rows.Where(r => r.Room == "1" && r.List == "blocked").OrderBy(r => r.Rank).Select(r => (r.Name, r.Count, r.Category)));
        Assert.Equal([("ks3", 4L), ("staff", 2L)], rows.Where(r => r.Room == "1" && r.List == "groups").OrderBy(r => r.Rank).Select(r => (r.Name, r.Count)));
        Assert.Equal([("", "bet365.com", 1L), ("", "guests", 1L)], rows.Where(r => r.Room == "" && r.List != "done").OrderBy(r => r.List).Select(r => (r.Room, r.Name, r.Count)));
        Assert.DoesNotContain(rows, r => r.Name == "outside.example");
    }

    [Fact]
    public async Task RollUpHour_InferredSites_NeverInTheWeeklyTopSites()
    {
        // The sniffer's names only inferred from a device's own DNS answers (issue #16) are a guess: the report's sites
        // are the names the traffic carried itself, even when the guess is far bigger.
        await using var client = await ClientAsync(influxd, TimeSpan.FromDays(7));
        var hour = ReportRollup.HourOf(DateTimeOffset.UtcNow).AddHours(-3);
        var w = client.Writer;
        Assert.True(w.TryWrite(w.CreatePoint("net_activity").Tag("device", "1").Tag("room", "1").Field("bytes_in", 1L)
            .Field("top_sites", "learn.example.ac.uk=400").Field("inferred_sites", "adult-videos.example=99000").Timestamp(hour.AddMinutes(1))));
        Assert.True(w.TryWrite(w.CreatePoint("net_activity").Tag("device", "2").Tag("room", "1").Field("bytes_in", 1L)
            .Field("inferred_sites", "adult-videos.example=5000").Timestamp(hour.AddMinutes(2))));
        await w.FlushAsync(CancellationToken.None);

        await Rollup(client).RollUpHourAsync(hour.AddMinutes(20), CancellationToken.None);

        var site = Assert.Single(await TopAsync(client), r => r.List == "sites");
        Assert.Equal(("learn.example.ac.uk", 400L), (site.Name, site.Count));
    }

    [Fact]
    public async Task CatchUp_StartsWhereRawBegins_ThenFromTheWatermark_AndNeverTwice()
    {
        await using var client = await ClientAsync(influxd, TimeSpan.FromHours(6));
        var now = ReportRollup.HourOf(DateTimeOffset.UtcNow).AddMinutes(4);
        var w = client.Writer;
        Assert.True(w.TryWrite(Block(w, "1", "1", "0", "poki.com", "games", "ks3", 2, now.AddHours(-2))));
        await w.FlushAsync(CancellationToken.None);
        var rollup = Rollup(client);

        // No watermark: the hours raw still holds (6 h: the 5 complete hours after its oldest).
        Assert.Equal(5, await rollup.CatchUpAsync(now, CancellationToken.None));
        Assert.Equal(ReportRollup.HourOf(now).AddHours(-1), await rollup.LastHourAsync(CancellationToken.None));
        Assert.Contains(await TopAsync(client), r => r.Name == "poki.com" && r.Count == 2);

        // Nothing new: nothing done. Three hours later: those three hours.
        Assert.Equal(0, await rollup.CatchUpAsync(now, CancellationToken.None));
        Assert.Equal(3, await rollup.CatchUpAsync(now.AddHours(3), CancellationToken.None));
        Assert.Equal(ReportRollup.HourOf(now).AddHours(2), await rollup.LastHourAsync(CancellationToken.None));

        // A watermark older than raw: only what raw holds.
        Assert.Equal(5, await rollup.CatchUpAsync(now.AddHours(20), CancellationToken.None));
    }

    [Fact]
    public async Task Backfill_MakesTheHourAndMinuteRollupsAndTheReportRollupOfAPastRange()
    {
        await using var client = await ClientAsync(influxd, TimeSpan.FromDays(30));
        var start = ReportRollup.HourOf(DateTimeOffset.UtcNow).AddDays(-10);
        var w = client.Writer;
        long queries = 0;
        for (var minute = 0; minute < 180; minute += 7)
        {
            Assert.True(w.TryWrite(w.CreatePoint("dns_activity").Tag("device", "1").Tag("room", "2").Field("queries", (long)minute).Field("top_domains", "x.example=1").Timestamp(start.AddMinutes(minute))));
            queries += minute;
        }

        await w.FlushAsync(CancellationToken.None);
        var backfill = new RollupBackfill(client.Reader, Rollup(client), Options.Create(client.Options), NullLogger<RollupBackfill>.Instance);
        Assert.Equal(3, await backfill.RunAsync(start.AddMinutes(10), start.AddHours(2).AddMinutes(1), RollupScope.All, CancellationToken.None));

        var hourly = await client.SeriesAsync($"SELECT sum(\"sum_queries\") FROM \"{client.Options.Database}\".\"rollup_1h\".\"dns_activity\"");
        Assert.Equal(queries, hourly!.Rows[0][1].AsInt64());
        var perMinute = await client.SeriesAsync($"SELECT count(\"sum_queries\") FROM \"{client.Options.Database}\".\"rollup_1m\".\"dns_activity\"");
        Assert.Equal(26, perMinute!.Rows[0][1].AsInt64());
        var top = await TopAsync(client);
        Assert.Equal(26, top.Where(r => r.List == "domains").Sum(r => r.Count));
        Assert.Equal(3, top.Count(r => r.List == "done"));
    }

    private static PointBuilder Block(InfluxWriter w, string device, string room, string n, string domain, string category, string group, long count, DateTimeOffset at) =>
        w.CreatePoint("dns_blocks").Tag("device", device).Tag("room", room).Tag("n", n).Field("domain", domain).Field("category", category)
            .Field("reason", "Category").Field("rule", "list:" + domain).Field("group", group).Field("ip", "10.0.0." + device).Field("mac", "").Field("count", count).Timestamp(at);

    private static async Task<List<(string Room, string List, int Rank, string Name, long Count, string? Category)>> TopAsync(InfluxTestClient client)
    {
        var rows = new List<(string, string, int, string, long, string?)>();
        var result = await client.Reader.QueryAsync(
            $"SELECT \"name\", \"count\", \"category\" FROM \"{client.Options.Database}\".\"report_top\".\"report_top\" GROUP BY \"room\", \"list\", \"rank\"", CancellationToken.None);
        foreach (var series in result.Series)
        {
            foreach (var row in series.Rows)
            {
                rows.Add((series.Tags.GetValueOrDefault("room") ?? "", series.Tags["list"], int.Parse(series.Tags.GetValueOrDefault("rank") is { Length: > 0 } r ? r : "0", CultureInfo.InvariantCulture),
                    row[1].IsNull ? "" : row[1].AsString(), row[2].AsInt64(), row[3].IsNull ? null : row[3].AsString()));
            }
        }

        return rows;
    }
}

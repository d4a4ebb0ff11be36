using System.Globalization;
using ClassroomGuard.Console.Safeguarding.History;
using ClassroomGuard.Storage.TimeSeries;

namespace ClassroomGuard.Console.Tests.Safeguarding;

/// <summary>The block history's query and keyset paging against a real influxd (<see cref="BlockHistoryWorld"/>).</summary>
public sealed class BlockHistoryReaderTests(BlockHistoryWorld world) : IClassFixture<BlockHistoryWorld>
{
    private static readonly BlockCriteria Everything = new(BlockHistoryWorld.Start.AddDays(-1), BlockHistoryWorld.End.AddDays(1)); // not the copy test's rows (this week);

    private static (long, string) Id(BlockRecord r) => (r.TimeNs, r.Key);

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(50)]
    [InlineData(1000)]
    public async Task Pages_AnySize_VisitEveryRowOnceNewestFirst(int size)
    {
        var rows = await world.AllPagesAsync(Everything, size);

        Assert.Equal(world.Written.Count, rows.Count);
        Assert.Equal(rows.Count, rows.Select(Id).Distinct().Count());
        Assert.Equal(world.Written.Select(Id).Order(), rows.Select(Id).Order());
        Assert.True(rows.Zip(rows.Skip(1)).All(p => p.First.TimeNs > p.Second.TimeNs || (p.First.TimeNs == p.Second.TimeNs && string.CompareOrdinal(p.First.Key, p.Second.Key) < 0)),
            "rows are not newest first, then by series");
        Assert.Contains(world.Written.GroupBy(r => r.TimeNs), g => g.Count() >= 4); // the data does put many rows in one second
    }

    [Theory]
    [InlineData(1)]
    [InlineData(50)]
    public async Task Pages_NoTimeBudget_StopAtEachWindowYetVisitEveryRowOnce(int size)
    {
        var rows = await world.AllPagesAsync(Everything, size, TimeSpan.Zero);

        Assert.Equal(world.Written.Select(Id).Order(), rows.Select(Id).Order());
        Assert.Equal(rows.Count, rows.Select(Id).Distinct().Count());
    }

    [Fact]
    public async Task Period_ExtremeDates_ClampedNotOverflowed()
    {
        var all = await world.AllPagesAsync(new BlockCriteria(DateTimeOffset.MinValue, BlockHistoryWorld.End.AddDays(1)), 1000);
        var none = await world.History.PageAsync(new BlockCriteria(DateTimeOffset.MaxValue.AddDays(-1), DateTimeOffset.MaxValue), null, 10, CancellationToken.None);
        var backwards = await world.History.PageAsync(Everything with { From = Everything.To, To = Everything.From }, null, 10, CancellationToken.None);

        Assert.Equal(world.Written.Count, all.Count);
        Assert.Empty(none.Rows);
        Assert.Empty(backwards.Rows);
        Assert.Null(backwards.Next);
    }

    [Fact]
    public void Window_AtOrNearTheCap_StaysAtTheCapNeverOverflows()
    {
        // 100 years × 4 overflows a long: Math.Min(window * 4, cap) made the window negative (a reversed time range).
        var window = BlockHistoryReader.FirstWindow.Ticks * 100;
        for (var i = 0; i < 40; i++)
        {
            window = BlockHistoryReader.NextWindow(window, BlockHistoryReader.LongestWindow);
            Assert.InRange(window, 1, BlockHistoryReader.LongestWindow);
        }

        Assert.Equal(BlockHistoryReader.LongestWindow, window);
        Assert.Equal(BlockHistoryReader.LongestWindow, BlockHistoryReader.NextWindow(BlockHistoryReader.LongestWindow / 4 + 1, BlockHistoryReader.LongestWindow));
        Assert.Equal((BlockHistoryReader.LongestWindow / 4 - 1) * 4, BlockHistoryReader.NextWindow(BlockHistoryReader.LongestWindow / 4 - 1, BlockHistoryReader.LongestWindow));
    }

    [Fact]
    public async Task Period_1970To2199_NoFieldCondition_FindsEveryRowOnce()
    {
        // 230 years of sparse history: the windows grow to 100 years and must stay there. The token only stops a hang.
        using var hang = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var period = new BlockCriteria(new DateTimeOffset(1970, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2199, 12, 31, 0, 0, 0, TimeSpan.Zero));
        var rows = new List<BlockRecord>();
        await foreach (var row in world.History.AllAsync(period, 1000, hang.Token))
        {
            rows.Add(row);
        }

        Assert.Empty(world.Written.Select(Id).Except(rows.Select(Id)));
        Assert.Equal(rows.Count, rows.Select(Id).Distinct().Count());
    }

    [Fact]
    public async Task Page_Rows_CarryEveryFieldAsWritten()
    {
        var rows = await world.AllPagesAsync(Everything, 500);

        var written = world.Written.ToDictionary(Id);
        Assert.All(rows, r => Assert.Equal(written[Id(r)], r));
    }

    public static TheoryData<string> Filters => new() { "device", "devices", "ip", "category", "group", "list", "deny", "teacher", "circumvention", "period", "combined" };

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task Filter_Each_NarrowsToExactlyTheMatchingRows(string which)
    {
        var day2 = BlockHistoryWorld.Start.AddHours(2);
        var (criteria, match) = which switch
        {
            "device" => (Everything with { DeviceIds = [7] }, (Func<BlockRecord, bool>)(r => r.DeviceId == 7)),
            "devices" => (Everything with { DeviceIds = [3, 11, 29] }, r => r.DeviceId is 3 or 11 or 29),
            "ip" => (Everything with { Ip = "10.9.0.2" }, r => r.Ip == "10.9.0.2"),
            "category" => (Everything with { Category = "games" }, r => r.Category == "games"),
            "group" => (Everything with { Group = "pupils_ks4" }, r => r.Group == "pupils_ks4"),
            "list" => (Everything with { Rule = BlockRuleKind.List }, r => r.Reason is "Category" or "AlwaysOn"),
            "deny" => (Everything with { Rule = BlockRuleKind.Deny }, r => r.Reason == "Deny"),
            "teacher" => (Everything with { Rule = BlockRuleKind.TeacherAction }, r => r.Reason is "Pause" or "Focus"),
            "circumvention" => (Everything with { Rule = BlockRuleKind.Circumvention }, r => r.Reason == "Circumvention"),
            "period" => (Everything with { From = day2, To = day2.AddHours(2) }, r => r.At >= day2 && r.At < day2.AddHours(2)),
            _ => (Everything with { DeviceIds = [4, 5, 6, 7, 8], Category = "adult", Rule = BlockRuleKind.List, DomainSuffix = "youtube.com" },
                r => r.DeviceId is >= 4 and <= 8 && r.Category == "adult" && r.Reason is "Category" or "AlwaysOn" && (r.Domain == "youtube.com" || r.Domain.EndsWith(".youtube.com", StringComparison.Ordinal))),
        };
        var expected = world.Written.Where(match).Select(Id).Order().ToList();
        var rows = await world.AllPagesAsync(criteria, 37);

        Assert.NotEmpty(expected);
        Assert.True(expected.Count < world.Written.Count, "the filter must narrow");
        Assert.Equal(expected, rows.Select(Id).Order().ToList());
    }

    [Theory]
    [InlineData("youtube.com", new[] { "youtube.com", "m.youtube.com", "www.m.youtube.com" })]
    [InlineData("m.youtube.com", new[] { "m.youtube.com", "www.m.youtube.com" })]
    [InlineData("poki.com", new[] { "poki.com", "games.poki.com" })]
    [InlineData("outube.com", new string[0])]
    public async Task Domain_Suffix_MatchesTheNameAndItsSubdomainsOnly(string suffix, string[] domains)
    {
        var rows = await world.AllPagesAsync(Everything with { DomainSuffix = suffix }, 100);

        Assert.Equal(domains.Order(), rows.Select(r => r.Domain).Distinct().Order());
        Assert.Equal(world.Written.Count(r => domains.Contains(r.Domain)), rows.Count);
    }

    [Theory]
    [MemberData(nameof(HostileNames))]
    public async Task Domain_Hostile_FindsExactlyThatStoredName(string hostile)
    {
        var rows = await world.AllPagesAsync(Everything with { DomainSuffix = hostile }, 100);

        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.Equal(hostile, r.Domain));
        Assert.Equal(world.Written.Count(r => r.Domain == hostile), rows.Count);
    }

    public static TheoryData<string> HostileNames => new(BlockHistoryWorld.Hostile);

    [Theory]
    [InlineData("' OR 1=1 OR 'a'='a")]
    [InlineData("\") OR (\"a\"=\"a")]
    [InlineData("x'; DROP DATABASE history; --")]
    [InlineData("back\\")]
    [InlineData("line\nbreak")]
    [InlineData("/.*/")]
    [InlineData("\r\n\t\0")]
    public async Task TextFilters_Hostile_AreValuesNotInfluxQl(string hostile)
    {
        foreach (var criteria in new[]
        {
            Everything with { Ip = hostile }, Everything with { Category = hostile }, Everything with { Group = hostile }, Everything with { DomainSuffix = hostile },
        })
        {
            var page = await world.History.PageAsync(criteria, null, 10, CancellationToken.None);
            Assert.Empty(page.Rows);
        }

        Assert.Equal(world.Written.Count, (await world.AllPagesAsync(Everything, 1000)).Count); // nothing was dropped or changed
    }

    [Fact]
    public void Patterns_AnyText_HaveNoDelimiterNewlineOrBareOperator()
    {
        foreach (var text in BlockHistoryWorld.Hostile.Concat(["", "😀.example", "\ud800", "a/b"]))
        {
            var body = InfluxQlPatterns.Escape(text);
            Assert.DoesNotContain('/', body);
            Assert.DoesNotContain('\n', body);
            Assert.Matches("^([A-Za-z0-9]|\\\\x\\{[0-9a-f]+\\})*$", body);
        }
    }

    [Fact]
    public async Task Copy_RawPointsOfASecond_ReachTheBlocksPolicyUnchanged()
    {
        // The continuous query's own statement, run by hand over a fixed range (the test influxd runs no CQs).
        var now = DateTimeOffset.UtcNow;
        var at = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero).AddHours(-1); // within raw's 7 days
        var lines = new[]
        {
            $"dns_blocks,device=501,n=0,room=2 domain=\"copy.example\",category=\"adult\",reason=\"Category\",rule=\"list:copy.example\",group=\"pupils_ks3\",ip=\"10.3.5.1\",mac=\"02:aa\",count=3i {Ns(at)}",
            $"dns_blocks,device=501,n=1,room=2 domain=\"it's \\\"two\\\".example\",category=\"\",reason=\"Deny\",rule=\"deny:two.example\",group=\"pupils_ks3\",ip=\"10.3.5.1\",mac=\"02:aa\",count=1i {Ns(at)}",
            $"dns_blocks,client=10.9.9.9,n=0 domain=\"copy2.example\",category=\"games\",reason=\"Category\",rule=\"list:copy2.example\",group=\"guests\",ip=\"10.9.9.9\",mac=\"\",count=1i {Ns(at.AddSeconds(1))}",
        };
        using (var http = new HttpClient())
        using (var content = new StringContent(string.Join('\n', lines)))
        {
            using var response = await http.PostAsync(new Uri(world.Influxd.Url, "write?db=" + BlockHistoryWorld.Database + "&rp=raw"), content);
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }

        await world.Reader.QueryAsync(
            BlockHistoryCopy.Select(BlockHistoryWorld.Database) + $" WHERE time >= {Ns(at.AddMinutes(-5))} AND time < {Ns(at.AddMinutes(1))} GROUP BY time(1s), * fill(none)",
            CancellationToken.None);
        var copied = await world.AllPagesAsync(new BlockCriteria(at.AddMinutes(-1), at.AddMinutes(1)), 10);

        Assert.Equal(3, copied.Count);
        Assert.Equal(new BlockRecord(long.Parse(Ns(at.AddSeconds(1)), CultureInfo.InvariantCulture), null, "10.9.9.9", null, "0", "copy2.example", "games", "Category", "list:copy2.example", "guests", "10.9.9.9", "", 1), copied[0]);
        Assert.Equal(new BlockRecord(long.Parse(Ns(at), CultureInfo.InvariantCulture), 501, null, "2", "0", "copy.example", "adult", "Category", "list:copy.example", "pupils_ks3", "10.3.5.1", "02:aa", 3), copied[1]);
        Assert.Equal("it's \"two\".example", copied[2].Domain);
        Assert.Contains("cq_blocks", await world.Influxd.QueryRawAsync("SHOW CONTINUOUS QUERIES"), StringComparison.Ordinal);
        Assert.Contains("\"blocks\"", await world.Influxd.QueryRawAsync("SHOW RETENTION POLICIES ON " + BlockHistoryWorld.Database), StringComparison.Ordinal);
    }

    private static string Ns(DateTimeOffset at) => ((at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100).ToString(CultureInfo.InvariantCulture);
}

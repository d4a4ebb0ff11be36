using System.Globalization;
using System.Net;
using System.Text;
using ClassroomGuard.Console.Safeguarding.History;
using ClassroomGuard.Console.Tests.Support;
using ClassroomGuard.Storage.State;
using ClassroomGuard.Storage.Tests.TimeSeries.Support;
using CsvHelper;

namespace ClassroomGuard.Console.Tests.Safeguarding;

/// <summary>The /blocks page and its CSV export over HTTP for every role, against a console and a real influxd.</summary>
public sealed class BlockHistoryHttpTests(LiveFixture fixture) : IClassFixture<LiveFixture>
{
    private ConsoleFactory Factory => fixture.Factory;

    [Theory]
    [InlineData(Role.SafeguardingLead)]
    [InlineData(Role.Technician)]
    [InlineData(Role.Administrator)]
    public async Task Page_SafeguardingRoles_GetThePageTheLinkAndTheExport(Role role)
    {
        using var session = await SessionAsync(role);

        var html = await session.PageAsync("/blocks");
        using var export = await session.GetAsync("/blocks/export.csv");

        Assert.Contains(">Block history</h1>", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/blocks\"", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("text/csv", export.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData(Role.Teacher)]
    [InlineData(Role.Governor)]
    public async Task Page_TeacherAndGovernor_Are403_PageAndExport_AndNoLink(Role role)
    {
        using var session = await SessionAsync(role);

        using var page = await session.GetAsync("/blocks");
        using var linked = await session.GetAsync("/blocks?device=1&from=2026-12-01&to=2026-12-07");
        using var export = await session.GetAsync("/blocks/export.csv?domain=example.com");
        var home = await session.PageAsync("/");

        Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, linked.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, export.StatusCode);
        Assert.DoesNotContain("href=\"/blocks\"", home, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_InfluxUnreachable_Is503WithTheReason_NotAnEmptyFile()
    {
        // A loopback port nobody listens on: a real connection refusal, before any row is sent.
        await using var dead = new ConsoleFactory(new Uri($"http://127.0.0.1:{InfluxdServer.FreePort()}"));
        await ConsoleSession.EnsureUserAsync(dead, "http.blocks.down", Role.SafeguardingLead);
        using var session = await ConsoleSession.SignInAsync(dead, "http.blocks.down");

        using var export = await session.GetAsync("/blocks/export.csv?domain=example.com");
        var body = await export.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, export.StatusCode);
        Assert.NotEqual("text/csv", export.Content.Headers.ContentType?.MediaType);
        Assert.Contains("InfluxDB did not answer", body, StringComparison.Ordinal);
        Assert.Null(export.Content.Headers.ContentDisposition);
    }

    [Fact]
    public async Task Export_Anonymous_RedirectedToSignIn()
    {
        using var anonymous = ConsoleSession.Anonymous(Factory);

        using var export = await anonymous.GetAsync("/blocks/export.csv");

        Assert.Equal(HttpStatusCode.Redirect, export.StatusCode);
        Assert.StartsWith("/signin", ConsoleSession.LocationOf(export), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("rule=Everything")]
    [InlineData("rule=1")]
    [InlineData("from=yesterday")]
    [InlineData("from=2026-12-05&to=2026-12-01")]
    [InlineData("device=abc")]
    [InlineData("device=-1")]
    [InlineData("device=999999")]
    [InlineData("domain=it%27s%20%22not%22%2Fa%5Csite")]
    [InlineData("domain=a%0Ab.example")]
    [InlineData("address=10.0.0.1%27%20OR%20%271")]
    [InlineData("category=no_such_category")]
    [InlineData("group=%27%29%20OR%20%28%27")]
    public async Task Export_MalformedOrHostileFilter_Is400(string query)
    {
        using var session = await SessionAsync(Role.SafeguardingLead);

        using var export = await session.GetAsync("/blocks/export.csv?" + query);

        Assert.Equal(HttpStatusCode.BadRequest, export.StatusCode);
    }

    [Fact]
    public async Task Export_EveryRowOfTheFilter_InWordsQuotedAndNamedByPeriod()
    {
        await WaitForBlocksPolicyAsync();
        var store = ConsoleSession.Store(Factory);
        var (room, devices) = await fixture.RoomAsync("Export lab", 2, pupil: "O'Brien, \"Jo\"");
        var device = devices[0];
        var start = DateTimeOffset.UtcNow.AddHours(-3);
        start = new DateTimeOffset(start.Year, start.Month, start.Day, start.Hour, 0, 0, TimeSpan.Zero);
        // 2,300 blocks (more than two export pages of 1,000), several in the same second, and one of another device.
        var lines = new List<string>();
        for (var i = 0; i < 2300; i++)
        {
            var at = start.AddSeconds(i / 3);
            var (domain, category, reason, rule) = (i % 3) switch
            {
                0 => ("games.poki.com", "games", "Category", "list:poki.com"),
                1 => ("blocked,with \\\"quotes\\\".example", "", "Deny", "deny:with \\\"quotes\\\".example"),
                _ => ("=cmd.example", "adult", "AlwaysOn", "list:cmd.example"),
            };
            lines.Add($"dns_blocks,device={device},n={i % 3},room={room.Id} domain=\"{domain}\",category=\"{category}\",reason=\"{reason}\",rule=\"{rule}\",group=\"ks3\",ip=\"10.3.0.20\",mac=\"02:00:00:00:00:20\",count={1 + i % 2}i {LiveFixture.Ns(at)}");
        }

        lines.Add($"dns_blocks,device={devices[1]},n=0,room={room.Id} domain=\"other.example\",category=\"games\",reason=\"Category\",rule=\"list:other.example\",group=\"ks3\",ip=\"10.3.0.21\",mac=\"\",count=1i {LiveFixture.Ns(start)}");
        await WriteBlocksAsync(lines);
        using var session = await SessionAsync(Role.SafeguardingLead);
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(start, TimeZoneInfo.FindSystemTimeZoneById("Europe/London")).DateTime);
        var period = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        using var export = await session.GetAsync($"/blocks/export.csv?device={device}&from={period}&to={period}");
        var bytes = await export.Content.ReadAsByteArrayAsync();
        using var reader = CsvReader.Create(new MemoryStream(bytes));
        var rows = reader.GetRecords<BlockCsvRow>().ToList();

        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal($"blocks-{period}-to-{period}.csv", export.Content.Headers.ContentDisposition?.FileNameStar ?? export.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Equal(2300, rows.Count);
        var audit = (await store.AdminAudit.ListAsync(50, CancellationToken.None)).First(e => e.Action == "blocks.export");
        Assert.Equal("http.blocks.safeguardinglead", audit.ActorName);
        Assert.Matches(@"^\d{1,2} [A-Z][a-z]{2} \d{4} to \d{1,2} [A-Z][a-z]{2} \d{4}$", audit.Detail);
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]); // UTF-8, with the mark spreadsheets need
        Assert.StartsWith("Date and time (school time),Device,Device ID,IP address,MAC address,Signed in now (may differ),Site blocked,Category,Rule,Group,Room,Count",
            Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3), StringComparison.Ordinal);
        Assert.All(rows, r =>
        {
            Assert.Equal("Export lab-PC1", r.Device);
            Assert.Equal(device.ToString(CultureInfo.InvariantCulture), r.DeviceId);
            Assert.Equal("O'Brien, \"Jo\"", r.Pupil);
            Assert.Equal("10.3.0.20", r.Address);
            Assert.Equal("Export lab", r.Room);
            Assert.Equal("Pupils: Key Stage 3", r.Group);
        });
        var games = rows.Where(r => r.Domain == "games.poki.com").ToList();
        Assert.Equal(767, games.Count);
        Assert.All(games, r => Assert.Equal(("Games", "Listed in Games (list: poki.com)"), (r.Category, r.Rule)));
        Assert.All(rows.Where(r => r.Domain.StartsWith("blocked", StringComparison.Ordinal)), r =>
            Assert.Equal(("blocked,with \"quotes\".example", "", "Deny list entry with \"quotes\".example"), (r.Domain, r.Category, r.Rule)));
        Assert.DoesNotContain(rows, r => r.Domain == "=cmd.example"); // a formula is escaped, never written as one
        Assert.Equal(766, rows.Count(r => r.Domain.EndsWith("=cmd.example", StringComparison.Ordinal) && r.Rule == "Always blocked: listed in Pornography and adult (list: cmd.example)"));
        Assert.Equal(rows.OrderByDescending(r => DateTime.ParseExact(r.When, "ddd d MMM yyyy, HH:mm:ss", CultureInfo.InvariantCulture)).Select(r => r.When), rows.Select(r => r.When));
    }

    [Fact]
    public async Task Page_DeepLinkToADevice_ShowsItsBlocksWithTheirAttribution()
    {
        await WaitForBlocksPolicyAsync();
        var (room, devices) = await fixture.RoomAsync("Link lab", 1, pupil: "Ada Lovelace");
        var at = DateTimeOffset.UtcNow.AddMinutes(-30);
        await WriteBlocksAsync([$"dns_blocks,device={devices[0]},n=0,room={room.Id} domain=\"m.tiktok.com\",category=\"\",reason=\"Deny\",rule=\"deny:tiktok.com\",group=\"ks3\",ip=\"10.3.0.99\",mac=\"02:00:00:00:00:99\",count=2i {LiveFixture.Ns(at)}"]);
        using var session = await SessionAsync(Role.Technician);

        var html = WebUtility.HtmlDecode(await session.PageAsync($"/blocks?device={devices[0]}"));

        Assert.Contains("Link lab-PC1", html, StringComparison.Ordinal);
        Assert.Contains("Signed in now: Ada Lovelace", html, StringComparison.Ordinal); // today's name, not claimed as then
        Assert.Contains("Device, and who is signed in now (may differ)", html, StringComparison.Ordinal);
        Assert.Contains("m.tiktok.com", html, StringComparison.Ordinal);
        Assert.Contains("Deny list entry tiktok.com", html, StringComparison.Ordinal);
        Assert.Contains("10.3.0.99 · 02:00:00:00:00:99", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_BlockBeforeTheFilterKnewTheDevice_NamedByWhoHeldTheAddressThen()
    {
        await WaitForBlocksPolicyAsync();
        var store = ConsoleSession.Store(Factory);
        var id = await store.Devices.ObserveAsync(new DeviceObservation(DateTimeOffset.UtcNow.AddHours(-2), DeviceSource.Sniffer, "02:77:00:00:00:05", "10.77.0.5", "ADDR-PC"), CancellationToken.None);
        var at = DateTimeOffset.UtcNow.AddMinutes(-30);
        await WriteBlocksAsync([
            $"dns_blocks,client=10.77.0.5,n=0 domain=\"poki.com\",category=\"games\",reason=\"Category\",rule=\"list:poki.com\",group=\"ks3\",ip=\"10.77.0.5\",mac=\"\",count=1i {LiveFixture.Ns(at)}",
            $"dns_blocks,client=10.77.0.6,n=0 domain=\"poki.com\",category=\"games\",reason=\"Category\",rule=\"list:poki.com\",group=\"ks3\",ip=\"10.77.0.6\",mac=\"\",count=1i {LiveFixture.Ns(at)}",
        ]);
        using var session = await SessionAsync(Role.Technician);

        using var known = await session.GetAsync("/blocks/export.csv?address=10.77.0.5");
        using var unknown = await session.GetAsync("/blocks/export.csv?address=10.77.0.6");
        var row = CsvReader.Create(await known.Content.ReadAsStreamAsync()).GetRecords<BlockCsvRow>().Single();
        var stranger = CsvReader.Create(await unknown.Content.ReadAsStreamAsync()).GetRecords<BlockCsvRow>().Single();

        Assert.Equal(("ADDR-PC (by its address then)", id.ToString(CultureInfo.InvariantCulture), "02:77:00:00:00:05"), (row.Device, row.DeviceId, row.Mac));
        Assert.Equal(("Unknown device", ""), (stranger.Device, stranger.DeviceId));
    }

    [Fact]
    public async Task Export_BlockStampedBeforeTheAddressWasFirstSeen_WithinTheFiltersTwoSeconds_NamedByTheAddress()
    {
        // The filter stamps a block with the second before the one it flushes in: a query 0.3 s after the device was first
        // seen at X.8 s can be stamped X-1 s. Three seconds before is someone else (or no one).
        await WaitForBlocksPolicyAsync();
        var store = ConsoleSession.Store(Factory);
        var now = DateTimeOffset.UtcNow.AddMinutes(-20);
        var second = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
        var id = await store.Devices.ObserveAsync(new DeviceObservation(second.AddMilliseconds(800), DeviceSource.Sniffer, "02:77:00:00:00:07", "10.77.0.7", "LATE-PC"), CancellationToken.None);
        await WriteBlocksAsync([
            $"dns_blocks,client=10.77.0.7,n=0 domain=\"poki.com\",category=\"games\",reason=\"Category\",rule=\"list:poki.com\",group=\"ks3\",ip=\"10.77.0.7\",mac=\"\",count=1i {LiveFixture.Ns(second.AddSeconds(-1))}",
            $"dns_blocks,client=10.77.0.7,n=0 domain=\"early.example\",category=\"games\",reason=\"Category\",rule=\"list:early.example\",group=\"ks3\",ip=\"10.77.0.7\",mac=\"\",count=1i {LiveFixture.Ns(second.AddSeconds(-3))}",
        ]);
        using var session = await SessionAsync(Role.Technician);

        using var export = await session.GetAsync("/blocks/export.csv?address=10.77.0.7");
        var rows = CsvReader.Create(await export.Content.ReadAsStreamAsync()).GetRecords<BlockCsvRow>().ToDictionary(r => r.Domain);

        Assert.Equal(("LATE-PC (by its address then)", id.ToString(CultureInfo.InvariantCulture)), (rows["poki.com"].Device, rows["poki.com"].DeviceId));
        Assert.Equal("Unknown device", rows["early.example"].Device);
    }

    private async Task WaitForBlocksPolicyAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(await fixture.Influxd.QueryRawAsync("SHOW RETENTION POLICIES ON classroomguard")).Contains("\"blocks\"", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, "the console did not provision the blocks policy within 30 s");
            await Task.Delay(50);
        }
    }

    private async Task WriteBlocksAsync(IReadOnlyList<string> lines)
    {
        using var http = new HttpClient();
        using var content = new StringContent(string.Join('\n', lines), Encoding.UTF8);
        using var response = await http.PostAsync(new Uri(fixture.Influxd.Url, "write?db=classroomguard&rp=blocks"), content);
        Assert.True(response.IsSuccessStatusCode, $"write answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    private async Task<ConsoleSession> SessionAsync(Role role)
    {
        var name = "http.blocks." + role.ToString().ToLowerInvariant();
        await ConsoleSession.EnsureUserAsync(Factory, name, role);
        return await ConsoleSession.SignInAsync(Factory, name);
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ClassroomGuard.Console.Classroom;
using ClassroomGuard.Console.Tests.Support;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.DependencyInjection;

namespace ClassroomGuard.Console.Tests.Classroom;

/// <summary>The live view's stream against a real influxd: what the DNS filter and the sniffer write reaches the tiles.</summary>
public sealed class LiveEndpointsTests(LiveFixture fixture) : IClassFixture<LiveFixture>
{
    private ConsoleFactory Factory => fixture.Factory;

    [Fact]
    public async Task Stream_DnsAndTrafficPoints_TileShowsSiteCategoryBlockAndActivity()
    {
        var (room, devices) = await fixture.RoomAsync("Live-A", 2, pupil: "Alice Example");
        await ConsoleSession.EnsureUserAsync(Factory, "teacher-live", Role.Teacher);
        using var session = await ConsoleSession.SignInAsync(Factory, "teacher-live");
        var second = DateTimeOffset.UtcNow.AddSeconds(-2);
        var ns = LiveFixture.Ns(second);
        string Dev(int i) => devices[i].ToString(System.Globalization.CultureInfo.InvariantCulture);

        // Device 1: DNS only (no sniffer). Device 2: DNS plus the sniffer's traffic, whose busiest site wins.
        await fixture.WriteAsync(
            $"dns_activity,device={Dev(0)},room={room.Id} queries=7i,blocked=1i,rewritten=0i,top_domains=\"www.bbc.co.uk=5,ocsp.example=2\" {ns}",
            $"dns_categories,device={Dev(0)},room={room.Id} cat_news=5i,cat_social_networks=1i,blocked_social_networks=1i {ns}",
            $"dns_blocks,device={Dev(0)},room={room.Id},n=0 domain=\"www.tiktok.com\",category=\"social_networks\",reason=\"Category\",rule=\"list:tiktok.com\",count=1i {ns}",
            $"dns_activity,device={Dev(1)},room={room.Id} queries=3i,blocked=0i,rewritten=0i,top_domains=\"scratch.mit.edu=3\" {ns}",
            $"net_activity,device={Dev(1)},room={room.Id} bytes_in=90000i,bytes_out=4000i,packets_in=70i,packets_out=40i,flows_new=2i,top_sites=\"docs.google.com=60000,scratch.mit.edu=30000\" {ns}");
        using var stream = await LiveStream.OpenAsync(session, room.Id);

        var snapshot = await stream.WaitForAsync(
            s => LiveStream.Tile(s, devices[0]).GetProperty("site").ValueKind == JsonValueKind.String && LiveStream.Tile(s, devices[1]).GetProperty("site").ValueKind == JsonValueKind.String,
            "both devices' sites");

        Assert.Equal("text/event-stream", stream.Response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("ok", snapshot.GetProperty("activity").GetString());
        var first = LiveStream.Tile(snapshot, devices[0]);
        Assert.Equal("Live-A-PC1", first.GetProperty("name").GetString());
        Assert.Equal("Alice Example", first.GetProperty("pupil").GetString());
        Assert.True(first.GetProperty("online").GetBoolean());
        Assert.Equal("www.bbc.co.uk", first.GetProperty("site").GetString());
        Assert.Equal("news", first.GetProperty("category").GetString());
        var blocked = first.GetProperty("lastBlocked");
        Assert.Equal("www.tiktok.com", blocked.GetProperty("domain").GetString());
        Assert.Equal("social_networks", blocked.GetProperty("category").GetString());
        Assert.Equal(second.ToUnixTimeSeconds(), blocked.GetProperty("at").GetInt64() / 1000);
        Assert.Equal(7, first.GetProperty("queries").EnumerateArray().Sum(q => q.GetInt64()));
        Assert.Equal(RoomSnapshotReader.Buckets, first.GetProperty("queries").GetArrayLength());
        Assert.All(first.GetProperty("bytes").EnumerateArray(), b => Assert.Equal(0, b.GetInt64()));
        var secondTile = LiveStream.Tile(snapshot, devices[1]);
        Assert.Equal("docs.google.com", secondTile.GetProperty("site").GetString());
        Assert.Equal(94000, secondTile.GetProperty("bytes").EnumerateArray().Sum(b => b.GetInt64()));
        Assert.Equal(JsonValueKind.Null, secondTile.GetProperty("category").ValueKind); // not the DNS name: no category claimed
    }

    [Fact]
    public async Task Stream_NewQueryWhileWatching_ReachesTheTile()
    {
        var (room, devices) = await fixture.RoomAsync("Live-B", 1);
        await ConsoleSession.EnsureUserAsync(Factory, "teacher-live", Role.Teacher);
        using var session = await ConsoleSession.SignInAsync(Factory, "teacher-live");
        using var stream = await LiveStream.OpenAsync(session, room.Id);
        var before = await stream.WaitForAsync(_ => true, "a first snapshot");
        Assert.False(LiveStream.Tile(before, devices[0]).GetProperty("online").GetBoolean()); // last seen an hour ago

        await fixture.WriteAsync($"dns_activity,device={devices[0]},room={room.Id} queries=1i,blocked=0i,rewritten=0i,top_domains=\"www.example.org=1\" {LiveFixture.Ns(DateTimeOffset.UtcNow)}");

        var after = await stream.WaitForAsync(s => LiveStream.Tile(s, devices[0]).GetProperty("site").ValueKind == JsonValueKind.String, "the new query");
        Assert.Equal("www.example.org", LiveStream.Tile(after, devices[0]).GetProperty("site").GetString());
        Assert.True(LiveStream.Tile(after, devices[0]).GetProperty("online").GetBoolean());
        Assert.True(after.GetProperty("serverTime").GetInt64() > before.GetProperty("serverTime").GetInt64());
    }

    [Fact]
    public async Task Stream_TeacherActionsInState_TilesShowBlankAndPauseWithScope()
    {
        var (room, devices) = await fixture.RoomAsync("Live-C", 2);
        var teacher = await ConsoleSession.UserAsync(Factory, "teacher-live-c", Role.Teacher);
        using var session = await ConsoleSession.SignInAsync(Factory, "teacher-live-c");
        var store = ConsoleSession.Store(Factory);
        using var stream = await LiveStream.OpenAsync(session, room.Id);
        await stream.WaitForAsync(_ => true, "a first snapshot");

        var until = DateTimeOffset.UtcNow.AddMinutes(20);
        await store.TeacherActions.StartAsync(new NewTeacherAction(TeacherActionKind.Blank, teacher.Id, "test", ActionScope.Room, null, room.Id, until), CancellationToken.None);
        await store.TeacherActions.StartAsync(new NewTeacherAction(TeacherActionKind.Pause, teacher.Id, "test", ActionScope.Device, devices[1], null, until), CancellationToken.None);

        var snapshot = await stream.WaitForAsync(
            s => LiveStream.Tile(s, devices[1]).GetProperty("pause").ValueKind == JsonValueKind.Object && s.GetProperty("roomBlank").ValueKind == JsonValueKind.Object,
            "the blank and the pause");
        foreach (var id in devices)
        {
            var blank = LiveStream.Tile(snapshot, id).GetProperty("blank");
            Assert.Equal("room", blank.GetProperty("scope").GetString());
            Assert.Equal(until.ToUnixTimeMilliseconds(), blank.GetProperty("until").GetInt64());
        }

        Assert.Equal(JsonValueKind.Null, LiveStream.Tile(snapshot, devices[0]).GetProperty("pause").ValueKind);
        Assert.Equal("device", LiveStream.Tile(snapshot, devices[1]).GetProperty("pause").GetProperty("scope").GetString());
    }

    [Fact]
    public async Task Stream_UnacknowledgedAlertOfARoomDevice_InTheBannerOnlyForThatRoom()
    {
        var (room, devices) = await fixture.RoomAsync("Live-D", 1);
        var (other, _) = await fixture.RoomAsync("Live-D2", 1);
        var store = ConsoleSession.Store(Factory);
        var alert = await store.Alerts.RaiseAsync(new NewAlert(AlertKind.Circumvention, DateTimeOffset.UtcNow.AddMinutes(-1), "evidence", devices[0], "vpn", "vpn.example"), CancellationToken.None);
        await ConsoleSession.EnsureUserAsync(Factory, "teacher-live", Role.Teacher);
        using var session = await ConsoleSession.SignInAsync(Factory, "teacher-live");

        using var stream = await LiveStream.OpenAsync(session, room.Id);
        var snapshot = await stream.WaitForAsync(_ => true, "a snapshot");
        using var otherStream = await LiveStream.OpenAsync(session, other.Id);
        var otherSnapshot = await otherStream.WaitForAsync(_ => true, "a snapshot of the other room");

        var shown = Assert.Single(snapshot.GetProperty("alerts").EnumerateArray());
        Assert.Equal(alert.Id, shown.GetProperty("id").GetInt64());
        Assert.Equal("Circumvention", shown.GetProperty("kind").GetString());
        Assert.Equal("vpn.example", shown.GetProperty("domain").GetString());
        Assert.Empty(otherSnapshot.GetProperty("alerts").EnumerateArray());
    }

    [Fact]
    public async Task Stream_TwoViewersOfOneRoom_ShareOneFeed()
    {
        var (room, _) = await fixture.RoomAsync("Live-E", 1);
        await ConsoleSession.EnsureUserAsync(Factory, "teacher-live", Role.Teacher);
        using var first = await ConsoleSession.SignInAsync(Factory, "teacher-live");
        using var second = await ConsoleSession.SignInAsync(Factory, "teacher-live");
        var feeds = Factory.Services.GetRequiredService<RoomFeeds>();

        using var a = await LiveStream.OpenAsync(first, room.Id);
        using var b = await LiveStream.OpenAsync(second, room.Id);
        var fromA = await a.WaitForAsync(_ => true, "a snapshot");
        var fromB = await b.WaitForAsync(s => s.GetProperty("serverTime").GetInt64() >= fromA.GetProperty("serverTime").GetInt64(), "the same or a later snapshot");

        Assert.True(feeds.IsWatched(room.Id));
        Assert.Equal(2, feeds.ViewersOf(room.Id));
    }

    [Fact]
    public async Task Page_Teacher_RendersTheDomContract()
    {
        var (room, devices) = await fixture.RoomAsync("Live-F", 1, pupil: "Bea Example");
        await ConsoleSession.EnsureUserAsync(Factory, "teacher-live", Role.Teacher);
        using var session = await ConsoleSession.SignInAsync(Factory, "teacher-live");

        var html = await session.PageAsync($"/rooms/{room.Id}");

        Assert.Contains($"<main id=\"room\" class=\"room-live\" data-room-id=\"{room.Id}\"", html, StringComparison.Ordinal);
        Assert.Matches($"<article class=\"tile device\" data-device-id=\"{devices[0]}\" data-online=\"false\" data-blanked=\"false\" data-paused=\"false\" data-alert=\"false\" data-updated=\"\\d+\"", html);
        foreach (var hook in new[] { "tile-name", "tile-pupil", "tile-site", "tile-category", "tile-last-blocked", "sparkline" })
        {
            Assert.Contains($"class=\"{hook}", html, StringComparison.Ordinal);
        }

        foreach (var action in new[] { "blank", "unblank", "pause", "resume" })
        {
            Assert.Equal(2, CountOf(html, $"data-action=\"{action}\""));
        }

        Assert.Contains("id=\"room-actions\"", html, StringComparison.Ordinal);
        Assert.Contains("<select id=\"action-expiry\" name=\"minutes\">", html, StringComparison.Ordinal);
        Assert.Contains("id=\"room-alerts\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"live-status\" data-state=", html, StringComparison.Ordinal);
        Assert.Contains("<button id=\"privacy-blank\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"privacy-overlay\"", html, StringComparison.Ordinal);
        Assert.Contains("Bea Example", html, StringComparison.Ordinal);
        Assert.Contains("name=\"__RequestVerificationToken\"", html, StringComparison.Ordinal);
        Assert.Matches("<script src=\"room-live\\.[a-z0-9]+\\.js\" defer", html);
    }

    [Fact]
    public async Task Script_IsServedAndAllowedByTheContentSecurityPolicy()
    {
        using var session = ConsoleSession.Anonymous(Factory);

        using var response = await session.GetAsync("/room-live.js");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("EventSource", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_Governor_Forbidden()
    {
        var (room, _) = await fixture.RoomAsync("Live-G", 1);
        await ConsoleSession.EnsureUserAsync(Factory, "governor-live", Role.Governor);
        using var session = await ConsoleSession.SignInAsync(Factory, "governor-live");

        using var stream = await LiveStream.OpenAsync(session, room.Id);
        using var state = await session.GetAsync($"/rooms/{room.Id}/live/state");
        using var page = await session.GetAsync($"/rooms/{room.Id}");

        Assert.Equal(HttpStatusCode.Forbidden, stream.Response.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, state.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
    }

    [Fact]
    public async Task Stream_Anonymous_UnauthorizedNotARedirect()
    {
        var (room, _) = await fixture.RoomAsync("Live-H", 1);
        using var session = ConsoleSession.Anonymous(Factory);

        using var stream = await LiveStream.OpenAsync(session, room.Id);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"/rooms/{room.Id}/live/state", UriKind.Relative));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var state = await session.Client.SendAsync(request);
        using var page = await session.GetAsync($"/rooms/{room.Id}");

        Assert.Equal(HttpStatusCode.Unauthorized, stream.Response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, state.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode); // a person opening the page goes to sign-in
        Assert.StartsWith("/signin", ConsoleSession.LocationOf(page), StringComparison.Ordinal);
    }

    [Fact]
    public async Task State_UnknownRoom_NotFound()
    {
        await ConsoleSession.EnsureUserAsync(Factory, "teacher-live", Role.Teacher);
        using var session = await ConsoleSession.SignInAsync(Factory, "teacher-live");

        using var state = await session.GetAsync("/rooms/987654/live/state");
        using var stream = await LiveStream.OpenAsync(session, 987654);

        Assert.Equal(HttpStatusCode.NotFound, state.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, stream.Response.StatusCode);
    }

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}

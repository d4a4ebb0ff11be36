using System.Net;
using System.Threading.Channels;
using ClassroomGuard.Console.Classroom;
using ClassroomGuard.Console.Tests.Support;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.DependencyInjection;

namespace ClassroomGuard.Console.Tests.Classroom;

/// <summary>
/// The live view's data against a real influxd: what the DNS filter and the sniffer write reaches the room's snapshot,
/// and a room's feed pushes new snapshots to every watcher from one read per tick.
/// </summary>
public sealed class RoomSnapshotReaderTests(LiveFixture fixture) : IClassFixture<LiveFixture>
{
    private ConsoleFactory Factory => fixture.Factory;

    private RoomSnapshotReader Reader => Factory.Services.GetRequiredService<RoomSnapshotReader>();

    private RoomFeeds Feeds => Factory.Services.GetRequiredService<RoomFeeds>();

    [Fact]
    public async Task ReadAsync_DnsAndTrafficPoints_TileShowsSiteCategoryBlockAndActivity()
    {
        var (room, devices) = await fixture.RoomAsync("Live-A", 2, pupil: "Alice Example");
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

        var snapshot = await ReadUntilAsync(room.Id, s => s.Devices.All(d => d.Site is not null), "both devices' sites");

        Assert.Equal("ok", snapshot.Activity);
        Assert.Equal("Live-A", snapshot.RoomName);
        var first = snapshot.Devices.Single(d => d.Id == devices[0]);
        Assert.Equal("Live-A-PC1", first.Name);
        Assert.Equal("Alice Example", first.Pupil);
        Assert.True(first.Online);
        Assert.Equal("www.bbc.co.uk", first.Site);
        Assert.Equal("news", first.Category);
        Assert.Equal("www.tiktok.com", first.LastBlocked!.Domain);
        Assert.Equal("social_networks", first.LastBlocked.Category);
        Assert.Equal(second.ToUnixTimeSeconds(), first.LastBlocked.At / 1000);
        Assert.Equal(7, first.Queries.Sum());
        Assert.Equal(RoomSnapshotReader.Buckets, first.Queries.Length);
        Assert.All(first.Bytes, b => Assert.Equal(0, b));
        Assert.Equal(LiveText.SparkPoints(first.Queries), first.QueriesLine); // computed once, in the snapshot
        var secondTile = snapshot.Devices.Single(d => d.Id == devices[1]);
        Assert.Equal("docs.google.com", secondTile.Site);
        Assert.Equal(94000, secondTile.Bytes.Sum());
        Assert.Null(secondTile.Category); // not the DNS name: no category claimed
    }

    [Fact]
    public async Task ReadAsync_InferredSites_OnlyAProbableNameWhenTrafficNamedNothingItself()
    {
        var (room, devices) = await fixture.RoomAsync("Live-N", 2);
        var ns = LiveFixture.Ns(DateTimeOffset.UtcNow.AddSeconds(-2));
        string Dev(int i) => devices[i].ToString(System.Globalization.CultureInfo.InvariantCulture);

        // Device 1: only a guess from its own DNS answer. Device 2: a guess bigger than its one named flow.
        await fixture.WriteAsync(
            $"net_activity,device={Dev(0)},room={room.Id} bytes_in=9000i,bytes_out=400i,packets_in=7i,packets_out=4i,flows_new=1i,inferred_sites=\"adult-videos.example=9400\" {ns}",
            $"net_activity,device={Dev(1)},room={room.Id} bytes_in=99000i,bytes_out=400i,packets_in=70i,packets_out=4i,flows_new=2i,top_sites=\"learn.example.ac.uk=400\",inferred_sites=\"adult-videos.example=99000\" {ns}");

        var snapshot = await ReadUntilAsync(room.Id, s => s.Devices.Any(d => d.ProbableSite is not null) && s.Devices.Any(d => d.Site is not null), "the names");
        var guessed = snapshot.Devices.Single(d => d.Id == devices[0]);
        Assert.Null(guessed.Site);
        Assert.Equal("adult-videos.example", guessed.ProbableSite);
        var named = snapshot.Devices.Single(d => d.Id == devices[1]);
        Assert.Equal("learn.example.ac.uk", named.Site);
        Assert.Null(named.ProbableSite);
    }

    [Fact]
    public async Task ReadAsync_TeacherActionsInState_TilesShowBlankAndPauseWithScope()
    {
        var (room, devices) = await fixture.RoomAsync("Live-C", 2);
        var teacher = await ConsoleSession.UserAsync(Factory, "teacher-live-c", Role.Teacher);
        var store = ConsoleSession.Store(Factory);
        var until = DateTimeOffset.UtcNow.AddMinutes(20);
        await store.TeacherActions.StartAsync(new NewTeacherAction(TeacherActionKind.Blank, teacher.Id, "test", ActionScope.Room, null, room.Id, until), CancellationToken.None);
        await store.TeacherActions.StartAsync(new NewTeacherAction(TeacherActionKind.Pause, teacher.Id, "test", ActionScope.Device, devices[1], null, until), CancellationToken.None);

        var snapshot = (await Reader.ReadAsync(room.Id, CancellationToken.None))!;

        Assert.Equal(new ActionState("room", until.ToUnixTimeMilliseconds()), snapshot.RoomBlank);
        Assert.Null(snapshot.RoomPause);
        Assert.All(snapshot.Devices, d => Assert.Equal("room", d.Blank!.Scope));
        Assert.Null(snapshot.Devices.Single(d => d.Id == devices[0]).Pause);
        Assert.Equal("device", snapshot.Devices.Single(d => d.Id == devices[1]).Pause!.Scope);
    }

    [Fact]
    public async Task ReadAsync_UnacknowledgedAlertOfARoomDevice_InTheBannerOnlyForThatRoom()
    {
        var (room, devices) = await fixture.RoomAsync("Live-D", 1);
        var (other, _) = await fixture.RoomAsync("Live-D2", 1);
        var store = ConsoleSession.Store(Factory);
        var alert = await store.Alerts.RaiseAsync(new NewAlert(AlertKind.Circumvention, DateTimeOffset.UtcNow.AddMinutes(-1), "evidence", devices[0], "vpn", "vpn.example"), CancellationToken.None);

        var snapshot = (await Reader.ReadAsync(room.Id, CancellationToken.None))!;
        var otherSnapshot = (await Reader.ReadAsync(other.Id, CancellationToken.None))!;

        var shown = Assert.Single(snapshot.Alerts);
        Assert.Equal(alert.Id, shown.Id);
        Assert.Equal("Circumvention", shown.Kind);
        Assert.Equal("vpn.example", shown.Domain);
        Assert.Equal("Live-D-PC1", shown.Device);
        Assert.Empty(otherSnapshot.Alerts);
    }

    [Fact]
    public async Task ReadAsync_UnknownRoom_Null()
        => Assert.Null(await Reader.ReadAsync(987654, CancellationToken.None));

    [Fact]
    public async Task Subscribe_NewQueryWhileWatching_PushedToEveryWatcherFromOneFeed()
    {
        var (room, devices) = await fixture.RoomAsync("Live-B", 1);
        var first = Channel.CreateUnbounded<RoomSnapshot>();
        var second = Channel.CreateUnbounded<RoomSnapshot>();
        using var a = Feeds.Subscribe(room.Id, s => first.Writer.TryWrite(s));
        using var b = Feeds.Subscribe(room.Id, s => second.Writer.TryWrite(s));
        Assert.True(Feeds.IsWatched(room.Id));
        Assert.Equal(2, Feeds.ViewersOf(room.Id));
        var before = await NextAsync(first, _ => true, "a first snapshot");
        Assert.False(before.Devices[0].Online); // last seen an hour ago

        await fixture.WriteAsync($"dns_activity,device={devices[0]},room={room.Id} queries=1i,blocked=0i,rewritten=0i,top_domains=\"www.example.org=1\" {LiveFixture.Ns(DateTimeOffset.UtcNow)}");

        var afterA = await NextAsync(first, s => s.Devices[0].Site is not null, "the new query");
        var afterB = await NextAsync(second, s => s.Devices[0].Site is not null, "the new query, second watcher");
        Assert.Equal("www.example.org", afterA.Devices[0].Site);
        Assert.True(afterA.Devices[0].Online);
        Assert.True(afterA.ServerTime > before.ServerTime);
        Assert.Same(afterA, afterB); // one read, handed to both
    }

    [Fact]
    public async Task Subscribe_Disposed_NoMoreSnapshotsAndTheViewerIsGone()
    {
        var (room, _) = await fixture.RoomAsync("Live-E", 1);
        var seen = Channel.CreateUnbounded<RoomSnapshot>();
        var subscription = Feeds.Subscribe(room.Id, s => seen.Writer.TryWrite(s));
        await NextAsync(seen, _ => true, "a snapshot");

        subscription.Dispose();
        await Task.Delay(200); // a delivery already under way when it was disposed
        while (seen.Reader.TryRead(out _))
        {
        }

        await Task.Delay(TimeSpan.FromSeconds(2.5)); // more than two ticks at the default 1 s
        Assert.False(seen.Reader.TryRead(out _));
        Assert.Equal(0, Feeds.ViewersOf(room.Id));
    }

    [Fact]
    public async Task RoomPage_Governor_Forbidden_Anonymous_SentToSignIn()
    {
        var (room, _) = await fixture.RoomAsync("Live-G", 1);
        await ConsoleSession.EnsureUserAsync(Factory, "governor-live", Role.Governor);
        using var governor = await ConsoleSession.SignInAsync(Factory, "governor-live");
        using var anonymous = ConsoleSession.Anonymous(Factory);

        using var forbidden = await governor.GetAsync($"/rooms/{room.Id}");
        using var redirected = await anonymous.GetAsync($"/rooms/{room.Id}");

        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, redirected.StatusCode);
        Assert.StartsWith("/signin", ConsoleSession.LocationOf(redirected), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RoomPage_Teacher_PrerendersTheTilesAndNoSseEndpointIsLeft()
    {
        var (room, devices) = await fixture.RoomAsync("Live-F", 1, pupil: "Bea Example");
        await ConsoleSession.EnsureUserAsync(Factory, "teacher-live", Role.Teacher);
        await ConsoleSession.AssignRoomsAsync(Factory, "teacher-live", room);
        using var session = await ConsoleSession.SignInAsync(Factory, "teacher-live");

        var html = await session.PageAsync($"/rooms/{room.Id}");
        using var stream = await session.GetAsync($"/rooms/{room.Id}/live");
        using var script = await session.GetAsync("/room-live.js");

        Assert.Contains($"data-room-id=\"{room.Id}\"", html, StringComparison.Ordinal);
        Assert.Contains($"data-device-id=\"{devices[0]}\"", html, StringComparison.Ordinal);
        Assert.Contains("Bea Example", html, StringComparison.Ordinal);
        Assert.DoesNotContain("room-live", html.Replace("class=\"room-live\"", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.NotEqual(HttpStatusCode.OK, script.StatusCode);
        Assert.DoesNotContain("text/event-stream", stream.Content.Headers.ContentType?.MediaType ?? "", StringComparison.Ordinal);
    }

    private async Task<RoomSnapshot> ReadUntilAsync(long roomId, Func<RoomSnapshot, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var snapshot = await Reader.ReadAsync(roomId, CancellationToken.None);
            if (snapshot is not null && condition(snapshot))
            {
                return snapshot;
            }

            Assert.True(DateTime.UtcNow < deadline, "never read " + what);
            await Task.Delay(100);
        }
    }

    private static async Task<RoomSnapshot> NextAsync(Channel<RoomSnapshot> channel, Func<RoomSnapshot, bool> condition, string what)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            while (true)
            {
                var snapshot = await channel.Reader.ReadAsync(timeout.Token);
                if (condition(snapshot))
                {
                    return snapshot;
                }
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail("no snapshot with " + what + " within 15 s");
            throw;
        }
    }
}

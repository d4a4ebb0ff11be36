using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Text;
using ClassroomGuard.Dns.Lists;
using ClassroomGuard.DnsFilter.Lists.Fetching;
using ClassroomGuard.DnsFilter.Tests.Policy.Support;
using ClassroomGuard.DnsFilter.Tests.Support;
using ClassroomGuard.Storage.Control;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.DnsFilter.Tests.Lists.Fetching;

/// <summary>
/// The real DNS filter host with the state database and set-up's seed copy (no adult list): the refresher fetches UT1's
/// archive from a loopback server and the filter blocks an adult name without a restart; a failed download keeps the
/// lists, says why in the lists reply and raises one technician alert.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class ListRefreshEndToEndTests : IAsyncLifetime
{
    private readonly PolicyWorld _world = new(DateTimeOffset.UtcNow);
    private readonly FakeUpstream _upstream = new(FakeBehaviour.Answer);
    private readonly string _socket;
    private readonly string _seed;
    private ListServer _server = null!;

    public ListRefreshEndToEndTests()
    {
        _socket = Path.Combine(_world.Directory, "control.sock");
        _seed = Path.Combine(_world.Directory, "ut1");
        Directory.CreateDirectory(Path.Combine(_seed, "games"));
        File.WriteAllText(Path.Combine(_seed, "games", "domains"), "game0.example\n");
    }

    public async Task InitializeAsync() => _server = await ListServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _upstream.Dispose();
        _world.Dispose();
    }

    [Fact]
    public async Task Refresh_FailsThenSucceeds_AdultNameBlockedWithoutRestartAndHealthFollows()
    {
        _server.Status("/blacklists.tar.gz", 503);
        _server.Status("/MD5SUM.LST", 503);
        _server.Status("/iwf.txt", 503);
        await using var host = await StartAsync();

        // The first download fails: the seed answers, an adult name resolves, health says what is missing and why.
        var failed = await WaitForAsync(l => l.Health?.Refresh?.Problem is not null, "the first attempt to fail");
        Assert.Contains("503", failed.Health!.Refresh!.Problem, StringComparison.Ordinal);
        Assert.Equal(["UT1 adult", "UT1 malware", "UT1 phishing", "IWF URL list"], failed.Health.RequiredMissing);
        var feed = Assert.Single(failed.Health.Feeds);
        Assert.Equal(("IWF URL list", true, (int?)null, "child_abuse"), (feed.Name, feed.AlwaysOn, feed.Names, feed.Category.Key));
        Assert.DoesNotContain("secret", feed.Url, StringComparison.Ordinal);
        Assert.Equal(ListHealthReport.SeedVersion, failed.Health.Version);
        Assert.Equal(_server.Url("/blacklists.tar.gz"), failed.Health.Refresh.Url);
        Assert.Contains("203.0.113.7", await Tool.DigAsync(host.Port, "adult7.example", "A"), StringComparison.Ordinal);
        var alerts = await AlertsAsync();
        Assert.Equal(2, alerts.Count);
        var alert = Assert.Single(alerts, a => a.Evidence.StartsWith("The UT1 block-list download", StringComparison.Ordinal));
        Assert.Contains("503", alert.Evidence, StringComparison.Ordinal);
        Assert.Contains("Adult, malware and phishing sites are NOT blocked", alert.Evidence, StringComparison.Ordinal);
        var iwf = Assert.Single(alerts, a => a.Evidence.StartsWith("The block list 'IWF URL list'", StringComparison.Ordinal));
        Assert.Contains("NOT blocked", iwf.Evidence, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", iwf.Evidence, StringComparison.Ordinal);

        // "Refresh now" while the server still fails: tried again at once (no back-off), and no second alert the same day.
        var firstAttempt = failed.Health.Refresh.LastAttempt;
        _world.Clock.Advance(TimeSpan.FromMinutes(1)); // within the back-off: only "refresh now" tries again
        Assert.Null((await AskAsync(new ControlRequest(ControlRequestKind.RefreshLists))).Error);
        await WaitForAsync(l => l.Health?.Refresh?.LastAttempt > firstAttempt && l.Health.Refresh.Problem is not null && !l.Health.Refresh.InProgress, "a second attempt");
        await Task.Delay(200);
        Assert.Equal(2, (await AlertsAsync()).Count);

        // A good archive is published; "refresh now" over the control socket fetches it; the filter blocks without a restart.
        _server.Serve("/iwf.txt", Encoding.ASCII.GetBytes("csam0.example\ncsam1.example\n"));
        var archive = Ut1Archives.Build();
        _server.Serve("/blacklists.tar.gz", archive);
        _server.Serve("/MD5SUM.LST", Encoding.ASCII.GetBytes(Ut1Archives.Md5Sum(archive)));
        var reply = await AskAsync(new ControlRequest(ControlRequestKind.RefreshLists));
        Assert.Null(reply.Error);
        Assert.NotNull(reply.Lists);
        var refreshed = await WaitForAsync(l => l.Health?.RequiredMissing.Count == 0, "the download to be in force");
        Assert.StartsWith("UT1 of ", refreshed.Health!.Version, StringComparison.Ordinal);
        Assert.Contains(Ut1ArchiveFetcher.CurrentVersion(new ListDirectory(Path.Combine(_world.Directory, "lists")))!.Sha256[..8], refreshed.Health.Version, StringComparison.Ordinal);
        Assert.Null(refreshed.Health.Refresh!.Problem);
        Assert.NotNull(refreshed.Health.Refresh.LastSuccess);
        var dig = await Tool.DigAsync(host.Port, "adult7.example", "A");
        Assert.Contains("EDE: 15 (Blocked): (ClassroomGuard: blocked, category adult)", dig, StringComparison.Ordinal);
        Assert.Contains("0.0.0.0", await Tool.DigAsync(host.Port, "game0.example", "A"), StringComparison.Ordinal);
        Assert.Contains("EDE: 15 (Blocked): (ClassroomGuard: blocked, category child_abuse)", await Tool.DigAsync(host.Port, "www.csam1.example", "A"), StringComparison.Ordinal);
        Assert.Equal(2, Assert.Single(refreshed.Health.Feeds).Names);
        Assert.Contains(_server.Requests, r => r.Path == "/iwf.txt" && r.Authorization == "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("member:secret")));
        Assert.Equal(2, (await AlertsAsync()).Count); // no new alert for a success
    }

    [Fact]
    public async Task Refresh_VersionPublishedByAnotherProcess_LoadedAtTheNextRoundEvenWhenTheDownloadFails()
    {
        _server.Status("/blacklists.tar.gz", 503);
        _server.Status("/iwf.txt", 503);
        await using var host = await StartAsync();
        var failed = await WaitForAsync(l => l.Health?.Refresh is { Problem: not null, InProgress: false }, "the first round to end with a failure");

        // As fetch-lists does while the filter runs: a local archive published into the same list directory.
        var archive = Path.Combine(_world.Directory, "copied.tar.gz");
        await File.WriteAllBytesAsync(archive, Ut1Archives.Build());
        var published = await new Ut1ArchiveFetcher(new DnsListOptions { Ut1Url = archive, Ut1ChecksumUrl = "", MinArchiveBytes = 200 }, new ListDirectory(Path.Combine(_world.Directory, "lists"))).FetchAsync(CancellationToken.None);
        Assert.True(published.Published, published.Message);
        Assert.Contains("203.0.113.7", await Tool.DigAsync(host.Port, "adult3.example", "A"), StringComparison.Ordinal); // not loaded yet

        Assert.Null((await AskAsync(new ControlRequest(ControlRequestKind.RefreshLists))).Error);
        var loaded = await WaitForAsync(l => l.Health!.Version.StartsWith("UT1 of ", StringComparison.Ordinal) && !l.Health.RequiredMissing.Contains("UT1 adult"), "the published version to be loaded");

        Assert.NotNull(loaded.Health!.Refresh!.Problem); // the download itself failed again
        Assert.Contains("EDE: 15 (Blocked)", await Tool.DigAsync(host.Port, "adult3.example", "A"), StringComparison.Ordinal);
        Assert.Equal(ListHealthReport.SeedVersion, failed.Health!.Version);
    }

    [Fact]
    public async Task SchoolFeed_AddedAndRemovedThroughChangeControl_FetchedBlockedThenDropped()
    {
        _server.Status("/blacklists.tar.gz", 503);
        _server.Status("/iwf.txt", 503);
        _server.Serve("/trust.txt", Encoding.ASCII.GetBytes("# trust list\n0.0.0.0 trust-blocked.example\n"));
        await using var host = await StartAsync();
        await WaitForAsync(l => l.Health?.Refresh is { Problem: not null, InProgress: false }, "the first round to end with a failure");
        Assert.Contains("203.0.113.7", await Tool.DigAsync(host.Port, "trust-blocked.example", "A"), StringComparison.Ordinal);

        await _world.MustChangeAsync(new AddListFeedChange("Trust's extra list", _server.Url("/trust.txt"), "Hosts", "gambling"));
        var fetched = await WaitForAsync(l => l.Health!.Feeds.Any(f => f.FeedId is not null && f.Names == 1), "the school's feed to be fetched");
        var feed = Assert.Single(fetched.Health!.Feeds, f => f.FeedId is not null);
        Assert.Equal(("Trust's extra list", "gambling", false), (feed.Name, feed.Category.Key, feed.AlwaysOn));
        string dig;
        var clock = Stopwatch.StartNew();
        do
        {
            dig = await Tool.DigAsync(host.Port, "trust-blocked.example", "A");
        }
        while (!dig.Contains("EDE: 15", StringComparison.Ordinal) && clock.Elapsed < TimeSpan.FromSeconds(15));

        Assert.Contains("EDE: 15 (Blocked): (ClassroomGuard: blocked, category gambling)", dig, StringComparison.Ordinal);

        await _world.MustChangeAsync(new RemoveListFeedChange(feed.FeedId!.Value));
        await WaitForAsync(l => l.Health!.Feeds.All(f => f.FeedId is null) && l.Sources.All(s => !s.Name.Contains("Trust", StringComparison.Ordinal)), "the feed to be dropped");
        clock.Restart();
        do
        {
            dig = await Tool.DigAsync(host.Port, "trust-blocked.example", "A");
        }
        while (dig.Contains("EDE: 15", StringComparison.Ordinal) && clock.Elapsed < TimeSpan.FromSeconds(15));

        Assert.Contains("203.0.113.7", dig, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refresh_NewVersionCannotBeLoaded_TechnicianAlertedAndThePreviousListsStay()
    {
        _server.Status("/blacklists.tar.gz", 503);
        _server.Status("/iwf.txt", 503);
        await using var host = await StartAsync();
        await WaitForAsync(l => l.Health?.Refresh?.Problem is not null, "the first attempt to fail");
        var before = (await AlertsAsync()).Count;

        // Another process publishes a version whose adult list cannot be read (held under an exclusive lock).
        var archive = Path.Combine(_world.Directory, "copied.tar.gz");
        await File.WriteAllBytesAsync(archive, Ut1Archives.Build());
        var lists = new ListDirectory(Path.Combine(_world.Directory, "lists"));
        Assert.True((await new Ut1ArchiveFetcher(new DnsListOptions { Ut1Url = archive, Ut1ChecksumUrl = "", MinArchiveBytes = 200 }, lists).FetchAsync(CancellationToken.None)).Published);
        using var held = new FileStream(Path.Combine(lists.ResolveUt1Current(), "adult", "domains"), FileMode.Open, FileAccess.ReadWrite, FileShare.None);

        Assert.Null((await AskAsync(new ControlRequest(ControlRequestKind.RefreshLists))).Error);
        var clock = Stopwatch.StartNew();
        IReadOnlyList<Alert> alerts;
        do
        {
            await Task.Delay(100);
            alerts = await AlertsAsync();
        }
        while (alerts.Count == before && clock.Elapsed < TimeSpan.FromSeconds(30));

        var alert = Assert.Single(alerts, a => a.Evidence.StartsWith("The new lists could not be loaded: ", StringComparison.Ordinal));
        Assert.Contains("the previous ones stay in force", alert.Evidence, StringComparison.Ordinal);
        Assert.Equal(ListHealthReport.SeedVersion, (await AskAsync(new ControlRequest(ControlRequestKind.Lists))).Lists!.Health!.Version);
    }

    private async Task<IReadOnlyList<Alert>> AlertsAsync()
        => [.. (await _world.Store.Alerts.ListAsync(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1), CancellationToken.None)).Where(a => a.Kind == AlertKind.Appliance)];

    private Task<DnsTestHost> StartAsync()
        => DnsTestHost.StartAsync([_upstream.Upstream], new Dictionary<string, string?>
        {
            ["State:Path"] = _world.StateOptions.Path,
            ["Dns:ControlSocket"] = _socket,
            ["Dns:Lists:Cache"] = "false",
            ["Dns:Lists:Sources:0:Path"] = _seed,
            ["Dns:Lists:Sources:0:Format"] = "Ut1",
            ["Dns:Lists:Ut1Url"] = _server.Url("/blacklists.tar.gz"),
            ["Dns:Lists:Ut1ChecksumUrl"] = _server.Url("/MD5SUM.LST"),
            ["Dns:Lists:MinArchiveBytes"] = "200",
            ["Dns:Lists:Feeds:0:Name"] = "IWF URL list",
            ["Dns:Lists:Feeds:0:Url"] = _server.Url("/iwf.txt").Replace("http://", "http://member:secret@", StringComparison.Ordinal),
            ["Dns:Lists:Feeds:0:Category"] = "child_abuse",
        }, _world.Clock);

    private async Task<ListsReply> WaitForAsync(Func<ListsReply, bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        ListsReply? last = null;
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            var reply = await AskAsync(new ControlRequest(ControlRequestKind.Lists));
            last = reply.Lists;
            if (last is not null && condition(last))
            {
                return last;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"Waited 30 s for {what}; last health: {last?.Health}");
        return null!;
    }

    private async Task<ControlReply> AskAsync(ControlRequest request)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(_socket));
        await socket.SendAsync(DnsFilterControl.Encode(request));
        socket.Shutdown(SocketShutdown.Send);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[DnsFilterControl.MaxReplyBytes];
        var length = 0;
        int read;
        while ((read = await socket.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, timeout.Token)) > 0)
        {
            length += read;
        }

        var reply = DnsFilterControl.DecodeReply(buffer[..length]);
        Assert.NotNull(reply);
        return reply;
    }
}

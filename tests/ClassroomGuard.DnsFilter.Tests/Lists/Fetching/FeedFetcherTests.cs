using ClassroomGuard.DnsFilter.Lists;
using System.Text;
using ClassroomGuard.Dns.Lists;
using ClassroomGuard.DnsFilter.Lists.Fetching;

namespace ClassroomGuard.DnsFilter.Tests.Lists.Fetching;

/// <summary>One list fetched by URL from a real HTTP server on loopback.</summary>
public sealed class FeedFetcherTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly string _root = Directory.CreateTempSubdirectory("cg-feed-").FullName;
    private ListServer _server = null!;

    public async Task InitializeAsync() => _server = await ListServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    private ListDirectory Lists => new(Path.Combine(_root, "lists"));

    private static string Hosts(int count, string prefix = "host") => "# a hosts file\n127.0.0.1 localhost\n" + string.Join('\n', Enumerable.Range(0, count).Select(i => $"0.0.0.0 {prefix}{i}.example")) + "\n";

    private Task<ListFetchResult> FetchAsync(string url, ListFormat format = ListFormat.Hosts, long max = 1024 * 1024)
        => new FeedFetcher(new DnsListOptions { MaxArchiveBytes = max }, Lists).FetchAsync("Trust list", url, format, Ct);

    [Fact]
    public async Task Fetch_HostsFeedWithCredentials_PublishedCountedAndTheCredentialsNeverShown()
    {
        _server.Serve("/hosts.txt", Encoding.ASCII.GetBytes(Hosts(250)));
        var url = _server.Url("/hosts.txt").Replace("http://", "http://school:s3cret%40pw@", StringComparison.Ordinal);

        var result = await FetchAsync(url);

        Assert.True(result.Published, result.Message);
        var file = Lists.FeedFile(ListDirectory.FeedKey(_server.Url("/hosts.txt"))); // the key never depends on the credentials
        Assert.Equal(file, Assert.Single(ListSources.EffectiveSources(new DnsListOptions { Feeds = [new ListFeedOptions { Name = "Trust list", Url = url, Format = ListFormat.Hosts, Category = "adult" }] }, Lists, [])).Path);
        Assert.Contains("0.0.0.0 host249.example", await File.ReadAllTextAsync(file), StringComparison.Ordinal);
        var state = FeedFetcher.State(Lists, url)!;
        Assert.Equal(250, state.Names);
        Assert.Equal(_server.Url("/hosts.txt"), state.Source);
        Assert.DoesNotContain("s3cret", await File.ReadAllTextAsync(Path.ChangeExtension(file, ".json")), StringComparison.Ordinal);
        var (_, authorization) = _server.Requests.Last();
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("school:s3cret@pw")), authorization);
        Assert.Equal(_server.Url("/hosts.txt"), ListAddress.Redact(url));
        Assert.Empty(Directory.GetFiles(Lists.Feeds, ".*"));
    }

    [Theory]
    [InlineData("no-names", FetchProblem.NoNames, "holds no valid name")]
    [InlineData("shrunk", FetchProblem.Shrunk, "shrank from 250 to 10 names")]
    [InlineData("too-big", FetchProblem.TooLarge, "more than the")]
    [InlineData("not-found", FetchProblem.Unreachable, "404")]
    [InlineData("ftp", FetchProblem.Unsupported, "not an http(s) address")]
    [InlineData("ut1", FetchProblem.Unsupported, "not a UT1 collection")]
    public async Task Fetch_Refused_TheCopyInForceIsUnchangedAndTheReasonKept(string broken, FetchProblem problem, string reason)
    {
        var url = _server.Url("/feed.txt");
        _server.Serve("/feed.txt", Encoding.ASCII.GetBytes(Hosts(250)));
        Assert.True((await FetchAsync(url)).Published);
        var file = Lists.FeedFile(ListDirectory.FeedKey(url));
        var before = await File.ReadAllBytesAsync(file);

        var format = ListFormat.Hosts;
        var max = 1024L * 1024;
        switch (broken)
        {
            case "no-names":
                _server.Serve("/feed.txt", Encoding.ASCII.GetBytes("<html><body>Please sign in</body></html>\n127.0.0.1 localhost\n"));
                break;
            case "shrunk":
                _server.Serve("/feed.txt", Encoding.ASCII.GetBytes(Hosts(10)));
                break;
            case "too-big":
                _server.Serve("/feed.txt", Encoding.ASCII.GetBytes(Hosts(300)));
                max = before.Length;
                break;
            case "not-found":
                _server.Status("/feed.txt", 404);
                break;
            case "ut1":
                format = ListFormat.Ut1;
                break;
        }

        var result = broken == "ftp"
            ? await new FeedFetcher(new DnsListOptions(), Lists).FetchAsync("Trust list", "ftp://127.0.0.1/feed.txt", format, Ct)
            : await new FeedFetcher(new DnsListOptions { MaxArchiveBytes = max }, Lists).FetchAsync("Trust list", url, format, Ct);

        Assert.False(result.Succeeded, result.Message);
        Assert.Equal(problem, result.Problem);
        Assert.Contains(reason, result.Message, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllBytesAsync(file));
        Assert.Empty(Directory.GetFiles(Lists.Feeds, ".*"));
        if (broken != "ftp")
        {
            var state = FeedFetcher.State(Lists, url)!;
            Assert.Equal((250, result.Message), (state.Names, state.Problem));
        }
    }

    [Fact]
    public async Task Fetch_PlainFeedWithNoCopyYet_FirstCopyHasNoShrinkCheck()
    {
        _server.Serve("/plain.txt", Encoding.ASCII.GetBytes("one.example\ntwo.example\nnot a name\n"));

        var result = await FetchAsync(_server.Url("/plain.txt"), ListFormat.Plain);

        Assert.True(result.Published, result.Message);
        Assert.Equal(2, FeedFetcher.State(Lists, _server.Url("/plain.txt"))!.Names);
    }

    [Fact]
    public async Task Fetch_AnotherProcessDownloading_WaitsForItsLockAndLeavesItsTemporaryFileAlone()
    {
        var url = _server.Url("/locked.txt");
        _server.Serve("/locked.txt", Encoding.ASCII.GetBytes(Hosts(20)));
        Directory.CreateDirectory(Lists.Feeds);
        var theirs = Path.Combine(Lists.Feeds, $".{ListDirectory.FeedKey(url)}.tmp-otherprocess");
        await File.WriteAllTextAsync(theirs, "0.0.0.0 half.example\n");
        Task<ListFetchResult> fetch;
        using (new FileStream(Path.Combine(Lists.Root, ".lock-feeds"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            fetch = FetchAsync(url);
            await Task.Delay(1500);
            Assert.False(fetch.IsCompleted, "the fetch must wait while another process holds .lock-feeds");
            Assert.True(File.Exists(theirs), "another process's file in progress must not be deleted");
        }

        var result = await fetch.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(result.Published, result.Message);
        Assert.False(File.Exists(theirs)); // once the lock is ours, what is left is a killed attempt's
    }

    [Fact]
    public async Task Fetch_NewPasswordForTheSameFeed_SameFilesAndStateNoCredentialsInAnyName()
    {
        _server.Serve("/hosts.txt", Encoding.ASCII.GetBytes(Hosts(30)));
        var first = _server.Url("/hosts.txt").Replace("http://", "http://school:old-secret@", StringComparison.Ordinal);
        var second = _server.Url("/hosts.txt").Replace("http://", "http://school:new-secret@", StringComparison.Ordinal);

        Assert.True((await FetchAsync(first)).Published);
        var again = await FetchAsync(second);

        Assert.True(again.Succeeded && !again.Published, again.Message); // the same copy: unchanged, not a second one
        Assert.Equal(2, Directory.GetFiles(Lists.Feeds).Length); // <key>.list and <key>.json
        Assert.Equal(FeedFetcher.Key(first), FeedFetcher.Key(second));
    }

    [Theory]
    [InlineData("https://lists.example/feed.txt?token=abc123&list=iwf", "https://lists.example/feed.txt?token=***&list=***")]
    [InlineData("https://u:p@lists.example/feed.txt?key=s3cret", "https://lists.example/feed.txt?key=***")]
    [InlineData("https://user:p@ss@bad host/x?token=s3cret", "https://bad host/x?token=***")]
    [InlineData("https://user:p@ss@bad host", "https://bad host")]
    [InlineData("not a url?token=s3cret", "not a url?token=***")]
    [InlineData("/srv/lists/feed.txt", "/srv/lists/feed.txt")]
    public void Redact_CredentialsAndQueryValuesNeverShown(string text, string shown)
    {
        Assert.Equal(shown, ListAddress.Redact(text));
        Assert.DoesNotContain("s3cret", ListAddress.Redact(text), StringComparison.Ordinal);
        Assert.DoesNotContain("ss@", ListAddress.Redact(text), StringComparison.Ordinal);
        if (ListAddress.TryParse(text, out var address, out _))
        {
            Assert.Equal(shown, address!.Shown);
        }
    }
}

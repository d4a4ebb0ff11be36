using System.Formats.Tar;
using System.Text;
using ClassroomGuard.Dns.Lists;
using ClassroomGuard.DnsFilter.Lists.Fetching;

namespace ClassroomGuard.DnsFilter.Tests.Lists.Fetching;

/// <summary>UT1's archive fetched from a real HTTP server on loopback: good archives published, broken ones refused with the set in force untouched.</summary>
public sealed class Ut1ArchiveFetcherTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly string _root = Directory.CreateTempSubdirectory("cg-fetch-").FullName;
    private ListServer _server = null!;

    public async Task InitializeAsync() => _server = await ListServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    private ListDirectory Lists => new(Path.Combine(_root, "lists"));

    private DnsListOptions Options(long min = 200, long max = 64L * 1024 * 1024) => new()
    {
        Ut1Url = _server.Url("/blacklists.tar.gz"),
        Ut1ChecksumUrl = _server.Url("/MD5SUM.LST"),
        MinArchiveBytes = min,
        MaxArchiveBytes = max,
    };

    private void ServeArchive(byte[] archive, string? md5 = null)
    {
        _server.Serve("/blacklists.tar.gz", archive);
        _server.Serve("/MD5SUM.LST", Encoding.ASCII.GetBytes(md5 ?? ("0123456789abcdef0123456789abcdef  other.tar.gz\n" + Ut1Archives.Md5Sum(archive))));
    }

    private Task<ListFetchResult> FetchAsync(DnsListOptions? options = null, ListDownloader? downloader = null)
        => new Ut1ArchiveFetcher(options ?? Options(), Lists, downloader: downloader).FetchAsync(Ct);

    [Fact]
    public async Task Fetch_GoodArchive_PublishedWithVersionLinksAndOnlyTheListsNeeded()
    {
        var archive = Ut1Archives.Build();
        ServeArchive(archive);

        var result = await FetchAsync();

        Assert.True(result.Succeeded && result.Published, result.Message);
        Assert.Contains("UT1's MD5 matches", result.Message, StringComparison.Ordinal);
        Assert.True(Lists.HasUt1);
        var target = new FileInfo(Lists.Ut1Current).LinkTarget!;
        Assert.StartsWith("ut1-versions/", target, StringComparison.Ordinal);
        var version = Ut1ArchiveFetcher.CurrentVersion(Lists)!;
        Assert.True(version.Md5Verified);
        Assert.Equal(400, version.NamesPerFolder["adult"]);
        Assert.Equal(3, version.NamesPerFolder["redirector"]);
        Assert.False(version.NamesPerFolder.ContainsKey("proxy"));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(archive)), version.Sha256);
        Assert.Equal("redirector", new FileInfo(Path.Combine(Lists.Ut1Current, "proxy")).LinkTarget);
        Assert.True(File.Exists(Path.Combine(Lists.Ut1Current, "proxy", "domains")));
        Assert.False(File.Exists(Path.Combine(Lists.Ut1Current, "adult", "urls")));
        Assert.Equal("black\n", File.ReadAllText(Path.Combine(Lists.Ut1Current, "games", "usage")));
        AssertNoLeftovers();

        // The same archive again: nothing new published; what a killed attempt left behind is removed.
        await File.WriteAllTextAsync(Path.Combine(Lists.Root, ".ut1-download-killed.tar.gz"), "partial");
        Directory.CreateDirectory(Path.Combine(Lists.Ut1Versions, ".staging-killed", "adult"));
        var again = await FetchAsync();
        Assert.True(again.Succeeded && !again.Published, again.Message);
        AssertNoLeftovers();
        Assert.Equal(target, new FileInfo(Lists.Ut1Current).LinkTarget);
        Assert.Null(Ut1ArchiveFetcher.State(Lists)!.Problem);
    }

    [Fact]
    public async Task Fetch_NewerArchives_KeepTheVersionInForceAndTheOneBefore()
    {
        var targets = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var folders = Ut1Archives.Folders();
            folders["games"] = [.. folders["games"], $"extra{i}.example"];
            ServeArchive(Ut1Archives.Build(folders));
            var result = await FetchAsync();
            Assert.True(result.Published, result.Message);
            targets.Add(Path.GetFileName(new FileInfo(Lists.Ut1Current).LinkTarget!));
            await Task.Delay(1100); // a new stamp
        }

        var kept = Directory.GetDirectories(Lists.Ut1Versions).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(targets.Skip(1).Order(StringComparer.Ordinal), kept);
        Assert.Equal(121, Ut1ArchiveFetcher.CurrentVersion(Lists)!.NamesPerFolder["games"]);
    }

    [Fact]
    public async Task Fetch_ChecksumListUnreachableOrNotNamingTheArchive_PublishedAsNotVerified()
    {
        var archive = Ut1Archives.Build();
        _server.Serve("/blacklists.tar.gz", archive);
        _server.Status("/MD5SUM.LST", 404);

        var result = await FetchAsync();

        Assert.True(result.Published, result.Message);
        Assert.Contains("not verified", result.Note, StringComparison.Ordinal);
        Assert.False(Ut1ArchiveFetcher.CurrentVersion(Lists)!.Md5Verified);

        var folders = Ut1Archives.Folders();
        folders["games"] = [.. folders["games"], "one-more.example"];
        ServeArchive(Ut1Archives.Build(folders), md5: "0123456789abcdef0123456789abcdef  other.tar.gz\n");
        var second = await FetchAsync();
        Assert.True(second.Published, second.Message);
        Assert.Contains("does not name blacklists.tar.gz", second.Note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fetch_LocalArchivePath_PublishedWithTheSameChecks()
    {
        var path = Path.Combine(_root, "blacklists.tar.gz");
        await File.WriteAllBytesAsync(path, Ut1Archives.Build());
        var options = Options();
        options.Ut1Url = path;
        options.Ut1ChecksumUrl = "";

        var result = await FetchAsync(options);

        Assert.True(result.Published, result.Message);
        Assert.Equal(path, Ut1ArchiveFetcher.CurrentVersion(Lists)!.Source);

        await File.WriteAllBytesAsync(path, Ut1Archives.Build()[..2000]);
        var cut = await FetchAsync(options);
        Assert.False(cut.Succeeded);
    }

    [Fact]
    public async Task Fetch_Ut1PublishesRightAfterTheDownload_TheChecksumListReadBeforeStillMatches()
    {
        var archive = Ut1Archives.Build();
        var folders = Ut1Archives.Folders();
        folders["games"] = [.. folders["games"], "newer.example"];
        var newer = Ut1Archives.Build(folders);
        ServeArchive(archive);
        _server.Route("/blacklists.tar.gz", async context =>
        {
            context.Response.ContentLength = archive.Length;
            await context.Response.Body.WriteAsync(archive);
            _server.Serve("/MD5SUM.LST", Encoding.ASCII.GetBytes(Ut1Archives.Md5Sum(newer))); // UT1 publishes the next one
        });

        var result = await FetchAsync();

        Assert.True(result.Published, result.Message);
        Assert.True(Ut1ArchiveFetcher.CurrentVersion(Lists)!.Md5Verified);
    }

    [Fact]
    public async Task Fetch_Ut1PublishedBetweenTheListAndTheDownload_TheListIsReadOnceMoreAndMatches()
    {
        var archive = Ut1Archives.Build();
        var folders = Ut1Archives.Folders();
        folders["games"] = [.. folders["games"], "older.example"];
        ServeArchive(archive, Ut1Archives.Md5Sum(Ut1Archives.Build(folders))); // the list still names the previous archive
        _server.Route("/blacklists.tar.gz", async context =>
        {
            _server.Serve("/MD5SUM.LST", Encoding.ASCII.GetBytes(Ut1Archives.Md5Sum(archive)));
            context.Response.ContentLength = archive.Length;
            await context.Response.Body.WriteAsync(archive);
        });

        var result = await FetchAsync();

        Assert.True(result.Published, result.Message);
        Assert.True(Ut1ArchiveFetcher.CurrentVersion(Lists)!.Md5Verified);
        Assert.Equal(2, _server.Requests.Count(r => r.Path == "/MD5SUM.LST"));
    }

    [Fact]
    public async Task Fetch_LocalArchiveWithTheOnlineChecksumList_NotComparedWithIt()
    {
        var path = Path.Combine(_root, "blacklists.tar.gz");
        await File.WriteAllBytesAsync(path, Ut1Archives.Build());
        ServeArchive(Ut1Archives.Build(Ut1Archives.Folders(adult: 300))); // UT1's online list names a different archive
        var options = Options();
        options.Ut1Url = path;

        var result = await FetchAsync(options);

        Assert.True(result.Published, result.Message);
        Assert.False(Ut1ArchiveFetcher.CurrentVersion(Lists)!.Md5Verified);
        Assert.Contains("local copy", result.Note, StringComparison.Ordinal);
        Assert.DoesNotContain(_server.Requests, r => r.Path == "/MD5SUM.LST");

        // A local checksum list is compared with a local archive.
        var list = Path.Combine(_root, "MD5SUM.LST");
        await File.WriteAllTextAsync(list, "0123456789abcdef0123456789abcdef  blacklists.tar.gz\n");
        options.Ut1ChecksumUrl = list;
        var folders = Ut1Archives.Folders();
        folders["games"] = [.. folders["games"], "changed.example"];
        await File.WriteAllBytesAsync(path, Ut1Archives.Build(folders));
        var mismatch = await FetchAsync(options);
        Assert.Equal(FetchProblem.ChecksumMismatch, mismatch.Problem);
    }

    [Fact]
    public void Extract_DiskFull_ReportedAsAStorageProblemNotABrokenArchive()
    {
        var archive = Path.Combine(_root, "blacklists.tar.gz");
        File.WriteAllBytes(archive, Ut1Archives.Build());
        var destination = Path.Combine(_root, "staging");
        Directory.CreateDirectory(Path.Combine(destination, "adult"));
        File.CreateSymbolicLink(Path.Combine(destination, "adult", "domains"), "/dev/full"); // every write: ENOSPC

        var refused = Assert.Throws<FetchRefusedException>(() => Ut1Archive.Extract(archive, destination, 64L * 1024 * 1024, 100_000));

        Assert.Equal(FetchProblem.Storage, refused.Problem);
        Assert.Contains($"the list directory {destination} is full: ", refused.Message, StringComparison.Ordinal);
        Assert.Contains(" free", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SyncDirectory_FlushesAFolderAndRefusesAMissingOne()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_root, "synced", "inner")).Parent!.FullName;
        File.CreateSymbolicLink(Path.Combine(folder, "link"), "inner");

        NativeMethods.SyncTree(folder); // open(2) + fsync(2) on each folder, links not followed: no error

        var missing = Assert.Throws<IOException>(() => NativeMethods.SyncDirectory(Path.Combine(_root, "missing")));
        Assert.Contains("errno 2", missing.Message, StringComparison.Ordinal); // ENOENT from open(2): the call really ran
    }

    [Fact]
    public async Task Fetch_PublishFails_TheVersionFolderMovedIntoPlaceIsRemoved()
    {
        ServeArchive(Ut1Archives.Build());
        Directory.CreateDirectory(Path.Combine(Lists.Ut1Current, "adult")); // not a link: the rename over it fails

        var result = await FetchAsync();

        Assert.False(result.Succeeded, result.Message);
        Assert.Equal(FetchProblem.Storage, result.Problem);
        Assert.Empty(Directory.GetDirectories(Lists.Ut1Versions));
    }

    [Theory]
    [InlineData("{md5}  blacklists.tar.gz", true)]
    [InlineData("{MD5} *blacklists.tar.gz", true)]
    [InlineData("junk\n\n{md5}\tdownload/blacklists.tar.gz\r", true)]
    [InlineData("{md5}  blacklists.tar.gz.old\n{md5}  blacklists", false)]
    [InlineData("{md5}blacklists.tar.gz", false)]
    [InlineData("", false)]
    [InlineData("\u0000\u0001\u00ff garbage", false)]
    public async Task Fetch_ChecksumListInItsForms_VerifiedOnlyWhenALineNamesTheArchive(string list, bool verified)
    {
        var archive = Ut1Archives.Build();
        var md5 = Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(archive));
        ServeArchive(archive, list.Replace("{md5}", md5, StringComparison.Ordinal).Replace("{MD5}", md5.ToUpperInvariant(), StringComparison.Ordinal) + (list.Length == 0 ? " " : ""));

        var result = await FetchAsync();

        Assert.True(result.Published, result.Message);
        Assert.Equal(verified, Ut1ArchiveFetcher.CurrentVersion(Lists)!.Md5Verified);
        Assert.Equal(verified, result.Note is null);
    }

    [Theory]
    [InlineData("https://user:pa%3Ass@lists.example/x.txt", "https://lists.example/x.txt", true)]
    [InlineData("http://lists.example:8080/a/b.txt?k=v", "http://lists.example:8080/a/b.txt?k=***", true)]
    [InlineData("/srv/ut1/blacklists.tar.gz", "/srv/ut1/blacklists.tar.gz", true)]
    [InlineData("file:///srv/ut1/blacklists.tar.gz", "/srv/ut1/blacklists.tar.gz", true)]
    [InlineData("ftp://user:pw@lists.example/x.txt", "ftp://lists.example/x.txt", false)]
    [InlineData("lists.example/x.txt", "lists.example/x.txt", false)]
    [InlineData("https://us er:pw@bad host/x", "https://bad host/x", false)]
    [InlineData("", "", false)]
    public void Address_ParsedOrRefused_CredentialsNeverShown(string text, string shown, bool valid)
    {
        var ok = ListAddress.TryParse(text, out var address, out var problem);

        Assert.Equal(valid, ok);
        Assert.Equal(shown, ok ? address!.Shown : ListAddress.Redact(text));
        Assert.DoesNotContain("pw", (problem ?? "") + (address?.Shown ?? ""), StringComparison.Ordinal);
        Assert.DoesNotContain("pa%3Ass", (problem ?? "") + (address?.Shown ?? ""), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fetch_Redirects_FollowedToHttpOnly()
    {
        var archive = Ut1Archives.Build();
        ServeArchive(archive);
        _server.Route("/moved.tar.gz", context =>
        {
            context.Response.Redirect("/blacklists.tar.gz");
            return Task.CompletedTask;
        });
        _server.Route("/elsewhere.tar.gz", context =>
        {
            context.Response.Redirect("ftp://127.0.0.1/blacklists.tar.gz");
            return Task.CompletedTask;
        });
        var options = Options();

        options.Ut1Url = _server.Url("/elsewhere.tar.gz");
        var refused = await FetchAsync(options);
        options.Ut1Url = _server.Url("/moved.tar.gz");
        var followed = await FetchAsync(options);

        Assert.Equal(FetchProblem.Unreachable, refused.Problem);
        Assert.True(refused.Message.Contains("redirects to ftp://127.0.0.1/blacklists.tar.gz, which is not followed (not an http(s) address)", StringComparison.Ordinal), refused.Message);
        Assert.True(followed.Published, followed.Message);
        Assert.Null(followed.Note); // UT1's MD5 list names blacklists.tar.gz: the name the archive was served under
    }

    [Fact]
    public async Task Fetch_TwoAtOnce_OneAfterTheOtherAndTheLinkAlwaysNamesAWholeVersion()
    {
        var tasks = new List<Task<ListFetchResult>>();
        for (var i = 0; i < 2; i++)
        {
            var folders = Ut1Archives.Folders();
            folders["games"] = [.. folders["games"], $"concurrent{i}.example"];
            var path = Path.Combine(_root, $"archive{i}.tar.gz");
            await File.WriteAllBytesAsync(path, Ut1Archives.Build(folders));
            var options = Options();
            options.Ut1Url = path;
            options.Ut1ChecksumUrl = "";
            tasks.Add(Task.Run(() => FetchAsync(options)));
        }

        var results = await Task.WhenAll(tasks);

        Assert.All(results, r => Assert.True(r.Published, r.Message));
        Assert.True(File.Exists(Path.Combine(Lists.Ut1Current, ListDirectory.VersionFileName)));
        Assert.Equal(2, Directory.GetDirectories(Lists.Ut1Versions).Length);
        AssertNoLeftovers();
    }

    [Theory]
    [InlineData("cut-10")]
    [InlineData("cut-50")]
    [InlineData("cut-90")]
    [InlineData("cut-trailer")]
    [InlineData("cut-last-byte")]
    [InlineData("connection-dropped")]
    [InlineData("corrupt")]
    [InlineData("corrupt-end")]
    [InlineData("wrong-md5")]
    [InlineData("too-small")]
    [InlineData("too-big")]
    [InlineData("bomb")]
    [InlineData("too-many-entries")]
    [InlineData("dot-dot")]
    [InlineData("absolute")]
    [InlineData("link-out")]
    [InlineData("link-absolute")]
    [InlineData("through-link")]
    [InlineData("link-nested-escape")]
    [InlineData("link-to-link")]
    [InlineData("link-to-link-before")]
    [InlineData("link-path")]
    [InlineData("link-dot-dot")]
    [InlineData("fifo")]
    [InlineData("two-top-folders")]
    [InlineData("shrunk")]
    [InlineData("folder-gone")]
    [InlineData("required-missing")]
    [InlineData("not-found")]
    [InlineData("server-error")]
    [InlineData("stalled")]
    [InlineData("html")]
    [InlineData("no-domains")]
    public async Task Fetch_BrokenOrSuspicious_RefusedWithTheReasonAndTheSetInForceUnchanged(string broken)
    {
        ServeArchive(Ut1Archives.Build());
        Assert.True((await FetchAsync()).Published);
        var target = new FileInfo(Lists.Ut1Current).LinkTarget;
        var adult = await File.ReadAllBytesAsync(Path.Combine(Lists.Ut1Current, "adult", "domains"));
        var versions = Directory.GetDirectories(Lists.Ut1Versions).Length;

        var folders = Ut1Archives.Folders();
        folders["games"] = [.. folders["games"], "new.example"]; // a different archive from the one in force
        var good = Ut1Archives.Build(folders);
        var options = Options();
        ListDownloader? downloader = null;
        var (problem, reason) = broken switch
        {
            "cut-10" => Serve(good[..(good.Length / 10)], FetchProblem.Truncated, ""),
            "cut-50" => Serve(good[..(good.Length / 2)], FetchProblem.Truncated, ""),
            "cut-90" => Serve(good[..(good.Length * 9 / 10)], FetchProblem.Truncated, ""),
            "cut-trailer" => Serve(good[..^4], FetchProblem.Truncated, "incomplete or damaged"),
            "cut-last-byte" => Serve(good[..^1], FetchProblem.Truncated, "incomplete or damaged"),
            "corrupt" => Serve(Flip(good, good.Length / 2), FetchProblem.None, ""),
            "corrupt-end" => Serve(Flip(good, good.Length - 12), FetchProblem.None, ""),
            "wrong-md5" => Serve(good, FetchProblem.ChecksumMismatch, "UT1's MD5 for blacklists.tar.gz does not match", Ut1Archives.Md5Sum(Ut1Archives.Build(links: false))),
            "too-small" => Serve(good, FetchProblem.TooSmall, "less than the", set: () => options.MinArchiveBytes = good.Length + 1),
            "too-big" => Serve(good, FetchProblem.TooLarge, "more than the", set: () => options.MaxArchiveBytes = good.Length - 1),
            "bomb" => Serve(Ut1Archives.Build(extra: w => Ut1Archives.File(w, "blacklists/adult/urls2", new string('a', 3_000_000))), FetchProblem.TooLarge, "unpacks to more than", set: () => options.MaxArchiveBytes = 1_000_000),
            "too-many-entries" => Serve(Ut1Archives.Build(extra: w =>
            {
                for (var i = 0; i < 300; i++)
                {
                    Ut1Archives.File(w, $"blacklists/games/x{i}", "");
                }
            }), FetchProblem.TooLarge, "more than 100 entries", set: () => { }),
            "dot-dot" => Serve(Ut1Archives.Build(extra: w => Ut1Archives.File(w, "blacklists/../evil", "x")), FetchProblem.UnsafeEntry, "going up out of its folder"),
            "absolute" => Serve(Ut1Archives.Build(extra: w => Ut1Archives.File(w, "/tmp/evil", "x")), FetchProblem.UnsafeEntry, "absolute path"),
            "link-out" => Serve(Ut1Archives.Build(extra: w => w.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "blacklists/evil") { LinkName = "../../../../etc" })), FetchProblem.UnsafeEntry, "points outside"),
            "link-absolute" => Serve(Ut1Archives.Build(extra: w => w.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "blacklists/evil") { LinkName = "/etc" })), FetchProblem.UnsafeEntry, "points outside"),
            "through-link" => Serve(Ut1Archives.Build(extra: w => Ut1Archives.File(w, "blacklists/proxy/domains", "x.example\n")), FetchProblem.UnsafeEntry, "through a link"),
            "link-nested-escape" => Serve(Ut1Archives.Build(extra: w =>
            {
                w.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "blacklists/d1/d2/"));
                w.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "blacklists/d1/d2/a") { LinkName = "../../x" });
                w.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "blacklists/d1/d2/p") { LinkName = "a/../../../escaped" });
                Ut1Archives.File(w, "blacklists/d1/d2/p/evil", "x");
            }), FetchProblem.UnsafeEntry, "'blacklists/d1/d2/a' points outside"),
            "link-to-link" => Serve(Ut1Archives.Build(extra: w => w.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "blacklists/proxy2") { LinkName = "proxy" })), FetchProblem.UnsafeEntry, "points at a link"),
            "link-to-link-before" => Serve(Ut1Archives.Build(extra: w =>
            {
                w.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "blacklists/first") { LinkName = "second" });
                w.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "blacklists/second") { LinkName = "adult" });
            }), FetchProblem.UnsafeEntry, "points at a link"),
            "link-path" => Serve(Ut1Archives.Build(extra: w => w.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "blacklists/evil") { LinkName = "games/../adult" })), FetchProblem.UnsafeEntry, "not at a sibling folder"),
            "link-dot-dot" => Serve(Ut1Archives.Build(extra: w => w.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "blacklists/evil") { LinkName = ".." })), FetchProblem.UnsafeEntry, "not at a sibling folder"),
            "fifo" => Serve(Ut1Archives.Build(extra: w => w.WriteEntry(new PaxTarEntry(TarEntryType.Fifo, "blacklists/pipe"))), FetchProblem.UnsafeEntry, "Fifo"),
            "two-top-folders" => Serve(Ut1Archives.Build(extra: w => Ut1Archives.File(w, "other/adult/domains", "x.example\n")), FetchProblem.Layout, "more than one top folder"),
            "shrunk" => Serve(Ut1Archives.Build(Ut1Archives.Folders(adult: 12)), FetchProblem.Shrunk, "adult shrank from 400 to 12 names"),
            "folder-gone" => Serve(Ut1Archives.Build(Without(folders, "games")), FetchProblem.Shrunk, "games (120 names) is missing"),
            "required-missing" => Serve(Ut1Archives.Build(Without(folders, "phishing")), FetchProblem.Layout, "no names in 'phishing'"),
            "not-found" => Status(404, "404"),
            "server-error" => Status(500, "500"),
            "stalled" => Stalled(good),
            "html" => Serve(Encoding.ASCII.GetBytes("<html>" + new string(' ', 5000) + "</html>"), FetchProblem.Corrupt, "not a gzip archive"),
            "no-domains" => Serve(Ut1Archives.Build(new Dictionary<string, string[]>(), links: false, extra: w => Ut1Archives.File(w, "blacklists/README", "x")), FetchProblem.Layout, "no '<folder>/domains'"),
            "connection-dropped" => Cut(good),
            _ => throw new ArgumentOutOfRangeException(nameof(broken)),
        };

        var result = await new Ut1ArchiveFetcher(options, Lists, downloader: downloader) { MaxEntries = broken == "too-many-entries" ? 100 : 100_000 }.FetchAsync(Ct);

        Assert.False(result.Succeeded, $"{broken}: {result.Message}");
        Assert.False(result.Published);
        if (problem != FetchProblem.None)
        {
            Assert.True(problem == result.Problem, $"{broken}: {result.Problem} {result.Message}");
        }

        Assert.Contains(reason, result.Message, StringComparison.Ordinal);
        Assert.Equal(target, new FileInfo(Lists.Ut1Current).LinkTarget);
        Assert.Equal(adult, await File.ReadAllBytesAsync(Path.Combine(Lists.Ut1Current, "adult", "domains")));
        Assert.Equal(versions, Directory.GetDirectories(Lists.Ut1Versions).Length);
        Assert.False(File.Exists(Path.Combine(_root, "evil")) || File.Exists("/tmp/evil"));
        Assert.Empty(Directory.GetFileSystemEntries(_root, "escaped", SearchOption.AllDirectories));
        Assert.Empty(Directory.GetFileSystemEntries(Lists.Ut1Versions, "x", SearchOption.AllDirectories));
        AssertNoLeftovers();
        var state = Ut1ArchiveFetcher.State(Lists)!;
        Assert.Equal((result.Message, 1), (state.Problem, state.Failures));

        (FetchProblem, string) Serve(byte[] archive, FetchProblem kind, string text, string? md5 = null, Action? set = null)
        {
            ServeArchive(archive, md5);
            set?.Invoke();
            return (kind, text);
        }

        (FetchProblem, string) Status(int status, string text)
        {
            _server.Status("/blacklists.tar.gz", status);
            return (FetchProblem.Unreachable, text);
        }

        (FetchProblem, string) Stalled(byte[] archive)
        {
            _server.ServeStalled("/blacklists.tar.gz", archive);
            downloader = new ListDownloader { StallTimeout = TimeSpan.FromSeconds(1) };
            return (FetchProblem.Timeout, "sent nothing for 1 seconds");
        }

        (FetchProblem, string) Cut(byte[] archive)
        {
            _server.ServeCut("/blacklists.tar.gz", archive[..(archive.Length / 3)], archive.Length);
            return (FetchProblem.Truncated, "the download stopped after");
        }
    }

    private static byte[] Flip(byte[] bytes, int at)
    {
        var copy = bytes.ToArray();
        for (var i = at; i < Math.Min(at + 8, copy.Length); i++)
        {
            copy[i] ^= 0x5A;
        }

        return copy;
    }

    private static Dictionary<string, string[]> Without(Dictionary<string, string[]> folders, string folder)
    {
        var copy = new Dictionary<string, string[]>(folders, StringComparer.Ordinal);
        copy.Remove(folder);
        return copy;
    }

    private void AssertNoLeftovers()
    {
        Assert.Empty(Directory.GetFiles(Lists.Root, ".ut1-*"));
        Assert.Empty(Directory.GetFileSystemEntries(Lists.Ut1Versions, ".staging-*"));
    }
}

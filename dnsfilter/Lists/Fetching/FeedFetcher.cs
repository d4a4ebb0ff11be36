using ClassroomGuard.Dns.Lists;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClassroomGuard.DnsFilter.Lists.Fetching;

/// <summary>
/// Fetches one list by URL (a <c>Dns:Lists:Feeds</c> entry, or a school's own feed from the state) with the same care
/// as UT1's archive: size bounds, at least one valid name, no shrinking by more than half against the last good copy;
/// then publishes <c>feeds/&lt;key&gt;.list</c> by a temporary file and a rename, and remembers when, how many names and
/// the last problem in <c>feeds/&lt;key&gt;.json</c>. Credentials in the URL are used, never shown.
/// </summary>
public sealed class FeedFetcher
{
    private readonly DnsListOptions _options;
    private readonly ListDirectory _directory;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ListDownloader _downloader;

    /// <summary>Creates the fetcher.</summary>
    public FeedFetcher(DnsListOptions options, ListDirectory directory, TimeProvider? time = null, ILogger? logger = null, ListDownloader? downloader = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(directory);
        _options = options;
        _directory = directory;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _downloader = downloader ?? new ListDownloader();
    }

    /// <summary>What is remembered about the feed at <paramref name="url"/> (null: never tried).</summary>
    public static FetchState? State(ListDirectory directory, string url)
    {
        ArgumentNullException.ThrowIfNull(directory);
        return FetchJson.Read(StatePath(directory, url), FetchJson.Default.FetchState);
    }

    /// <summary>Remembers <paramref name="state"/> for the feed at <paramref name="url"/>.</summary>
    public static void SaveState(ListDirectory directory, string url, FetchState state)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(state);
        Directory.CreateDirectory(directory.Feeds);
        FetchJson.Write(StatePath(directory, url), state, FetchJson.Default.FetchState);
    }

    /// <summary>True when the feed has a good copy on disk.</summary>
    public static bool HasCopy(ListDirectory directory, string url)
    {
        ArgumentNullException.ThrowIfNull(directory);
        return File.Exists(directory.FeedFile(Key(url)));
    }

    /// <summary>Fetches, checks and publishes the feed; never throws for what the server sends.</summary>
    public async Task<ListFetchResult> FetchAsync(string name, string url, ListFormat format, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(url);
        var started = _time.GetUtcNow();
        var shown = ListAddress.Redact(url);
        var previous = State(_directory, url) ?? new FetchState();
        FetchLog.Fetching(_logger, name, shown);
        ListFetchResult result;
        int? names = previous.Names;
        string? sha = previous.Sha256;
        DateTimeOffset? fetched = previous.Fetched;
        try
        {
            (result, var published) = await FetchCoreAsync(name, url, format, previous, cancellationToken);
            if (published is { } p)
            {
                (names, sha) = p;
                fetched = started;
            }
        }
        catch (FetchRefusedException e)
        {
            result = ListFetchResult.Refused(e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            result = ListFetchResult.Refused(FetchText.StorageProblem(_directory.Feeds, e));
        }

        try
        {
            SaveState(_directory, url, previous with
            {
                Name = name,
                Source = shown,
                LastAttempt = started,
                LastSuccess = result.Succeeded ? _time.GetUtcNow() : previous.LastSuccess,
                Fetched = fetched,
                Names = names,
                Sha256 = sha,
                Problem = result.Succeeded ? null : result.Message,
                ProblemKind = result.Problem,
                Failures = result.Succeeded ? 0 : previous.Failures + 1,
            });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            FetchLog.FetchNote(_logger, name, $"could not remember the attempt in {_directory.Feeds}: {e.Message}");
        }

        if (result.Succeeded)
        {
            FetchLog.Fetched(_logger, name, result.Message);
        }
        else
        {
            FetchLog.FetchFailed(_logger, name, shown, result.Message);
        }

        return result;
    }

    private async Task<(ListFetchResult, (int Names, string Sha256)?)> FetchCoreAsync(string name, string url, ListFormat format, FetchState previous, CancellationToken cancellationToken)
    {
        if (format == ListFormat.Ut1)
        {
            throw new FetchRefusedException(FetchProblem.Unsupported, $"{name}: a feed is one list file (Plain, Hosts or AdBlock), not a UT1 collection");
        }

        if (!ListAddress.TryParse(url, out var address, out var problem))
        {
            throw new FetchRefusedException(FetchProblem.Unsupported, $"{name}: {problem}");
        }

        if (address!.SendsCredentialsInClear)
        {
            FetchLog.CredentialsInClear(_logger, name, address.Shown);
        }

        Directory.CreateDirectory(_directory.Feeds);
        var key = Key(url);
        using var exclusive = await ListLock.AcquireAsync(_directory.Root, ListLock.Feeds, name, _logger, cancellationToken); // one feed download at a time across processes
        foreach (var leftover in Directory.EnumerateFiles(_directory.Feeds, $".{key}.tmp-*"))
        {
            try
            {
                File.Delete(leftover); // an attempt that was killed (no other process is downloading: the lock is ours)
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                FetchLog.FetchNote(_logger, name, $"could not remove {leftover}, left by an earlier attempt: {e.Message}");
            }
        }

        var temp = Path.Combine(_directory.Feeds, $".{key}.tmp-{Guid.NewGuid():N}");
        try
        {
            var downloaded = await _downloader.DownloadAsync(address!, temp, 1, _options.MaxArchiveBytes, $"{name}", cancellationToken);
            var target = _directory.FeedFile(key);
            if (File.Exists(target) && string.Equals(previous.Sha256, downloaded.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                return (new ListFetchResult(true, false, $"unchanged ({FetchText.Count(previous.Names ?? 0)} names): the copy in force is kept"), null);
            }

            var stats = ListLoader.LoadFile(temp, format, 1, new CountingBuilder()); // parsed as the filter will, counted, not kept
            if (stats.Names == 0)
            {
                throw new FetchRefusedException(FetchProblem.NoNames, $"{name} holds no valid name in {format} format ({FetchText.Count(stats.Lines)} lines read, {FetchText.Count(stats.Skipped)} unusable): an error page, or the wrong format");
            }

            var count = (int)Math.Min(stats.Names, int.MaxValue);
            if (File.Exists(target) && previous.Names is { } before && before >= Ut1ArchiveFetcher.ShrinkFloor && (long)count * 2 < before)
            {
                throw new FetchRefusedException(FetchProblem.Shrunk, $"{name} shrank from {FetchText.Count(before)} to {FetchText.Count(count)} names: refused");
            }

            File.Move(temp, target, overwrite: true); // the temporary file was flushed to disk by the downloader
            NativeMethods.SyncDirectory(_directory.Feeds); // and the rename survives a power cut
            return (new ListFetchResult(true, true, $"published {FetchText.Count(count)} names ({FetchText.Size(downloaded.Bytes)})"), (count, downloaded.Sha256));
        }
        finally
        {
            try
            {
                File.Delete(temp);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
    }

    private static string StatePath(ListDirectory directory, string url) => Path.Combine(directory.Feeds, Key(url) + ".json");

    /// <summary>The feed's file key: from its URL without credentials (as <see cref="ListSources.EffectiveSources"/> computes it).</summary>
    public static string Key(string url) => ListDirectory.FeedKey(ListAddress.WithoutUserInfo(url));

    /// <summary>Takes names without keeping them: the parse is the filter's own, the memory is none.</summary>
    private sealed class CountingBuilder : DomainSetBuilder
    {
        private int _count;

        public override int Count => _count;

        public override void AddWire(ReadOnlySpan<byte> name, ulong value) => _count++;
    }
}

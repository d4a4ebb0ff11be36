using ClassroomGuard.Dns.Lists;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClassroomGuard.DnsFilter.Lists.Fetching;

/// <summary>
/// Fetches UT1's archive (<c>Dns:Lists:Ut1Url</c>), checks it and publishes it: size bounds, archive integrity, UT1's
/// MD5 (when its list names the archive), safe paths, UT1's layout with the required folders, and no folder shrunk by
/// more than half (or gone) against the version in force. Then unpacks it into <c>ut1-versions/&lt;stamp&gt;-&lt;sha8&gt;/</c>
/// with <c>VERSION.json</c>, replaces the <c>ut1-current</c> link in one rename, and keeps only the version in force
/// and the one before. On any failure nothing in force changes and the temporary files are deleted.
/// </summary>
public sealed class Ut1ArchiveFetcher
{
    /// <summary>A folder this small may come and go, or halve, without the download being refused.</summary>
    public const int ShrinkFloor = 100;

    /// <summary>The name of the file, in the list directory, remembering the last attempt (<see cref="FetchState"/>).</summary>
    public const string StateFileName = "ut1-status.json";

    private readonly DnsListOptions _options;
    private readonly ListDirectory _directory;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ListDownloader _downloader;

    /// <summary>Creates the fetcher.</summary>
    public Ut1ArchiveFetcher(DnsListOptions options, ListDirectory directory, TimeProvider? time = null, ILogger? logger = null, ListDownloader? downloader = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(directory);
        _options = options;
        _directory = directory;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _downloader = downloader ?? new ListDownloader();
    }

    /// <summary>At most this many entries in an archive (UT1's has a few hundred). Default 100,000.</summary>
    public int MaxEntries { get; init; } = 100_000;

    /// <summary>The version in force (null: none published, or its description is unreadable).</summary>
    public static ListVersionInfo? CurrentVersion(ListDirectory directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        return directory.HasUt1 ? FetchJson.Read(Path.Combine(directory.Ut1Current, ListDirectory.VersionFileName), FetchJson.Default.ListVersionInfo) : null;
    }

    /// <summary>What the last attempt did (null: never tried).</summary>
    public static FetchState? State(ListDirectory directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        return FetchJson.Read(Path.Combine(directory.Root, StateFileName), FetchJson.Default.FetchState);
    }

    /// <summary>Remembers <paramref name="state"/> (the refresher's alert bookkeeping).</summary>
    public static void SaveState(ListDirectory directory, FetchState state)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(state);
        Directory.CreateDirectory(directory.Root);
        FetchJson.Write(Path.Combine(directory.Root, StateFileName), state, FetchJson.Default.FetchState);
    }

    /// <summary>Fetches, checks and publishes the archive; never throws for what the server sends.</summary>
    public async Task<ListFetchResult> FetchAsync(CancellationToken cancellationToken)
    {
        var started = _time.GetUtcNow();
        var shown = ListAddress.Redact(_options.Ut1Url);
        FetchLog.Fetching(_logger, "UT1", shown);
        ListFetchResult result;
        try
        {
            result = await FetchCoreAsync(started, cancellationToken);
        }
        catch (FetchRefusedException e)
        {
            result = ListFetchResult.Refused(e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            result = ListFetchResult.Refused(FetchText.StorageProblem(_directory.Root, e));
        }

        var previous = State(_directory) ?? new FetchState();
        var state = previous with
        {
            Name = "UT1",
            Source = shown,
            LastAttempt = started,
            LastSuccess = result.Succeeded ? _time.GetUtcNow() : previous.LastSuccess,
            Problem = result.Succeeded ? null : result.Message,
            ProblemKind = result.Problem,
            Failures = result.Succeeded ? 0 : previous.Failures + 1,
            Sha256 = CurrentVersion(_directory)?.Sha256,
            Fetched = CurrentVersion(_directory)?.FetchedAt,
        };
        try
        {
            SaveState(_directory, state);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // the result says what happened; the state is only for the next attempt's bookkeeping
            FetchLog.FetchNote(_logger, "UT1", $"could not remember the attempt in {_directory.Root}: {e.Message}");
        }

        if (result.Succeeded)
        {
            FetchLog.Fetched(_logger, "UT1", result.Message);
            if (result.Note is not null)
            {
                FetchLog.FetchNote(_logger, "UT1", result.Note);
            }
        }
        else
        {
            FetchLog.FetchFailed(_logger, "UT1", shown, result.Message);
        }

        return result;
    }

    private async Task<ListFetchResult> FetchCoreAsync(DateTimeOffset started, CancellationToken cancellationToken)
    {
        if (!ListAddress.TryParse(_options.Ut1Url, out var address, out var problem))
        {
            throw new FetchRefusedException(FetchProblem.Unsupported, $"Dns:Lists:Ut1Url: {problem}");
        }

        Directory.CreateDirectory(_directory.Ut1Versions);
        using var exclusive = await ListLock.AcquireAsync(_directory.Root, ListLock.Ut1, "UT1", _logger, cancellationToken); // one fetch at a time (set-up's fetch-lists and the running filter)
        foreach (var leftover in Directory.EnumerateFiles(_directory.Root, ".ut1-download-*").Concat(Directory.EnumerateFiles(_directory.Root, $".{ListDirectory.Ut1CurrentName}-*")))
        {
            TryDelete(leftover); // an attempt that was killed
        }

        foreach (var leftover in Directory.EnumerateDirectories(_directory.Ut1Versions, ".staging-*"))
        {
            TryDeleteDirectory(leftover);
        }

        var id = Guid.NewGuid().ToString("N");
        var temp = Path.Combine(_directory.Root, $".ut1-download-{id}.tar.gz");
        var staging = Path.Combine(_directory.Ut1Versions, $".staging-{id}");
        try
        {
            // UT1's checksum list is read BEFORE the archive: an archive published in between then mismatches, and the
            // list is read once more (below) rather than a good archive refused.
            var checksums = await ReadChecksumsAsync(address!, cancellationToken);
            var downloaded = await _downloader.DownloadAsync(address!, temp, _options.MinArchiveBytes, _options.MaxArchiveBytes, $"UT1's archive {address!.FileName}", cancellationToken);
            var current = CurrentVersion(_directory);
            if (current is not null && string.Equals(current.Sha256, downloaded.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                return new ListFetchResult(true, false, $"unchanged since {current.Describe()}: the copy in force is kept");
            }

            var (md5Verified, note) = await CheckMd5Async(checksums, downloaded, cancellationToken);
            var content = await Task.Run(() => Ut1Archive.Extract(temp, staging, _options.MaxArchiveBytes, MaxEntries), cancellationToken);
            File.Delete(temp);
            var root = staging; // the top folder's content, unpacked without it
            CheckLayout(content);
            CheckShrink(current, content);

            var info = new ListVersionInfo(address.Shown, started, downloaded.LastModified, downloaded.Sha256, md5Verified, new SortedDictionary<string, int>(content.NamesPerFolder.ToDictionary(), StringComparer.Ordinal));
            FetchJson.Write(Path.Combine(root, ListDirectory.VersionFileName), info, FetchJson.Default.ListVersionInfo);
            var name = string.Create(CultureInfo.InvariantCulture, $"{started.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}-{downloaded.Sha256[..8]}");
            var version = Path.Combine(_directory.Ut1Versions, name);
            if (Directory.Exists(version))
            {
                Directory.Delete(version, recursive: true); // the same archive again within a second: replace it
            }

            NativeMethods.SyncTree(root); // every file was flushed as written; now the names in the folders
            Directory.Move(root, version);
            var before = CurrentTarget(_directory);
            try
            {
                NativeMethods.SyncDirectory(_directory.Ut1Versions);
                Publish(_directory, name);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                TryDeleteDirectory(version); // never published: not left to fill the disk
                throw FetchText.StorageProblem(_directory.Root, e);
            }

            Prune(name, before);
            var total = content.NamesPerFolder.Values.Sum(v => (long)v);
            return new ListFetchResult(
                true, true,
                $"published {info.Describe()}: {FetchText.Count(total)} names in {content.NamesPerFolder.Count} folders ({FetchText.Size(downloaded.Bytes)} downloaded{(md5Verified ? ", UT1's MD5 matches" : "")})",
                Note: note);
        }
        finally
        {
            TryDelete(temp);
            TryDeleteDirectory(staging);
        }
    }

    /// <summary>What the checksum list said when it was read, or why it is not used (<see cref="Note"/>).</summary>
    private sealed record Checksums(ListAddress? Address, string? Text, string? Note);

    /// <summary>
    /// Reads UT1's checksum list (<c>Dns:Lists:Ut1ChecksumUrl</c>), or says why not: none configured, unusable, or the
    /// archive is a local copy while the list is online (a school's own copy is not UT1's latest archive, so the online
    /// list says nothing about it; only a local checksum list is compared with a local archive).
    /// </summary>
    private async Task<Checksums> ReadChecksumsAsync(ListAddress archive, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(_options.Ut1ChecksumUrl))
        {
            return new Checksums(null, null, "no checksum list is configured (Dns:Lists:Ut1ChecksumUrl): the archive's MD5 is not verified");
        }

        if (!ListAddress.TryParse(_options.Ut1ChecksumUrl, out var address, out var problem))
        {
            return new Checksums(null, null, $"Dns:Lists:Ut1ChecksumUrl: {problem}: the archive's MD5 is not verified");
        }

        if (archive.LocalPath is not null && address!.LocalPath is null)
        {
            return new Checksums(null, null, $"the archive is a local copy ({archive.Shown}); UT1's online checksum list is not compared with it (set Dns:Lists:Ut1ChecksumUrl to a local MD5 list to check it): the archive's MD5 is not verified");
        }

        var (text, failure) = await _downloader.ReadTextAsync(address!, 1024 * 1024, cancellationToken);
        return text is null
            ? new Checksums(address, null, $"UT1's checksum list could not be fetched ({failure}): the archive's MD5 is not verified")
            : new Checksums(address, text, null);
    }

    private async Task<(bool Verified, string? Note)> CheckMd5Async(Checksums checksums, Downloaded downloaded, CancellationToken cancellationToken)
    {
        if (checksums.Text is null)
        {
            return (false, checksums.Note);
        }

        var listed = Listed(checksums.Text, downloaded.FileName);
        if (listed is not null && !string.Equals(listed, downloaded.Md5, StringComparison.OrdinalIgnoreCase))
        {
            // UT1 may have published a new archive (and list) between the two reads: read the list once more.
            var (again, _) = await _downloader.ReadTextAsync(checksums.Address!, 1024 * 1024, cancellationToken);
            var relisted = again is null ? null : Listed(again, downloaded.FileName);
            if (relisted is null || !string.Equals(relisted, downloaded.Md5, StringComparison.OrdinalIgnoreCase))
            {
                throw new FetchRefusedException(FetchProblem.ChecksumMismatch, $"UT1's MD5 for {downloaded.FileName} does not match: the list says {(relisted ?? listed).ToLowerInvariant()}, the download is {downloaded.Md5} (damaged or tampered with)");
            }

            listed = relisted;
        }

        return listed is null
            ? (false, $"UT1's checksum list {checksums.Address!.Shown} does not name {downloaded.FileName}: the archive's MD5 is not verified")
            : (true, null);
    }

    /// <summary>The MD5 (hex) the md5sum-format <paramref name="text"/> gives for <paramref name="fileName"/>; null when no line names it.</summary>
    private static string? Listed(string text, string fileName)
    {
        foreach (var line in text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var space = line.IndexOfAny([' ', '\t']);
            if (space != 32)
            {
                continue;
            }

            var named = line[space..].TrimStart(' ', '\t', '*').Trim();
            if (string.Equals(Path.GetFileName(named), fileName, StringComparison.Ordinal))
            {
                return line[..32];
            }
        }

        return null;
    }

    private void CheckLayout(Ut1Content content)
    {
        if (content.NamesPerFolder.Count == 0)
        {
            throw new FetchRefusedException(FetchProblem.Layout, $"the archive holds no '<folder>/domains' list under '{content.TopFolder}/': not UT1's layout");
        }

        foreach (var folder in _options.RequiredUt1Folders)
        {
            var resolved = content.Links.TryGetValue(folder, out var target) ? target : folder;
            if (content.NamesPerFolder.GetValueOrDefault(resolved) == 0)
            {
                throw new FetchRefusedException(FetchProblem.Layout, $"the archive has no names in '{folder}', a list every school must block: refused");
            }
        }
    }

    private static void CheckShrink(ListVersionInfo? current, Ut1Content content)
    {
        if (current is null)
        {
            return;
        }

        foreach (var (folder, before) in current.NamesPerFolder.OrderByDescending(p => p.Value))
        {
            if (before < ShrinkFloor)
            {
                continue;
            }

            var now = content.NamesPerFolder.GetValueOrDefault(folder);
            if (!content.NamesPerFolder.ContainsKey(folder))
            {
                throw new FetchRefusedException(FetchProblem.Shrunk, $"{folder} ({FetchText.Count(before)} names) is missing from the new archive: refused");
            }

            if ((long)now * 2 < before)
            {
                throw new FetchRefusedException(FetchProblem.Shrunk, $"{folder} shrank from {FetchText.Count(before)} to {FetchText.Count(now)} names: refused");
            }
        }
    }

    /// <summary>The version folder name <c>ut1-current</c> points at (null when none).</summary>
    internal static string? CurrentTarget(ListDirectory directory)
    {
        var link = new FileInfo(directory.Ut1Current);
        return link.LinkTarget is { } target ? Path.GetFileName(target.TrimEnd('/')) : null;
    }

    /// <summary>Points <c>ut1-current</c> at <c>ut1-versions/&lt;name&gt;</c>: a new link, renamed over the old one.</summary>
    internal static void Publish(ListDirectory directory, string name)
    {
        var temp = Path.Combine(directory.Root, $".{ListDirectory.Ut1CurrentName}-{Guid.NewGuid():N}");
        File.CreateSymbolicLink(temp, Path.Combine(ListDirectory.Ut1VersionsName, name));
        try
        {
            // rename(2) replaces the link itself in one step (File.Move refuses a link to a directory).
            if (NativeMethods.Rename(temp, directory.Ut1Current) != 0)
            {
                throw new IOException($"Could not rename {temp} to {directory.Ut1Current} (errno {Marshal.GetLastPInvokeError()}).");
            }

            NativeMethods.SyncDirectory(directory.Root); // the new link survives a power cut
        }
        finally
        {
            TryDelete(temp);
        }
    }

    private void Prune(string current, string? previous)
    {
        foreach (var folder in new DirectoryInfo(_directory.Ut1Versions).EnumerateDirectories())
        {
            if (folder.Name == current || folder.Name == previous)
            {
                continue;
            }

            try
            {
                folder.Delete(recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                FetchLog.PruneFailed(_logger, folder.FullName, e);
            }
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    private static void TryDeleteDirectory(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>The system calls .NET does not offer: rename of a link to a directory, and fsync of a directory.</summary>
internal static class NativeMethods
{
    private const int OpenReadOnly = 0;
    private const int OpenCloseOnExec = 0x80000;

    /// <summary>
    /// Flushes <paramref name="directory"/>'s entries (names created, renamed or removed in it) to disk, so a rename
    /// survives a power cut: open(O_RDONLY) + fsync(2). Throws <see cref="IOException"/> when it cannot.
    /// </summary>
    public static void SyncDirectory(string directory)
    {
        var fd = Open(directory, OpenReadOnly | OpenCloseOnExec);
        if (fd < 0)
        {
            throw new IOException($"Could not open the directory {directory} to flush it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"Could not flush the directory {directory} to disk (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    /// <summary>Flushes every directory under <paramref name="root"/> (links are not followed) and <paramref name="root"/> itself.</summary>
    public static void SyncTree(string root)
    {
        foreach (var folder in new DirectoryInfo(root).EnumerateDirectories("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint }))
        {
            SyncDirectory(folder.FullName);
        }

        SyncDirectory(root);
    }

    /// <summary>Flushes an existing file's data to disk.</summary>
    public static void SyncFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        stream.Flush(flushToDisk: true);
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Close(int fd);

    [DllImport("libc", EntryPoint = "rename", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int Rename([MarshalAs(UnmanagedType.LPUTF8Str)] string from, [MarshalAs(UnmanagedType.LPUTF8Str)] string to);
}

using ClassroomGuard.Dns.Lists;
using System.Globalization;
using System.Text.Json.Serialization;

namespace ClassroomGuard.DnsFilter.Lists.Fetching;

/// <summary>Why a download was refused or failed (alerts are raised once a day per source and kind).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FetchProblem>))]
public enum FetchProblem
{
    /// <summary>No problem.</summary>
    None,
    /// <summary>The server could not be reached, or answered with an error status.</summary>
    Unreachable,
    /// <summary>The server stopped sending for too long, or the whole download took too long.</summary>
    Timeout,
    /// <summary>The download or archive ended early.</summary>
    Truncated,
    /// <summary>Smaller than the lower bound.</summary>
    TooSmall,
    /// <summary>Larger than the upper bound (packed, unpacked, or too many entries).</summary>
    TooLarge,
    /// <summary>The archive is not a valid tar.gz (bad bytes, bad checksum of the gzip data).</summary>
    Corrupt,
    /// <summary>The publisher's MD5 for the archive does not match.</summary>
    ChecksumMismatch,
    /// <summary>An entry would land outside the list folder (absolute path, <c>..</c>, a link out), or is a device.</summary>
    UnsafeEntry,
    /// <summary>Not UT1's layout, or a required folder is missing.</summary>
    Layout,
    /// <summary>A list shrank by more than half against the last good copy.</summary>
    Shrunk,
    /// <summary>A feed holds no valid name.</summary>
    NoNames,
    /// <summary>The address is not http(s) nor an absolute path, or the format cannot be fetched.</summary>
    Unsupported,
    /// <summary>The list directory could not be written.</summary>
    Storage,
}

/// <summary>What a fetch did.</summary>
/// <param name="Succeeded">Every check passed (a new copy was published, or the one in force was confirmed).</param>
/// <param name="Published">A new copy is in force on disk (the lists must be reloaded).</param>
/// <param name="Message">In words: what was published, or why it was refused ("UT1's MD5 for blacklists.tar.gz does not match").</param>
/// <param name="Problem">The kind of failure; <see cref="FetchProblem.None"/> on success.</param>
/// <param name="Note">Something a technician may want to know on success ("UT1's MD5 list could not be fetched: not verified").</param>
public sealed record ListFetchResult(bool Succeeded, bool Published, string Message, FetchProblem Problem = FetchProblem.None, string? Note = null)
{
    internal static ListFetchResult Refused(FetchRefusedException e) => new(false, false, e.Message, e.Problem);
}

/// <summary>A download refused, with the reason in words.</summary>
internal sealed class FetchRefusedException(FetchProblem problem, string message, Exception? inner = null) : Exception(message, inner)
{
    public FetchProblem Problem { get; } = problem;
}

/// <summary>What is remembered about a source between attempts (<c>ut1-status.json</c>, <c>feeds/&lt;key&gt;.json</c>).</summary>
public sealed record FetchState
{
    /// <summary>What people call it.</summary>
    public string? Name { get; init; }

    /// <summary>Where it is fetched from (no credentials).</summary>
    public string Source { get; init; } = "";

    /// <summary>When it was last tried.</summary>
    public DateTimeOffset? LastAttempt { get; init; }

    /// <summary>When a download last passed every check (published, or the same as the copy in force).</summary>
    public DateTimeOffset? LastSuccess { get; init; }

    /// <summary>When the copy in force was downloaded.</summary>
    public DateTimeOffset? Fetched { get; init; }

    /// <summary>Names in the copy in force (feeds).</summary>
    public int? Names { get; init; }

    /// <summary>SHA-256 of the copy in force.</summary>
    public string? Sha256 { get; init; }

    /// <summary>Why the last attempt failed; null when it succeeded.</summary>
    public string? Problem { get; init; }

    /// <summary>Its kind.</summary>
    public FetchProblem ProblemKind { get; init; }

    /// <summary>Attempts failed in a row (for the retry back-off).</summary>
    public int Failures { get; init; }

    /// <summary>When a technician alert was last raised about it.</summary>
    public DateTimeOffset? AlertedAt { get; init; }

    /// <summary>The kind of problem that alert was about.</summary>
    public FetchProblem AlertedKind { get; init; }
}

/// <summary>Source-generated JSON for the files beside the lists.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ListVersionInfo))]
[JsonSerializable(typeof(FetchState))]
internal sealed partial class FetchJson : JsonSerializerContext
{
    /// <summary>Reads <paramref name="path"/>; null when missing or unreadable.</summary>
    public static T? Read<T>(string path, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) where T : class
    {
        try
        {
            return File.Exists(path) ? System.Text.Json.JsonSerializer.Deserialize(File.ReadAllBytes(path), type) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>Writes <paramref name="path"/> by a temporary file and a rename.</summary>
    public static void Write<T>(string path, T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        var temp = path + ".tmp-" + Guid.NewGuid().ToString("N");
        try
        {
            using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                output.Write(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(value, type));
                output.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }
}

/// <summary>Sizes and addresses in words.</summary>
internal static class FetchText
{
    private const int NoSpace = 28; // ENOSPC
    private const int QuotaExceeded = 122; // EDQUOT

    /// <summary>True when <paramref name="e"/> says the disk (or the user's quota) is full.</summary>
    public static bool IsDiskFull(Exception e)
        => e.HResult is NoSpace or QuotaExceeded || (e.HResult & 0xFFFF) is 0x70 or 0x27 // ERROR_DISK_FULL, ERROR_HANDLE_DISK_FULL
           || e.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase) || e.Message.Contains("quota", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// A write to the list directory failed: a storage problem, not the publisher's ("the list directory /x is full:
    /// 3 MB free"), with the free space where it can be read.
    /// </summary>
    public static FetchRefusedException StorageProblem(string directory, Exception e)
    {
        string free;
        long? bytes = null;
        try
        {
            bytes = new DriveInfo(directory).AvailableFreeSpace;
            free = Size(bytes.Value) + " free";
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or ArgumentException)
        {
            free = "free space unknown";
        }

        var full = IsDiskFull(e) || bytes < 1024 * 1024;
        return full
            ? new FetchRefusedException(FetchProblem.Storage, $"the list directory {directory} is full: {free} ({e.Message}); the last good lists stay in force — free some space", e)
            : new FetchRefusedException(FetchProblem.Storage, $"the list directory {directory} cannot be written: {e.Message} ({free})", e);
    }

    /// <summary>"3.1 MB", "812 KB", "120 bytes".</summary>
    public static string Size(long bytes) => bytes switch
    {
        >= 10L * 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0} MB"),
        >= 1024L * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.0} MB"),
        >= 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0} KB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes"),
    };

    /// <summary>"4,600,000".</summary>
    public static string Count(long count) => count.ToString("N0", CultureInfo.InvariantCulture);
}

using System.Globalization;
using ClassroomGuard.Console.Classroom;
using ClassroomGuard.Storage.Control;

namespace ClassroomGuard.Console.Policy.Lists;

/// <summary>The UT1 download in words, times in the school's time zone.</summary>
/// <param name="Source">Where it comes from ("dsi.ut-capitole.fr").</param>
/// <param name="LastChecked">"Monday 7 December 2026 at 03:10", or "never".</param>
/// <param name="LastSuccess">The same for the last download that passed every check, or "never".</param>
/// <param name="Next">When it is tried next, or "not scheduled (daily refresh is off)".</param>
/// <param name="Problem">Why the last attempt failed (the last good set stays in force); null when it succeeded.</param>
/// <param name="InProgress">A download or reload is running now.</param>
public sealed record RefreshView(string Source, string LastChecked, string LastSuccess, string Next, string? Problem, bool InProgress);

/// <summary>Whether the lists every school must have are in force, which version, and how downloading goes.</summary>
/// <param name="Version">"UT1 of 6 December 2026 (sha256 1a2b3c4d)".</param>
/// <param name="RequiredMissing">Lists every school must have that are not loaded, by name ("UT1 adult").</param>
/// <param name="Refresh">The UT1 download, or null when downloading is off.</param>
/// <param name="Feeds">The filter's report on every other feed (matched to the school's own by id).</param>
public sealed record ListsHealthView(string Version, IReadOnlyList<string> RequiredMissing, RefreshView? Refresh, IReadOnlyList<FeedInfo> Feeds)
{
    /// <summary>The last download failed.</summary>
    public bool DownloadFailed => Refresh?.Problem is not null;
}

/// <summary>Puts the DNS filter's <see cref="ListsHealth"/> in words.</summary>
internal static class ListsHealthWords
{
    private static readonly CultureInfo English = CultureInfo.InvariantCulture;

    public static ListsHealthView? Of(ListsHealth? health, SchoolClock clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        if (health is null)
        {
            return null;
        }

        var refresh = health.Refresh is { } r
            ? new RefreshView(
                Source(r.Url), When(r.LastAttempt, clock, "never"), When(r.LastSuccess, clock, "never"),
                When(r.Next, clock, "not scheduled: the daily refresh is off (Dns:Lists:Refresh)"), string.IsNullOrWhiteSpace(r.Problem) ? null : r.Problem, r.InProgress)
            : null;
        return new ListsHealthView(health.Version, health.RequiredMissing ?? [], refresh, health.Feeds ?? []);
    }

    /// <summary>"Monday 7 December 2026 at 03:10" in the school's time zone, or <paramref name="none"/>.</summary>
    public static string When(DateTimeOffset? at, SchoolClock clock, string none)
        => at is { } value ? clock.Local(value).ToString("dddd d MMMM yyyy 'at' HH:mm", English) : none;

    /// <summary>The host a list comes from (no path, never credentials).</summary>
    public static string Source(string url)
        => Uri.TryCreate(url, UriKind.Absolute, out var uri) && !string.IsNullOrEmpty(uri.Host) ? uri.Host : "the configured address";

    /// <summary>The version without its checksum, for small print: "UT1 of 6 December 2026".</summary>
    public static string ShortVersion(string version)
    {
        ArgumentNullException.ThrowIfNull(version);
        var checksum = version.IndexOf(" (sha256", StringComparison.OrdinalIgnoreCase);
        return (checksum > 0 ? version[..checksum] : version).Trim();
    }

    /// <summary>"UT1 adult, UT1 malware and UT1 phishing".</summary>
    public static string And(IReadOnlyList<string> items)
        => items.Count <= 1 ? string.Concat(items) : $"{string.Join(", ", items.Take(items.Count - 1))} and {items[^1]}";

    /// <summary>"Adult content, malware and phishing lists are not loaded: pupils can reach these sites."</summary>
    public static string MissingHeadline(IReadOnlyList<string> missing)
    {
        ArgumentNullException.ThrowIfNull(missing);
        var words = missing
            .Select(m => m.StartsWith("UT1 ", StringComparison.OrdinalIgnoreCase)
                ? m[4..].Trim().ToLowerInvariant() switch { "adult" => "adult content", var folder => folder }
                : m.EndsWith(" list", StringComparison.OrdinalIgnoreCase) ? m[..^5] : m)
            .Where(w => w.Length > 0).Distinct().ToList();
        if (words.Count == 0)
        {
            return "Lists every school must block are not loaded: pupils can reach these sites.";
        }

        var text = And(words);
        return $"{char.ToUpperInvariant(text[0])}{text[1..]} {(words.Count == 1 ? "list is" : "lists are")} not loaded: pupils can reach these sites.";
    }
}

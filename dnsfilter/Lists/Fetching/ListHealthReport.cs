using ClassroomGuard.Dns.Lists;
using ClassroomGuard.Storage.Control;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.DnsFilter.Lists.Fetching;

/// <summary>
/// Whether the lists every school must block are in force, and which version: for the lists reply's health, the
/// refresher's warnings and <c>fetch-lists</c>. Read from the sources the lists were loaded from (a UT1 download is named
/// by its version folder), so a version published but not yet loaded is never reported as in force.
/// </summary>
public static class ListHealthReport
{
    /// <summary>Said when the UT1 set in force is the copy set-up installed.</summary>
    public const string SeedVersion = "UT1 copy installed by set-up (not yet refreshed)";

    /// <summary>Said when no UT1 set is configured.</summary>
    public const string NoUt1 = "No UT1 lists";

    /// <summary>
    /// The required lists not in force: each of <see cref="DnsListOptions.RequiredUt1Folders"/> whose folder in the UT1
    /// set in force is missing or empty ("UT1 adult"), and each configured feed of an always-on category without a good
    /// copy in force (its name).
    /// </summary>
    public static IReadOnlyList<string> RequiredMissing(DnsListOptions options, IReadOnlyList<ListSource> sources, IEnumerable<string> alwaysOnCategories)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(alwaysOnCategories);
        var missing = new List<string>();
        var ut1 = sources.FirstOrDefault(s => s.Format == ListFormat.Ut1)?.Path;
        foreach (var folder in options.RequiredUt1Folders)
        {
            if (ut1 is null || !HasNames(ut1, folder))
            {
                missing.Add("UT1 " + folder);
            }
        }

        var alwaysOn = alwaysOnCategories.ToHashSet(StringComparer.Ordinal);
        foreach (var feed in options.Feeds)
        {
            var keys = feed.Category.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (keys.Any(alwaysOn.Contains) && !sources.Any(s => s.Url == feed.Url && File.Exists(s.Path) && new FileInfo(s.Path).Length > 0))
            {
                missing.Add(feed.Name);
            }
        }

        return missing;
    }

    /// <summary>"UT1 of 6 December 2026 (sha256 1a2b3c4d)", <see cref="SeedVersion"/> or <see cref="NoUt1"/>.</summary>
    public static string Version(IReadOnlyList<ListSource> sources, ListDirectory? directory)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var ut1 = sources.FirstOrDefault(s => s.Format == ListFormat.Ut1);
        if (ut1 is null)
        {
            return NoUt1;
        }

        // The version LOADED (sources name the version folder they were read from), not whatever the link says now.
        var path = Path.GetFullPath(ut1.Path);
        if (directory is not null && (path.StartsWith(directory.Ut1Versions + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            || string.Equals(path, directory.Ut1Current, StringComparison.Ordinal)))
        {
            return FetchJson.Read(Path.Combine(path, ListDirectory.VersionFileName), FetchJson.Default.ListVersionInfo)?.Describe()
                ?? "UT1 download (its VERSION.json cannot be read)";
        }

        return SeedVersion;
    }

    /// <summary>The health part of the lists reply.</summary>
    public static ListsHealth Build(
        LoadedLists lists, DnsListOptions options, IEnumerable<string> alwaysOnCategories, IReadOnlyList<ListFeed> stateFeeds, ListDirectory? directory,
        ListRefreshStatus? status, Func<string, CategoryName> categoryName)
    {
        ArgumentNullException.ThrowIfNull(lists);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stateFeeds);
        ArgumentNullException.ThrowIfNull(categoryName);
        var alwaysOn = alwaysOnCategories.ToHashSet(StringComparer.Ordinal);
        ListRefreshInfo? refresh = null;
        if (!string.IsNullOrWhiteSpace(options.Ut1Url) && directory is not null)
        {
            var state = Ut1ArchiveFetcher.State(directory);
            refresh = new ListRefreshInfo(
                ListAddress.Redact(options.Ut1Url), state?.LastAttempt, state?.LastSuccess, state?.Problem, status?.Next, status?.InProgress ?? false);
        }

        var feeds = new List<FeedInfo>();
        foreach (var (name, url, category, id) in options.Feeds.Select(f => (f.Name, f.Url, f.Category, (long?)null))
                     .Concat(stateFeeds.Select(f => (f.Name, f.Url, f.CategoryKey, (long?)f.Id))))
        {
            var state = directory is null ? null : FeedFetcher.State(directory, url);
            var held = directory is not null && FeedFetcher.HasCopy(directory, url);
            var keys = category.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            feeds.Add(new FeedInfo(
                name, ListAddress.Redact(url), categoryName(keys.FirstOrDefault() ?? category), keys.Any(alwaysOn.Contains), id,
                held ? state?.Names : null, held ? state?.Fetched : null, state?.Problem));
        }

        return new ListsHealth(Version(lists.Sources, directory), RequiredMissing(options, lists.Sources, alwaysOn), refresh, feeds);
    }

    private static bool HasNames(string root, string folder)
    {
        var domains = Path.Combine(root, folder, "domains");
        if (File.Exists(domains))
        {
            return new FileInfo(domains).Length > 0;
        }

        var alias = Path.Combine(root, folder);
        if (File.Exists(alias) && new FileInfo(alias).Length < 256)
        {
            var target = File.ReadAllText(alias).Trim();
            var aliased = Path.Combine(root, target, "domains");
            return target.Length > 0 && target.IndexOfAny(['/', '\\']) < 0 && File.Exists(aliased) && new FileInfo(aliased).Length > 0;
        }

        return false;
    }
}

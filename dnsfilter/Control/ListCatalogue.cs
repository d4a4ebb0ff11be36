using ClassroomGuard.Dns.Lists;

namespace ClassroomGuard.DnsFilter.Control;

/// <summary>One configured list file (a UT1 folder counts as one), as the lists page and explanations name it.</summary>
/// <param name="Name">"UT1 games", or the file's name.</param>
/// <param name="Path">The file read.</param>
/// <param name="Format">How it is written.</param>
/// <param name="Categories">Category keys its names get.</param>
/// <param name="Entries">Names read from it (null when the lists came from the compiled cache).</param>
/// <param name="Updated">The file's modification time (null when missing).</param>
/// <param name="Missing">The file or folder does not exist.</param>
internal sealed record ListEntry(string Name, string Path, ListFormat Format, IReadOnlyList<string> Categories, int? Entries, DateTimeOffset? Updated, bool Missing);

/// <summary>
/// What was loaded, described once per <see cref="LoadedLists"/> (the lists change only with a restart): each source
/// with its file time and, per category, how many distinct names the table holds.
/// </summary>
internal sealed class ListCatalogue
{
    private ListCatalogue(IReadOnlyList<ListEntry> sources, int[] namesPerBit)
    {
        Sources = sources;
        NamesPerBit = namesPerBit;
    }

    public IReadOnlyList<ListEntry> Sources { get; }

    /// <summary>Distinct names per category bit.</summary>
    public int[] NamesPerBit { get; }

    /// <summary>The sources feeding <paramref name="category"/>.</summary>
    public IEnumerable<ListEntry> SourcesOf(string category) => Sources.Where(s => !s.Missing && s.Categories.Contains(category, StringComparer.Ordinal));

    public static ListCatalogue Build(LoadedLists lists, DnsListOptions options)
    {
        ArgumentNullException.ThrowIfNull(lists);
        ArgumentNullException.ThrowIfNull(options);
        var statistics = new Dictionary<string, ListLoadStatistics?>(StringComparer.Ordinal);
        foreach (var (source, stats) in lists.Statistics)
        {
            statistics[source] = stats;
        }

        var fromCache = lists.Statistics.Count == 0;
        var sources = new List<ListEntry>();
        foreach (var source in lists.Sources.Count > 0 ? lists.Sources : options.Sources)
        {
            if (source.Format == ListFormat.Ut1)
            {
                AddUt1(source.Path, options, statistics, fromCache, sources);
                continue;
            }

            var keys = (source.Category ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var exists = File.Exists(source.Path);
            sources.Add(new ListEntry(
                source.Name ?? System.IO.Path.GetFileName(source.Path), source.Path, source.Format, keys, // a feed's copy is named by a hash: show the feed's name
                statistics.GetValueOrDefault(source.Path)?.Names is { } n ? (int)n : null, exists ? File.GetLastWriteTimeUtc(source.Path) : null, !exists));
        }

        return new ListCatalogue(sources, lists.Table.CountPerBit());
    }

    private static void AddUt1(string root, DnsListOptions options, Dictionary<string, ListLoadStatistics?> statistics, bool fromCache, List<ListEntry> sources)
    {
        // As Ut1Loader: a folder may be an alias (a small file naming another folder); folders reached twice are one list.
        var byFolder = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var (folder, keys) in options.EffectiveUt1Categories())
        {
            var split = keys.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (split.Length == 0)
            {
                continue;
            }

            var resolved = Resolve(root, folder) ?? folder;
            if (!byFolder.TryGetValue(resolved, out var set))
            {
                byFolder[resolved] = set = new SortedSet<string>(StringComparer.Ordinal);
            }

            set.UnionWith(split);
        }

        foreach (var (folder, keys) in byFolder)
        {
            var file = System.IO.Path.Combine(root, folder, "domains");
            var exists = File.Exists(file);
            var stats = statistics.GetValueOrDefault($"{root}/{folder}");
            sources.Add(new ListEntry(
                "UT1 " + folder, file, ListFormat.Ut1, [.. keys], fromCache || stats is null ? null : (int)stats.Names,
                exists ? File.GetLastWriteTimeUtc(file) : null, !exists));
        }
    }

    private static string? Resolve(string root, string folder)
    {
        var path = System.IO.Path.Combine(root, folder);
        if (File.Exists(System.IO.Path.Combine(path, "domains")))
        {
            return folder;
        }

        try
        {
            if (File.Exists(path) && new FileInfo(path).Length < 256)
            {
                var target = File.ReadAllText(path).Trim();
                if (target.Length > 0 && target.IndexOfAny(['/', '\\']) < 0 && File.Exists(System.IO.Path.Combine(root, target, "domains")))
                {
                    return target;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        return null;
    }
}

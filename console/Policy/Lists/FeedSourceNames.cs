using ClassroomGuard.Storage.Control;

namespace ClassroomGuard.Console.Policy.Lists;

/// <summary>
/// A downloaded feed's copy is a file named by a hash of its address (<c>feeds/7ce06606….list</c>), and the DNS filter
/// reports list files by file name: the Blocklists page shows the feed's own name instead ("Trust extra list (feed)"),
/// matched by category to the feeds the filter reports, or "a feed (see Feeds)" when that is ambiguous. Never a hash.
/// </summary>
internal static class FeedSourceNames
{
    public static ListsReply Named(ListsReply lists)
    {
        ArgumentNullException.ThrowIfNull(lists);
        var feeds = lists.Health?.Feeds ?? [];
        var renamed = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in lists.Sources)
        {
            if (!IsFeedCopy(source.Path))
            {
                continue;
            }

            var keys = source.Categories.Select(c => c.Key).ToHashSet(StringComparer.Ordinal);
            var matches = feeds.Where(f => keys.Contains(f.Category.Key)).Select(f => f.Name).Distinct().ToList();
            renamed[source.Name] = matches.Count == 1 ? $"{matches[0]} (feed)" : "a feed (see Feeds)";
        }

        if (renamed.Count == 0)
        {
            return lists;
        }

        string Name(string name) => renamed.GetValueOrDefault(name, name);
        return lists with
        {
            Sources = [.. lists.Sources.Select(s => s with { Name = Name(s.Name) })],
            Categories = [.. lists.Categories.Select(c => c with { Sources = [.. c.Sources.Select(s => s with { Name = Name(s.Name) })] })],
        };
    }

    // feeds/<hex>.list, as dnsfilter/Lists/ListDirectory.cs lays them out.
    private static bool IsFeedCopy(string path)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        return string.Equals(Path.GetFileName(Path.GetDirectoryName(path)), "feeds", StringComparison.Ordinal)
            && string.Equals(Path.GetExtension(path), ".list", StringComparison.Ordinal)
            && name.Length >= 8 && name.All(char.IsAsciiHexDigitLower);
    }
}

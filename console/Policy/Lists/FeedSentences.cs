using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Policy.Lists;

/// <summary>The feed changes as sentences with names, not keys or ids: "Add the feed Trust list (a domain list at https://…), listed as Games".</summary>
internal static class FeedSentences
{
    /// <summary>The sentence for a feed change, or null for any other kind.</summary>
    public static string? Describe(PolicyChange change, PolicySnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return change switch
        {
            AddListFeedChange a => $"Add the feed {a.Name} ({Format(a.Format)} at {a.Url}), its names listed as {Category(a.CategoryKey, snapshot)}",
            RemoveListFeedChange r => snapshot.ListFeeds.FirstOrDefault(f => f.Id == r.FeedId) is { } feed
                ? $"Remove the feed {feed.Name} ({feed.Url}): its names are no longer listed as {Category(feed.CategoryKey, snapshot)}"
                : "Remove a feed that is no longer in use",
            _ => null,
        };
    }

    /// <summary>"a domain list" or "a hosts file".</summary>
    public static string Format(string format)
        => string.Equals(format, ListFeedRules.Hosts, StringComparison.OrdinalIgnoreCase) ? "a hosts file" : "a domain list";

    private static string Category(string key, PolicySnapshot snapshot)
        => snapshot.Categories.FirstOrDefault(c => c.Key == key)?.Name ?? "a category no longer on record";
}

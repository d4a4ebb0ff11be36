using ClassroomGuard.Dns.Lists;
using ClassroomGuard.DnsFilter.Lists.Fetching;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.DnsFilter.Lists;

/// <summary>Which list files the DNS filter loads: the settings' sources with what set-up and the refresher fetched.</summary>
public static class ListSources
{
    /// <summary>
    /// The sources in force: the configured ones, with a published UT1 download in place of the configured UT1 folder
    /// (the copy set-up installed is the seed until the first download), plus every feed (from the settings and the
    /// school's own from <paramref name="stateFeeds"/>) that has a good copy on disk. A feed never fetched is not a
    /// source yet (the refresher reports it).
    /// </summary>
    public static IReadOnlyList<ListSource> EffectiveSources(DnsListOptions options, ListDirectory? directory, IReadOnlyList<ListFeed> stateFeeds)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stateFeeds);
        var sources = new List<ListSource>();
        var downloaded = directory is { HasUt1: true } && !string.IsNullOrWhiteSpace(options.Ut1Url);
        var ut1Added = false;
        foreach (var source in options.Sources)
        {
            if (source.Format == ListFormat.Ut1 && downloaded)
            {
                if (!ut1Added)
                {
                    sources.Add(new ListSource { Path = directory!.ResolveUt1Current(), Format = ListFormat.Ut1, Name = "UT1", Url = options.Ut1Url });
                    ut1Added = true;
                }

                continue;
            }

            sources.Add(source);
        }

        if (downloaded && !ut1Added)
        {
            sources.Add(new ListSource { Path = directory!.ResolveUt1Current(), Format = ListFormat.Ut1, Name = "UT1", Url = options.Ut1Url });
        }

        if (directory is null)
        {
            return sources;
        }

        foreach (var feed in options.Feeds)
        {
            var file = directory.FeedFile(ListDirectory.FeedKey(ListAddress.WithoutUserInfo(feed.Url)));
            if (File.Exists(file))
            {
                sources.Add(new ListSource { Path = file, Format = feed.Format, Category = feed.Category, Name = feed.Name, Url = feed.Url });
            }
        }

        foreach (var feed in stateFeeds)
        {
            var file = directory.FeedFile(ListDirectory.FeedKey(ListAddress.WithoutUserInfo(feed.Url)));
            if (File.Exists(file) && Enum.TryParse<ListFormat>(feed.Format, ignoreCase: true, out var format) && format != ListFormat.Ut1)
            {
                sources.Add(new ListSource { Path = file, Format = format, Category = feed.CategoryKey, Name = feed.Name, Url = feed.Url, FeedId = feed.Id });
            }
        }

        return sources;
    }
}

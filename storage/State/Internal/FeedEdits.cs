using System.Text.Json.Nodes;

namespace ClassroomGuard.Storage.State.Internal;

/// <summary>Checks (Describe) and application of the school's own list feeds: add, remove.</summary>
internal static class FeedEdits
{
    private const string Columns = "id, name, url, format, category, added_at, change_id";

    public static IReadOnlyList<ListFeed> Live(Tx tx)
        => tx.Query($"SELECT {Columns} FROM list_feeds WHERE removed_at IS NULL ORDER BY added_at, id", Read);

    public static DescribedChange Add(Tx tx, AddListFeedChange c)
    {
        if (ListFeedRules.NameProblem(c.Name) is { } badName)
        {
            return DescribedChange.Refuse(c, ChangeRefusal.Invalid, badName);
        }

        if (ListFeedRules.Url(c.Url, out var badUrl) is not { } url)
        {
            return DescribedChange.Refuse(c, ChangeRefusal.Invalid, badUrl!);
        }

        if (ListFeedRules.Format(c.Format) is not { } format)
        {
            return DescribedChange.Refuse(c, ChangeRefusal.Invalid, "Choose how the list is written: a domain list (one name a line) or a hosts file.");
        }

        var category = tx.Single("SELECT key, name, always_on FROM categories WHERE key = $c", r => new Category(r.GetString(0), r.GetString(1), r.GetInt64(2) == 1), ("$c", c.CategoryKey));
        if (category is null)
        {
            return DescribedChange.Refuse(c, ChangeRefusal.Invalid, "Choose the category the feed's names are listed in.");
        }

        if (category.AlwaysOn)
        {
            return DescribedChange.Refuse(
                c, ChangeRefusal.AlwaysOnCategory,
                $"{category.Name} is always on: its lists (the IWF's, the CTIRU's) come with credentials and are Dns:Lists:Feeds settings in the appliance's secrets file, never added or removed from a page.");
        }

        var name = c.Name.Trim();
        var live = Live(tx);
        if (live.FirstOrDefault(f => f.Url == url) is { } same)
        {
            return DescribedChange.Refuse(c, ChangeRefusal.Invalid, $"The feed {same.Name} already uses this address.");
        }

        if (live.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase)) is { } named)
        {
            return DescribedChange.Refuse(c, ChangeRefusal.Invalid, $"Another feed is already called {named.Name}; choose a different name.");
        }

        if (live.Count >= ListFeedRules.MaxFeeds)
        {
            return DescribedChange.Refuse(c, ChangeRefusal.Invalid, $"There are already {live.Count} feeds, the most allowed ({ListFeedRules.MaxFeeds}); remove one you no longer need first.");
        }

        var normalized = c with { Name = name, Url = url, Format = format };
        return new(normalized, null, Json(name, url, format, c.CategoryKey), null, null);
    }

    public static DescribedChange Remove(Tx tx, RemoveListFeedChange c)
    {
        var feed = tx.Single($"SELECT {Columns} FROM list_feeds WHERE id = $id AND removed_at IS NULL", Read, ("$id", c.FeedId));
        return feed is null
            ? DescribedChange.Refuse(c, ChangeRefusal.Invalid, "That feed is not in use (it may have been removed already).")
            : new(c, Json(feed.Name, feed.Url, feed.Format, feed.CategoryKey), null, null, null);
    }

    public static void ApplyAdd(Tx tx, AddListFeedChange c, long changeId)
        => tx.Execute(
            "INSERT INTO list_feeds (name, url, format, category, added_at, change_id) VALUES ($n, $u, $f, $c, $now, $cid)",
            ("$n", c.Name), ("$u", c.Url), ("$f", c.Format.ToLowerInvariant()), ("$c", c.CategoryKey), ("$now", tx.Now), ("$cid", changeId));

    public static void ApplyRemove(Tx tx, RemoveListFeedChange c)
        => tx.Execute("UPDATE list_feeds SET removed_at = $now WHERE id = $id AND removed_at IS NULL", ("$now", tx.Now), ("$id", c.FeedId));

    private static ListFeed Read(Microsoft.Data.Sqlite.SqliteDataReader r)
        => new(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3) == "hosts" ? ListFeedRules.Hosts : ListFeedRules.Plain, r.GetString(4), Sql.Time(r, 5), r.GetInt64(6));

    private static JsonObject Json(string name, string url, string format, string category) => new()
    {
        ["name"] = name, ["url"] = url, ["format"] = format, ["category"] = category,
    };
}

using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ClassroomGuard.Storage.State.Internal;

/// <summary>A group row as the change checks need it.</summary>
internal sealed record GroupRow(long Id, string Key, string Name, GroupKind Kind, bool IsDefault, long? RetiredAt, string SafeSearch, string YouTubeMode, string? BlockPageText);

/// <summary>Checks (Describe) and application of the group edits: create, rename, retire, YouTube mode, block page text.</summary>
internal static partial class GroupEdits
{
    public static GroupRow? Load(Tx tx, string? key)
        => key is null ? null : tx.Single(
            "SELECT id, key, name, kind, is_default, retired_at, safe_search, youtube_mode, block_page_text FROM groups WHERE key = $g",
            r => new GroupRow(r.GetInt64(0), r.GetString(1), r.GetString(2), EnumText.GroupKind(r.GetString(3)), r.GetInt64(4) == 1, Sql.LongOrNull(r, 5), r.GetString(6), r.GetString(7), Sql.StringOrNull(r, 8)),
            ("$g", key));

    public static DescribedChange Create(Tx tx, CreateGroupChange c)
    {
        if (c.GroupKey is null || !KeyPattern().IsMatch(c.GroupKey))
        {
            return DescribedChange.Refuse(c, ChangeRefusal.Invalid, $"The key '{c.GroupKey}' is not valid: use 1 to 32 lower-case letters, digits or hyphens, starting with a letter or digit.");
        }

        if (Load(tx, c.GroupKey) is { } taken)
        {
            return DescribedChange.Refuse(c, ChangeRefusal.Invalid, $"The key '{c.GroupKey}' is already used by the group {taken.Name}{(taken.RetiredAt is null ? string.Empty : " (retired)")}; choose another.");
        }

        if (CheckName(tx, c, c.Name, null, out var name) is { } badName)
        {
            return badName;
        }

        if (!Enum.IsDefined(c.Kind) || !Enum.IsDefined(c.SafeSearch))
        {
            return DescribedChange.Refuse(c, ChangeRefusal.Invalid, "Choose whether the group is for pupils, staff or guests, and its SafeSearch mode.");
        }

        var active = tx.Long("SELECT count(*) FROM groups WHERE retired_at IS NULL") ?? 0;
        if (active >= PolicyLimits.MaxActiveGroups)
        {
            return DescribedChange.Refuse(c, ChangeRefusal.Invalid, $"There are already {active} groups in use, the most the filter supports ({PolicyLimits.MaxActiveGroups}); retire a group you no longer need first.");
        }

        var blocked = new SortedSet<string>(StringComparer.Ordinal);
        blocked.UnionWith(tx.Query("SELECT key FROM categories WHERE always_on = 1", r => r.GetString(0)));
        JsonObject? before = null;
        if (c.CopyFromGroupKey is not null)
        {
            var source = Load(tx, c.CopyFromGroupKey);
            if (source is null)
            {
                return DescribedChange.Refuse(c, ChangeRefusal.Invalid, $"There is no group '{c.CopyFromGroupKey}' to copy the blocks of.");
            }

            var copied = tx.Query("SELECT category FROM group_blocked_categories WHERE group_id = $g ORDER BY category", r => r.GetString(0), ("$g", source.Id));
            blocked.UnionWith(copied);

            // The blocks copied are part of what is approved: if the source group changes meanwhile, approval is refused as stale.
            before = new JsonObject { ["copyFrom"] = source.Key, ["blocked"] = new JsonArray([.. copied.Select(k => JsonValue.Create(k))]) };
        }

        var normalized = c with { Name = name! };
        var after = new JsonObject
        {
            ["key"] = c.GroupKey,
            ["name"] = name,
            ["kind"] = EnumText.Of(c.Kind),
            ["safeSearch"] = EnumText.Lower(c.SafeSearch),
            ["youTubeMode"] = EnumText.Lower(c.SafeSearch),
            ["blocked"] = new JsonArray([.. blocked.Select(k => JsonValue.Create(k))]),
        };
        return new(normalized, before, after, null, null);
    }

    public static void ApplyCreate(Tx tx, CreateGroupChange c)
    {
        // The V1 trigger always_on_blocked_for_new_group adds the always-on categories.
        tx.Execute(
            "INSERT INTO groups (key, name, kind, safe_search, youtube_mode, is_default) VALUES ($g, $n, $k, $s, $s, 0)",
            ("$g", c.GroupKey), ("$n", c.Name), ("$k", EnumText.Of(c.Kind)), ("$s", EnumText.Lower(c.SafeSearch)));
        if (c.CopyFromGroupKey is not null)
        {
            tx.Execute(
                """
                INSERT OR IGNORE INTO group_blocked_categories (group_id, category)
                SELECT (SELECT id FROM groups WHERE key = $g), category FROM group_blocked_categories
                WHERE group_id = (SELECT id FROM groups WHERE key = $from)
                """,
                ("$g", c.GroupKey), ("$from", c.CopyFromGroupKey));
        }
    }

    public static DescribedChange Rename(Tx tx, RenameGroupChange c)
    {
        var group = Load(tx, c.GroupKey);
        if (PolicyChangeOps.CheckGroup(tx, c, c.GroupKey) is { } refused)
        {
            return refused;
        }

        // The clash check leaves the group itself out: a change of case is a rename, the same name is no change.
        if (CheckName(tx, c, c.Name, group!.Id, out var name) is { } badName)
        {
            return badName;
        }

        return PolicyChangeOps.Compare(c with { Name = name! }, group.Name, name, "name");
    }

    public static DescribedChange Retire(Tx tx, RetireGroupChange c)
    {
        var group = Load(tx, c.GroupKey);
        if (group is null)
        {
            return DescribedChange.Refuse(c, ChangeRefusal.Invalid, $"No group '{c.GroupKey}'.");
        }

        if (group.RetiredAt is not null)
        {
            return DescribedChange.Refuse(c, ChangeRefusal.NoEffect, $"{group.Name} is already retired.");
        }

        if (group.IsDefault)
        {
            return DescribedChange.Refuse(c, ChangeRefusal.Invalid, $"{group.Name} is the default group for devices nothing else matches; make another group the default before retiring it.");
        }

        var devices = tx.Long("SELECT count(*) FROM devices WHERE group_id = $g", ("$g", group.Id)) ?? 0;
        var mappings = tx.Long("SELECT count(*) FROM client_mappings WHERE group_id = $g", ("$g", group.Id)) ?? 0;
        if (devices > 0 || mappings > 0)
        {
            var uses = new List<string>();
            if (devices > 0)
            {
                uses.Add(Words.Count(devices, "device", "devices"));
            }

            if (mappings > 0)
            {
                uses.Add(Words.Count(mappings, "address mapping (subnet, IP or MAC)", "address mappings (subnets, IPs or MACs)"));
            }

            return DescribedChange.Refuse(c, ChangeRefusal.Invalid, $"{group.Name} still has {string.Join(" and ", uses)} in it; move them to another group before retiring it.");
        }

        return new(c, new JsonObject { ["retired"] = false }, new JsonObject { ["retired"] = true }, null, null);
    }

    public static DescribedChange YouTube(Tx tx, SetYouTubeModeChange c)
    {
        if (!Enum.IsDefined(c.Mode))
        {
            return DescribedChange.Refuse(c, ChangeRefusal.Invalid, "Choose off, moderate or strict for YouTube restricted mode.");
        }

        var group = Load(tx, c.GroupKey)!;
        return PolicyChangeOps.Compare(c, group.YouTubeMode, EnumText.Lower(c.Mode), "youTubeMode");
    }

    public static DescribedChange BlockPageText(Tx tx, SetBlockPageTextChange c)
    {
        var text = string.IsNullOrWhiteSpace(c.Text) ? null : c.Text.Replace("\r\n", "\n", StringComparison.Ordinal).Trim();
        if (text is not null)
        {
            if (text.Length > PolicyLimits.MaxBlockPageText)
            {
                return DescribedChange.Refuse(c, ChangeRefusal.Invalid, $"The block page text has {text.Length} characters; at most {PolicyLimits.MaxBlockPageText} are allowed.");
            }

            if (text.Any(ch => char.IsControl(ch) && ch is not '\n' and not '\t'))
            {
                return DescribedChange.Refuse(c, ChangeRefusal.Invalid, "The block page text must be plain text: it contains a control character.");
            }
        }

        var group = Load(tx, c.GroupKey)!;
        return PolicyChangeOps.Compare(c with { Text = text }, group.BlockPageText, text, "blockPageText");
    }

    /// <summary>Null when <paramref name="raw"/> is a usable name not taken by another active group; <paramref name="name"/> is it trimmed.</summary>
    private static DescribedChange? CheckName(Tx tx, PolicyChange c, string? raw, long? self, out string? name)
    {
        name = raw?.Trim();
        if (Words.CheckName(c, name, "group") is { } bad)
        {
            return bad;
        }

        var clash = tx.Single(
            "SELECT name FROM groups WHERE retired_at IS NULL AND lower(name) = lower($n) AND id <> ifnull($self, 0)",
            r => r.GetString(0), ("$n", name), ("$self", self));
        return clash is null ? null : DescribedChange.Refuse(c, ChangeRefusal.Invalid, $"Another group is already called {clash}; choose a different name.");
    }

    // PolicyLimits.GroupKeyPattern anchored with \A and \z: in .NET '$' also matches before a final newline.
    [GeneratedRegex(@"\A[a-z0-9][a-z0-9-]{0,31}\z", RegexOptions.CultureInvariant)]
    private static partial Regex KeyPattern();
}

/// <summary>Checks (Describe) of the school calendar edits.</summary>
internal static class CalendarEdits
{
    public static DescribedChange Add(Tx tx, AddCalendarEntryChange c)
    {
        if (!Enum.IsDefined(c.Kind))
        {
            return DescribedChange.Refuse(c, ChangeRefusal.Invalid, "Choose whether the entry is a term or a holiday.");
        }

        var name = c.Name?.Trim();
        var what = Words.Of(c.Kind);
        if (Words.CheckName(c, name, what) is { } bad)
        {
            return bad;
        }

        if (c.LastDay < c.FirstDay)
        {
            return DescribedChange.Refuse(c, ChangeRefusal.Invalid, $"The last day ({Words.Day(c.LastDay)}) is before the first day ({Words.Day(c.FirstDay)}).");
        }

        var days = c.LastDay.DayNumber - c.FirstDay.DayNumber + 1;
        if (days > PolicyLimits.MaxCalendarEntryDays)
        {
            return DescribedChange.Refuse(c, ChangeRefusal.Invalid, $"A {what} lasts at most {PolicyLimits.MaxCalendarEntryDays} days; this one lasts {days}.");
        }

        var clash = tx.Single(
            "SELECT id, kind, name, first_day, last_day FROM school_calendar WHERE kind = $k AND first_day <= $last AND last_day >= $first ORDER BY first_day",
            PolicyRepository.ReadCalendarEntry,
            ("$k", EnumText.Lower(c.Kind)), ("$first", Sql.Day(c.FirstDay)), ("$last", Sql.Day(c.LastDay)));
        if (clash is not null)
        {
            return DescribedChange.Refuse(c, ChangeRefusal.Invalid, $"It overlaps the {what} {clash.Name} ({Words.Days(clash.FirstDay, clash.LastDay)}); change the dates or remove that one first.");
        }

        var normalized = c with { Name = name! };
        return new(normalized, null, Json(c.Kind, name!, c.FirstDay, c.LastDay), null, null);
    }

    public static DescribedChange Remove(Tx tx, RemoveCalendarEntryChange c)
    {
        var entry = tx.Single("SELECT id, kind, name, first_day, last_day FROM school_calendar WHERE id = $id", PolicyRepository.ReadCalendarEntry, ("$id", c.EntryId));
        return entry is null
            ? DescribedChange.Refuse(c, ChangeRefusal.Invalid, "That term or holiday is not in the calendar (it may have been removed already).")
            : new(c, Json(entry.Kind, entry.Name, entry.FirstDay, entry.LastDay), null, null, null);
    }

    private static JsonObject Json(CalendarEntryKind kind, string name, DateOnly first, DateOnly last) => new()
    {
        ["kind"] = EnumText.Lower(kind), ["name"] = name, ["firstDay"] = Sql.Day(first), ["lastDay"] = Sql.Day(last),
    };
}

/// <summary>The words refusals use: names, days and times as a technician reads them.</summary>
internal static class Words
{
    public static string Of(CalendarEntryKind kind) => kind == CalendarEntryKind.Term ? "term" : "holiday";

    public static string Count(long n, string one, string many) => n == 1 ? $"1 {one}" : $"{n.ToString(CultureInfo.InvariantCulture)} {many}";

    public static DescribedChange? CheckName(PolicyChange c, string? name, string what)
    {
        if (string.IsNullOrEmpty(name))
        {
            return DescribedChange.Refuse(c, ChangeRefusal.Invalid, $"Give the {what} a name.");
        }

        if (name.Length > PolicyLimits.MaxNameLength)
        {
            return DescribedChange.Refuse(c, ChangeRefusal.Invalid, $"The {what}'s name has {name.Length} characters; at most {PolicyLimits.MaxNameLength} are allowed.");
        }

        return name.Any(char.IsControl)
            ? DescribedChange.Refuse(c, ChangeRefusal.Invalid, $"The {what}'s name must be plain text on one line.")
            : null;
    }

    public static string Day(DateOnly day) => day.ToString("d MMM yyyy", CultureInfo.InvariantCulture);

    /// <summary>"26 Oct – 30 Oct 2026", or with both years when they differ.</summary>
    public static string Days(DateOnly first, DateOnly last)
        => first == last ? Day(first)
            : first.Year == last.Year ? $"{first.ToString("d MMM", CultureInfo.InvariantCulture)} – {Day(last)}"
            : $"{Day(first)} – {Day(last)}";

    public static string Time(int minute) => $"{minute / 60:00}:{minute % 60:00}";

    public static string DaysOf(SchoolDays days) => days switch
    {
        SchoolDays.All => "every day",
        SchoolDays.Weekdays => "Monday to Friday",
        SchoolDays.Saturday | SchoolDays.Sunday => "Saturday and Sunday",
        _ => JoinAnd(Enum.GetValues<SchoolDays>().Where(d => d is not SchoolDays.None and not SchoolDays.Weekdays and not SchoolDays.All && days.HasFlag(d)).Select(d => d.ToString())),
    };

    public static string Schedule(Tx tx, PolicySchedule s)
    {
        var category = tx.Scalar("SELECT name FROM categories WHERE key = $c", ("$c", s.Category)) as string ?? s.Category;
        var group = GroupEdits.Load(tx, s.GroupKey)?.Name ?? s.GroupKey;
        var effect = s.Effect == ScheduleEffect.Allow ? "allowed" : "blocked";
        var term = s.TermTimeOnly ? " in term time only" : string.Empty;
        return $"{category} {effect} for {group} on {DaysOf(s.Days)} {Time(s.StartMinute)}–{Time(s.EndMinute)}{term}";
    }

    private static string JoinAnd(IEnumerable<string> items)
    {
        var list = items.ToList();
        return list.Count <= 1 ? string.Concat(list) : $"{string.Join(", ", list[..^1])} and {list[^1]}";
    }
}

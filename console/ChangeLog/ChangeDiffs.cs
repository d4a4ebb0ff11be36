using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClassroomGuard.Console.Administration;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.ChangeLog;

/// <summary>One line of a change's before → after, in words: "Games for the group Key stage 3: allowed → blocked".</summary>
/// <param name="Subject">What changes.</param>
/// <param name="Before">How it was.</param>
/// <param name="After">How it will be (or is, once approved).</param>
public sealed record ChangeDiff(string Subject, string Before, string After)
{
    public override string ToString() => $"{Subject}: {Before} → {After}";
}

/// <summary>
/// The before → after the store recorded with each proposal (canonical JSON, see PolicyChangeOps.Describe), put in
/// words a governor reads: names instead of keys, "allowed"/"blocked" instead of true/false, times in the school's
/// time zone. A kind this console has no words for yet still reads as words, property by property, never as JSON.
/// </summary>
internal static class ChangeDiffs
{
    private const string None = "none";

    // A device with no group of its own: the filter puts it in the group its subnet, address or MAC is mapped to.
    private const string ByAddress = "in the group its network address gives it";

    public static IReadOnlyList<ChangeDiff> Describe(PolicyChange? change, string before, string after, PolicyNames names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var b = Parse(before);
        var a = Parse(after);
        return change switch
        {
            null => [new ChangeDiff("This entry", "cannot be read", "see the verification at the top of the page")],
            BlockCategoryChange or UnblockCategoryChange => [Category(change, b, a, names)],
            AddScheduleChange s => [new ChangeDiff($"Time rules for {names.Category(s.Category)} ({names.Group(s.GroupKey)})", "no time rule", Schedule(a) + (s.TermTimeOnly ? ", in term time only" : string.Empty))],
            RemoveScheduleChange => [new ChangeDiff(b is JsonObject o ? $"Time rules for {names.Category(Text(o["category"]) ?? "a category")} ({names.Group(Text(o["group"]))})" : "A time rule", Schedule(b), "removed")],
            SetDomainRuleChange d => [new ChangeDiff($"{d.Domain} for {names.Group(d.GroupKey)}", Rule(Value(b, "action")), Rule(Value(a, "action")))],
            SetSafeSearchChange s => [new ChangeDiff($"SafeSearch for {names.Group(s.GroupKey)}", Mode(Value(b, "mode")), Mode(Value(a, "mode")))],
            SetYouTubeModeChange y => [Generic($"YouTube restricted mode for {names.Group(y.GroupKey)}", b, a, names, Mode)],
            SetClientMappingChange m => [new ChangeDiff($"The {Kind(m.Kind)} {m.Value}", GroupOr(Value(b, "group"), names, "not mapped to a group"), GroupOr(Value(a, "group"), names, "not mapped to a group"))],
            SetDefaultGroupChange => [new ChangeDiff("The group for devices no rule names", GroupOr(Value(b, "defaultGroup"), names, None), GroupOr(Value(a, "defaultGroup"), names, None))],
            SetDeviceGroupChange d => [new ChangeDiff(names.Device(d.DeviceId), GroupOr(Value(b, "group"), names, ByAddress), GroupOr(Value(a, "group"), names, ByAddress))],
            TemporaryUnblockChange t => [new ChangeDiff(
                $"{t.Domain} for {(t.Scope == ActionScope.Room ? "the room " + names.Room(t.RoomId) : names.Device(t.DeviceId ?? 0))}",
                "filtered as usual",
                $"open from {Local(t.From, names.Zone)} until {Local(t.Until, names.Zone)}, then filtered again")],
            CreateGroupChange g => CreateGroup(g, a, names),
            RenameGroupChange r => [Generic($"The name of {names.Group(r.GroupKey)}", b, a, names, Plain)],
            RetireGroupChange r => [new ChangeDiff(Capital(names.Group(r.GroupKey)), "in use", "retired: it filters nobody, and stays in the log's history")],
            SetBlockPageTextChange t => [Generic($"The block page text for {names.Group(t.GroupKey)}", b, a, names, text => text.Length == 0 ? "the built-in wording" : $"“{text}”", missing: "the built-in wording")],
            AddCalendarEntryChange c => [new ChangeDiff($"The school calendar ({(c.Kind == CalendarEntryKind.Term ? "term" : "holiday")} {c.Name})", "not in the calendar", $"{Day(c.FirstDay)} to {Day(c.LastDay)}")],
            RemoveCalendarEntryChange => [b is JsonObject entry
                ? new ChangeDiff($"The school calendar ({(Text(entry["kind"]) == "holiday" ? "holiday" : "term")} {Text(entry["name"])})", $"{Day(entry["firstDay"])} to {Day(entry["lastDay"])}", "removed")
                : new ChangeDiff("An entry of the school calendar", "in the calendar", "removed")],
            AddListFeedChange f => [new ChangeDiff($"The feed {f.Name}", "not in use", $"{Policy.Lists.FeedSentences.Format(f.Format)} at {f.Url}, its names listed as {names.Category(f.CategoryKey)}")],
            RemoveListFeedChange => [b is JsonObject feed
                ? new ChangeDiff($"The feed {Text(feed["name"])}", $"{Policy.Lists.FeedSentences.Format(Text(feed["format"]) ?? string.Empty)} at {Text(feed["url"])}, its names listed as {names.Category(Text(feed["category"]) ?? string.Empty)}", "removed")
                : new ChangeDiff("A feed", "in use", "removed")],
            _ => [Generic("The policy", b, a, names, Plain)],
        };
    }

    /// <summary>All lines of a change as one text (for the CSV export).</summary>
    public static string Text(IReadOnlyList<ChangeDiff> diffs) => string.Join("; ", diffs);

    private static ChangeDiff Category(PolicyChange change, JsonNode? before, JsonNode? after, PolicyNames names)
    {
        var (group, category) = change switch
        {
            BlockCategoryChange c => (c.GroupKey, c.Category),
            UnblockCategoryChange c => (c.GroupKey, c.Category),
            _ => throw new ArgumentOutOfRangeException(nameof(change)),
        };
        return new ChangeDiff($"{names.Category(category)} for {names.Group(group)}", Blocked(Value(before, "blocked")), Blocked(Value(after, "blocked")));
    }

    private static IReadOnlyList<ChangeDiff> CreateGroup(CreateGroupChange g, JsonNode? after, PolicyNames names)
    {
        var youTube = Mode(Value(after, "youTubeMode")) is var y && y != None ? y : Mode(EnumWord(g.SafeSearch));
        var kind = g.Kind switch
        {
            GroupKind.Pupils => "pupils",
            GroupKind.Staff => "staff",
            _ => "guests",
        };
        return
        [
            new ChangeDiff($"The group {g.Name}", "does not exist", $"a group for {kind}, SafeSearch {Mode(EnumWord(g.SafeSearch))}, YouTube restricted mode {youTube}"),
            new ChangeDiff($"Blocked for {g.Name}", "nothing", Value(after, "blocked") is JsonArray blocked ? Categories(blocked, names) : "the always-on categories"),
        ];
    }

    private static string Categories(JsonArray keys, PolicyNames names)
    {
        var list = keys.Select(Text).OfType<string>().Select(names.Category).ToList();
        return list.Count == 0 ? "nothing" : string.Join(", ", list);
    }

    private static string EnumWord(SafeSearchMode mode) => mode switch
    {
        SafeSearchMode.Off => "off",
        SafeSearchMode.Moderate => "moderate",
        _ => "strict",
    };

    private static string Day(JsonNode? node)
    {
        var text = Text(node);
        return DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? Day(day) : text ?? "?";
    }

    private static string Blocked(JsonNode? value) => value?.GetValueKind() switch
    {
        JsonValueKind.True => "blocked",
        JsonValueKind.False => "allowed",
        _ => None,
    };

    private static string Rule(JsonNode? action) => Text(action) switch
    {
        "allow" => "always allowed",
        "deny" => "always blocked",
        null or "" => "no rule (the categories decide)",
        var other => other,
    };

    private static string Mode(string? mode) => mode switch
    {
        "off" => "off",
        "moderate" => "moderate",
        "strict" => "strict",
        null or "" => None,
        var other => other,
    };

    private static string Mode(JsonNode? mode) => Mode(Text(mode));

    private static string Kind(ClientMappingKind kind) => kind switch
    {
        ClientMappingKind.Subnet => "subnet",
        ClientMappingKind.Ip => "IP address",
        _ => "MAC address",
    };

    private static string GroupOr(JsonNode? key, PolicyNames names, string none)
        => Text(key) is { Length: > 0 } k ? GroupName(k, names) : none;

    private static string GroupName(string key, PolicyNames names)
        => names.Snapshot.Groups.FirstOrDefault(g => g.Key == key)?.Name ?? key;

    private static string Schedule(JsonNode? node)
    {
        if (node is not JsonObject o)
        {
            return "no time rule";
        }

        var effect = Text(o["effect"]) == "allow" ? "allowed" : "blocked";
        var days = o["days"] is JsonValue d && d.TryGetValue<int>(out var bits) ? Days((SchoolDays)bits) : "some days";
        var start = o["startMinute"] is JsonValue s && s.TryGetValue<int>(out var sm) ? Clock(sm) : "?";
        var end = o["endMinute"] is JsonValue e && e.TryGetValue<int>(out var em) ? Clock(em) : "?";
        return $"{effect} on {days}, {start} to {end}";
    }

    /// <summary>A kind without its own words: each recorded property as "name value", values as words.</summary>
    private static ChangeDiff Generic(string subject, JsonNode? before, JsonNode? after, PolicyNames names, Func<string, string> word, string missing = None)
        => new(subject, Words(before, names, word, missing), Words(after, names, word, missing));

    private static string Words(JsonNode? node, PolicyNames names, Func<string, string> word, string missing)
    {
        switch (node)
        {
            case null:
                return missing;
            case JsonValue v:
                return Scalar(v, null, names, word);
            case JsonObject o when o.Count == 0:
                return missing;
            case JsonObject o when o.Count == 1:
                return o.First().Value is { } only ? Words(only, names, word, missing) : missing;
            case JsonObject o:
                var text = new StringBuilder();
                foreach (var (key, value) in o)
                {
                    if (key.StartsWith('$'))
                    {
                        continue;
                    }

                    text.Append(text.Length == 0 ? string.Empty : ", ").Append(Humanise(key)).Append(' ')
                        .Append(value is JsonValue jv ? Scalar(jv, key, names, word) : value is null ? None : "(several values)");
                }

                return text.Length == 0 ? missing : text.ToString();
            default:
                return "(several values)";
        }
    }

    private static string Scalar(JsonValue value, string? key, PolicyNames names, Func<string, string> word) => value.GetValueKind() switch
    {
        JsonValueKind.True => "yes",
        JsonValueKind.False => "no",
        JsonValueKind.Number => value.ToJsonString(),
        JsonValueKind.String when key is not null && key.Contains("group", StringComparison.OrdinalIgnoreCase) => GroupName(value.GetValue<string>(), names),
        JsonValueKind.String => word(value.GetValue<string>()),
        _ => None,
    };

    private static string Plain(string text) => text;

    private static string Humanise(string key)
    {
        // "copyFromGroupKey" → "copy from group": property names of the recorded state, as words.
        var text = new StringBuilder();
        foreach (var c in key.EndsWith("Key", StringComparison.Ordinal) ? key[..^3] : key)
        {
            if (char.IsUpper(c))
            {
                text.Append(' ').Append(char.ToLowerInvariant(c));
            }
            else
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }

    private static string Capital(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    private static JsonNode? Parse(string json)
    {
        try
        {
            return JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JsonNode? Value(JsonNode? node, string name) => node is JsonObject o ? o[name] : null;

    private static string? Text(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static string Days(SchoolDays days) => days switch
    {
        SchoolDays.All => "every day",
        SchoolDays.Weekdays => "school days (Monday to Friday)",
        _ => string.Join(", ", Enum.GetValues<SchoolDays>().Where(d => d is not (SchoolDays.None or SchoolDays.All or SchoolDays.Weekdays) && days.HasFlag(d))),
    };

    private static string Clock(int minute) => $"{minute / 60:00}:{minute % 60:00}";

    private static string Day(DateOnly day) => day.ToString("ddd d MMM yyyy", CultureInfo.InvariantCulture);

    private static string Local(DateTimeOffset at, TimeZoneInfo zone)
        => TimeZoneInfo.ConvertTime(at, zone).ToString("ddd d MMM HH:mm", CultureInfo.InvariantCulture);
}

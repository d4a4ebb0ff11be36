using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Policy;

/// <summary>
/// The editor's changes as sentences with names, not keys: "Allow Games for Staff on Monday to Friday, 12:00 to 13:00,
/// term time only". Used by the editor pages for pending proposals and by the Approvals summaries for these kinds.
/// </summary>
internal static class PolicySentences
{
    /// <summary>The sentence for <paramref name="change"/>, or null when it is not one of the editor's kinds.</summary>
    public static string? Describe(PolicyChange change, PolicySnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(snapshot);
        string Group(string key) => snapshot.Groups.FirstOrDefault(g => g.Key == key)?.Name ?? "a group no longer on record";
        string Category(string key) => snapshot.Categories.FirstOrDefault(c => c.Key == key)?.Name ?? "a category no longer on record";
        return change switch
        {
            BlockCategoryChange b => $"Block {Category(b.Category)} for {Group(b.GroupKey)} at all times",
            UnblockCategoryChange u => $"Allow {Category(u.Category)} for {Group(u.GroupKey)} at all times",
            AddScheduleChange a => $"{(a.Effect == ScheduleEffect.Allow ? "Allow" : "Block")} {Category(a.Category)} for {Group(a.GroupKey)} on {PolicyWords.Window(a.Days, a.StartMinute, a.EndMinute, a.TermTimeOnly)}",
            RemoveScheduleChange r => snapshot.Groups.SelectMany(g => g.Schedules).FirstOrDefault(s => s.Id == r.ScheduleId) is { } s
                ? $"Remove the window that {(s.Effect == ScheduleEffect.Allow ? "allows" : "blocks")} {Category(s.Category)} for {Group(s.GroupKey)} on {PolicyWords.Window(s.Days, s.StartMinute, s.EndMinute, s.TermTimeOnly)}"
                : "Remove a time window that no longer exists",
            SetSafeSearchChange s => $"Set SafeSearch for {Group(s.GroupKey)} to {PolicyWords.SafeSearch(s.Mode).ToLowerInvariant()}",
            SetDefaultGroupChange d => $"Make {Group(d.GroupKey)} the default group for devices no rule names",
            CreateGroupChange c => $"Create the group {c.Name} ({PolicyWords.Kind(c.Kind).ToLowerInvariant()}), starting with "
                + (c.CopyFromGroupKey is { } from ? $"what {Group(from)} blocks" : "only the always-blocked categories"),
            RenameGroupChange r => $"Rename {Group(r.GroupKey)} to {r.Name}",
            RetireGroupChange r => $"Retire the group {Group(r.GroupKey)}",
            SetYouTubeModeChange y => $"Set YouTube for {Group(y.GroupKey)} to {PolicyWords.YouTube(y.Mode).ToLowerInvariant()}",
            SetBlockPageTextChange t => t.Text is null
                ? $"Use the built-in block page text for {Group(t.GroupKey)}"
                : $"Change the block page text for {Group(t.GroupKey)} to “{Shorten(t.Text)}”",
            AddCalendarEntryChange e => $"Add the {(e.Kind == CalendarEntryKind.Term ? "term" : "holiday")} {e.Name}, {PolicyWords.Day(e.FirstDay)} to {PolicyWords.Day(e.LastDay)}, to the school calendar",
            RemoveCalendarEntryChange e => snapshot.Calendar.Entries.FirstOrDefault(x => x.Id == e.EntryId) is { } entry
                ? $"Remove the {(entry.Kind == CalendarEntryKind.Term ? "term" : "holiday")} {entry.Name}, {PolicyWords.Day(entry.FirstDay)} to {PolicyWords.Day(entry.LastDay)}, from the school calendar"
                : "Remove an entry that is no longer in the school calendar",
            _ => null,
        };
    }

    /// <summary>The group a change concerns, when it concerns one group's policy.</summary>
    public static string? GroupOf(PolicyChange change, PolicySnapshot snapshot) => change switch
    {
        BlockCategoryChange c => c.GroupKey,
        UnblockCategoryChange c => c.GroupKey,
        AddScheduleChange c => c.GroupKey,
        RemoveScheduleChange c => snapshot.Groups.FirstOrDefault(g => g.Schedules.Any(s => s.Id == c.ScheduleId))?.Key,
        SetSafeSearchChange c => c.GroupKey,
        SetDefaultGroupChange c => c.GroupKey,
        RenameGroupChange c => c.GroupKey,
        RetireGroupChange c => c.GroupKey,
        SetYouTubeModeChange c => c.GroupKey,
        SetBlockPageTextChange c => c.GroupKey,
        SetDomainRuleChange c => c.GroupKey,
        _ => null,
    };

    /// <summary>The category a change concerns, when it concerns one category of a group.</summary>
    public static string? CategoryOf(PolicyChange change, PolicySnapshot snapshot) => change switch
    {
        BlockCategoryChange c => c.Category,
        UnblockCategoryChange c => c.Category,
        AddScheduleChange c => c.Category,
        RemoveScheduleChange c => snapshot.Groups.SelectMany(g => g.Schedules).FirstOrDefault(s => s.Id == c.ScheduleId)?.Category,
        _ => null,
    };

    private static string Shorten(string text)
    {
        var line = text.ReplaceLineEndings(" ").Trim();
        return line.Length <= 60 ? line : line[..57].TrimEnd() + "…";
    }
}

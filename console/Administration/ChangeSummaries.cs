using System.Globalization;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Administration;

/// <summary>The names a change summary needs instead of keys and ids.</summary>
/// <param name="Snapshot">The current policy: group and category names, schedules.</param>
/// <param name="Devices">Device labels by id.</param>
/// <param name="Rooms">Room names by id.</param>
/// <param name="Zone">The school's time zone, for lesson times.</param>
internal sealed record PolicyNames(PolicySnapshot Snapshot, IReadOnlyDictionary<long, string> Devices, IReadOnlyDictionary<long, string> Rooms, TimeZoneInfo Zone)
{
    public string Group(string? key) => key is null ? "every group" : $"the group {Snapshot.Groups.FirstOrDefault(g => g.Key == key)?.Name ?? key}";

    public string GroupName(string? key) => Snapshot.Groups.FirstOrDefault(g => g.Key == key)?.Name ?? key ?? "a group";

    public string Category(string key) => Snapshot.Categories.FirstOrDefault(c => c.Key == key)?.Name ?? key;

    public string Device(long id) => Devices.TryGetValue(id, out var name) ? name : "a device no longer in the inventory";

    public string Room(long? id) => id is { } r && Rooms.TryGetValue(r, out var name) ? name : "a room no longer on record";
}

/// <summary>A pending policy change as one readable sentence: "Put LAPTOP-07 in the group Key Stage 3".</summary>
internal static class ChangeSummaries
{
    public static string Describe(PolicyChange change, PolicyNames names) => change switch
    {
        SetDeviceGroupChange d => d.GroupKey is null
            ? $"Take {names.Device(d.DeviceId)} out of its own group, back into the group its network address gives it"
            : $"Put {names.Device(d.DeviceId)} in {names.Group(d.GroupKey)}",
        BlockCategoryChange b => $"Block {names.Category(b.Category)} for {names.Group(b.GroupKey)}",
        UnblockCategoryChange u => $"Allow {names.Category(u.Category)} for {names.Group(u.GroupKey)}",
        AddScheduleChange a => $"{(a.Effect == ScheduleEffect.Allow ? "Allow" : "Block")} {names.Category(a.Category)} for {names.Group(a.GroupKey)} on {Days(a.Days)}, {Clock(a.StartMinute)} to {Clock(a.EndMinute)}{TermTime(a.TermTimeOnly)}",
        RemoveScheduleChange r => names.Snapshot.Groups.SelectMany(g => g.Schedules).FirstOrDefault(s => s.Id == r.ScheduleId) is { } s
            ? $"Stop the time rule that {(s.Effect == ScheduleEffect.Allow ? "allows" : "blocks")} {names.Category(s.Category)} for {names.Group(s.GroupKey)} on {Days(s.Days)}, {Clock(s.StartMinute)} to {Clock(s.EndMinute)}{TermTime(s.TermTimeOnly)}"
            : "Stop a time rule that no longer exists",
        SetDomainRuleChange r => r.Action switch
        {
            RuleAction.Allow => $"Always allow {r.Domain} for {names.Group(r.GroupKey)}",
            RuleAction.Deny => $"Always block {r.Domain} for {names.Group(r.GroupKey)}",
            _ => $"Remove the allow or block rule for {r.Domain} ({names.Group(r.GroupKey)})",
        },
        SetSafeSearchChange s => $"Set SafeSearch to {s.Mode.ToString().ToLowerInvariant()} for {names.Group(s.GroupKey)}",
        SetClientMappingChange m => m.GroupKey is null
            ? $"Stop mapping the {Kind(m.Kind)} {m.Value} to a group"
            : $"Filter the {Kind(m.Kind)} {m.Value} as {names.Group(m.GroupKey)}",
        SetDefaultGroupChange g => $"Filter devices no rule names as {names.Group(g.GroupKey)}",
        TemporaryUnblockChange t => $"Open {t.Domain} for {(t.Scope == ActionScope.Room ? "the room " + names.Room(t.RoomId) : names.Device(t.DeviceId ?? 0))} {Span(t.From, t.Until, names.Zone)} (a teacher's unblock request; it closes by itself)",
        CreateGroupChange c => $"Create the group {c.Name} ({GroupKindName(c.Kind)}), " + (c.CopyFromGroupKey is null
            ? "blocking only the always-on categories to start with"
            : $"starting with the blocks of {names.GroupName(c.CopyFromGroupKey)}"),
        RenameGroupChange r => $"Rename the group {names.GroupName(r.GroupKey)} to {r.Name}",
        RetireGroupChange r => $"Retire the group {names.GroupName(r.GroupKey)} (it will filter nobody; its history stays in the log)",
        SetYouTubeModeChange y => y.Mode == SafeSearchMode.Off
            ? $"Turn off YouTube restricted mode for {names.Group(y.GroupKey)}"
            : $"Set YouTube restricted mode to {y.Mode.ToString().ToLowerInvariant()} for {names.Group(y.GroupKey)}",
        SetBlockPageTextChange b => b.Text is null
            ? $"Use the built-in block page wording for {names.Group(b.GroupKey)}"
            : $"Show \u201c{Shorten(b.Text, 80)}\u201d on the block page for {names.Group(b.GroupKey)}",
        AddCalendarEntryChange c => $"Add the {(c.Kind == CalendarEntryKind.Term ? "term" : "holiday")} {c.Name}, {Dates(c.FirstDay, c.LastDay)}",
        RemoveCalendarEntryChange r => names.Snapshot.Calendar.Entries.FirstOrDefault(e => e.Id == r.EntryId) is { } e
            ? $"Remove the {(e.Kind == CalendarEntryKind.Term ? "term" : "holiday")} {e.Name}, {Dates(e.FirstDay, e.LastDay)}, from the school calendar"
            : "Remove a term or holiday that is no longer in the calendar",
        AddListFeedChange or RemoveListFeedChange => Policy.Lists.FeedSentences.Describe(change, names.Snapshot)!,
        _ => "A policy change this console has no words for yet",
    };

    private static string Kind(ClientMappingKind kind) => kind switch
    {
        ClientMappingKind.Subnet => "subnet",
        ClientMappingKind.Ip => "IP address",
        _ => "MAC address",
    };

    private static string Days(SchoolDays days) => days switch
    {
        SchoolDays.All => "every day",
        SchoolDays.Weekdays => "school days (Monday to Friday)",
        _ => string.Join(", ", Enum.GetValues<SchoolDays>().Where(d => d is not (SchoolDays.None or SchoolDays.All or SchoolDays.Weekdays) && days.HasFlag(d))),
    };

    private static string TermTime(bool termTimeOnly) => termTimeOnly ? " in term time only" : string.Empty;

    private static string GroupKindName(GroupKind kind) => kind switch
    {
        GroupKind.Pupils => "pupils",
        GroupKind.Staff => "staff",
        _ => "guests",
    };

    private static string Shorten(string text, int max)
    {
        var line = text.ReplaceLineEndings(" ");
        return line.Length <= max ? line : string.Concat(line.AsSpan(0, max - 1), "\u2026");
    }

    /// <summary>"26 Oct – 30 Oct 2026"; both years when they differ; one day alone.</summary>
    internal static string Dates(DateOnly first, DateOnly last)
        => first == last ? first.ToString("d MMM yyyy", CultureInfo.InvariantCulture)
            : first.Year == last.Year ? $"{first.ToString("d MMM", CultureInfo.InvariantCulture)} \u2013 {last.ToString("d MMM yyyy", CultureInfo.InvariantCulture)}"
            : $"{first.ToString("d MMM yyyy", CultureInfo.InvariantCulture)} \u2013 {last.ToString("d MMM yyyy", CultureInfo.InvariantCulture)}";

    private static string Clock(int minute) => $"{minute / 60:00}:{minute % 60:00}";

    // "from 10:20 to 11:20 on Mon 7 Dec", or both days in full when it spans midnight.
    private static string Span(DateTimeOffset from, DateTimeOffset until, TimeZoneInfo zone)
        => TimeZoneInfo.ConvertTime(from, zone).Date == TimeZoneInfo.ConvertTime(until, zone).Date
            ? $"from {TimeZoneInfo.ConvertTime(from, zone).ToString("HH:mm", CultureInfo.InvariantCulture)} to {TimeZoneInfo.ConvertTime(until, zone).ToString("HH:mm 'on' ddd d MMM", CultureInfo.InvariantCulture)}"
            : $"from {Local(from, zone)} until {Local(until, zone)}";

    private static string Local(DateTimeOffset at, TimeZoneInfo zone)
        => TimeZoneInfo.ConvertTime(at, zone).ToString("ddd d MMM HH:mm", CultureInfo.InvariantCulture);
}

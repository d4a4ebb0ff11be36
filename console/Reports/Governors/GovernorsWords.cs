using System.Globalization;
using ClassroomGuard.Console.Administration;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Reports.Governors;

/// <summary>
/// The governors' report's words: changes without device names, addresses, rooms or typed text; people by role; what a
/// change does for pupils in a sentence.
/// </summary>
internal static class GovernorsWords
{
    private static readonly CultureInfo English = CultureInfo.InvariantCulture;

    /// <summary>
    /// A change as a governor reads it. The change-control log page names the device, the address, the room and the block
    /// page's text; the report, which is e-mailed, does not: those kinds get their own sentence here, the others the log
    /// page's own summary (groups, categories, sites and calendar entries name no one).
    /// </summary>
    public static string What(PolicyChange? change, PolicyNames names) => change switch
    {
        null => "A change whose record cannot be read (see the check of the log)",
        SetDeviceGroupChange { GroupKey: null } => "Take one device out of its own group, back into the group its network gives it",
        SetDeviceGroupChange d => $"Put one device in {names.Group(d.GroupKey)}",
        SetClientMappingChange { Kind: not ClientMappingKind.Subnet, GroupKey: null } m => $"Stop filtering one device's {Address(m.Kind)} as a particular group",
        SetClientMappingChange { Kind: not ClientMappingKind.Subnet } m => $"Filter one device's {Address(m.Kind)} as {names.Group(m.GroupKey)}",
        TemporaryUnblockChange t => $"Open {t.Domain} for {(t.Scope == ActionScope.Room ? "one classroom" : "one device")} for a lesson on {Day(TimeZoneInfo.ConvertTime(t.From, names.Zone))}",
        SetBlockPageTextChange b => b.Text is null
            ? $"Use the built-in block page wording for {names.Group(b.GroupKey)}"
            : $"Change the wording of the block page for {names.Group(b.GroupKey)}",
        _ => ChangeSummaries.Describe(change, names),
    };

    /// <summary>What the change does for pupils, in one sentence.</summary>
    public static string WhyItMatters(PolicyChange? change, PolicySnapshot snapshot) => change switch
    {
        null => "Its record was altered or cannot be read, so what it did cannot be shown.",
        BlockCategoryChange => "Devices in this group can no longer reach sites in this category.",
        UnblockCategoryChange u when Pupils(u.GroupKey, snapshot) => "Pupils in this group can now reach sites in this category: the reason is on the change-control log.",
        UnblockCategoryChange => "Devices in this group can now reach sites in this category.",
        AddScheduleChange { Effect: ScheduleEffect.Allow } => "Sites in this category are open to this group at these times only; the rest of the time they stay blocked.",
        AddScheduleChange => "Sites in this category are blocked for this group at these times.",
        RemoveScheduleChange => "A time rule ends: the group's usual setting for the category applies at all times.",
        SetDomainRuleChange { Action: RuleAction.Allow } => "This site is reachable whatever its category (never if it is on an always-on list).",
        SetDomainRuleChange { Action: RuleAction.Deny } => "This site is blocked whatever its category.",
        SetDomainRuleChange => "The site is filtered by its category again.",
        SetSafeSearchChange { Mode: SafeSearchMode.Off } => "Search results (Google, Bing, DuckDuckGo) for this group are no longer filtered for explicit content.",
        SetSafeSearchChange => "Search results (Google, Bing, DuckDuckGo) for this group are filtered for explicit content.",
        SetYouTubeModeChange { Mode: SafeSearchMode.Off } => "YouTube shows this group every video, including those marked for adults.",
        SetYouTubeModeChange => "YouTube hides videos marked for adults from this group.",
        SetClientMappingChange or SetDeviceGroupChange or SetDefaultGroupChange => "Decides which group's rules apply to these devices.",
        TemporaryUnblockChange => "A teacher asked for the site for a lesson; it closed again by itself at the end.",
        CreateGroupChange => "A new set of filtering rules that devices can be put in.",
        RenameGroupChange => "A new name only: what is filtered does not change.",
        RetireGroupChange => "The group filters nobody any more; its history stays in the log.",
        SetBlockPageTextChange => "What pupils read when a site is blocked.",
        AddCalendarEntryChange or RemoveCalendarEntryChange => "Rules set for term time only follow the school calendar.",
        AddListFeedChange => "More sites are listed in this category, for every group that blocks it.",
        RemoveListFeedChange => "The sites this list named are no longer blocked through it.",
        _ => "A change to the filtering policy.",
    };

    /// <summary>
    /// A person by role, never by name: "the safeguarding lead", "a technician". Their roles now, as the log records people
    /// by account; someone whose account was removed is "a former member of staff".
    /// </summary>
    public static string Role(long actorId, IReadOnlyDictionary<long, UserAccount> users)
    {
        if (actorId == ChangeControl.SystemActorId)
        {
            return "ClassroomGuard";
        }

        if (!users.TryGetValue(actorId, out var user))
        {
            return "a former member of staff";
        }

        var roles = user.Roles;
        return roles.Contains(Storage.State.Role.SafeguardingLead) ? "the safeguarding lead"
            : roles.Contains(Storage.State.Role.Technician) ? "a technician"
            : roles.Contains(Storage.State.Role.Administrator) ? "an administrator"
            : roles.Contains(Storage.State.Role.Teacher) ? "a teacher"
            : roles.Contains(Storage.State.Role.Governor) ? "a governor"
            : "a member of staff";
    }

    /// <summary>
    /// The first entry that does not verify, without the name the log page shows: "Entry 17 (an approval written on Thu 3
    /// Dec 2026 at 14:05) has been altered or removed."
    /// </summary>
    public static string Broken(long sequence, ChangeEntry? entry, TimeZoneInfo zone)
    {
        var number = sequence.ToString(English);
        if (entry is null)
        {
            return $"Entry {number} of the change-control log has been altered or removed.";
        }

        var noun = entry.Event switch
        {
            ChangeEvent.Proposed => "a proposal",
            ChangeEvent.Approved => "an approval",
            ChangeEvent.Expired => "an expiry",
            _ => "a rejection",
        };
        return $"Entry {number} of the change-control log ({noun} written on {When(TimeZoneInfo.ConvertTime(entry.At, zone))}) has been altered or removed.";
    }

    /// <summary>"Mon 2 Nov 2026".</summary>
    public static string Day(DateTimeOffset local) => local.ToString("ddd d MMM yyyy", English);

    /// <summary>"Mon 2 Nov 2026 at 14:05".</summary>
    public static string When(DateTimeOffset local) => local.ToString("ddd d MMM yyyy 'at' HH:mm", English);

    /// <summary>"Tuesday 1 December 2026 at 07:00".</summary>
    public static string Long(DateTimeOffset local) => local.ToString("dddd d MMMM yyyy 'at' HH:mm", English);

    /// <summary>"1 change", "3 changes".</summary>
    public static string Count(long n, string one, string many) => $"{n.ToString("N0", English)} {(n == 1 ? one : many)}";

    /// <summary>"Strict", "Moderate", "Off".</summary>
    public static string Mode(SafeSearchMode mode) => mode switch
    {
        SafeSearchMode.Off => "Off",
        SafeSearchMode.Moderate => "Moderate",
        _ => "Strict",
    };

    /// <summary>"Pupils", "Staff", "Guests".</summary>
    public static string Kind(GroupKind kind) => kind switch
    {
        GroupKind.Pupils => "Pupils",
        GroupKind.Staff => "Staff",
        _ => "Guests",
    };

    /// <summary>"a, b and c".</summary>
    public static string And(IReadOnlyList<string> items)
        => items.Count <= 1 ? string.Concat(items) : $"{string.Join(", ", items.Take(items.Count - 1))} and {items[^1]}";

    private static bool Pupils(string groupKey, PolicySnapshot snapshot)
        => snapshot.Groups.FirstOrDefault(g => g.Key == groupKey)?.Kind is GroupKind.Pupils or GroupKind.Guests or null;

    private static string Address(ClientMappingKind kind) => kind == ClientMappingKind.Ip ? "network (IP) address" : "hardware (MAC) address";
}

using System.Text.Json.Serialization;

namespace ClassroomGuard.Storage.State;

/// <summary>
/// A change to filtering policy. Policy tables change only when an approved change-control entry is applied,
/// so the hash-chained log is complete. Serialised as canonical JSON with a <c>$kind</c> discriminator.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$kind")]
[JsonDerivedType(typeof(BlockCategoryChange), "blockCategory")]
[JsonDerivedType(typeof(UnblockCategoryChange), "unblockCategory")]
[JsonDerivedType(typeof(AddScheduleChange), "addSchedule")]
[JsonDerivedType(typeof(RemoveScheduleChange), "removeSchedule")]
[JsonDerivedType(typeof(SetDomainRuleChange), "setDomainRule")]
[JsonDerivedType(typeof(SetSafeSearchChange), "setSafeSearch")]
[JsonDerivedType(typeof(SetClientMappingChange), "setClientMapping")]
[JsonDerivedType(typeof(SetDefaultGroupChange), "setDefaultGroup")]
[JsonDerivedType(typeof(SetDeviceGroupChange), "setDeviceGroup")]
[JsonDerivedType(typeof(TemporaryUnblockChange), "temporaryUnblock")]
[JsonDerivedType(typeof(CreateGroupChange), "createGroup")]
[JsonDerivedType(typeof(RenameGroupChange), "renameGroup")]
[JsonDerivedType(typeof(RetireGroupChange), "retireGroup")]
[JsonDerivedType(typeof(SetYouTubeModeChange), "setYouTubeMode")]
[JsonDerivedType(typeof(SetBlockPageTextChange), "setBlockPageText")]
[JsonDerivedType(typeof(AddCalendarEntryChange), "addCalendarEntry")]
[JsonDerivedType(typeof(RemoveCalendarEntryChange), "removeCalendarEntry")]
[JsonDerivedType(typeof(AddListFeedChange), "addListFeed")]
[JsonDerivedType(typeof(RemoveListFeedChange), "removeListFeed")]
public abstract record PolicyChange;

/// <summary>Block a category for a group.</summary>
/// <param name="GroupKey">Group.</param>
/// <param name="Category">Category key.</param>
public sealed record BlockCategoryChange(string GroupKey, string Category) : PolicyChange;

/// <summary>Unblock a category for a group. Always refused for always-on categories.</summary>
/// <param name="GroupKey">Group.</param>
/// <param name="Category">Category key.</param>
public sealed record UnblockCategoryChange(string GroupKey, string Category) : PolicyChange;

/// <summary>Add a schedule window. An allow window on an always-on category is refused.</summary>
/// <param name="GroupKey">Group.</param>
/// <param name="Category">Category key.</param>
/// <param name="Effect">Allow or block while active.</param>
/// <param name="Days">Days.</param>
/// <param name="StartMinute">Start, minutes after local midnight.</param>
/// <param name="EndMinute">End, exclusive.</param>
/// <param name="TermTimeOnly">The window applies only on term-time days of the school calendar (not in holidays).
/// Entries proposed before the calendar existed have no such field and mean every week.</param>
public sealed record AddScheduleChange(string GroupKey, string Category, ScheduleEffect Effect, SchoolDays Days, int StartMinute, int EndMinute, bool TermTimeOnly = false) : PolicyChange;

/// <summary>Remove a schedule window.</summary>
/// <param name="ScheduleId">The schedule's id.</param>
public sealed record RemoveScheduleChange(long ScheduleId) : PolicyChange;

/// <summary>Set, change or (with a null action) remove the allow/deny entry for a domain.</summary>
/// <param name="Domain">Domain (normalised to lower case without trailing dot).</param>
/// <param name="GroupKey">Group, or null for every group.</param>
/// <param name="Action">Allow, deny, or null to remove the entry.</param>
public sealed record SetDomainRuleChange(string Domain, string? GroupKey, RuleAction? Action) : PolicyChange;

/// <summary>Set a group's SafeSearch mode.</summary>
/// <param name="GroupKey">Group.</param>
/// <param name="Mode">Mode.</param>
public sealed record SetSafeSearchChange(string GroupKey, SafeSearchMode Mode) : PolicyChange;

/// <summary>Map a subnet, IP or MAC to a group, or (with a null group) remove the mapping.</summary>
/// <param name="Kind">Subnet, IP or MAC.</param>
/// <param name="Value">CIDR, IP or MAC.</param>
/// <param name="GroupKey">Group, or null to remove.</param>
public sealed record SetClientMappingChange(ClientMappingKind Kind, string Value, string? GroupKey) : PolicyChange;

/// <summary>Make a group the default for clients no mapping matches.</summary>
/// <param name="GroupKey">Group.</param>
public sealed record SetDefaultGroupChange(string GroupKey) : PolicyChange;

/// <summary>Assign a device to a group, or (with a null group) clear the assignment.</summary>
/// <param name="DeviceId">Device.</param>
/// <param name="GroupKey">Group, or null.</param>
public sealed record SetDeviceGroupChange(long DeviceId, string? GroupKey) : PolicyChange;

/// <summary>
/// Unblock a domain for a device or room for a lesson (proposed by an unblock request). Applying it creates a
/// teacher action of kind <see cref="TeacherActionKind.Unblock"/> that expires at <paramref name="Until"/>.
/// </summary>
/// <param name="Domain">Domain.</param>
/// <param name="Scope">Device or room.</param>
/// <param name="DeviceId">Device, when the scope is a device.</param>
/// <param name="RoomId">Room, when the scope is a room.</param>
/// <param name="From">Lesson start.</param>
/// <param name="Until">Lesson end (at most 12 hours after the start).</param>
public sealed record TemporaryUnblockChange(string Domain, ActionScope Scope, long? DeviceId, long? RoomId, DateTimeOffset From, DateTimeOffset Until) : PolicyChange;

/// <summary>
/// Create a filtering group. It starts blocking what <paramref name="CopyFromGroupKey"/> blocks (its blocked
/// categories, not its schedules, mappings or devices), or only the always-on categories when that is null.
/// </summary>
/// <param name="GroupKey">New stable key (lower-case letters, digits and hyphens), derived from the name by the console.</param>
/// <param name="Name">Display name, e.g. "Key stage 3".</param>
/// <param name="Kind">Pupils, staff or guests.</param>
/// <param name="SafeSearch">SafeSearch mode for the new group.</param>
/// <param name="CopyFromGroupKey">Group whose blocked categories the new group starts with, or null.</param>
public sealed record CreateGroupChange(string GroupKey, string Name, GroupKind Kind, SafeSearchMode SafeSearch, string? CopyFromGroupKey) : PolicyChange;

/// <summary>Rename a group (its key stays).</summary>
/// <param name="GroupKey">Group.</param>
/// <param name="Name">New display name.</param>
public sealed record RenameGroupChange(string GroupKey, string Name) : PolicyChange;

/// <summary>
/// Retire a group: it no longer filters anyone and is kept only for the log's history. Refused for the default
/// group and while any device or mapping still puts clients in it.
/// </summary>
/// <param name="GroupKey">Group.</param>
public sealed record RetireGroupChange(string GroupKey) : PolicyChange;

/// <summary>Set a group's YouTube restricted mode, separately from web SafeSearch.</summary>
/// <param name="GroupKey">Group.</param>
/// <param name="Mode">Off, moderate or strict restricted mode.</param>
public sealed record SetYouTubeModeChange(string GroupKey, SafeSearchMode Mode) : PolicyChange;

/// <summary>Set (or, with null, reset to the built-in wording) the text a group's block page shows.</summary>
/// <param name="GroupKey">Group.</param>
/// <param name="Text">Plain text, at most 500 characters, or null.</param>
public sealed record SetBlockPageTextChange(string GroupKey, string? Text) : PolicyChange;

/// <summary>Add a term or a holiday to the school calendar (whole days in the school's time zone, both inclusive).</summary>
/// <param name="Kind">Term or holiday.</param>
/// <param name="Name">E.g. "Autumn term", "October half term".</param>
/// <param name="FirstDay">First day.</param>
/// <param name="LastDay">Last day (inclusive).</param>
public sealed record AddCalendarEntryChange(CalendarEntryKind Kind, string Name, DateOnly FirstDay, DateOnly LastDay) : PolicyChange;

/// <summary>Remove a term or holiday from the school calendar.</summary>
/// <param name="EntryId">The entry's id.</param>
public sealed record RemoveCalendarEntryChange(long EntryId) : PolicyChange;

/// <summary>
/// Add one of the school's own block-list feeds (<see cref="ListFeed"/>): the DNS filter fetches it and gives its names
/// <paramref name="CategoryKey"/>. See <see cref="ListFeedRules"/> for what is refused.
/// </summary>
/// <param name="Name">What people call it, 1 to 80 characters.</param>
/// <param name="Url">http(s) address without credentials, at most 2000 characters; one live feed per address.</param>
/// <param name="Format"><c>Plain</c> (one name a line) or <c>Hosts</c> (hosts-file lines).</param>
/// <param name="CategoryKey">An existing category that is not always-on.</param>
public sealed record AddListFeedChange(string Name, string Url, string Format, string CategoryKey) : PolicyChange;

/// <summary>Stop using one of the school's own feeds (its row stays, with when it was removed, for the log's history).</summary>
/// <param name="FeedId">The feed's id.</param>
public sealed record RemoveListFeedChange(long FeedId) : PolicyChange;

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
public sealed record AddScheduleChange(string GroupKey, string Category, ScheduleEffect Effect, SchoolDays Days, int StartMinute, int EndMinute) : PolicyChange;

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

namespace ClassroomGuard.Console.Administration;

/// <summary>One page of a long list and how many items match in all.</summary>
/// <typeparam name="T">Row type.</typeparam>
/// <param name="Items">This page.</param>
/// <param name="Total">Matches in all pages.</param>
public sealed record PageOf<T>(IReadOnlyList<T> Items, int Total);

/// <summary>How a grid asks for a page: which column to sort by (a row property name), which way, and where.</summary>
/// <param name="SortBy">Row property name, or null for the list's natural order.</param>
/// <param name="Descending">Reverse order.</param>
/// <param name="Offset">Rows to skip.</param>
/// <param name="Limit">Rows wanted.</param>
public sealed record PageRequest(string? SortBy, bool Descending, int Offset, int Limit);

/// <summary>A user in the user list.</summary>
public sealed record UserRow(long Id, string UserName, string DisplayName, string Roles, string State, bool Disabled);

/// <summary>A user's page: account and what the signed-in administrator may do to it.</summary>
public sealed record UserView(
    long Id,
    string UserName,
    string DisplayName,
    IReadOnlySet<Storage.State.Role> Roles,
    string State,
    bool Disabled,
    bool IsYou,
    bool MayChange,
    bool MayGrantAdministrator);

/// <summary>A device in the device list, named in words.</summary>
/// <param name="Id">Database id (for actions; never shown).</param>
/// <param name="Name">Hostname, else signed-in user, else an address.</param>
/// <param name="SignedIn">The pupil or user the agent reports, if any.</param>
/// <param name="Addresses">MAC and IP addresses.</param>
/// <param name="Source">How it became known, in words.</param>
/// <param name="LastSeen">When it was last seen, school time.</param>
/// <param name="RoomId">Its room, if any.</param>
/// <param name="Room">Room name, or "No room".</param>
/// <param name="Group">Filtering group name, or how it is filtered without one.</param>
/// <param name="GroupChangePending">A change of its group waits for approval.</param>
/// <param name="GroupKey">Its filtering group's key (for the group choice; never shown), or empty when it has none.</param>
public sealed record DeviceRow(long Id, string Name, string? SignedIn, string Addresses, string Source, string LastSeen, long? RoomId, string Room, string Group, bool GroupChangePending, string GroupKey);

/// <summary>Filters of the device list.</summary>
/// <param name="Search">Part of a name, user, MAC or IP address.</param>
/// <param name="RoomId">Only this room.</param>
/// <param name="WithoutRoomOnly">Only devices in no room.</param>
public sealed record DeviceFilter(string? Search, long? RoomId, bool WithoutRoomOnly);

/// <summary>A room to choose, named with its site when there are several.</summary>
public sealed record RoomChoice(long Id, string Label);

/// <summary>A filtering group to choose.</summary>
public sealed record GroupChoice(string Key, string Name);

/// <summary>A person to filter the audit by.</summary>
public sealed record PersonChoice(long Id, string Name);

/// <summary>Filters of the audit list.</summary>
/// <param name="ActorId">Only this person's actions.</param>
/// <param name="KindPrefix">Only this kind (a key prefix from <see cref="AuditSentences.Kinds"/>).</param>
/// <param name="From">From this day (school time), inclusive.</param>
/// <param name="To">To this day (school time), inclusive.</param>
public sealed record AuditFilter(long? ActorId, string? KindPrefix, DateOnly? From, DateOnly? To);

/// <summary>An audit entry as a sentence.</summary>
public sealed record AuditRow(long Id, string When, string Who, string Sentence, string Kind);

/// <summary>Sites with their rooms, for the rooms page.</summary>
public sealed record SiteRooms(long SiteId, string Site, IReadOnlyList<RoomRow> Rooms);

/// <summary>A room in the rooms list.</summary>
public sealed record RoomRow(long Id, string Name, int Devices, int UsableTokens);

/// <summary>A room's enrolment page.</summary>
public sealed record RoomView(long Id, string Name, string Site, int Devices, IReadOnlyList<TokenRow> Tokens);

/// <summary>An enrolment token as listed (never the token itself).</summary>
public sealed record TokenRow(long Id, string Hint, string Made, string Expires, int Enrolled, string State, bool Usable);

/// <summary>A change waiting for a second person.</summary>
public sealed record PendingRow(long ChangeId, string Summary, string Reason, string ProposedBy, string ProposedAt, bool ProposedByYou);

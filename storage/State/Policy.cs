namespace ClassroomGuard.Storage.State;

/// <summary>A filtering category.</summary>
/// <param name="Key">Stable key, e.g. <c>games</c>.</param>
/// <param name="Name">Display name.</param>
/// <param name="AlwaysOn">Blocked for everyone, always (child abuse, terrorism); cannot be switched off.</param>
public sealed record Category(string Key, string Name, bool AlwaysOn);

/// <summary>
/// A window in the school's time zone during which a category is allowed or blocked for a group,
/// overriding the group's blocked set. Minutes count from local midnight; the end is exclusive
/// (1440 = midnight at the end of the day).
/// </summary>
/// <param name="Id">Database id (used to remove it).</param>
/// <param name="GroupKey">Group.</param>
/// <param name="Category">Category key.</param>
/// <param name="Effect">Allow or block while active.</param>
/// <param name="Days">Days it applies.</param>
/// <param name="StartMinute">Start, minutes after local midnight (0-1439).</param>
/// <param name="EndMinute">End, exclusive (1-1440).</param>
public sealed record PolicySchedule(long Id, string GroupKey, string Category, ScheduleEffect Effect, SchoolDays Days, int StartMinute, int EndMinute)
{
    /// <summary>Whether the window covers <paramref name="instant"/> in <paramref name="zone"/>.</summary>
    public bool IsActiveAt(DateTimeOffset instant, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = TimeZoneInfo.ConvertTime(instant, zone);
        var day = local.DayOfWeek == DayOfWeek.Sunday ? SchoolDays.Sunday : (SchoolDays)(1 << ((int)local.DayOfWeek - 1));
        var minute = (local.Hour * 60) + local.Minute;
        return (Days & day) != 0 && minute >= StartMinute && minute < EndMinute;
    }
}

/// <summary>One group's filtering policy.</summary>
/// <param name="Id">Database id.</param>
/// <param name="Key">Stable key, e.g. <c>ks3</c>.</param>
/// <param name="Name">Display name.</param>
/// <param name="Kind">Pupils, staff or guests.</param>
/// <param name="SafeSearch">SafeSearch mode enforced.</param>
/// <param name="IsDefault">Clients no mapping matches get this group.</param>
/// <param name="BlockedCategories">Categories blocked outside schedules (always includes the always-on ones).</param>
/// <param name="Schedules">Time windows overriding <paramref name="BlockedCategories"/>.</param>
public sealed record GroupPolicy(
    long Id,
    string Key,
    string Name,
    GroupKind Kind,
    SafeSearchMode SafeSearch,
    bool IsDefault,
    IReadOnlySet<string> BlockedCategories,
    IReadOnlyList<PolicySchedule> Schedules)
{
    /// <summary>
    /// Whether <paramref name="category"/> is blocked for this group at <paramref name="instant"/>: an active
    /// block window wins over an active allow window, which wins over the blocked set. Always-on categories
    /// are blocked whatever the schedules say.
    /// </summary>
    public bool IsBlockedAt(string category, DateTimeOffset instant, TimeZoneInfo zone, IReadOnlySet<string> alwaysOn)
    {
        ArgumentNullException.ThrowIfNull(alwaysOn);
        if (alwaysOn.Contains(category))
        {
            return true;
        }

        var allowed = false;
        foreach (var schedule in Schedules)
        {
            if (schedule.Category == category && schedule.IsActiveAt(instant, zone))
            {
                if (schedule.Effect == ScheduleEffect.Block)
                {
                    return true;
                }

                allowed = true;
            }
        }

        return !allowed && BlockedCategories.Contains(category);
    }
}

/// <summary>An allow or deny entry for a domain and its subdomains.</summary>
/// <param name="Id">Database id.</param>
/// <param name="Domain">Lower-case domain without trailing dot.</param>
/// <param name="GroupKey">Group it applies to; null for every group.</param>
/// <param name="Action">Allow or deny.</param>
public sealed record DomainRule(long Id, string Domain, string? GroupKey, RuleAction Action);

/// <summary>Maps clients to a group by subnet, IP or MAC.</summary>
/// <param name="Id">Database id.</param>
/// <param name="Kind">How it matches.</param>
/// <param name="Value">CIDR subnet, IP or MAC in normalised form.</param>
/// <param name="GroupKey">Group.</param>
public sealed record ClientMapping(long Id, ClientMappingKind Kind, string Value, string GroupKey);

/// <summary>A known device's addresses, room and (if assigned) group: what the DNS filter needs to attribute a client.</summary>
/// <param name="DeviceId">Device id.</param>
/// <param name="RoomId">Room, if known.</param>
/// <param name="GroupKey">Group assigned to the device through change control, if any.</param>
/// <param name="Macs">Its MACs.</param>
/// <param name="Ips">The IPs it holds now.</param>
public sealed record DeviceAddresses(long DeviceId, long? RoomId, string? GroupKey, IReadOnlyList<string> Macs, IReadOnlyList<string> Ips);

/// <summary>
/// Everything the DNS filter compiles, read in one transaction so it is consistent with
/// <see cref="Revision"/>. Group resolution order (documented in docs/state.md): device's own group,
/// then MAC mapping, then IP mapping, then the longest matching subnet, then the default group.
/// Teacher actions expire by the clock without a revision change, so the filter checks
/// <see cref="TeacherAction.IsActiveAt"/> at query time.
/// </summary>
/// <param name="Revision">State revision the snapshot reflects.</param>
/// <param name="TimeZone">The school's time zone, for schedules.</param>
/// <param name="Categories">All categories.</param>
/// <param name="Groups">All groups with their policy.</param>
/// <param name="DomainRules">Allow/deny entries.</param>
/// <param name="ClientMappings">Subnet, IP and MAC mappings.</param>
/// <param name="Devices">Known devices with current addresses.</param>
/// <param name="TeacherActions">Teacher actions not yet expired or released when the snapshot was read.</param>
public sealed record PolicySnapshot(
    long Revision,
    TimeZoneInfo TimeZone,
    IReadOnlyList<Category> Categories,
    IReadOnlyList<GroupPolicy> Groups,
    IReadOnlyList<DomainRule> DomainRules,
    IReadOnlyList<ClientMapping> ClientMappings,
    IReadOnlyList<DeviceAddresses> Devices,
    IReadOnlyList<TeacherAction> TeacherActions)
{
    /// <summary>Keys of the always-on categories.</summary>
    public IReadOnlySet<string> AlwaysOnCategories { get; } = Categories.Where(c => c.AlwaysOn).Select(c => c.Key).ToHashSet(StringComparer.Ordinal);

    /// <summary>The default group for unknown clients.</summary>
    public GroupPolicy DefaultGroup => Groups.First(g => g.IsDefault);
}

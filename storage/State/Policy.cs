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
/// <param name="TermTimeOnly">Applies only on term-time days of the school calendar (see <see cref="SchoolCalendar.IsTermTime"/>).</param>
public sealed record PolicySchedule(long Id, string GroupKey, string Category, ScheduleEffect Effect, SchoolDays Days, int StartMinute, int EndMinute, bool TermTimeOnly = false)
{
    /// <summary>Whether the window covers <paramref name="instant"/> in <paramref name="zone"/>, with no school calendar (every day is term time).</summary>
    public bool IsActiveAt(DateTimeOffset instant, TimeZoneInfo zone) => IsActiveAt(instant, zone, SchoolCalendar.Empty);

    /// <summary>Whether the window covers <paramref name="instant"/> in <paramref name="zone"/>; a term-time-only window also needs a term-time day of <paramref name="calendar"/>.</summary>
    public bool IsActiveAt(DateTimeOffset instant, TimeZoneInfo zone, SchoolCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(zone);
        ArgumentNullException.ThrowIfNull(calendar);
        var local = TimeZoneInfo.ConvertTime(instant, zone);
        var day = SchoolDaysOf(local.DayOfWeek);
        var minute = (local.Hour * 60) + local.Minute;
        return (Days & day) != 0 && minute >= StartMinute && minute < EndMinute
            && (!TermTimeOnly || calendar.IsTermTime(DateOnly.FromDateTime(local.DateTime)));
    }

    /// <summary>Whether this window shares a day and a minute with the window <paramref name="days"/>, <paramref name="startMinute"/>–<paramref name="endMinute"/> (whatever the effects).</summary>
    /// <param name="days">The other window's days.</param>
    /// <param name="startMinute">Its start.</param>
    /// <param name="endMinute">Its end (exclusive).</param>
    /// <returns>True when they overlap.</returns>
    public bool Overlaps(SchoolDays days, int startMinute, int endMinute)
        => (Days & days) != 0 && StartMinute < endMinute && startMinute < EndMinute;

    /// <summary>The <see cref="SchoolDays"/> flag of a day of the week.</summary>
    public static SchoolDays SchoolDaysOf(DayOfWeek day)
        => day == DayOfWeek.Sunday ? SchoolDays.Sunday : (SchoolDays)(1 << ((int)day - 1));
}

/// <summary>A term or holiday: whole days in the school's time zone, both inclusive.</summary>
/// <param name="Id">Database id (used to remove it).</param>
/// <param name="Kind">Term or holiday.</param>
/// <param name="Name">E.g. "Autumn term", "October half term".</param>
/// <param name="FirstDay">First day.</param>
/// <param name="LastDay">Last day (inclusive).</param>
public sealed record CalendarEntry(long Id, CalendarEntryKind Kind, string Name, DateOnly FirstDay, DateOnly LastDay)
{
    /// <summary>Whether <paramref name="day"/> falls in this entry.</summary>
    public bool Contains(DateOnly day) => FirstDay <= day && day <= LastDay;
}

/// <summary>
/// The school calendar: terms and holidays. A day is term time when it is in a term (or no term is defined at all)
/// and in no holiday. Term-time-only schedule windows apply only on term-time days.
/// </summary>
public sealed class SchoolCalendar
{
    private readonly CalendarEntry[] _terms;
    private readonly CalendarEntry[] _holidays;

    /// <summary>Builds a calendar from its entries (any order).</summary>
    public SchoolCalendar(IEnumerable<CalendarEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        Entries = [.. entries.OrderBy(e => e.FirstDay).ThenBy(e => e.Kind).ThenBy(e => e.Id)];
        _terms = [.. Entries.Where(e => e.Kind == CalendarEntryKind.Term)];
        _holidays = [.. Entries.Where(e => e.Kind == CalendarEntryKind.Holiday)];
    }

    /// <summary>A calendar with no terms and no holidays: every day is term time.</summary>
    public static SchoolCalendar Empty { get; } = new([]);

    /// <summary>Every entry, by first day.</summary>
    public IReadOnlyList<CalendarEntry> Entries { get; }

    /// <summary>Whether any term is defined (with none, every day not in a holiday is term time).</summary>
    public bool HasTerms => _terms.Length > 0;

    /// <summary>Whether <paramref name="day"/> (a date in the school's time zone) is term time.</summary>
    public bool IsTermTime(DateOnly day)
    {
        foreach (var holiday in _holidays)
        {
            if (holiday.Contains(day))
            {
                return false;
            }
        }

        if (_terms.Length == 0)
        {
            return true;
        }

        foreach (var term in _terms)
        {
            if (term.Contains(day))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The term or holiday (of <paramref name="kind"/>) that contains <paramref name="day"/>, if any.</summary>
    public CalendarEntry? EntryOn(DateOnly day, CalendarEntryKind kind)
        => (kind == CalendarEntryKind.Term ? _terms : _holidays).FirstOrDefault(e => e.Contains(day));
}

/// <summary>Limits the editor and change control enforce.</summary>
public static class PolicyLimits
{
    /// <summary>Most active (not retired) groups: the DNS filter keeps one bit per group in a 32-bit half of a rule's value.</summary>
    public const int MaxActiveGroups = 32;

    /// <summary>Longest group or calendar entry name.</summary>
    public const int MaxNameLength = 60;

    /// <summary>Longest group key.</summary>
    public const int MaxGroupKeyLength = 32;

    /// <summary>
    /// Group keys: lower-case letters, digits and hyphens, starting with a letter or digit, at most 32 characters.
    /// (In .NET, '$' also matches before a trailing newline: change control checks with <c>\A…\z</c>.)
    /// </summary>
    public const string GroupKeyPattern = "^[a-z0-9][a-z0-9-]{0,31}$";

    /// <summary>Longest block page text.</summary>
    public const int MaxBlockPageText = 500;

    /// <summary>Longest term or holiday, in days.</summary>
    public const int MaxCalendarEntryDays = 400;
}

/// <summary>One group's filtering policy.</summary>
/// <param name="Id">Database id.</param>
/// <param name="Key">Stable key, e.g. <c>ks3</c>.</param>
/// <param name="Name">Display name.</param>
/// <param name="Kind">Pupils, staff or guests.</param>
/// <param name="SafeSearch">Web SafeSearch mode enforced (Google, Bing, DuckDuckGo).</param>
/// <param name="IsDefault">Clients no mapping matches get this group.</param>
/// <param name="BlockedCategories">Categories blocked outside schedules (always includes the always-on ones).</param>
/// <param name="Schedules">Time windows overriding <paramref name="BlockedCategories"/>.</param>
/// <param name="YouTubeMode">YouTube restricted mode (off, moderate, strict), separate from <paramref name="SafeSearch"/>.</param>
/// <param name="BlockPageText">The group's block page wording, or null for the built-in wording.</param>
/// <param name="RetiredAt">When the group was retired (it then filters nobody), or null while it is active.</param>
public sealed record GroupPolicy(
    long Id,
    string Key,
    string Name,
    GroupKind Kind,
    SafeSearchMode SafeSearch,
    bool IsDefault,
    IReadOnlySet<string> BlockedCategories,
    IReadOnlyList<PolicySchedule> Schedules,
    SafeSearchMode YouTubeMode = SafeSearchMode.Strict,
    string? BlockPageText = null,
    DateTimeOffset? RetiredAt = null)
{
    /// <summary>Whether the group is retired: kept for the log's history, filtering nobody.</summary>
    public bool IsRetired => RetiredAt is not null;

    /// <summary>As <see cref="IsBlockedAt(string, DateTimeOffset, TimeZoneInfo, IReadOnlySet{string}, SchoolCalendar)"/> with no school calendar.</summary>
    public bool IsBlockedAt(string category, DateTimeOffset instant, TimeZoneInfo zone, IReadOnlySet<string> alwaysOn)
        => IsBlockedAt(category, instant, zone, alwaysOn, SchoolCalendar.Empty);

    /// <summary>
    /// Whether <paramref name="category"/> is blocked for this group at <paramref name="instant"/>: an active
    /// block window wins over an active allow window, which wins over the blocked set. Always-on categories
    /// are blocked whatever the schedules say. Term-time-only windows count only on term-time days of <paramref name="calendar"/>.
    /// </summary>
    public bool IsBlockedAt(string category, DateTimeOffset instant, TimeZoneInfo zone, IReadOnlySet<string> alwaysOn, SchoolCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(alwaysOn);
        if (alwaysOn.Contains(category))
        {
            return true;
        }

        var allowed = false;
        foreach (var schedule in Schedules)
        {
            if (schedule.Category == category && schedule.IsActiveAt(instant, zone, calendar))
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
/// <param name="Reason">The reason given when it was proposed (null for entries from before schema V7).</param>
/// <param name="ChangeId">The change-control entry that approved it (null for entries from before schema V7).</param>
/// <param name="ApprovedAt">When that change was approved, if known.</param>
public sealed record DomainRule(long Id, string Domain, string? GroupKey, RuleAction Action, string? Reason = null, long? ChangeId = null, DateTimeOffset? ApprovedAt = null);

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
/// <param name="Groups">All groups with their policy, retired ones included (see <see cref="GroupPolicy.IsRetired"/>; they filter nobody).</param>
/// <param name="DomainRules">Allow/deny entries.</param>
/// <param name="ClientMappings">Subnet, IP and MAC mappings.</param>
/// <param name="Devices">Known devices with current addresses.</param>
/// <param name="TeacherActions">Teacher actions not yet expired or released when the snapshot was read.</param>
/// <param name="Calendar">The school calendar (terms and holidays) for term-time-only schedules.</param>
public sealed record PolicySnapshot(
    long Revision,
    TimeZoneInfo TimeZone,
    IReadOnlyList<Category> Categories,
    IReadOnlyList<GroupPolicy> Groups,
    IReadOnlyList<DomainRule> DomainRules,
    IReadOnlyList<ClientMapping> ClientMappings,
    IReadOnlyList<DeviceAddresses> Devices,
    IReadOnlyList<TeacherAction> TeacherActions,
    SchoolCalendar Calendar)
{
    /// <summary>The school's own list feeds (added through change control), oldest first. Empty until a feed is added.</summary>
    public IReadOnlyList<ListFeed> ListFeeds { get; init; } = [];

    /// <summary>Keys of the always-on categories.</summary>
    public IReadOnlySet<string> AlwaysOnCategories { get; } = Categories.Where(c => c.AlwaysOn).Select(c => c.Key).ToHashSet(StringComparer.Ordinal);

    /// <summary>The default group for unknown clients.</summary>
    public GroupPolicy DefaultGroup => Groups.First(g => g.IsDefault);

    /// <summary>The groups that filter clients: <see cref="Groups"/> without the retired ones.</summary>
    public IReadOnlyList<GroupPolicy> ActiveGroups => [.. Groups.Where(g => !g.IsRetired)];
}

using ClassroomGuard.Storage.State.Internal;

namespace ClassroomGuard.Storage.State;

/// <summary>A group as the editor lists it: its policy and what still puts clients in it.</summary>
/// <param name="Group">The group (retired ones too).</param>
/// <param name="DeviceCount">Devices assigned to it.</param>
/// <param name="MappingCount">Subnet, address and MAC mappings to it.</param>
public sealed record GroupOverview(GroupPolicy Group, int DeviceCount, int MappingCount);

/// <summary>
/// Read side of filtering policy. There are deliberately no write methods: policy changes only through
/// <see cref="ChangeControl"/>, so the change-control log is complete.
/// </summary>
public sealed class PolicyRepository
{
    private readonly StateDb db;

    internal PolicyRepository(StateDb db) => this.db = db;

    /// <summary>Reads everything the DNS filter compiles, in one transaction, with the revision it reflects.</summary>
    public Task<PolicySnapshot> GetSnapshotAsync(CancellationToken cancellationToken)
        => db.ReadAsync(Read, cancellationToken);

    /// <summary>Every group, retired ones included, with how many devices and address mappings put clients in it (for the editor's list).</summary>
    public Task<IReadOnlyList<GroupOverview>> ListGroupsAsync(CancellationToken cancellationToken)
        => db.ReadAsync<IReadOnlyList<GroupOverview>>(
            tx =>
            {
                var snapshot = Read(tx);
                var devices = tx.Query("SELECT group_id, count(*) FROM devices WHERE group_id IS NOT NULL GROUP BY group_id", r => (Group: r.GetInt64(0), Count: r.GetInt32(1))).ToDictionary(x => x.Group, x => x.Count);
                var mappings = tx.Query("SELECT group_id, count(*) FROM client_mappings GROUP BY group_id", r => (Group: r.GetInt64(0), Count: r.GetInt32(1))).ToDictionary(x => x.Group, x => x.Count);
                return snapshot.Groups.Select(g => new GroupOverview(g, devices.GetValueOrDefault(g.Id), mappings.GetValueOrDefault(g.Id))).ToList();
            },
            cancellationToken);

    /// <summary>The school calendar: terms and holidays.</summary>
    public Task<SchoolCalendar> GetCalendarAsync(CancellationToken cancellationToken)
        => db.ReadAsync(ReadCalendar, cancellationToken);

    /// <summary>All categories.</summary>
    public Task<IReadOnlyList<Category>> ListCategoriesAsync(CancellationToken cancellationToken)
        => db.ReadAsync<IReadOnlyList<Category>>(ReadCategories, cancellationToken);

    private PolicySnapshot Read(Tx tx)
    {
        var revision = tx.Long(Sql.ReadRevision) ?? 0;
        var schedules = tx.Query(
            "SELECT s.id, g.key, s.category, s.effect, s.weekdays, s.start_minute, s.end_minute, s.term_time_only FROM schedules s JOIN groups g ON g.id = s.group_id ORDER BY s.id",
            r => new PolicySchedule(r.GetInt64(0), r.GetString(1), r.GetString(2), EnumText.Parse<ScheduleEffect>(r.GetString(3)), (SchoolDays)r.GetInt32(4), r.GetInt32(5), r.GetInt32(6), r.GetInt64(7) == 1));
        var blocked = tx.Query("SELECT group_id, category FROM group_blocked_categories", r => (Group: r.GetInt64(0), Category: r.GetString(1)));
        var groups = tx.Query(
            "SELECT id, key, name, kind, safe_search, is_default, youtube_mode, block_page_text, retired_at FROM groups ORDER BY id",
            r => new GroupPolicy(
                r.GetInt64(0), r.GetString(1), r.GetString(2), EnumText.GroupKind(r.GetString(3)), EnumText.Parse<SafeSearchMode>(r.GetString(4)), r.GetInt64(5) == 1,
                new HashSet<string>(StringComparer.Ordinal), [], EnumText.Parse<SafeSearchMode>(r.GetString(6)), Sql.StringOrNull(r, 7), Sql.TimeOrNull(r, 8)));
        groups = groups.Select(g => g with
        {
            BlockedCategories = blocked.Where(b => b.Group == g.Id).Select(b => b.Category).ToHashSet(StringComparer.Ordinal),
            Schedules = schedules.Where(s => s.GroupKey == g.Key).ToList(),
        }).ToList();
        var rules = tx.Query(
            """
            SELECT r.id, r.domain, g.key, r.action, r.reason, r.change_id,
                   (SELECT a.at FROM change_log a WHERE a.change_id = r.change_id AND a.event = 'approved')
            FROM domain_rules r LEFT JOIN groups g ON g.id = r.group_id ORDER BY r.domain
            """,
            r => new DomainRule(
                r.GetInt64(0), r.GetString(1), Sql.StringOrNull(r, 2), EnumText.Parse<RuleAction>(r.GetString(3)),
                Sql.StringOrNull(r, 4), Sql.LongOrNull(r, 5), Sql.TimeOrNull(r, 6)));
        var mappings = tx.Query(
            "SELECT m.id, m.kind, m.value, g.key FROM client_mappings m JOIN groups g ON g.id = m.group_id ORDER BY m.id",
            r => new ClientMapping(r.GetInt64(0), EnumText.Parse<ClientMappingKind>(r.GetString(1)), r.GetString(2), r.GetString(3)));
        var macs = tx.Query("SELECT device_id, mac FROM device_macs", r => (Device: r.GetInt64(0), Value: r.GetString(1))).ToLookup(m => m.Device, m => m.Value);
        var ips = tx.Query("SELECT device_id, ip FROM device_ips", r => (Device: r.GetInt64(0), Value: r.GetString(1))).ToLookup(m => m.Device, m => m.Value);
        var devices = tx.Query(
            "SELECT d.id, d.room_id, g.key FROM devices d LEFT JOIN groups g ON g.id = d.group_id ORDER BY d.id",
            r => new DeviceAddresses(r.GetInt64(0), Sql.LongOrNull(r, 1), Sql.StringOrNull(r, 2), [], []));
        devices = devices.Select(d => d with { Macs = macs[d.DeviceId].ToList(), Ips = ips[d.DeviceId].ToList() }).ToList();
        var actions = TeacherActionRepository.Load(tx, "expires_at > $now AND released_at IS NULL", ("$now", tx.Now));
        return new PolicySnapshot(revision, db.TimeZone, ReadCategories(tx), groups, rules, mappings, devices, actions, ReadCalendar(tx)) { ListFeeds = FeedEdits.Live(tx) };
    }

    internal static SchoolCalendar ReadCalendar(Tx tx)
        => new(tx.Query("SELECT id, kind, name, first_day, last_day FROM school_calendar", ReadCalendarEntry));

    internal static CalendarEntry ReadCalendarEntry(Microsoft.Data.Sqlite.SqliteDataReader r)
        => new(r.GetInt64(0), EnumText.Parse<CalendarEntryKind>(r.GetString(1)), r.GetString(2), Sql.Day(r.GetString(3)), Sql.Day(r.GetString(4)));

    private static List<Category> ReadCategories(Tx tx)
        => tx.Query("SELECT key, name, always_on FROM categories ORDER BY key", r => new Category(r.GetString(0), r.GetString(1), r.GetInt64(2) == 1));
}

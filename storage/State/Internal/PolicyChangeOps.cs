using System.Text.Json.Nodes;

namespace ClassroomGuard.Storage.State.Internal;

/// <summary>A change checked against the current state: normalised, with before/after, or refused.</summary>
internal sealed record DescribedChange(PolicyChange Change, JsonNode? Before, JsonNode? After, ChangeRefusal? Refusal, string? Detail)
{
    public static DescribedChange Refuse(PolicyChange change, ChangeRefusal refusal, string detail) => new(change, null, null, refusal, detail);
}

/// <summary>Who may propose and approve each change, what it changes, and how it is applied.</summary>
internal static class PolicyChangeOps
{
    /// <summary>Longest temporary unblock: a school day.</summary>
    public static readonly TimeSpan MaxTemporaryUnblock = TimeSpan.FromHours(12);

    public static bool MayPropose(PolicyChange change, UserAccount user)
        => user.IsIn(Role.Technician) || user.IsIn(Role.Administrator)
           || (change is TemporaryUnblockChange && (user.IsIn(Role.Teacher) || user.IsIn(Role.SafeguardingLead)));

    // Technicians and administrators approve any policy change; the safeguarding lead also approves
    // lesson-long unblocks (the policies make the DSL the decision-maker for unblock requests).
    public static bool MayApprove(PolicyChange change, UserAccount user)
        => user.IsIn(Role.Technician) || user.IsIn(Role.Administrator)
           || (change is TemporaryUnblockChange && user.IsIn(Role.SafeguardingLead));

    public static DescribedChange Describe(Tx tx, PolicyChange change) => change switch
    {
        BlockCategoryChange c => CheckGroup(tx, c, c.GroupKey) ?? Category(tx, c, c.GroupKey, c.Category, block: true),
        UnblockCategoryChange c => CheckGroup(tx, c, c.GroupKey) ?? Category(tx, c, c.GroupKey, c.Category, block: false),
        AddScheduleChange c => CheckGroup(tx, c, c.GroupKey) ?? AddSchedule(tx, c),
        RemoveScheduleChange c => LoadSchedule(tx, c.ScheduleId) is { } s
            ? new(c, s, null, null, null)
            : DescribedChange.Refuse(c, ChangeRefusal.Invalid, $"No schedule {c.ScheduleId}."),
        SetDomainRuleChange c => (c.GroupKey is null ? null : CheckGroup(tx, c, c.GroupKey)) ?? DomainRule(tx, c),
        SetSafeSearchChange c => CheckGroup(tx, c, c.GroupKey)
            ?? Compare(c, tx.Scalar("SELECT safe_search FROM groups WHERE key = $g", ("$g", c.GroupKey)) as string, EnumText.Lower(c.Mode), "mode"),
        SetClientMappingChange c => (c.GroupKey is null ? null : CheckGroup(tx, c, c.GroupKey)) ?? ClientMapping(tx, c),
        SetDefaultGroupChange c => CheckGroup(tx, c, c.GroupKey)
            ?? Compare(c, tx.Scalar("SELECT key FROM groups WHERE is_default = 1") as string, c.GroupKey, "defaultGroup"),
        SetDeviceGroupChange c => (c.GroupKey is null ? null : CheckGroup(tx, c, c.GroupKey)) ?? DeviceGroup(tx, c),
        TemporaryUnblockChange c => TemporaryUnblock(tx, c),
        CreateGroupChange c => GroupEdits.Create(tx, c),
        RenameGroupChange c => GroupEdits.Rename(tx, c),
        RetireGroupChange c => GroupEdits.Retire(tx, c),
        SetYouTubeModeChange c => CheckGroup(tx, c, c.GroupKey) ?? GroupEdits.YouTube(tx, c),
        SetBlockPageTextChange c => CheckGroup(tx, c, c.GroupKey) ?? GroupEdits.BlockPageText(tx, c),
        AddCalendarEntryChange c => CalendarEdits.Add(tx, c),
        RemoveCalendarEntryChange c => CalendarEdits.Remove(tx, c),
        AddListFeedChange c => FeedEdits.Add(tx, c),
        RemoveListFeedChange c => FeedEdits.Remove(tx, c),
        _ => DescribedChange.Refuse(change, ChangeRefusal.Invalid, $"Unknown change {change.GetType().Name}."),
    };

    public static void Apply(Tx tx, PolicyChange change, long changeId, long proposerId, long approverId, string reason)
    {
        switch (change)
        {
            case BlockCategoryChange c:
                tx.Execute("INSERT OR IGNORE INTO group_blocked_categories (group_id, category) SELECT id, $c FROM groups WHERE key = $g", ("$g", c.GroupKey), ("$c", c.Category));
                break;
            case UnblockCategoryChange c:
                tx.Execute("DELETE FROM group_blocked_categories WHERE category = $c AND group_id = (SELECT id FROM groups WHERE key = $g)", ("$g", c.GroupKey), ("$c", c.Category));
                break;
            case AddScheduleChange c:
                tx.Execute(
                    "INSERT INTO schedules (group_id, category, effect, weekdays, start_minute, end_minute, term_time_only) SELECT id, $c, $e, $d, $s, $t, $term FROM groups WHERE key = $g",
                    ("$g", c.GroupKey), ("$c", c.Category), ("$e", EnumText.Lower(c.Effect)), ("$d", (int)c.Days), ("$s", c.StartMinute), ("$t", c.EndMinute),
                    ("$term", c.TermTimeOnly ? 1 : 0));
                break;
            case RemoveScheduleChange c:
                tx.Execute("DELETE FROM schedules WHERE id = $id", ("$id", c.ScheduleId));
                break;
            case SetDomainRuleChange c:
                tx.Execute("DELETE FROM domain_rules WHERE domain = $d AND ifnull(group_id, 0) = ifnull((SELECT id FROM groups WHERE key = $g), 0)", ("$d", c.Domain), ("$g", c.GroupKey));
                if (c.Action is { } action)
                {
                    tx.Execute(
                        "INSERT INTO domain_rules (domain, group_id, action, reason, change_id) VALUES ($d, (SELECT id FROM groups WHERE key = $g), $a, $r, $cid)",
                        ("$d", c.Domain), ("$g", c.GroupKey), ("$a", EnumText.Lower(action)), ("$r", reason), ("$cid", changeId));
                }

                break;
            case SetSafeSearchChange c:
                tx.Execute("UPDATE groups SET safe_search = $m WHERE key = $g", ("$m", EnumText.Lower(c.Mode)), ("$g", c.GroupKey));
                break;
            case SetClientMappingChange c:
                tx.Execute("DELETE FROM client_mappings WHERE kind = $k AND value = $v", ("$k", EnumText.Lower(c.Kind)), ("$v", c.Value));
                if (c.GroupKey is not null)
                {
                    tx.Execute("INSERT INTO client_mappings (kind, value, group_id) SELECT $k, $v, id FROM groups WHERE key = $g", ("$k", EnumText.Lower(c.Kind)), ("$v", c.Value), ("$g", c.GroupKey));
                }

                break;
            case SetDefaultGroupChange c:
                tx.Execute("UPDATE groups SET is_default = 0 WHERE is_default = 1");
                tx.Execute("UPDATE groups SET is_default = 1 WHERE key = $g", ("$g", c.GroupKey));
                break;
            case SetDeviceGroupChange c:
                tx.Execute("UPDATE devices SET group_id = (SELECT id FROM groups WHERE key = $g) WHERE id = $id", ("$g", c.GroupKey), ("$id", c.DeviceId));
                break;
            case TemporaryUnblockChange c:
                tx.Execute(
                    """
                    INSERT INTO teacher_actions (kind, user_id, reason, scope, device_id, room_id, domains, created_at, starts_at, expires_at, change_id)
                    VALUES ('unblock', $u, $r, $s, $d, $room, $domains, $now, $from, $until, $cid)
                    """,
                    ("$u", proposerId), ("$r", reason), ("$s", EnumText.Lower(c.Scope)), ("$d", c.DeviceId), ("$room", c.RoomId),
                    ("$domains", new JsonArray(c.Domain).ToJsonString()), ("$now", tx.Now), ("$from", Sql.Ms(c.From)), ("$until", Sql.Ms(c.Until)), ("$cid", changeId));
                tx.Execute(
                    "UPDATE unblock_requests SET status = 'approved', decided_by = $a, decided_at = $now WHERE change_id = $cid",
                    ("$a", approverId), ("$now", tx.Now), ("$cid", changeId));
                break;
            case CreateGroupChange c:
                GroupEdits.ApplyCreate(tx, c);
                break;
            case RenameGroupChange c:
                tx.Execute("UPDATE groups SET name = $n WHERE key = $g", ("$n", c.Name), ("$g", c.GroupKey));
                break;
            case RetireGroupChange c:
                tx.Execute("UPDATE groups SET retired_at = $now WHERE key = $g", ("$now", tx.Now), ("$g", c.GroupKey));
                break;
            case SetYouTubeModeChange c:
                tx.Execute("UPDATE groups SET youtube_mode = $m WHERE key = $g", ("$m", EnumText.Lower(c.Mode)), ("$g", c.GroupKey));
                break;
            case SetBlockPageTextChange c:
                tx.Execute("UPDATE groups SET block_page_text = $t WHERE key = $g", ("$t", c.Text), ("$g", c.GroupKey));
                break;
            case AddCalendarEntryChange c:
                tx.Execute(
                    "INSERT INTO school_calendar (kind, name, first_day, last_day) VALUES ($k, $n, $f, $l)",
                    ("$k", EnumText.Lower(c.Kind)), ("$n", c.Name), ("$f", Sql.Day(c.FirstDay)), ("$l", Sql.Day(c.LastDay)));
                break;
            case RemoveCalendarEntryChange c:
                tx.Execute("DELETE FROM school_calendar WHERE id = $id", ("$id", c.EntryId));
                break;
            case AddListFeedChange c:
                FeedEdits.ApplyAdd(tx, c, changeId);
                break;
            case RemoveListFeedChange c:
                FeedEdits.ApplyRemove(tx, c);
                break;
            default:
                throw new InvalidOperationException($"Unknown change {change.GetType().Name}.");
        }

        tx.Changed = true;
    }

    public static long? GroupId(Tx tx, string? key) => key is null ? null : tx.Long("SELECT id FROM groups WHERE key = $g", ("$g", key));

    public static bool IsAlwaysOn(Tx tx, string category) => tx.Long("SELECT always_on FROM categories WHERE key = $c", ("$c", category)) == 1;

    private static DescribedChange NoGroup(PolicyChange change, string? key) => DescribedChange.Refuse(change, ChangeRefusal.Invalid, $"No group '{key}'.");

    /// <summary>Null when <paramref name="key"/> names an active group; otherwise the refusal (no such group, or retired).</summary>
    public static DescribedChange? CheckGroup(Tx tx, PolicyChange change, string key)
        => GroupEdits.Load(tx, key) switch
        {
            null => NoGroup(change, key),
            { RetiredAt: not null } g => DescribedChange.Refuse(change, ChangeRefusal.Invalid, $"{g.Name} is retired: it filters nobody and can no longer be changed."),
            _ => null,
        };

    public static DescribedChange Compare(PolicyChange change, string? before, string? after, string name)
        => string.Equals(before, after, StringComparison.Ordinal)
            ? DescribedChange.Refuse(change, ChangeRefusal.NoEffect, $"The {name} is already '{after ?? "none"}'.")
            : new(change, new JsonObject { [name] = before }, new JsonObject { [name] = after }, null, null);

    private static DescribedChange Category(Tx tx, PolicyChange change, string groupKey, string category, bool block)
    {
        var groupId = GroupId(tx, groupKey);
        if (groupId is null)
        {
            return NoGroup(change, groupKey);
        }

        if (tx.Long("SELECT 1 FROM categories WHERE key = $c", ("$c", category)) is null)
        {
            return DescribedChange.Refuse(change, ChangeRefusal.Invalid, $"No category '{category}'.");
        }

        if (!block && IsAlwaysOn(tx, category))
        {
            return DescribedChange.Refuse(change, ChangeRefusal.AlwaysOnCategory, $"'{category}' is always blocked for everyone and cannot be unblocked.");
        }

        var blocked = tx.Long("SELECT 1 FROM group_blocked_categories WHERE group_id = $g AND category = $c", ("$g", groupId), ("$c", category)) is not null;
        return blocked == block
            ? DescribedChange.Refuse(change, ChangeRefusal.NoEffect, $"'{category}' is already {(block ? "blocked" : "allowed")} for '{groupKey}'.")
            : new(change, new JsonObject { ["blocked"] = blocked }, new JsonObject { ["blocked"] = block }, null, null);
    }

    private static DescribedChange AddSchedule(Tx tx, AddScheduleChange c)
    {
        if (GroupId(tx, c.GroupKey) is null)
        {
            return NoGroup(c, c.GroupKey);
        }

        if (tx.Long("SELECT 1 FROM categories WHERE key = $c", ("$c", c.Category)) is null)
        {
            return DescribedChange.Refuse(c, ChangeRefusal.Invalid, $"No category '{c.Category}'.");
        }

        if (c.Days is <= SchoolDays.None or > SchoolDays.All || c.StartMinute is < 0 or > 1439 || c.EndMinute is < 1 or > 1440 || c.StartMinute >= c.EndMinute)
        {
            return DescribedChange.Refuse(c, ChangeRefusal.Invalid, "A schedule needs at least one day and 0 <= start < end <= 1440 minutes.");
        }

        if (c.Effect == ScheduleEffect.Allow && IsAlwaysOn(tx, c.Category))
        {
            return DescribedChange.Refuse(c, ChangeRefusal.AlwaysOnCategory, $"'{c.Category}' is always blocked for everyone; no schedule can allow it.");
        }

        var overlapping = tx.Query(
            "SELECT s.id, s.effect, s.weekdays, s.start_minute, s.end_minute, s.term_time_only FROM schedules s JOIN groups g ON g.id = s.group_id WHERE g.key = $g AND s.category = $c ORDER BY s.id",
            r => new PolicySchedule(r.GetInt64(0), c.GroupKey, c.Category, EnumText.Parse<ScheduleEffect>(r.GetString(1)), (SchoolDays)r.GetInt32(2), r.GetInt32(3), r.GetInt32(4), r.GetInt64(5) == 1),
            ("$g", c.GroupKey), ("$c", c.Category)).FirstOrDefault(s => s.Overlaps(c.Days, c.StartMinute, c.EndMinute));
        if (overlapping is not null)
        {
            return DescribedChange.Refuse(
                c, ChangeRefusal.Invalid,
                $"This window overlaps the existing window \"{Words.Schedule(tx, overlapping)}\"; change or remove that one first.");
        }

        var after = ScheduleJson(c.GroupKey, c.Category, EnumText.Lower(c.Effect), (int)c.Days, c.StartMinute, c.EndMinute, c.TermTimeOnly);
        return new(c, null, after, null, null);
    }

    private static JsonObject? LoadSchedule(Tx tx, long id)
        => tx.Single(
            "SELECT g.key, s.category, s.effect, s.weekdays, s.start_minute, s.end_minute, s.term_time_only FROM schedules s JOIN groups g ON g.id = s.group_id WHERE s.id = $id",
            r => ScheduleJson(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt32(3), r.GetInt32(4), r.GetInt32(5), r.GetInt64(6) == 1),
            ("$id", id));

    // termTimeOnly appears only when set, so windows described before V7 (and pending removals of them) keep their JSON.
    private static JsonObject ScheduleJson(string group, string category, string effect, int days, int start, int end, bool termTimeOnly)
    {
        var json = new JsonObject
        {
            ["group"] = group, ["category"] = category, ["effect"] = effect, ["days"] = days, ["startMinute"] = start, ["endMinute"] = end,
        };
        if (termTimeOnly)
        {
            json["termTimeOnly"] = true;
        }

        return json;
    }

    private static DescribedChange DomainRule(Tx tx, SetDomainRuleChange c)
    {
        if (Normalize.Domain(c.Domain) is not { } domain)
        {
            return DescribedChange.Refuse(c, ChangeRefusal.Invalid, $"'{c.Domain}' is not a domain name.");
        }

        if (c.GroupKey is not null && GroupId(tx, c.GroupKey) is null)
        {
            return NoGroup(c, c.GroupKey);
        }

        var current = tx.Scalar(
            "SELECT action FROM domain_rules WHERE domain = $d AND ifnull(group_id, 0) = ifnull($g, 0)",
            ("$d", domain), ("$g", GroupId(tx, c.GroupKey))) as string;
        return Compare(c with { Domain = domain }, current, c.Action is { } a ? EnumText.Lower(a) : null, "action");
    }

    private static DescribedChange ClientMapping(Tx tx, SetClientMappingChange c)
    {
        var value = c.Kind switch
        {
            ClientMappingKind.Subnet => Normalize.Subnet(c.Value),
            ClientMappingKind.Ip => Normalize.Ip(c.Value),
            _ => Normalize.Mac(c.Value),
        };
        if (value is null)
        {
            return DescribedChange.Refuse(c, ChangeRefusal.Invalid, $"'{c.Value}' is not a valid {EnumText.Lower(c.Kind)}.");
        }

        if (c.GroupKey is not null && GroupId(tx, c.GroupKey) is null)
        {
            return NoGroup(c, c.GroupKey);
        }

        var current = tx.Scalar(
            "SELECT g.key FROM client_mappings m JOIN groups g ON g.id = m.group_id WHERE m.kind = $k AND m.value = $v",
            ("$k", EnumText.Lower(c.Kind)), ("$v", value)) as string;
        return Compare(c with { Value = value }, current, c.GroupKey, "group");
    }

    private static DescribedChange DeviceGroup(Tx tx, SetDeviceGroupChange c)
    {
        if (tx.Long("SELECT 1 FROM devices WHERE id = $id", ("$id", c.DeviceId)) is null)
        {
            return DescribedChange.Refuse(c, ChangeRefusal.Invalid, $"No device {c.DeviceId}.");
        }

        if (c.GroupKey is not null && GroupId(tx, c.GroupKey) is null)
        {
            return NoGroup(c, c.GroupKey);
        }

        var current = tx.Scalar("SELECT g.key FROM devices d JOIN groups g ON g.id = d.group_id WHERE d.id = $id", ("$id", c.DeviceId)) as string;
        return Compare(c, current, c.GroupKey, "group");
    }

    private static DescribedChange TemporaryUnblock(Tx tx, TemporaryUnblockChange c)
    {
        if (Normalize.Domain(c.Domain) is not { } domain)
        {
            return DescribedChange.Refuse(c, ChangeRefusal.Invalid, $"'{c.Domain}' is not a domain name.");
        }

        var targetOk = c.Scope == ActionScope.Device
            ? c.RoomId is null && c.DeviceId is { } d && tx.Long("SELECT 1 FROM devices WHERE id = $id", ("$id", d)) is not null
            : c.DeviceId is null && c.RoomId is { } r && tx.Long("SELECT 1 FROM rooms WHERE id = $id", ("$id", r)) is not null;
        if (!targetOk)
        {
            return DescribedChange.Refuse(c, ChangeRefusal.Invalid, "A temporary unblock names one existing device (device scope) or one existing room (room scope).");
        }

        if (c.Until <= c.From || c.Until - c.From > MaxTemporaryUnblock || Sql.Ms(c.Until) <= tx.Now)
        {
            return DescribedChange.Refuse(c, ChangeRefusal.Invalid, "A temporary unblock must end after it starts, in the future, and last at most 12 hours.");
        }

        var normalized = c with { Domain = domain, From = c.From.ToUniversalTime(), Until = c.Until.ToUniversalTime() };
        return new(normalized, null, CanonicalJson.ToNode(normalized), null, null);
    }
}

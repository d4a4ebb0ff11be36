using System.Text.Json.Nodes;
using ClassroomGuard.Storage.State;
using ClassroomGuard.Storage.State.Internal;
using Microsoft.Data.Sqlite;

namespace ClassroomGuard.Storage.Tests.State;

/// <summary>A V6 database (as the previous release left it) opened by this release: data, chain and pending changes survive.</summary>
public sealed class SchemaV7MigrationTests
{
    private static CancellationToken Token => StateTestContext.Token;

    /// <summary>
    /// V6 with: staff SafeSearch off, a domain rule, a device in ks3, and two proposals written by V6 and still pending
    /// (an addSchedule without the termTimeOnly field, a removeSchedule whose "before" has no termTimeOnly either).
    /// </summary>
    private static (long AddId, long RemoveId) CreateV6Database(StateTestContext context)
    {
        using var connection = new SqliteConnection($"Data Source={context.DbPath};Pooling=False");
        connection.Open();
        StateMigrations.Migrate(connection, 6, 0);
        Assert.Equal(6, StateMigrations.ReadVersion(connection));

        var add = CanonicalJson.ToNode(new AddScheduleChange("ks3", "games", ScheduleEffect.Allow, SchoolDays.Saturday, 600, 660)).AsObject();
        Assert.True(add.Remove("termTimeOnly")); // V6 had no such field
        var addBody = CanonicalJson.Serialize(new JsonObject
        {
            ["after"] = JsonNode.Parse("""{"category":"games","days":32,"effect":"allow","endMinute":660,"group":"ks3","startMinute":600}"""),
            ["before"] = null,
            ["change"] = add,
            ["reason"] = "v6 add",
        });
        const string RemoveBody = """{"after":null,"before":{"category":"games","days":31,"effect":"allow","endMinute":780,"group":"staff","startMinute":720},"change":{"$kind":"removeSchedule","scheduleId":1},"reason":"v6 remove"}""";
        var h1 = ChangeChain.Hash(1, 1, "proposed", 1000, 1, "tech", false, addBody, ChangeChain.Genesis);
        var h2 = ChangeChain.Hash(2, 2, "proposed", 2000, 1, "tech", false, RemoveBody, h1);
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO users (id, user_name, display_name, password_hash, created_at) VALUES (1, 'tech', 'Tech', 'x', 0);
            INSERT INTO user_roles (user_id, role) VALUES (1, 'Technician');
            UPDATE groups SET safe_search = 'off' WHERE key = 'staff';
            INSERT INTO domain_rules (domain, group_id, action) VALUES ('kept.test', NULL, 'deny');
            INSERT INTO devices (id, group_id, source, first_seen, last_seen) VALUES (5, (SELECT id FROM groups WHERE key = 'ks3'), 'manual', 0, 0);
            INSERT INTO change_log (seq, change_id, event, at, actor_id, actor_name, single_approver, body, prev_hash, hash)
            VALUES (1, 1, 'proposed', 1000, 1, 'tech', 0, $b1, $g, $h1), (2, 2, 'proposed', 2000, 1, 'tech', 0, $b2, $h1, $h2);
            UPDATE change_log_head SET seq = 2, hash = $h2;
            """;
        command.Parameters.AddWithValue("$b1", addBody);
        command.Parameters.AddWithValue("$b2", RemoveBody);
        command.Parameters.AddWithValue("$g", ChangeChain.Genesis);
        command.Parameters.AddWithValue("$h1", h1);
        command.Parameters.AddWithValue("$h2", h2);
        command.ExecuteNonQuery();
        return (1, 2);
    }

    [Fact]
    public async Task Open_V6Database_KeepsDataAndGivesEveryGroupItsYouTubeModeFromSafeSearch()
    {
        using var context = new StateTestContext();
        CreateV6Database(context);

        var store = context.Store;

        Assert.True(store.SchemaVersion >= 7);
        var snapshot = await store.Policy.GetSnapshotAsync(Token);
        Assert.Equal(8, snapshot.Groups.Count);
        Assert.All(snapshot.Groups, g =>
        {
            Assert.Equal(g.SafeSearch, g.YouTubeMode); // what SafeSearch gave YouTube until now
            Assert.False(g.IsRetired);
            Assert.Null(g.BlockPageText);
        });
        Assert.Equal(SafeSearchMode.Off, snapshot.Groups.Single(g => g.Key == "staff").YouTubeMode);
        Assert.Equal(SafeSearchMode.Moderate, snapshot.Groups.Single(g => g.Key == "ks5").YouTubeMode);
        Assert.False(Assert.Single(snapshot.Groups.Single(g => g.Key == "staff").Schedules).TermTimeOnly);
        var rule = Assert.Single(snapshot.DomainRules);
        Assert.Equal(("kept.test", RuleAction.Deny, (string?)null, (long?)null, (DateTimeOffset?)null), (rule.Domain, rule.Action, rule.Reason, rule.ChangeId, rule.ApprovedAt));
        Assert.Empty(snapshot.Calendar.Entries);
        Assert.Equal("ks3", Assert.Single(snapshot.Devices).GroupKey);
        Assert.Equal((1, 0), (await store.Policy.ListGroupsAsync(Token)).Where(o => o.Group.Key == "ks3").Select(o => (o.DeviceCount, o.MappingCount)).Single());
    }

    [Fact]
    public async Task Open_V6Database_PendingV6ProposalsStillApproveAndTheChainVerifiesWithOldAndNewEntries()
    {
        using var context = new StateTestContext();
        var (addId, removeId) = CreateV6Database(context);
        var store = context.Store;
        var bob = await context.UserAsync("bob", Role.Administrator);
        var alice = await context.UserAsync("alice", Role.Technician);
        Assert.True((await store.ChangeControl.VerifyChainAsync(null, Token)).IsValid);

        var pending = await store.ChangeControl.GetPendingAsync(Token);
        Assert.Equal(new AddScheduleChange("ks3", "games", ScheduleEffect.Allow, SchoolDays.Saturday, 600, 660, TermTimeOnly: false), pending[0].Change);

        var added = await store.ChangeControl.ApproveAsync(bob.Id, addId, "ok", Token);
        var removed = await store.ChangeControl.ApproveAsync(bob.Id, removeId, "ok", Token);
        Assert.True(added.Succeeded, added.Detail);
        Assert.True(removed.Succeeded, removed.Detail); // its "before" (no termTimeOnly field) still matches
        var proposed = await store.ChangeControl.ProposeAsync(alice.Id, new AddCalendarEntryChange(CalendarEntryKind.Holiday, "October half term", new DateOnly(2026, 10, 26), new DateOnly(2026, 10, 30)), "dates from the LA", Token);
        Assert.True((await store.ChangeControl.ApproveAsync(bob.Id, proposed.Entry!.ChangeId, null, Token)).Succeeded);
        var group = await store.ChangeControl.ProposeAsync(alice.Id, new CreateGroupChange("ks3-set1", "Key stage 3 set 1", GroupKind.Pupils, SafeSearchMode.Strict, "ks3"), "new setting", Token);
        Assert.True((await store.ChangeControl.ApproveAsync(bob.Id, group.Entry!.ChangeId, null, Token)).Succeeded);

        var verification = await store.ChangeControl.VerifyChainAsync(new ChainCheckpoint(2, (await store.ChangeControl.GetEntriesAsync(1, 1, Token))[0].Hash), Token);
        Assert.True(verification.IsValid, verification.Problem);
        Assert.Equal(8, verification.EntryCount);
        var snapshot = await store.Policy.GetSnapshotAsync(Token);
        Assert.Empty(snapshot.Groups.Single(g => g.Key == "staff").Schedules);
        Assert.False(Assert.Single(snapshot.Groups.Single(g => g.Key == "ks3").Schedules).TermTimeOnly);
        Assert.Single(snapshot.Calendar.Entries);

        // An edit of an entry written after V7 is still caught.
        context.CloseStore();
        var (code, output) = StateTestContext.Sqlite3(context.DbPath, "DROP TRIGGER change_log_no_update; UPDATE change_log SET body = replace(body, 'October', 'November') WHERE seq = 5;");
        Assert.True(code == 0, output);
        var broken = await context.Store.ChangeControl.VerifyChainAsync(null, Token);
        Assert.False(broken.IsValid);
        Assert.Equal(5, broken.FirstBadSequence);
    }

    [Fact]
    public async Task Open_V6Database_AlwaysOnTriggersStillHold()
    {
        using var context = new StateTestContext();
        CreateV6Database(context);
        var alice = await context.UserAsync("alice", Role.Technician);
        var bob = await context.UserAsync("bob", Role.Technician);
        var proposed = await context.Store.ChangeControl.ProposeAsync(alice.Id, new CreateGroupChange("open", "Open", GroupKind.Staff, SafeSearchMode.Off, null), "trial", Token);
        Assert.True((await context.Store.ChangeControl.ApproveAsync(bob.Id, proposed.Entry!.ChangeId, null, Token)).Succeeded);
        Assert.Equal(["child_abuse", "terrorism"], (await context.Store.Policy.GetSnapshotAsync(Token)).Groups.Single(g => g.Key == "open").BlockedCategories.Order());

        Assert.Contains("always-on", Assert.Throws<SqliteException>(() => context.RawSql(
            "DELETE FROM group_blocked_categories WHERE category = 'terrorism' AND group_id = (SELECT id FROM groups WHERE key = 'open')")).Message, StringComparison.Ordinal);
        Assert.Contains("always-on", Assert.Throws<SqliteException>(() => context.RawSql(
            "INSERT INTO schedules (group_id, category, effect, weekdays, start_minute, end_minute, term_time_only) SELECT id, 'child_abuse', 'allow', 127, 0, 1440, 1 FROM groups WHERE key = 'open'")).Message, StringComparison.Ordinal);
        Assert.Contains("always-on", Assert.Throws<SqliteException>(() => context.RawSql("UPDATE categories SET always_on = 0 WHERE key = 'terrorism'")).Message, StringComparison.Ordinal);
        Assert.Contains("groups are not deleted", Assert.Throws<SqliteException>(() => context.RawSql("DELETE FROM groups WHERE key = 'open'")).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-02-30", "2026-03-01")]
    [InlineData("2026-13-01", "2026-13-02")]
    [InlineData("26-10-2026", "2026-10-30")]
    [InlineData("2026-10-26T00:00", "2026-10-30")]
    [InlineData("2026-10-30", "2026-10-26")]
    public void SchoolCalendar_BadDatesWrittenBehindTheStoresBack_RefusedByTheDatabase(string first, string last)
    {
        using var context = new StateTestContext();
        _ = context.Store;

        Assert.Throws<SqliteException>(() => context.RawSql($"INSERT INTO school_calendar (kind, name, first_day, last_day) VALUES ('holiday', 'x', '{first}', '{last}')"));
    }
}

using ClassroomGuard.Storage.State;
using ClassroomGuard.Storage.State.Internal;
using Microsoft.Data.Sqlite;

namespace ClassroomGuard.Storage.Tests.State;

public sealed class AlwaysOnCategoryTests
{
    private static CancellationToken Token => StateTestContext.Token;

    public static TheoryData<string, string> GroupsAndAlwaysOnCategories()
    {
        var data = new TheoryData<string, string>();
        foreach (var group in new[] { "eyfs", "ks1", "ks2", "ks3", "ks4", "ks5", "staff", "guests" })
        {
            data.Add(group, "child_abuse");
            data.Add(group, "terrorism");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(GroupsAndAlwaysOnCategories))]
    public async Task ProposeAsync_UnblockAlwaysOnForAnyGroupEvenAsAdministratorInSingleApproverMode_Refused(string group, string category)
    {
        using var context = new StateTestContext(o => o.SingleApproverMode = true);
        var admin = await context.UserAsync("admin", Role.Administrator, Role.Technician, Role.SafeguardingLead);

        var result = await context.Store.ChangeControl.ProposeAsync(admin.Id, new UnblockCategoryChange(group, category), "research", Token);

        Assert.Equal(ChangeRefusal.AlwaysOnCategory, result.Refusal);
        var snapshot = await context.Store.Policy.GetSnapshotAsync(Token);
        Assert.Contains(category, snapshot.Groups.Single(g => g.Key == group).BlockedCategories);
        Assert.True(snapshot.Groups.Single(g => g.Key == group).IsBlockedAt(category, context.Clock.Now, snapshot.TimeZone, snapshot.AlwaysOnCategories));
    }

    [Fact]
    public async Task ProposeAsync_AllowScheduleForAlwaysOn_Refused()
    {
        using var context = new StateTestContext();
        var admin = await context.UserAsync("admin", Role.Administrator);

        var result = await context.Store.ChangeControl.ProposeAsync(
            admin.Id, new AddScheduleChange("staff", "terrorism", ScheduleEffect.Allow, SchoolDays.All, 0, 1440), "research", Token);

        Assert.Equal(ChangeRefusal.AlwaysOnCategory, result.Refusal);
    }

    [Fact]
    public async Task ApproveAsync_ForgedProposalToUnblockAlwaysOn_RefusedAndNothingApplied()
    {
        using var context = new StateTestContext();
        var alice = await context.UserAsync("alice", Role.Technician);
        var bob = await context.UserAsync("bob", Role.Technician);
        // A proposal written straight into the log (bypassing ProposeAsync), correctly chained.
        const string body = """{"after":{"blocked":false},"before":{"blocked":true},"change":{"$kind":"unblockCategory","category":"child_abuse","groupKey":"staff"},"reason":"forged"}""";
        var hash = ChangeChain.Hash(1, 1, "proposed", 0, alice.Id, alice.UserName, false, body, ChangeChain.Genesis);
        context.RawSql($"""
            INSERT INTO change_log (seq, change_id, event, at, actor_id, actor_name, single_approver, body, prev_hash, hash)
            VALUES (1, 1, 'proposed', 0, {alice.Id}, '{alice.UserName}', 0, '{body}', '{ChangeChain.Genesis}', '{hash}');
            UPDATE change_log_head SET seq = 1, hash = '{hash}';
            """);

        var result = await context.Store.ChangeControl.ApproveAsync(bob.Id, 1, null, Token);

        Assert.Equal(ChangeRefusal.AlwaysOnCategory, result.Refusal);
        Assert.Equal(1L, context.RawScalar("SELECT count(*) FROM group_blocked_categories b JOIN groups g ON g.id = b.group_id WHERE g.key = 'staff' AND category = 'child_abuse'"));
        Assert.Equal(1L, context.RawScalar("SELECT count(*) FROM change_log"));
    }

    [Theory]
    [InlineData("DELETE FROM group_blocked_categories WHERE category = 'child_abuse'")]
    [InlineData("UPDATE group_blocked_categories SET category = 'games' WHERE category = 'terrorism'")]
    [InlineData("UPDATE categories SET always_on = 0 WHERE key = 'terrorism'")]
    [InlineData("DELETE FROM categories WHERE key = 'child_abuse'")]
    [InlineData("INSERT INTO schedules (group_id, category, effect, weekdays, start_minute, end_minute) VALUES (1, 'child_abuse', 'allow', 127, 0, 1440)")]
    public void RawSql_TryingToSwitchOffAlwaysOn_RefusedByDatabase(string sql)
    {
        using var context = new StateTestContext();
        _ = context.Store;

        var error = Assert.Throws<SqliteException>(() => context.RawSql("PRAGMA foreign_keys = ON; " + sql));

        Assert.Contains("always-on", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RawSql_NewGroup_GetsAlwaysOnCategoriesBlocked()
    {
        using var context = new StateTestContext();
        _ = context.Store;

        context.RawSql("INSERT INTO groups (key, name, kind) VALUES ('visitors', 'Visitors', 'guests')");

        Assert.Equal(2L, context.RawScalar("SELECT count(*) FROM group_blocked_categories b JOIN groups g ON g.id = b.group_id WHERE g.key = 'visitors'"));
    }

    [Fact]
    public void IsBlockedAt_AlwaysOnCategoryWithAllowScheduleAndNotInBlockedSet_StillBlocked()
    {
        var group = new GroupPolicy(1, "g", "G", GroupKind.Staff, SafeSearchMode.Off, false, new HashSet<string>(),
            [new PolicySchedule(1, "g", "terrorism", ScheduleEffect.Allow, SchoolDays.All, 0, 1440)]);

        Assert.True(group.IsBlockedAt("terrorism", DateTimeOffset.UtcNow, TimeZoneInfo.Utc, new HashSet<string> { "terrorism" }));
    }
}

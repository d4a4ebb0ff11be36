using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Storage.Tests.State;

public sealed class PolicyRepositoryTests
{
    private static CancellationToken Token => StateTestContext.Token;

    [Fact]
    public async Task GetSnapshotAsync_SeededStore_HasKeyStageGroupsDefaultGuestsAndAlwaysOn()
    {
        using var context = new StateTestContext();

        var snapshot = await context.Store.Policy.GetSnapshotAsync(Token);

        Assert.Equal(["eyfs", "ks1", "ks2", "ks3", "ks4", "ks5", "staff", "guests"], snapshot.Groups.Select(g => g.Key));
        Assert.Equal("guests", snapshot.DefaultGroup.Key);
        Assert.Equal(new HashSet<string> { "child_abuse", "terrorism" }, snapshot.AlwaysOnCategories);
        Assert.All(snapshot.Groups.Where(g => g.Kind == GroupKind.Pupils), g => Assert.Equal(g.Key == "ks5" ? SafeSearchMode.Moderate : SafeSearchMode.Strict, g.SafeSearch));
        Assert.Equal("Europe/London", snapshot.TimeZone.Id);
    }

    public static TheoryData<string, bool> StaffGamesTimes() => new()
    {
        { "2026-11-23T11:59:00Z", true },  // Monday, before lunch (GMT = UTC in November)
        { "2026-11-23T12:00:00Z", false }, // lunch: allowed
        { "2026-11-23T12:59:00Z", false },
        { "2026-11-23T13:00:00Z", true },
        { "2026-11-28T12:30:00Z", true },  // Saturday: the window is weekdays only
        { "2026-06-15T11:30:00Z", false }, // June, BST: 12:30 local is lunch
        { "2026-06-15T12:30:00Z", true },  // 13:30 local
    };

    [Theory]
    [MemberData(nameof(StaffGamesTimes))]
    public async Task IsBlockedAt_SeededStaffGamesAtLunchtime_FollowsSchoolTimeZone(string instant, bool blocked)
    {
        using var context = new StateTestContext();
        var snapshot = await context.Store.Policy.GetSnapshotAsync(Token);
        var staff = snapshot.Groups.Single(g => g.Key == "staff");

        Assert.Equal(blocked, staff.IsBlockedAt("games", DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture), snapshot.TimeZone, snapshot.AlwaysOnCategories));
    }

    [Fact]
    public async Task GetSnapshotAsync_AfterApprovedDomainRulesAndSchedule_ReflectsThemAndNewRevision()
    {
        using var context = new StateTestContext();
        var alice = await context.UserAsync("alice", Role.Technician);
        var bob = await context.UserAsync("bob", Role.Technician);
        var cc = context.Store.ChangeControl;
        var before = await context.Store.GetRevisionAsync(Token);
        foreach (PolicyChange change in new PolicyChange[]
        {
            new SetDomainRuleChange("Example.COM.", null, RuleAction.Deny),
            new SetDomainRuleChange("bbc.co.uk", "ks3", RuleAction.Allow),
            new AddScheduleChange("ks4", "social_networking", ScheduleEffect.Allow, SchoolDays.Friday, 900, 960),
        })
        {
            var proposed = await cc.ProposeAsync(alice.Id, change, "policy review", Token);
            Assert.True(proposed.Succeeded, proposed.Detail);
            Assert.True((await cc.ApproveAsync(bob.Id, proposed.Entry!.ChangeId, null, Token)).Succeeded);
        }

        var snapshot = await context.Store.Policy.GetSnapshotAsync(Token);

        Assert.Equal(before + 6, snapshot.Revision);
        Assert.Equal([("bbc.co.uk", "ks3", RuleAction.Allow), ("example.com", null, RuleAction.Deny)], snapshot.DomainRules.Select(r => (r.Domain, r.GroupKey, r.Action)));
        var schedule = Assert.Single(snapshot.Groups.Single(g => g.Key == "ks4").Schedules);
        Assert.Equal((SchoolDays.Friday, 900, 960), (schedule.Days, schedule.StartMinute, schedule.EndMinute));

        var remove = await cc.ProposeAsync(alice.Id, new SetDomainRuleChange("example.com", null, null), "mistake", Token);
        Assert.Equal("""{"action":"deny"}""", (await cc.GetPendingAsync(Token)).Single().Before);
        await cc.ApproveAsync(bob.Id, remove.Entry!.ChangeId, null, Token);
        Assert.Single((await context.Store.Policy.GetSnapshotAsync(Token)).DomainRules);
    }
}

using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Storage.Tests.State;

public sealed class ChangeControlTests
{
    private static CancellationToken Token => StateTestContext.Token;

    [Fact]
    public async Task ProposeAsync_ByTechnician_RecordsPendingWithBeforeAfterAndDoesNotApply()
    {
        using var context = new StateTestContext();
        var alice = await context.UserAsync("alice", Role.Technician);

        var result = await context.Store.ChangeControl.ProposeAsync(alice.Id, new UnblockCategoryChange("staff", "games"), "Staff want games all day", Token);

        Assert.True(result.Succeeded, result.Detail);
        var pending = Assert.Single(await context.Store.ChangeControl.GetPendingAsync(Token));
        Assert.Equal(result.Entry!.ChangeId, pending.ChangeId);
        Assert.Equal("""{"blocked":true}""", pending.Before);
        Assert.Equal("""{"blocked":false}""", pending.After);
        Assert.Equal(new UnblockCategoryChange("staff", "games"), pending.Change);
        var snapshot = await context.Store.Policy.GetSnapshotAsync(Token);
        Assert.Contains("games", snapshot.Groups.Single(g => g.Key == "staff").BlockedCategories);
    }

    [Fact]
    public async Task ApproveAsync_ByDifferentTechnician_AppliesAndRecordsApprover()
    {
        using var context = new StateTestContext();
        var alice = await context.UserAsync("alice", Role.Technician);
        var bob = await context.UserAsync("bob", Role.Administrator);
        var proposed = await context.Store.ChangeControl.ProposeAsync(alice.Id, new SetSafeSearchChange("ks5", SafeSearchMode.Strict), "Sixth-form complaints", Token);

        var approved = await context.Store.ChangeControl.ApproveAsync(bob.Id, proposed.Entry!.ChangeId, "agreed", Token);

        Assert.True(approved.Succeeded, approved.Detail);
        Assert.Equal(ChangeEvent.Approved, approved.Entry!.Event);
        Assert.Equal(bob.Id, approved.Entry.ActorId);
        Assert.False(approved.Entry.SingleApprover);
        var snapshot = await context.Store.Policy.GetSnapshotAsync(Token);
        Assert.Equal(SafeSearchMode.Strict, snapshot.Groups.Single(g => g.Key == "ks5").SafeSearch);
        Assert.Empty(await context.Store.ChangeControl.GetPendingAsync(Token));
    }

    [Fact]
    public async Task ApproveAsync_ByProposer_RefusedAsSameUserAndNotApplied()
    {
        using var context = new StateTestContext();
        var alice = await context.UserAsync("alice", Role.Technician, Role.Administrator);
        var proposed = await context.Store.ChangeControl.ProposeAsync(alice.Id, new SetDomainRuleChange("example.org", null, RuleAction.Allow), "needed", Token);

        var approved = await context.Store.ChangeControl.ApproveAsync(alice.Id, proposed.Entry!.ChangeId, null, Token);

        Assert.Equal(ChangeRefusal.SameUser, approved.Refusal);
        Assert.Empty((await context.Store.Policy.GetSnapshotAsync(Token)).DomainRules);
        Assert.Single(await context.Store.ChangeControl.GetPendingAsync(Token));
    }

    [Theory]
    [InlineData(Role.Teacher)]
    [InlineData(Role.Governor)]
    [InlineData(Role.SafeguardingLead)]
    public async Task ApproveAsync_ApproverWithoutRole_RefusedAsNotPermitted(Role role)
    {
        using var context = new StateTestContext();
        var alice = await context.UserAsync("alice", Role.Technician);
        var other = await context.UserAsync("other", role);
        var proposed = await context.Store.ChangeControl.ProposeAsync(alice.Id, new BlockCategoryChange("ks5", "social_networking"), "exam season", Token);

        var approved = await context.Store.ChangeControl.ApproveAsync(other.Id, proposed.Entry!.ChangeId, null, Token);

        Assert.Equal(ChangeRefusal.NotPermitted, approved.Refusal);
        Assert.DoesNotContain("social_networking", (await context.Store.Policy.GetSnapshotAsync(Token)).Groups.Single(g => g.Key == "ks5").BlockedCategories);
    }

    [Fact]
    public async Task ProposeAsync_ByTeacher_PolicyChangeRefusedAsNotPermitted()
    {
        using var context = new StateTestContext();
        var teacher = await context.UserAsync("teacher", Role.Teacher);

        var result = await context.Store.ChangeControl.ProposeAsync(teacher.Id, new UnblockCategoryChange("ks3", "games"), "fun friday", Token);

        Assert.Equal(ChangeRefusal.NotPermitted, result.Refusal);
        Assert.Empty(await context.Store.ChangeControl.GetEntriesAsync(0, 10, Token));
    }

    [Fact]
    public async Task ApproveAsync_SingleApproverModeByProposer_AppliesAndRecordsSingleApprover()
    {
        using var context = new StateTestContext(o => o.SingleApproverMode = true);
        var alice = await context.UserAsync("alice", Role.Technician);
        var proposed = await context.Store.ChangeControl.ProposeAsync(alice.Id, new SetClientMappingChange(ClientMappingKind.Subnet, "10.20.0.7/16", "staff"), "staff VLAN", Token);

        var approved = await context.Store.ChangeControl.ApproveAsync(alice.Id, proposed.Entry!.ChangeId, null, Token);

        Assert.True(approved.Succeeded, approved.Detail);
        Assert.True(approved.Entry!.SingleApprover);
        var log = await context.Store.ChangeControl.GetEntriesAsync(0, 10, Token);
        Assert.True(log.Single(e => e.Event == ChangeEvent.Approved).SingleApprover);
        var mapping = Assert.Single((await context.Store.Policy.GetSnapshotAsync(Token)).ClientMappings);
        Assert.Equal("10.20.0.0/16", mapping.Value); // normalised
    }

    [Fact]
    public async Task ApproveAsync_SingleApproverModeBySecondUser_NotMarkedSingleApprover()
    {
        using var context = new StateTestContext(o => o.SingleApproverMode = true);
        var alice = await context.UserAsync("alice", Role.Technician);
        var bob = await context.UserAsync("bob", Role.Technician);
        var proposed = await context.Store.ChangeControl.ProposeAsync(alice.Id, new SetDefaultGroupChange("ks3"), "new default", Token);

        var approved = await context.Store.ChangeControl.ApproveAsync(bob.Id, proposed.Entry!.ChangeId, null, Token);

        Assert.True(approved.Succeeded, approved.Detail);
        Assert.False(approved.Entry!.SingleApprover);
        Assert.Equal("ks3", (await context.Store.Policy.GetSnapshotAsync(Token)).DefaultGroup.Key);
    }

    [Fact]
    public async Task ApproveAsync_SingleApproverModeProposerWithoutApproverRole_Refused()
    {
        using var context = new StateTestContext(o => o.SingleApproverMode = true);
        var teacher = await context.UserAsync("teacher", Role.Teacher);
        var room = await context.Store.Sites.CreateRoomAsync((await context.Store.Sites.CreateSiteAsync("Main", Token)).Id, "R1", Token);
        var change = new TemporaryUnblockChange("youtube.com", ActionScope.Room, null, room.Id, context.Clock.Now, context.Clock.Now.AddHours(1));
        var proposed = await context.Store.ChangeControl.ProposeAsync(teacher.Id, change, "video for the lesson", Token);

        var approved = await context.Store.ChangeControl.ApproveAsync(teacher.Id, proposed.Entry!.ChangeId, null, Token);

        Assert.Equal(ChangeRefusal.NotPermitted, approved.Refusal);
    }

    [Fact]
    public async Task ApproveAsync_AlreadyApproved_RefusedAsNotPending()
    {
        using var context = new StateTestContext();
        await ChainFixtures.WriteApprovedChangesAsync(context, 1);
        var bob = await context.Store.Users.FindByNameAsync("bob", Token);

        var again = await context.Store.ChangeControl.ApproveAsync(bob!.Id, 1, null, Token);

        Assert.Equal(ChangeRefusal.NotPending, again.Refusal);
    }

    [Fact]
    public async Task ApproveAsync_PolicyChangedSinceProposal_RefusedAsStale()
    {
        using var context = new StateTestContext();
        var alice = await context.UserAsync("alice", Role.Technician);
        var bob = await context.UserAsync("bob", Role.Technician);
        var first = await context.Store.ChangeControl.ProposeAsync(alice.Id, new SetSafeSearchChange("ks5", SafeSearchMode.Strict), "a", Token);
        var second = await context.Store.ChangeControl.ProposeAsync(alice.Id, new SetSafeSearchChange("ks5", SafeSearchMode.Off), "b", Token);
        Assert.True((await context.Store.ChangeControl.ApproveAsync(bob.Id, first.Entry!.ChangeId, null, Token)).Succeeded);

        var stale = await context.Store.ChangeControl.ApproveAsync(bob.Id, second.Entry!.ChangeId, null, Token);

        Assert.Equal(ChangeRefusal.Stale, stale.Refusal);
        Assert.Equal(SafeSearchMode.Strict, (await context.Store.Policy.GetSnapshotAsync(Token)).Groups.Single(g => g.Key == "ks5").SafeSearch);
    }

    [Fact]
    public async Task RejectAsync_ByApprover_RecordsRejectionAndDoesNotApply()
    {
        using var context = new StateTestContext();
        var alice = await context.UserAsync("alice", Role.Technician);
        var bob = await context.UserAsync("bob", Role.Technician);
        var proposed = await context.Store.ChangeControl.ProposeAsync(alice.Id, new UnblockCategoryChange("ks4", "gambling"), "maths project", Token);

        var rejected = await context.Store.ChangeControl.RejectAsync(bob.Id, proposed.Entry!.ChangeId, "no", Token);
        var approveAfter = await context.Store.ChangeControl.ApproveAsync(bob.Id, proposed.Entry.ChangeId, null, Token);

        Assert.Equal(ChangeEvent.Rejected, rejected.Entry!.Event);
        Assert.Equal(ChangeRefusal.NotPending, approveAfter.Refusal);
        Assert.Contains("gambling", (await context.Store.Policy.GetSnapshotAsync(Token)).Groups.Single(g => g.Key == "ks4").BlockedCategories);
    }

    [Fact]
    public async Task ProposeAsync_DisabledOrUnknownUser_Refused()
    {
        using var context = new StateTestContext();
        await context.UserAsync("admin", Role.Administrator);
        var alice = await context.UserAsync("alice", Role.Technician);
        Assert.Equal(UpdateUserOutcome.Updated, await context.Store.Users.SetDisabledAsync(alice.Id, true, Token));

        var disabled = await context.Store.ChangeControl.ProposeAsync(alice.Id, new BlockCategoryChange("staff", "chat"), "x", Token);
        var unknown = await context.Store.ChangeControl.ProposeAsync(999, new BlockCategoryChange("staff", "chat"), "x", Token);

        Assert.Equal(ChangeRefusal.UserDisabled, disabled.Refusal);
        Assert.Equal(ChangeRefusal.UnknownUser, unknown.Refusal);
    }

    [Theory]
    [InlineData("nosuchgroup", "games", ChangeRefusal.Invalid)]
    [InlineData("staff", "nosuchcategory", ChangeRefusal.Invalid)]
    [InlineData("ks3", "games", ChangeRefusal.NoEffect)]
    public async Task ProposeAsync_BadOrNoOpChange_Refused(string group, string category, ChangeRefusal expected)
    {
        using var context = new StateTestContext();
        var alice = await context.UserAsync("alice", Role.Technician);

        var result = await context.Store.ChangeControl.ProposeAsync(alice.Id, new BlockCategoryChange(group, category), "x", Token);

        Assert.Equal(expected, result.Refusal);
    }
}

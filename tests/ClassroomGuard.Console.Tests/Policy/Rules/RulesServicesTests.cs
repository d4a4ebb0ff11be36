using ClassroomGuard.Console.Administration;
using ClassroomGuard.Console.Policy.Rules;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Console.Tests.Administration;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Tests.Policy.Rules;

/// <summary>
/// The membership and allow/deny services over a real state database: who may read and propose (a governor or a
/// teacher never), every change a proposal with its reason in the change-control log (nothing applied), bad values
/// refused against their field, and what the lists and the address tester show once a second person approved.
/// </summary>
public sealed class RulesServicesTests : IDisposable
{
    private static readonly PageRequest FirstPage = new(null, false, 0, 25);
    private readonly AdminTestContext context = new();
    private readonly RulesAccess access;
    private readonly MembershipService membership;
    private readonly DomainRulesService domains;

    public RulesServicesTests()
    {
        access = new RulesAccess(Store, Options.Create(context.StateOptions), NullLogger<RulesAccess>.Instance);
        membership = new MembershipService(Store, access);
        domains = new DomainRulesService(Store, access, NullLogger<DomainRulesService>.Instance);
    }

    private static CancellationToken Token => AdminTestContext.Token;

    private StateStore Store => context.Store;

    public void Dispose() => context.Dispose();

    [Theory]
    [InlineData(Role.Governor)]
    [InlineData(Role.Teacher)]
    [InlineData(Role.SafeguardingLead)]
    public async Task NotTechnicianOrAdministrator_EveryProposalRefusedAndNothingWritten(Role role)
    {
        var actor = await ActorAsync("someone", role);
        var revision = await Store.GetRevisionAsync(Token);

        var results = new[]
        {
            await membership.ProposeMappingAsync(actor, ClientMappingKind.Subnet, "10.1.20.0/24", "ks3", "Year 9 laptops", Token),
            await membership.ProposeRangeAsync(actor, "10.1.20.0", "10.1.20.10", "ks3", "Year 9 laptops", Token),
            await membership.ProposeRemoveMappingAsync(actor, ClientMappingKind.Subnet, "10.1.20.0/24", "no longer", Token),
            await membership.ProposeDeviceGroupAsync(actor, 1, "staff", "staff laptop", Token),
            await domains.ProposeAsync(actor, "example.org", RuleAction.Deny, DomainRuleForm.EveryGroup, "not suitable", Token),
            await domains.ProposeRemoveAsync(actor, "example.org", null, "not needed", Token),
        };

        Assert.All(results, r => Assert.Equal(AdminResult.Refused("Only a technician or administrator can propose a filtering change."), r));
        Assert.Empty(await Store.ChangeControl.GetPendingAsync(Token));
        Assert.Equal(revision, await Store.GetRevisionAsync(Token));
    }

    [Theory]
    [InlineData(Role.Governor)]
    [InlineData(Role.Teacher)]
    public async Task NotTechnicianOrAdministrator_ReadsRefused(Role role)
    {
        var actor = await ActorAsync("reader", role);

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => membership.ViewAsync(actor, Token));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => membership.MappingsAsync(actor, new MappingFilter(null, null), FirstPage, Token));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => membership.TestAsync(actor, "10.1.20.31", null, Token));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => domains.RulesAsync(actor, new DomainRuleFilter(null, null), FirstPage, Token));
    }

    [Fact]
    public async Task TechnicianDisabledSinceSigningIn_Refused()
    {
        var account = await context.UserAsync("tech.gone", "Gone Tech", Role.Technician);
        var actor = AdminTestContext.Actor(account);
        await Store.Users.SetDisabledAsync(account.Id, true, Token);

        var result = await domains.ProposeAsync(actor, "example.org", RuleAction.Deny, DomainRuleForm.EveryGroup, "not suitable", Token);

        Assert.False(result.Succeeded);
        Assert.Empty(await Store.ChangeControl.GetPendingAsync(Token));
    }

    [Theory]
    [InlineData(Role.Technician)]
    [InlineData(Role.Administrator)]
    public async Task TechnicianOrAdministrator_ProposesAMapping_PendingWithItsReasonAndNotApplied(Role role)
    {
        var actor = await ActorAsync("proposer", role);

        var result = await membership.ProposeMappingAsync(actor, ClientMappingKind.Mac, "3C-22-FB-12-34-56", "staff", "  Head's laptop ", Token);

        Assert.Equal(AdminResult.Done(RulesAccess.Proposed), result);
        var pending = Assert.Single(await Store.ChangeControl.GetPendingAsync(Token));
        Assert.Equal(new SetClientMappingChange(ClientMappingKind.Mac, "3c:22:fb:12:34:56", "staff"), pending.Change);
        Assert.Equal("Head's laptop", pending.Reason);
        Assert.Empty((await Store.Policy.GetSnapshotAsync(Token)).ClientMappings);
        var view = await membership.ViewAsync(actor, Token);
        Assert.Equal("Filter the MAC address 3c:22:fb:12:34:56 as the group Staff", Assert.Single(view.Pending).Summary);
    }

    [Theory]
    [InlineData(ClientMappingKind.Subnet, "10.0.0.1/33", "staff", "why", RulesFields.Value, "/1 to /32")]
    [InlineData(ClientMappingKind.Subnet, "10.0.0.1/24", "staff", "why", RulesFields.Value, "host bits set")]
    [InlineData(ClientMappingKind.Ip, "10.1", "staff", "why", RulesFields.Value, "four numbers")]
    [InlineData(ClientMappingKind.Mac, "3c:22:fb:12:34", "staff", "why", RulesFields.Value, "six pairs")]
    [InlineData(ClientMappingKind.Subnet, "10.1.0.0/16", "", "why", RulesFields.GroupKey, "Choose the group")]
    [InlineData(ClientMappingKind.Subnet, "10.1.0.0/16", "no-such-group", "why", RulesFields.GroupKey, "Choose the group")]
    [InlineData(ClientMappingKind.Subnet, "10.1.0.0/16", "staff", "   ", RulesFields.Reason, "Say why")]
    [InlineData(ClientMappingKind.Subnet, "10.1.0.0/16", "staff", "line\nbreak", RulesFields.Reason, "control characters")]
    public async Task ProposeMapping_BadValue_RefusedAgainstItsFieldAndNothingProposed(ClientMappingKind kind, string value, string group, string reason, string field, string expected)
    {
        var actor = await ActorAsync("tech", Role.Technician);

        var result = await membership.ProposeMappingAsync(actor, kind, value, group, reason, Token);

        Assert.False(result.Succeeded);
        Assert.Equal(field, result.Field);
        Assert.Contains(expected, result.Message, StringComparison.Ordinal);
        Assert.Empty(await Store.ChangeControl.GetPendingAsync(Token));
    }

    [Fact]
    public async Task ProposeMapping_ReasonTooLong_Refused()
    {
        var actor = await ActorAsync("tech", Role.Technician);

        var result = await membership.ProposeMappingAsync(actor, ClientMappingKind.Subnet, "10.1.0.0/16", "staff", new string('x', 201), Token);

        Assert.Equal(AdminResult.Refused("A reason is at most 200 characters.", RulesFields.Reason), result);
    }

    [Fact]
    public async Task ProposeMapping_SameMappingAlreadyPending_Refused()
    {
        var actor = await ActorAsync("tech", Role.Technician);
        await membership.ProposeMappingAsync(actor, ClientMappingKind.Subnet, "10.1.0.0/16", "staff", "staff wifi", Token);

        var again = await membership.ProposeMappingAsync(actor, ClientMappingKind.Subnet, "10.1.0.0/16", "ks3", "no, pupils", Token);

        Assert.Contains("already waits for approval", again.Message, StringComparison.Ordinal);
        Assert.Single(await Store.ChangeControl.GetPendingAsync(Token));
    }

    [Fact]
    public async Task ProposeRange_BecomesOneProposalPerSubnet_EachWithTheReasonAndItsPlace()
    {
        var actor = await ActorAsync("tech", Role.Technician);

        var result = await membership.ProposeRangeAsync(actor, "10.1.20.0", "10.1.20.10", "ks3", "Year 9 trolley", Token);

        Assert.True(result.Succeeded, result.Message);
        Assert.Contains("The range is 3 subnets: 10.1.20.0/29, 10.1.20.8/31, 10.1.20.10/32", result.Message, StringComparison.Ordinal);
        var pending = await Store.ChangeControl.GetPendingAsync(Token);
        Assert.Equal(["10.1.20.0/29", "10.1.20.8/31", "10.1.20.10/32"], pending.Select(p => ((SetClientMappingChange)p.Change).Value));
        Assert.All(pending, p => Assert.Equal("ks3", ((SetClientMappingChange)p.Change).GroupKey));
        Assert.Equal(
            ["Year 9 trolley (range 10.1.20.0 to 10.1.20.10, 1 of 3)", "Year 9 trolley (range 10.1.20.0 to 10.1.20.10, 2 of 3)", "Year 9 trolley (range 10.1.20.0 to 10.1.20.10, 3 of 3)"],
            pending.Select(p => p.Reason));
    }

    [Theory]
    [InlineData("10.1.20.10", "10.1.20.0", RulesFields.To, "before it starts")]
    [InlineData("10.1.20", "10.1.20.9", RulesFields.From, "four numbers")]
    [InlineData("10.0.0.1", "10.255.255.254", RulesFields.To, "more than 16 subnets")]
    public async Task ProposeRange_Bad_RefusedAgainstItsEnd(string from, string to, string field, string expected)
    {
        var actor = await ActorAsync("tech", Role.Technician);

        var result = await membership.ProposeRangeAsync(actor, from, to, "ks3", "why", Token);

        Assert.Equal(field, result.Field);
        Assert.Contains(expected, result.Message, StringComparison.Ordinal);
        Assert.Empty(await Store.ChangeControl.GetPendingAsync(Token));
    }

    [Fact]
    public async Task ApprovedMappings_ListedInWordsAndTheTesterFollowsThem()
    {
        var tech = await ActorAsync("tech.a", Role.Technician);
        var second = await context.UserAsync("tech.b", "Second Tech", Role.Technician);
        await membership.ProposeMappingAsync(tech, ClientMappingKind.Subnet, "10.1.0.0/16", "ks3", "pupil wifi", Token);
        await membership.ProposeMappingAsync(tech, ClientMappingKind.Ip, "10.1.20.31", "staff", "the teacher's desk", Token);
        await ApproveAllAsync(second.Id);

        var rows = await membership.MappingsAsync(tech, new MappingFilter(null, null), FirstPage, Token);
        var inSubnet = await membership.TestAsync(tech, "10.1.99.1", null, Token);
        var exact = await membership.TestAsync(tech, "10.1.20.31", null, Token);
        var elsewhere = await membership.TestAsync(tech, "192.168.1.1", null, Token);
        var bad = await membership.TestAsync(tech, "10.1.20.31/24", null, Token);
        var badMac = await membership.TestAsync(tech, "10.1.20.31", "nonsense", Token);

        Assert.Equal(
            [("Subnet", "10.1.0.0/16", "Pupils: Key Stage 3"), ("IP address", "10.1.20.31", "Staff")],
            rows.Items.Select(r => (r.KindText, r.Value, r.Group)));
        Assert.Equal(("Pupils: Key Stage 3", MembershipStep.Subnet), (inSubnet.Resolution!.GroupName, inSubnet.Resolution.Step));
        Assert.Equal(("Staff", MembershipStep.Ip), (exact.Resolution!.GroupName, exact.Resolution.Step));
        Assert.Equal(("Guests and BYOD", MembershipStep.Default), (elsewhere.Resolution!.GroupName, elsewhere.Resolution.Step));
        Assert.Equal(RulesFields.Ip, bad.Field);
        Assert.Equal(RulesFields.Mac, badMac.Field);
    }

    [Fact]
    public async Task ProposeRemoveMapping_Approved_ThenAgain_SaysItIsNotMappedAnyMore()
    {
        var tech = await ActorAsync("tech.a", Role.Technician);
        var second = await context.UserAsync("tech.b", "Second Tech", Role.Technician);
        await membership.ProposeMappingAsync(tech, ClientMappingKind.Subnet, "10.1.0.0/16", "ks3", "pupil wifi", Token);
        await ApproveAllAsync(second.Id);

        var removal = await membership.ProposeRemoveMappingAsync(tech, ClientMappingKind.Subnet, "10.1.0.0/16", "wifi retired", Token);
        var pending = Assert.Single(await Store.ChangeControl.GetPendingAsync(Token));
        await ApproveAllAsync(second.Id);
        var again = await membership.ProposeRemoveMappingAsync(tech, ClientMappingKind.Subnet, "10.1.0.0/16", "wifi retired", Token);

        Assert.True(removal.Succeeded, removal.Message);
        Assert.Equal((new SetClientMappingChange(ClientMappingKind.Subnet, "10.1.0.0/16", null) as PolicyChange, "wifi retired"), (pending.Change, pending.Reason));
        Assert.Empty((await Store.Policy.GetSnapshotAsync(Token)).ClientMappings);
        Assert.Equal(AdminResult.Refused("The subnet 10.1.0.0/16 is not mapped any more."), again);
    }

    [Fact]
    public async Task ProposeDeviceGroup_PendingThenApproved_DeviceListedWithItsGroupAndTesterSaysRuleOne()
    {
        var tech = await ActorAsync("tech.a", Role.Technician);
        var second = await context.UserAsync("tech.b", "Second Tech", Role.Technician);
        var id = await Store.Devices.ObserveAsync(new DeviceObservation(DateTimeOffset.UtcNow, DeviceSource.Manual, Mac: "02:42:ac:11:00:07", Ip: "10.1.20.7", Hostname: "LAPTOP-07"), Token);
        var found = await membership.FindDevicesAsync(tech, "LAPTOP", Token);

        var missing = await membership.ProposeDeviceGroupAsync(tech, null, "staff", "why", Token);
        var result = await membership.ProposeDeviceGroupAsync(tech, Assert.Single(found).Id, "staff", "Head of year's laptop", Token);
        var pendingRows = await membership.DevicesAsync(tech, null, FirstPage, Token);
        await ApproveAllAsync(second.Id);
        var rows = await membership.DevicesAsync(tech, "laptop", FirstPage, Token);
        var tested = await membership.TestAsync(tech, "10.1.20.7", null, Token);

        Assert.Equal(RulesFields.Device, missing.Field);
        Assert.True(result.Succeeded, result.Message);
        Assert.Equal(id, found[0].Id);
        Assert.Equal("LAPTOP-07 (02:42:ac:11:00:07, 10.1.20.7)", found[0].Label);
        Assert.Empty(pendingRows.Items); // not applied until approved
        var row = Assert.Single(rows.Items);
        Assert.Equal(("LAPTOP-07", "Staff", false), (row.Name, row.Group, row.ChangePending));
        Assert.Equal("Rule 1: LAPTOP-07 has its own group, Staff.", tested.Resolution!.Why);
    }

    [Fact]
    public async Task ProposeDomain_PastedAddress_NormalisedSaidSoAndPendingWithItsReason()
    {
        var tech = await ActorAsync("tech", Role.Technician);

        var result = await domains.ProposeAsync(tech, "https://WWW.Example.org/games?id=1", RuleAction.Deny, "ks3", "Games site", Token);

        Assert.True(result.Succeeded, result.Message);
        Assert.StartsWith(RulesAccess.Proposed, result.Message, StringComparison.Ordinal);
        Assert.Contains("You pasted a web address: the rule is for its name, www.example.org", result.Message, StringComparison.Ordinal);
        var pending = Assert.Single(await Store.ChangeControl.GetPendingAsync(Token));
        Assert.Equal(new SetDomainRuleChange("www.example.org", "ks3", RuleAction.Deny), pending.Change);
        Assert.Equal("Games site", pending.Reason);
        Assert.Empty((await Store.Policy.GetSnapshotAsync(Token)).DomainRules);
    }

    [Theory]
    [InlineData("exa mple.org", RuleAction.Deny, "*", "why", RulesFields.Domain, "no spaces")]
    [InlineData("10.1.20.31", RuleAction.Deny, "*", "why", RulesFields.Domain, "IP address")]
    [InlineData("example.org", null, "*", "why", nameof(DomainRuleForm.Action), "always allowed or always blocked")]
    [InlineData("example.org", RuleAction.Allow, "nope", "why", RulesFields.GroupKey, "every group or one group")]
    [InlineData("example.org", RuleAction.Deny, null, "why", RulesFields.GroupKey, "Choose every group or one group.")]
    [InlineData("example.org", RuleAction.Deny, "", "why", RulesFields.GroupKey, "Choose every group or one group.")]
    [InlineData("example.org", RuleAction.Deny, "**", "why", RulesFields.GroupKey, "Choose every group or one group.")]
    [InlineData("example.org", RuleAction.Allow, "*", "", RulesFields.Reason, "Say why")]
    public async Task ProposeDomain_Bad_RefusedAgainstItsFieldAndNothingProposed(string domain, RuleAction? action, string? group, string reason, string field, string expected)
    {
        var tech = await ActorAsync("tech", Role.Technician);

        var result = await domains.ProposeAsync(tech, domain, action, group, reason, Token);

        Assert.Equal(field, result.Field);
        Assert.Contains(expected, result.Message, StringComparison.Ordinal);
        Assert.Empty(await Store.ChangeControl.GetPendingAsync(Token));
    }

    [Fact]
    public async Task ApprovedDomainRule_ListedWithReasonProposerAndApprover_RemovalProposedWithItsReason()
    {
        var tech = await ActorAsync("tech.a", Role.Technician);
        var second = await context.UserAsync("tech.b", "Second Tech", Role.Technician);
        await domains.ProposeAsync(tech, "example.org", RuleAction.Deny, "ks3", "Not suitable for KS3", Token);
        await domains.ProposeAsync(tech, "bbc.co.uk", RuleAction.Allow, DomainRuleForm.EveryGroup, "News for everyone", Token);
        await ApproveAllAsync(second.Id);

        var all = await domains.RulesAsync(tech, new DomainRuleFilter(null, null), FirstPage, Token);
        var searched = await domains.RulesAsync(tech, new DomainRuleFilter("suitable", null), FirstPage, Token);
        var allowed = await domains.RulesAsync(tech, new DomainRuleFilter(null, RuleAction.Allow), FirstPage, Token);
        var removal = await domains.ProposeRemoveAsync(tech, "example.org", "ks3", "No longer needed", Token);
        var duplicate = await domains.ProposeAsync(tech, "example.org", RuleAction.Allow, "ks3", "changed my mind", Token);
        var afterRemoval = await domains.RulesAsync(tech, new DomainRuleFilter(null, null), FirstPage, Token);

        Assert.Equal(["bbc.co.uk", "example.org"], all.Items.Select(r => r.Domain));
        var denied = all.Items[1];
        Assert.Equal(("Always blocked", "Pupils: Key Stage 3", "Not suitable for KS3"), (denied.Effect, denied.AppliesTo, denied.Reason));
        Assert.StartsWith("Proposed by Proposer; approved by Second Tech, ", denied.Approved, StringComparison.Ordinal);
        Assert.Equal(("Always allowed", "Every group"), (all.Items[0].Effect, all.Items[0].AppliesTo));
        Assert.Equal("example.org", Assert.Single(searched.Items).Domain);
        Assert.Equal("bbc.co.uk", Assert.Single(allowed.Items).Domain);
        Assert.True(removal.Succeeded, removal.Message);
        var pending = Assert.Single(await Store.ChangeControl.GetPendingAsync(Token));
        Assert.Equal((new SetDomainRuleChange("example.org", "ks3", null) as PolicyChange, "No longer needed"), (pending.Change, pending.Reason));
        Assert.Contains("already waits for approval", duplicate.Message, StringComparison.Ordinal);
        Assert.True(afterRemoval.Items.Single(r => r.Domain == "example.org").ChangePending);
    }

    [Fact]
    public async Task ProposeDomain_SameAsInForce_SaysNothingWouldChange()
    {
        var tech = await ActorAsync("tech.a", Role.Technician);
        var second = await context.UserAsync("tech.b", "Second Tech", Role.Technician);
        await domains.ProposeAsync(tech, "example.org", RuleAction.Deny, DomainRuleForm.EveryGroup, "first", Token);
        await ApproveAllAsync(second.Id);

        var again = await domains.ProposeAsync(tech, "EXAMPLE.org.", RuleAction.Deny, DomainRuleForm.EveryGroup, "again", Token);

        Assert.Equal(AdminResult.Refused("That is already the policy: nothing would change.", RulesFields.Domain), again);
    }

    private async Task<ConsoleUser> ActorAsync(string userName, Role role)
        => AdminTestContext.Actor(await context.UserAsync(userName, "Proposer", role));

    private async Task ApproveAllAsync(long approverId)
    {
        foreach (var change in await Store.ChangeControl.GetPendingAsync(Token))
        {
            var result = await Store.ChangeControl.ApproveAsync(approverId, change.ChangeId, null, Token);
            Assert.True(result.Succeeded, result.Detail);
        }
    }
}

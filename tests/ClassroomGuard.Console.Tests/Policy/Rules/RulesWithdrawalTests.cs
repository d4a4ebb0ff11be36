using ClassroomGuard.Console.Policy.Rules;
using ClassroomGuard.Console.Tests.Administration;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Tests.Policy.Rules;

/// <summary>
/// Withdrawing one's own waiting change from the membership and allow/deny pages, over a real state database: the
/// proposer may (the change-control log records a rejection by the proposer, which the log reads as withdrawn);
/// another technician, a governor or a change of another page's kind is refused on the server and the change still waits.
/// </summary>
public sealed class RulesWithdrawalTests : IDisposable
{
    private readonly AdminTestContext context = new();
    private readonly RulesWithdrawal withdrawal;

    public RulesWithdrawalTests()
    {
        var access = new RulesAccess(context.Store, Options.Create(context.StateOptions), NullLogger<RulesAccess>.Instance);
        withdrawal = new RulesWithdrawal(context.Store, access, context.Actions, NullLogger<RulesWithdrawal>.Instance);
    }

    private static CancellationToken Token => AdminTestContext.Token;

    public void Dispose() => context.Dispose();

    [Fact]
    public async Task Proposer_WithdrawsOwnChange_LoggedAsRejectedByTheProposer_NothingApplied()
    {
        var sam = await context.UserAsync("sam.tech", "Sam Technician", Role.Technician);
        var id = await ProposeAsync(sam.Id);

        var result = await withdrawal.WithdrawAsync(AdminTestContext.Actor(sam), id, DomainRulesService.IsDomainRule, Token);

        Assert.True(result.Succeeded, result.Message);
        Assert.StartsWith("Withdrawn", result.Message, StringComparison.Ordinal);
        Assert.Empty(await context.Store.ChangeControl.GetPendingAsync(Token));
        var last = (await context.Store.ChangeControl.GetEntriesAsync(0, 100, Token))[^1];
        Assert.Equal((ChangeEvent.Rejected, id, sam.Id), (last.Event, last.ChangeId, last.ActorId));
        Assert.Contains(RulesWithdrawal.Comment, last.Body, StringComparison.Ordinal);
        Assert.Empty((await context.Store.Policy.GetSnapshotAsync(Token)).DomainRules);
    }

    [Theory]
    [InlineData(Role.Technician)]
    [InlineData(Role.Administrator)]
    [InlineData(Role.Governor)]
    [InlineData(Role.Teacher)]
    public async Task SomeoneElse_Withdraw_RefusedOnTheServer_ChangeStillWaits(Role role)
    {
        var sam = await context.UserAsync("sam.tech", "Sam Technician", Role.Technician);
        var other = await context.UserAsync("other", "Other Person", role);
        var id = await ProposeAsync(sam.Id);

        var result = await withdrawal.WithdrawAsync(AdminTestContext.Actor(other), id, DomainRulesService.IsDomainRule, Token);

        Assert.False(result.Succeeded);
        Assert.Contains("Only", result.Message, StringComparison.Ordinal);
        Assert.Equal(id, Assert.Single(await context.Store.ChangeControl.GetPendingAsync(Token)).ChangeId);
    }

    [Fact]
    public async Task ChangeOfAnotherPagesKind_OrNoSuchChange_Refused()
    {
        var sam = await context.UserAsync("sam.tech", "Sam Technician", Role.Technician);
        var id = await ProposeAsync(sam.Id);

        var wrongPage = await withdrawal.WithdrawAsync(AdminTestContext.Actor(sam), id, MembershipService.IsMembership, Token);
        var missing = await withdrawal.WithdrawAsync(AdminTestContext.Actor(sam), id + 1000, DomainRulesService.IsDomainRule, Token);

        Assert.False(wrongPage.Succeeded);
        Assert.False(missing.Succeeded);
        Assert.Contains("no longer waiting", missing.Message, StringComparison.Ordinal);
        Assert.Single(await context.Store.ChangeControl.GetPendingAsync(Token));
    }

    private async Task<long> ProposeAsync(long proposerId)
    {
        var proposed = await context.Store.ChangeControl.ProposeAsync(proposerId, new SetDomainRuleChange("poki.com", "ks3", RuleAction.Deny), "Games in lessons", Token);
        Assert.True(proposed.Succeeded, proposed.Detail);
        return proposed.Entry!.ChangeId;
    }
}

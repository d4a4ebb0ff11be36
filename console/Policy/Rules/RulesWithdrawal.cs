using ClassroomGuard.Console.Administration;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Policy.Rules;

/// <summary>
/// Withdrawing one's own waiting change from the membership or allow/deny page. Only the person who proposed it may, and
/// only a change of the page's kind; the decision itself goes through <see cref="AdminActions.DecideChangeAsync"/>, the
/// same path as Approvals (a rejection by the proposer, which the change-control log records as withdrawn).
/// </summary>
internal sealed class RulesWithdrawal(StateStore store, RulesAccess access, AdminActions actions, ILogger<RulesWithdrawal> logger)
{
    /// <summary>What the change-control log records as the comment of a withdrawal from these pages.</summary>
    public const string Comment = "Withdrawn by the technician who proposed it.";

    /// <summary>Withdraws change <paramref name="changeId"/> if <paramref name="actor"/> proposed it and <paramref name="ofPage"/> picks its kind.</summary>
    public async Task<AdminResult> WithdrawAsync(ConsoleUser actor, long changeId, Func<PolicyChange, bool> ofPage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ofPage);
        if (await access.DenyAsync(actor, cancellationToken) is { } denied)
        {
            return denied;
        }

        var pending = (await store.ChangeControl.GetPendingAsync(cancellationToken)).FirstOrDefault(p => p.ChangeId == changeId && ofPage(p.Change));
        if (pending is null)
        {
            Log.RulesWithdrawRefused(logger, actor.UserName, changeId, "not waiting");
            return AdminResult.Refused("That change is no longer waiting: someone has decided it already.");
        }

        if (pending.ProposerId != actor.Id)
        {
            Log.RulesWithdrawRefused(logger, actor.UserName, changeId, "not the proposer");
            return AdminResult.Refused("Only the person who proposed a change can withdraw it; another technician or administrator can reject it under Approvals.");
        }

        var result = await actions.DecideChangeAsync(actor, changeId, false, Comment, cancellationToken);
        if (!result.Succeeded)
        {
            return result;
        }

        Log.RulesWithdrawn(logger, actor.UserName, changeId);
        return AdminResult.Done("Withdrawn: the change will not be applied. The change-control log keeps it as withdrawn.");
    }
}

using System.Runtime.CompilerServices;
using ClassroomGuard.Console.Administration;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Policy.Rules;

/// <summary>
/// What the membership and allow/deny services share: the second authorization check (the page's policy is the first),
/// the mandatory reason, proposing through change control, and pending changes as sentences.
/// </summary>
internal sealed class RulesAccess(StateStore store, IOptions<StateOptions> stateOptions, ILogger<RulesAccess> logger)
{
    /// <summary>What every successful proposal says.</summary>
    public const string Proposed = "Proposed: waiting for a second technician or administrator to approve it under Approvals.";

    private readonly TimeZoneInfo zone = TimeZoneInfo.FindSystemTimeZoneById(stateOptions.Value.TimeZone);

    /// <summary>The school's time zone.</summary>
    public TimeZoneInfo Zone => zone;

    /// <summary>Reads are for technicians and administrators only (a governor or teacher is refused).</summary>
    public static void RequireReader(ConsoleUser actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!actor.IsAdministration)
        {
            throw new UnauthorizedAccessException("Only a technician or administrator may read the filtering policy editor.");
        }
    }

    /// <summary>
    /// Null when <paramref name="actor"/> may propose policy changes now: holds Technician or Administrator in the
    /// session and in the store, and is not disabled. Otherwise the refusal (logged).
    /// </summary>
    public async Task<AdminResult?> DenyAsync(ConsoleUser actor, CancellationToken cancellationToken, [CallerMemberName] string action = "")
    {
        ArgumentNullException.ThrowIfNull(actor);
        var account = await store.Users.GetAsync(actor.Id, cancellationToken);
        if (actor.IsAdministration && account is { Disabled: false } && Policies.AdministrationRoles.Any(account.IsIn))
        {
            return null;
        }

        const string Reason = "Only a technician or administrator can propose a filtering change.";
        Log.RulesRefused(logger, actor.UserName, action, Reason);
        return AdminResult.Refused(Reason);
    }

    /// <summary>Why <paramref name="reason"/> cannot go in the change-control log, or null.</summary>
    public static string? ReasonProblem(string? reason)
    {
        var trimmed = reason?.Trim() ?? string.Empty;
        if (trimmed.Length == 0)
        {
            return "Say why: the reason goes in the change-control log with the change.";
        }

        if (trimmed.Length > AdminValidation.MaxReasonLength)
        {
            return $"A reason is at most {AdminValidation.MaxReasonLength} characters.";
        }

        return trimmed.Any(char.IsControl) ? "A reason is one line of text, without control characters." : null;
    }

    /// <summary>Proposes <paramref name="change"/>; the change id, or the store's refusal in words.</summary>
    public async Task<(long? ChangeId, string? Refusal)> ProposeAsync(ConsoleUser actor, PolicyChange change, string reason, CancellationToken cancellationToken)
    {
        var result = await store.ChangeControl.ProposeAsync(actor.Id, change, reason.Trim(), cancellationToken);
        if (!result.Succeeded)
        {
            var refusal = result.Refusal switch
            {
                ChangeRefusal.NoEffect => "That is already the policy: nothing would change.",
                ChangeRefusal.NotPermitted or ChangeRefusal.UserDisabled or ChangeRefusal.UnknownUser => "Only a technician or administrator can propose a filtering change.",
                _ => result.Detail ?? "The change was refused.",
            };
            Log.RulesRefused(logger, actor.UserName, change.GetType().Name, refusal);
            return (null, refusal);
        }

        Log.RulesProposed(logger, actor.UserName, result.Entry!.ChangeId, change.GetType().Name);
        return (result.Entry.ChangeId, null);
    }

    /// <summary>Pending changes that <paramref name="select"/> picks, as sentences with who proposed them, why and when.</summary>
    public async Task<(IReadOnlyList<PendingChange> Changes, IReadOnlyList<PendingRow> Rows)> PendingAsync(
        ConsoleUser actor, Func<PolicyChange, bool> select, PolicySnapshot snapshot, CancellationToken cancellationToken)
    {
        var pending = (await store.ChangeControl.GetPendingAsync(cancellationToken)).Where(p => select(p.Change)).ToList();
        if (pending.Count == 0)
        {
            return ([], []);
        }

        var users = (await store.Users.ListAsync(cancellationToken)).ToDictionary(u => u.Id, u => u.DisplayName);
        var devices = new Dictionary<long, string>();
        foreach (var id in pending.Select(p => p.Change).OfType<SetDeviceGroupChange>().Select(c => c.DeviceId).Distinct())
        {
            if (await store.Devices.GetAsync(id, cancellationToken) is { } device)
            {
                devices[id] = AdminActions.DeviceLabel(device);
            }
        }

        var names = new PolicyNames(snapshot, devices, new Dictionary<long, string>(), zone);
        var rows = pending.Select(p => new PendingRow(
            p.ChangeId,
            ChangeSummaries.Describe(p.Change, names),
            p.Reason,
            users.TryGetValue(p.ProposerId, out var name) ? name : p.ProposerName,
            When(p.ProposedAt),
            p.ProposerId == actor.Id)).ToList();
        return (pending, rows);
    }

    /// <summary>An instant as the school reads it: "Mon 23 Nov 2026, 09:14".</summary>
    public string When(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, zone).ToString("ddd d MMM yyyy, HH:mm", System.Globalization.CultureInfo.InvariantCulture);
}

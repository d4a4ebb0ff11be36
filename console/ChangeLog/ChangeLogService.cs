using System.Globalization;
using ClassroomGuard.Console.Administration;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.ChangeLog;

/// <summary>
/// The change-control log and the changes waiting for approval, read for the signed-in user and put in words.
/// Every call checks the caller again: the log for Governor, SafeguardingLead, Technician and Administrator; the
/// waiting changes for Technician and Administrator (the pages' policies are the first check).
/// </summary>
internal sealed class ChangeLogService(StateStore store, IOptions<StateOptions> stateOptions, IOptions<ChangeControlOptions> options, TimeProvider time)
{
    private static readonly CultureInfo British = CultureInfo.InvariantCulture;
    private readonly TimeZoneInfo zone = TimeZoneInfo.FindSystemTimeZoneById(stateOptions.Value.TimeZone);

    /// <summary>The school's time zone.</summary>
    public TimeZoneInfo Zone => zone;

    /// <summary>Whether <paramref name="actor"/> may read the change-control log.</summary>
    public static bool MayRead(ConsoleUser? actor) => actor is not null && Policies.ChangeLogRoles.Any(actor.Roles.Contains);

    /// <summary>One page of the log, newest first unless <paramref name="oldestFirst"/>.</summary>
    public async Task<PageOf<ChangeLogRow>> PageAsync(ConsoleUser actor, ChangeLogFilter filter, int offset, int limit, bool oldestFirst, CancellationToken cancellationToken)
    {
        RequireReader(actor);
        ArgumentNullException.ThrowIfNull(filter);
        var page = await store.ChangeControl.QueryChangesAsync(Query(filter, offset, Math.Clamp(limit, 1, ChangeControl.MaxPageSize), !oldestFirst), cancellationToken);
        var rows = await RowsAsync(page.Changes, cancellationToken);
        return new PageOf<ChangeLogRow>(rows, page.Total);
    }

    /// <summary>Every change matching <paramref name="filter"/>, oldest first, a page at a time (for the export).</summary>
    public async IAsyncEnumerable<ChangeLogRow> AllAsync(ConsoleUser actor, ChangeLogFilter filter, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        RequireReader(actor);
        ArgumentNullException.ThrowIfNull(filter);
        for (var offset = 0; ; offset += ChangeControl.MaxPageSize)
        {
            var page = await store.ChangeControl.QueryChangesAsync(Query(filter, offset, ChangeControl.MaxPageSize, newestFirst: false), cancellationToken);
            foreach (var row in await RowsAsync(page.Changes, cancellationToken))
            {
                yield return row;
            }

            if (page.Changes.Count < ChangeControl.MaxPageSize)
            {
                yield break;
            }
        }
    }

    /// <summary>Verifies the whole hash chain; when broken, names the first bad entry in words.</summary>
    public async Task<ChainStatus> VerifyAsync(ConsoleUser actor, CancellationToken cancellationToken)
    {
        RequireReader(actor);
        var result = await store.ChangeControl.VerifyChainAsync(null, cancellationToken);
        if (result.IsValid)
        {
            return new ChainStatus(true, result.EntryCount, result.Head.Hash, result.Head.Sequence, null, null);
        }

        var bad = result.FirstBadSequence ?? result.Head.Sequence + 1;
        var entry = await store.ChangeControl.GetEntryAsync(bad, cancellationToken);
        var users = await UserNamesAsync(cancellationToken);
        var name = entry is not null && users.TryGetValue(entry.ActorId, out var n) ? n : null;
        return new ChainStatus(false, result.EntryCount, result.Head.Hash, result.Head.Sequence, ChainSentences.Broken(bad, entry, name, zone), result.Problem, bad);
    }

    /// <summary>The changes waiting for a decision, oldest first, for an approver.</summary>
    public async Task<IReadOnlyList<PendingChangeView>> PendingAsync(ConsoleUser actor, CancellationToken cancellationToken)
    {
        RequireApprover(actor);
        var pending = await store.ChangeControl.GetPendingAsync(cancellationToken);
        if (pending.Count == 0)
        {
            return [];
        }

        var names = await NamesAsync(pending.Select(p => p.Change), cancellationToken);
        var users = await UserNamesAsync(cancellationToken);
        var reach = new ChangeReach(names);
        return pending.Select(p => new PendingChangeView(
            p.ChangeId,
            ChangeSummaries.Describe(p.Change, names),
            ChangeDiffs.Describe(p.Change, p.Before, p.After, names),
            p.Reason,
            Person(p.ProposerId, p.ProposerName, users),
            When(p.ProposedAt),
            When(p.ProposedAt + options.Value.ChangeExpiry),
            p.ProposerId == actor.Id,
            p.Change is TemporaryUnblockChange,
            reach.Describe(p.Change))).ToList();
    }

    /// <summary>How many changes wait for a decision.</summary>
    public Task<int> PendingCountAsync(CancellationToken cancellationToken) => store.ChangeControl.CountPendingAsync(cancellationToken);

    /// <summary>An instant as the school reads it: "Mon 23 Nov 2026, 09:14".</summary>
    public string When(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, zone).ToString("ddd d MMM yyyy, HH:mm", British);

    /// <summary>Now, in the school's time zone, as a date (for the filters' defaults).</summary>
    public DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone).DateTime);

    private static void RequireReader(ConsoleUser actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!MayRead(actor))
        {
            throw new UnauthorizedAccessException("Only a governor, the safeguarding lead, a technician or an administrator may read the change-control log.");
        }
    }

    private static void RequireApprover(ConsoleUser actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!actor.IsAdministration)
        {
            throw new UnauthorizedAccessException("Only a technician or administrator may see the changes waiting for approval.");
        }
    }

    private static string Person(long id, string recorded, IReadOnlyDictionary<long, string> users)
        => id == ChangeControl.SystemActorId ? "ClassroomGuard" : users.TryGetValue(id, out var name) && name.Length > 0 ? name : recorded;

    private ChangeLogQuery Query(ChangeLogFilter filter, int offset, int limit, bool newestFirst)
        => new(filter.Kind, StartOf(filter.From), filter.To is { } to ? StartOf(to.AddDays(1)) : null, offset, limit, newestFirst);

    private DateTimeOffset? StartOf(DateOnly? day)
    {
        if (day is not { } d)
        {
            return null;
        }

        var local = d.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    private async Task<IReadOnlyList<ChangeLogRow>> RowsAsync(IReadOnlyList<LoggedChange> changes, CancellationToken cancellationToken)
    {
        if (changes.Count == 0)
        {
            return [];
        }

        var names = await NamesAsync(changes.Select(c => c.Change), cancellationToken);
        var users = await UserNamesAsync(cancellationToken);
        return changes.Select(c =>
        {
            var proposer = Person(c.Proposal.ActorId, c.Proposal.ActorName, users);
            var (outcome, text) = c.Decision switch
            {
                null => (ChangeOutcome.Waiting, "Waiting for a second person to approve or reject it"),
                { Event: ChangeEvent.Approved, SingleApprover: true } d => (ChangeOutcome.Approved, $"Approved by {Person(d.ActorId, d.ActorName, users)} (the proposer, under single-approver mode)"),
                { Event: ChangeEvent.Approved } d => (ChangeOutcome.Approved, $"Approved by {Person(d.ActorId, d.ActorName, users)} and applied"),
                { Event: ChangeEvent.Expired } => (ChangeOutcome.Expired, "Expired: nobody approved or rejected it in time"),
                _ when c.Withdrawn => (ChangeOutcome.Withdrawn, $"Withdrawn by {proposer}, who proposed it"),
                var d => (ChangeOutcome.Rejected, $"Rejected by {Person(d.ActorId, d.ActorName, users)}"),
            };
            return new ChangeLogRow(
                c.Proposal.ChangeId,
                c.Change is null ? "A change whose record cannot be read (see the check at the top of the page)" : ChangeSummaries.Describe(c.Change, names),
                ChangeDiffs.Describe(c.Change, c.Before, c.After, names),
                proposer,
                When(c.Proposal.At),
                c.Reason,
                outcome,
                text,
                c.Decision is { } decided ? When(decided.At) : null,
                string.IsNullOrWhiteSpace(c.DecisionComment) ? null : c.DecisionComment,
                c.Change is TemporaryUnblockChange,
                c.Decision?.SingleApprover == true,
                c.Proposal.Sequence,
                c.Decision?.Sequence);
        }).ToList();
    }

    private async Task<IReadOnlyDictionary<long, string>> UserNamesAsync(CancellationToken cancellationToken)
        => (await store.Users.ListAsync(cancellationToken)).ToDictionary(u => u.Id, u => u.DisplayName);

    private async Task<PolicyNames> NamesAsync(IEnumerable<PolicyChange?> changes, CancellationToken cancellationToken)
    {
        var list = changes.OfType<PolicyChange>().ToList();
        var snapshot = await store.Policy.GetSnapshotAsync(cancellationToken);
        var deviceIds = list.OfType<SetDeviceGroupChange>().Select(c => c.DeviceId)
            .Concat(list.OfType<TemporaryUnblockChange>().Where(c => c.DeviceId is not null).Select(c => c.DeviceId!.Value)).Distinct();
        var devices = new Dictionary<long, string>();
        foreach (var id in deviceIds)
        {
            if (await store.Devices.GetAsync(id, cancellationToken) is { } device)
            {
                devices[id] = AdminActions.DeviceLabel(device);
            }
        }

        var rooms = list.OfType<TemporaryUnblockChange>().Any()
            ? (await store.Sites.ListRoomsAsync(null, cancellationToken)).ToDictionary(r => r.Id, r => r.Name)
            : new Dictionary<long, string>();
        return new PolicyNames(snapshot, devices, rooms, zone);
    }
}

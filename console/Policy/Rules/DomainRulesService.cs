using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using ClassroomGuard.Console.Administration;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Policy.Rules;

/// <summary>
/// The allow and deny lists: each entry with its reason and who approved it (read from the change-control log: the
/// approved proposal that set the entry), searched and paged; proposals to add or remove an entry, each with a mandatory
/// reason, applied when a second person approves. Every method checks the caller again.
/// </summary>
internal sealed class DomainRulesService(StateStore store, RulesAccess access, ILogger<DomainRulesService> logger)
{
    /// <summary>What the wildcard and precedence rules are, in words, as the page shows them next to the form.</summary>
    public static IReadOnlyList<string> Semantics { get; } =
    [
        "example.org covers every name under it, such as www.example.org and mail.example.org; no * is needed in front.",
        "Deny beats allow: a name both allowed and denied (for example allow www.example.org, deny example.org) is blocked.",
        "Nothing here can allow an always-on category (child abuse, terrorism): those stay blocked for everyone.",
        "An allow entry does not open a name while a teacher has paused the internet or set a lesson focus.",
    ];

    // As the store writes change-log bodies (storage/State/Internal/CanonicalJson.cs).
    private static readonly JsonSerializerOptions ChangeJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        AllowOutOfOrderMetadataProperties = true,
    };

    /// <summary>The changes the allow/deny page lists and may withdraw.</summary>
    internal static bool IsDomainRule(PolicyChange change) => change is SetDomainRuleChange;

    /// <summary>
    /// The entries list's empty state with no search or filter: what to do next, and that waiting changes appear once
    /// approved (so nobody thinks a proposal was lost).
    /// </summary>
    public static string NoEntries(int waiting) => waiting switch
    {
        <= 0 => "No entries yet: every name is decided by the category lists and each group's rules. Add one with Add an entry above.",
        1 => "No entries yet: 1 change is waiting for approval above; it appears here once approved. Until then every name is decided by the category lists and each group's rules.",
        _ => $"No entries yet: {waiting} changes are waiting for approval above; they appear here once approved. Until then every name is decided by the category lists and each group's rules.",
    };

    /// <summary>The page head: groups and allow/deny changes waiting for approval.</summary>
    public async Task<DomainsView> ViewAsync(ConsoleUser actor, CancellationToken cancellationToken)
    {
        RulesAccess.RequireReader(actor);
        var snapshot = await store.Policy.GetSnapshotAsync(cancellationToken);
        var (_, pending) = await access.PendingAsync(actor, IsDomainRule, snapshot, cancellationToken);
        return new DomainsView(snapshot.ActiveGroups.Select(g => new GroupChoice(g.Key, g.Name)).ToList(), pending);
    }

    /// <summary>One page of the entries, in domain order unless sorted otherwise.</summary>
    public async Task<PageOf<DomainRuleRow>> RulesAsync(ConsoleUser actor, DomainRuleFilter filter, PageRequest page, CancellationToken cancellationToken)
    {
        RulesAccess.RequireReader(actor);
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(page);
        var snapshot = await store.Policy.GetSnapshotAsync(cancellationToken);
        var groups = snapshot.Groups.ToDictionary(g => g.Key, g => g.Name, StringComparer.Ordinal);
        var pending = (await store.ChangeControl.GetPendingAsync(cancellationToken)).Select(p => p.Change).OfType<SetDomainRuleChange>()
            .Select(c => (Domain: DomainNames.Check(c.Domain).Value ?? c.Domain, c.GroupKey)).ToHashSet();
        var (byEntry, byChange) = await RecordsAsync(cancellationToken);
        var search = filter.Search?.Trim();
        var rows = snapshot.DomainRules
            .Where(r => filter.Action is null || r.Action == filter.Action)
            .Select(r =>
            {
                // Since schema V7 the entry names the change that approved it; older entries are matched by what they set.
                var record = r.ChangeId is { } id && byChange.TryGetValue(id, out var approved) ? approved : byEntry.GetValueOrDefault((r.Domain, r.GroupKey, r.Action));
                return new DomainRuleRow(
                    r.Domain,
                    r.Action,
                    r.Action == RuleAction.Allow ? "Always allowed" : "Always blocked",
                    r.GroupKey,
                    r.GroupKey is null ? "Every group" : groups.GetValueOrDefault(r.GroupKey, "a group that no longer exists"),
                    r.Reason ?? record?.Reason ?? "Not on record: added before change control kept reasons",
                    record is not null ? $"Proposed by {record.Proposer}; approved by {record.Approver}, {access.When(record.ApprovedAt)}"
                        : r.ApprovedAt is { } at ? $"Approved {access.When(at)}" : "Not on record",
                    pending.Contains((r.Domain, r.GroupKey)));
            })
            .Where(r => string.IsNullOrEmpty(search) || r.Domain.Contains(search, StringComparison.OrdinalIgnoreCase)
                || r.Reason.Contains(search, StringComparison.OrdinalIgnoreCase) || r.AppliesTo.Contains(search, StringComparison.OrdinalIgnoreCase));
        Func<DomainRuleRow, string> by = page.SortBy switch
        {
            nameof(DomainRuleRow.Effect) => r => r.Effect,
            nameof(DomainRuleRow.AppliesTo) => r => r.AppliesTo,
            _ => r => r.Domain,
        };
        var sorted = (page.Descending ? rows.OrderByDescending(by, StringComparer.OrdinalIgnoreCase) : rows.OrderBy(by, StringComparer.OrdinalIgnoreCase))
            .ThenBy(r => r.Domain, StringComparer.Ordinal).ToList();
        return new PageOf<DomainRuleRow>(sorted.Skip(page.Offset).Take(Math.Max(1, page.Limit)).ToList(), sorted.Count);
    }

    /// <summary>
    /// Proposes always allowing or always blocking a domain for every group (<paramref name="groupKey"/> is
    /// <see cref="DomainRuleForm.EveryGroup"/>) or one group; no group chosen is refused.
    /// </summary>
    public async Task<AdminResult> ProposeAsync(ConsoleUser actor, string? domain, RuleAction? action, string? groupKey, string? reason, CancellationToken cancellationToken)
    {
        if (await access.DenyAsync(actor, cancellationToken) is { } denied)
        {
            return denied;
        }

        var name = DomainNames.Check(domain);
        if (!name.IsValid)
        {
            return AdminResult.Refused(name.Problem!, RulesFields.Domain);
        }

        if (action is not { } effect)
        {
            return AdminResult.Refused("Choose whether the name is always allowed or always blocked.", nameof(DomainRuleForm.Action));
        }

        // Never a default: blocking a site for the whole school by mistake is too easy. "Every group" is chosen explicitly.
        var key = groupKey == DomainRuleForm.EveryGroup ? null : groupKey;
        if (string.IsNullOrEmpty(groupKey) || (key is not null && (await store.Policy.GetSnapshotAsync(cancellationToken)).ActiveGroups.All(g => g.Key != key)))
        {
            return AdminResult.Refused(DomainRuleForm.ChooseGroup, RulesFields.GroupKey);
        }

        if (RulesAccess.ReasonProblem(reason) is { } badReason)
        {
            return AdminResult.Refused(badReason, RulesFields.Reason);
        }

        if (await PendingForAsync(name.Value!, key, cancellationToken))
        {
            return AdminResult.Refused($"A change of the entry for {name.Value} already waits for approval: let it be decided first.", RulesFields.Domain);
        }

        var (_, refusal) = await access.ProposeAsync(actor, new SetDomainRuleChange(name.Value!, key, effect), reason!, cancellationToken);
        if (refusal is not null)
        {
            return AdminResult.Refused(refusal, RulesFields.Domain);
        }

        return AdminResult.Done(name.Note is null ? RulesAccess.Proposed : $"{RulesAccess.Proposed} {name.Note}");
    }

    /// <summary>Proposes removing the entry for <paramref name="domain"/> (for every group, or one group).</summary>
    public async Task<AdminResult> ProposeRemoveAsync(ConsoleUser actor, string domain, string? groupKey, string? reason, CancellationToken cancellationToken)
    {
        if (await access.DenyAsync(actor, cancellationToken) is { } denied)
        {
            return denied;
        }

        if (RulesAccess.ReasonProblem(reason) is { } badReason)
        {
            return AdminResult.Refused(badReason, RulesFields.Reason);
        }

        var key = string.IsNullOrEmpty(groupKey) ? null : groupKey;
        if (await PendingForAsync(domain, key, cancellationToken))
        {
            return AdminResult.Refused($"A change of the entry for {domain} already waits for approval: let it be decided first.");
        }

        var (_, refusal) = await access.ProposeAsync(actor, new SetDomainRuleChange(domain, key, null), reason!, cancellationToken);
        return refusal is null ? AdminResult.Done(RulesAccess.Proposed) : AdminResult.Refused(refusal.StartsWith("That is already", StringComparison.Ordinal) ? "There is no such entry any more." : refusal);
    }

    private async Task<bool> PendingForAsync(string domain, string? groupKey, CancellationToken cancellationToken)
        => (await store.ChangeControl.GetPendingAsync(cancellationToken)).Any(p => p.Change is SetDomainRuleChange c
            && string.Equals(DomainNames.Check(c.Domain).Value ?? c.Domain, domain, StringComparison.Ordinal) && c.GroupKey == groupKey);

    /// <summary>
    /// The approved proposals of allow/deny entries, read from the change-control log: reason, proposer, approver and
    /// when, by the change id (which entries carry since schema V7) and by what they set (domain, group, action; the
    /// latest approval wins) for older entries. Entries made before change control have none.
    /// </summary>
    private async Task<(Dictionary<(string Domain, string? Group, RuleAction Action), RuleRecord> ByEntry, Dictionary<long, RuleRecord> ByChange)> RecordsAsync(CancellationToken cancellationToken)
    {
        var people = (await store.Users.ListAsync(cancellationToken)).ToDictionary(u => u.Id, u => u.DisplayName);
        var proposals = new Dictionary<long, (SetDomainRuleChange Change, string Reason, string Proposer)>();
        var records = new Dictionary<(string, string?, RuleAction), RuleRecord>();
        var byChange = new Dictionary<long, RuleRecord>();
        var after = 0L;
        while (true)
        {
            var entries = await store.ChangeControl.GetEntriesAsync(after, 1000, cancellationToken);
            foreach (var entry in entries)
            {
                if (entry.Event == ChangeEvent.Proposed && entry.Body.Contains("\"setDomainRule\"", StringComparison.Ordinal))
                {
                    try
                    {
                        var body = JsonNode.Parse(entry.Body)!.AsObject();
                        if (body["change"]!.Deserialize<PolicyChange>(ChangeJson) is SetDomainRuleChange change)
                        {
                            proposals[entry.ChangeId] = (change, body["reason"]?.GetValue<string>() ?? string.Empty, people.GetValueOrDefault(entry.ActorId, entry.ActorName));
                        }
                    }
                    catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException)
                    {
                        Log.RulesChangeEntryUnreadable(logger, entry.Sequence, e);
                    }
                }
                else if (entry.Event == ChangeEvent.Approved && proposals.TryGetValue(entry.ChangeId, out var proposal) && proposal.Change.Action is { } action)
                {
                    var record = new RuleRecord(proposal.Reason, proposal.Proposer, people.GetValueOrDefault(entry.ActorId, entry.ActorName), entry.At);
                    records[(proposal.Change.Domain, proposal.Change.GroupKey, action)] = record;
                    byChange[entry.ChangeId] = record;
                }
            }

            if (entries.Count < 1000)
            {
                return (records, byChange);
            }

            after = entries[^1].Sequence;
        }
    }

    private sealed record RuleRecord(string Reason, string Proposer, string Approver, DateTimeOffset ApprovedAt);
}

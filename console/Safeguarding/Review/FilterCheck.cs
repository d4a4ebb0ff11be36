using ClassroomGuard.Console.Policy.Why;
using ClassroomGuard.Storage.Control;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Safeguarding.Review;

/// <summary>The built-in check's result: why the filter could not be asked, or the checks to store.</summary>
/// <param name="Unreachable">Why the DNS filter could not be asked (then nothing is stored).</param>
/// <param name="Checks">One row per group, category and name asked, plus one per category with no list loaded.</param>
internal sealed record FilterCheckRun(string? Unreachable, IReadOnlyList<NewReviewCheck> Checks);

/// <summary>
/// The annual review's built-in check: for every group in use, asks the RUNNING DNS filter over its control socket how
/// it would answer a device of that group (the same question "why is this blocked?" asks) for a few names from each
/// list every school must block — the always-on lists (child abuse, terrorism), adult, self-harm, circumvention — and
/// for the search engines whose SafeSearch it must enforce. The names come from the list files the filter reports in
/// force (<see cref="ListSamples"/>), and the filter confirms each is listed before it counts. A category no list feeds
/// is a failed check saying so, never a pass. The circumvention names the filter always refuses
/// (<c>Dns:Policy:CircumventionNames</c>, its defaults below) are asked too.
/// </summary>
internal sealed class FilterCheck(DnsFilterClient filter, StateStore store, ILogger<FilterCheck> logger)
{
    /// <summary>Names sampled per category.</summary>
    public const int SamplesPerCategory = 3;

    /// <summary>The non-always-on categories every group must block, by key (the always-on ones are added from the filter's reply).</summary>
    public static readonly string[] RequiredCategories = ["adult", "self_harm", "circumvention"];

    /// <summary>The DNS filter's default circumvention names (Firefox's encrypted-DNS canary, iCloud Private Relay).</summary>
    public static readonly string[] CircumventionNames = ["use-application-dns.net", "mask.icloud.com", "mask-h2.icloud.com"];

    /// <summary>Search engines whose SafeSearch (or YouTube's restricted mode) the filter enforces.</summary>
    public static readonly (string Domain, bool YouTube)[] SearchEngines = [("www.google.com", false), ("www.bing.com", false), ("www.youtube.com", true)];

    public const string CircumventionWhat = "Circumvention names are refused";
    public const string SafeSearchWhat = "SafeSearch is enforced";

    public static string CategoryWhat(string categoryName) => $"{categoryName} is blocked";

    public async Task<FilterCheckRun> RunAsync(CancellationToken cancellationToken)
    {
        var answer = await filter.AskAsync(new ControlRequest(ControlRequestKind.Lists), cancellationToken);
        if (answer.Unreachable is not null || answer.Reply?.Lists is not { } lists)
        {
            var reason = answer.Unreachable ?? "The DNS filter could not answer: " + (answer.Reply?.Error ?? "no reason given.");
            ReviewLog.FilterCheckUnreachable(logger, reason);
            return new FilterCheckRun(reason, []);
        }

        var snapshot = await store.Policy.GetSnapshotAsync(cancellationToken);
        var groups = snapshot.ActiveGroups;
        if (groups.Count == 0)
        {
            return new FilterCheckRun("The school's policy has no groups in use, so there is nothing to check.", []);
        }

        var checks = new List<NewReviewCheck>();
        var names = snapshot.Categories.ToDictionary(c => c.Key, c => c.Name, StringComparer.Ordinal);
        var required = lists.Categories.Where(c => c.AlwaysOn).Select(c => (c.Category.Key, c.Category.Name, AlwaysOn: true))
            .Concat(RequiredCategories.Select(k => (Key: k, Name: names.GetValueOrDefault(k, k), AlwaysOn: false)))
            .DistinctBy(c => c.Key).ToList();
        foreach (var category in required)
        {
            var info = lists.Categories.FirstOrDefault(c => c.Category.Key == category.Key);
            var what = CategoryWhat(category.Name);
            if (info is null || info.Names == 0)
            {
                checks.Add(new NewReviewCheck(what, false, null, null, "Blocked for every group",
                    category.AlwaysOn
                        ? $"Not configured: no list feeds {category.Name}, so the filter cannot block it. The feed is set up in the DNS filter's settings (the Blocklists page says how)."
                        : $"No list is loaded for {category.Name}, so the filter cannot block it. Load one (the Blocklists page shows what is missing)."));
                continue;
            }

            var samples = await SampleAsync(lists, category.Key, groups[0].Key, cancellationToken);
            if (samples.Unreachable is not null)
            {
                return new FilterCheckRun(samples.Unreachable, []);
            }

            if (samples.Names.Count == 0)
            {
                checks.Add(new NewReviewCheck(what, false, null, null, "Blocked for every group",
                    $"No sample could be taken from the {category.Name} list files{(samples.Problem is null ? "" : $" ({samples.Problem})")}, so the check could not be made."));
                continue;
            }

            foreach (var group in groups)
            {
                var allowed = new List<string>();
                foreach (var domain in samples.Names)
                {
                    var reply = await ExplainAsync(domain, group.Key, cancellationToken);
                    if (reply.Unreachable is not null)
                    {
                        return new FilterCheckRun(reply.Unreachable, []);
                    }

                    var blocked = reply.Explain!.Outcome == ExplainOutcome.Blocked;
                    if (!category.AlwaysOn)
                    {
                        checks.Add(new NewReviewCheck(what, blocked, group.Name, domain, "Blocked", Words(reply.Explain)));
                    }
                    else if (!blocked)
                    {
                        allowed.Add(Words(reply.Explain, hideNames: true));
                    }
                }

                if (category.AlwaysOn)
                {
                    // The always-on lists' names (IWF, CTIRU) are confidential: never shown or stored, only the result.
                    checks.Add(new NewReviewCheck(what, allowed.Count == 0, group.Name, null, $"All {samples.Names.Count} sample names blocked",
                        allowed.Count == 0
                            ? $"All {samples.Names.Count} sample names from the list were blocked (the list's names are confidential and not shown)"
                            : $"{allowed.Count} of {samples.Names.Count} sample names from the list were not blocked: {string.Join("; ", allowed.Distinct())} (names not shown)"));
                }
            }
        }

        foreach (var group in groups)
        {
            foreach (var domain in CircumventionNames)
            {
                var reply = await ExplainAsync(domain, group.Key, cancellationToken);
                if (reply.Unreachable is not null)
                {
                    return new FilterCheckRun(reply.Unreachable, []);
                }

                checks.Add(new NewReviewCheck(CircumventionWhat, reply.Explain!.Outcome == ExplainOutcome.Blocked, group.Name, domain, "Refused", Words(reply.Explain)));
            }

            var failure = await SafeSearchAsync(group, checks, cancellationToken);
            if (failure is not null)
            {
                return new FilterCheckRun(failure, []);
            }
        }

        return new FilterCheckRun(null, checks);
    }

    private async Task<string?> SafeSearchAsync(GroupPolicy group, List<NewReviewCheck> checks, CancellationToken cancellationToken)
    {
        var pupils = group.Kind != GroupKind.Staff;
        foreach (var (domain, youTube) in SearchEngines)
        {
            var mode = youTube ? group.YouTubeMode : group.SafeSearch;
            var feature = youTube ? "YouTube's restricted mode" : "SafeSearch";
            if (mode == SafeSearchMode.Off)
            {
                checks.Add(pupils
                    ? new NewReviewCheck(SafeSearchWhat, false, group.Name, domain, $"{feature} enforced", $"{feature} is switched off for {group.Name} in the school's policy: searches from these devices are not filtered.")
                    : new NewReviewCheck(SafeSearchWhat, true, group.Name, domain, $"{feature} enforced for pupils; for staff it is the school's choice",
                        $"Information: {feature} is switched off for {group.Name} in the school's policy (staff may search unfiltered)."));
                continue;
            }

            var reply = await ExplainAsync(domain, group.Key, cancellationToken);
            if (reply.Unreachable is not null)
            {
                return reply.Unreachable;
            }

            // Blocked outright is stricter than SafeSearch, so it passes too.
            var passed = reply.Explain!.Outcome is ExplainOutcome.SafeSearch or ExplainOutcome.Blocked;
            checks.Add(new NewReviewCheck(SafeSearchWhat, passed, group.Name, domain, $"{feature} enforced", Words(reply.Explain)));
        }

        return null;
    }

    private sealed record Samples(IReadOnlyList<string> Names, string? Problem, string? Unreachable);

    private sealed record Explained(ExplainReply? Explain, string? Unreachable);

    /// <summary>Up to <see cref="SamplesPerCategory"/> names from the category's list files, each confirmed listed in it by the filter.</summary>
    private async Task<Samples> SampleAsync(ListsReply lists, string category, string groupKey, CancellationToken cancellationToken)
    {
        var chosen = new List<string>();
        string? problem = null;
        foreach (var source in lists.Sources.Where(s => !s.Missing && s.Categories.Any(c => c.Key == category)))
        {
            var (candidates, unreadable) = ListSamples.Read(source.Path);
            if (unreadable is not null)
            {
                ReviewLog.SampleUnreadable(logger, source.Path, unreadable);
                problem = $"{source.Name} could not be read: {unreadable}";
                continue;
            }

            foreach (var name in candidates)
            {
                var reply = await ExplainAsync(name, groupKey, cancellationToken);
                if (reply.Unreachable is not null)
                {
                    return new Samples([], null, reply.Unreachable);
                }

                if (reply.Explain!.Listings.Any(l => l.Category.Key == category) && !chosen.Contains(name))
                {
                    chosen.Add(name);
                    if (chosen.Count == SamplesPerCategory)
                    {
                        return new Samples(chosen, null, null);
                    }
                }
            }
        }

        return new Samples(chosen, chosen.Count == 0 ? problem : null, null);
    }

    private async Task<Explained> ExplainAsync(string domain, string groupKey, CancellationToken cancellationToken)
    {
        var answer = await filter.AskAsync(new ControlRequest(ControlRequestKind.Explain, domain, GroupKey: groupKey), cancellationToken);
        if (answer.Unreachable is not null)
        {
            ReviewLog.FilterCheckUnreachable(logger, answer.Unreachable);
            return new Explained(null, answer.Unreachable);
        }

        return answer.Reply?.Explain is { } explain
            ? new Explained(explain, null)
            : new Explained(null, "The DNS filter could not answer: " + (answer.Reply?.Error ?? "no reason given."));
    }

    /// <summary>What the filter did, in a few words a governor reads.</summary>
    /// <param name="e">The filter's answer.</param>
    /// <param name="hideNames">Leave out the names of entries (for the always-on lists, whose names are confidential).</param>
    public static string Words(ExplainReply e, bool hideNames = false)
    {
        ArgumentNullException.ThrowIfNull(e);
        var entry = hideNames || e.RuleEntry is null ? "" : $" for ‘{e.RuleEntry}’";
        var words = e.Outcome switch
        {
            ExplainOutcome.Blocked => e.Rule switch
            {
                ExplainRule.AlwaysOn => $"Blocked by the always-on {e.Category?.Name ?? "list"}",
                ExplainRule.Circumvention => "Refused: the filter always refuses this circumvention name",
                ExplainRule.Deny => $"Blocked by a deny entry{entry}",
                ExplainRule.Category => $"Blocked as {e.Category?.Name ?? "a blocked category"}",
                _ => "Blocked",
            },
            ExplainOutcome.SafeSearch => $"Sent to {e.SafeSearchEngine ?? "the engine"}'s SafeSearch address",
            _ => e.Rule switch
            {
                ExplainRule.Allow => $"Allowed: an allow entry{entry} lets it through",
                ExplainRule.TemporaryUnblock => "Allowed: a temporary unblock is in force",
                _ when e.Listings.Count > 0 => $"Allowed: {string.Join(", ", e.Listings.Select(l => l.Category.Name).Distinct())} is not blocked for {e.Client.Group.Name} at this time",
                _ => "Allowed: the name is on no list the filter has loaded",
            },
        };
        return e.Fallback ? words + " (the filter is in its fail-closed mode: it cannot read the policy database)" : words;
    }
}

using System.Globalization;
using ClassroomGuard.Console.Administration;
using ClassroomGuard.Console.ChangeLog;
using ClassroomGuard.Console.Policy.Why;
using ClassroomGuard.Console.Safeguarding.Alerts;
using ClassroomGuard.Console.Safeguarding.Incidents;
using ClassroomGuard.Storage.Control;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Reports.Governors;

/// <summary>
/// Reads the governors' report for a period from the state database (change-control log and its chain, incidents,
/// alerts, groups, annual reviews) and the running DNS filter (lists in force). Everything it returns is already
/// anonymised (<see cref="GovernorsReport"/>): callers need no care. It checks nobody's rights: the page's service
/// (<see cref="GovernorsReportService"/>) does, and the schedule and the <c>report</c> command act for the appliance.
/// </summary>
internal sealed class GovernorsReportReader(
    StateStore store,
    DnsFilterClient filter,
    AlertSeverities severities,
    IOptions<ReportOptions> options,
    IOptions<StateOptions> state,
    TimeProvider time,
    ILogger<GovernorsReportReader> logger)
{
    private static readonly CultureInfo English = CultureInfo.InvariantCulture;
    private readonly TimeZoneInfo zone = TimeZoneInfo.FindSystemTimeZoneById(state.Value.TimeZone);

    /// <summary>The school's time zone.</summary>
    public TimeZoneInfo Zone => zone;

    /// <summary>The report for the days <paramref name="first"/> to <paramref name="last"/> inclusive.</summary>
    public async Task<GovernorsReport> ReadAsync(DateOnly first, DateOnly last, CancellationToken cancellationToken)
    {
        var period = ReportPeriod.Of(first, last, zone);
        var previous = ReportPeriod.Of(first.AddDays(-period.Days), first.AddDays(-1), zone);
        var now = TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone);
        var gaps = new List<string>();

        var users = (await store.Users.ListAsync(cancellationToken)).ToDictionary(u => u.Id);
        var snapshot = await store.Policy.GetSnapshotAsync(cancellationToken);
        var changes = await ChangesAsync(period, snapshot, users, now, cancellationToken);
        var incidents = await IncidentsAsync(period, previous, snapshot, cancellationToken);
        var alerts = await AlertsAsync(period, previous, snapshot, cancellationToken);
        var coverage = await CoverageAsync(period, snapshot, now, gaps, cancellationToken);
        var review = await ReviewAsync(DateOnly.FromDateTime(now.DateTime), cancellationToken);

        var headlines = new List<string>();
        headlines.Add(changes.Chain.Intact
            ? "The change-control log was checked and is intact: no entry has been altered or removed."
            : "Warning: the change-control log has been altered outside ClassroomGuard. See the check below and tell the headteacher.");
        headlines.Add(changes.Summary[0]);
        headlines.Add(incidents.Summary[0]);
        headlines.Add(alerts.Summary[0]);
        headlines.Add(coverage.Summary[0]);
        headlines.Add(review.Status + ".");

        GovernorsLog.Read(logger, first, last, changes.PolicyChanges.Count + changes.TemporaryUnblocks.Count, changes.Chain.Intact, changes.Chain.HeadSequence);
        return new GovernorsReport(await SchoolNameAsync(cancellationToken), period, now, previous, headlines, changes, incidents, alerts, coverage, review, gaps);
    }

    private async Task<string> SchoolNameAsync(CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(options.Value.SchoolName))
        {
            return options.Value.SchoolName.Trim();
        }

        var sites = await store.Sites.ListSitesAsync(cancellationToken);
        return sites.Count == 0 ? "ClassroomGuard" : string.Join(", ", sites.Select(s => s.Name));
    }

    private async Task<GovernorsChanges> ChangesAsync(
        ReportPeriod period, PolicySnapshot snapshot, IReadOnlyDictionary<long, UserAccount> users, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var chain = await ChainAsync(period, now, cancellationToken);
        var names = new PolicyNames(snapshot, new Dictionary<long, string>(), new Dictionary<long, string>(), zone);
        var policy = new List<GovernorsChange>();
        var unblocks = new List<GovernorsChange>();
        int approved = 0, refused = 0, withdrawn = 0, expired = 0, waiting = 0, single = 0, unblocksApproved = 0, unblocksNot = 0;
        for (var offset = 0; ; offset += ChangeControl.MaxPageSize)
        {
            var page = await store.ChangeControl.QueryChangesAsync(
                new ChangeLogQuery(ChangeLogKind.All, period.Start, period.End, offset, ChangeControl.MaxPageSize, NewestFirst: false), cancellationToken);
            foreach (var c in page.Changes)
            {
                // A decision after the period is not part of it: the change was still waiting on its last day.
                var decision = c.Decision is { } d && d.At < period.End ? d : null;
                var outcome = decision switch
                {
                    null => ChangeOutcome.Waiting,
                    { Event: ChangeEvent.Approved } => ChangeOutcome.Approved,
                    { Event: ChangeEvent.Expired } => ChangeOutcome.Expired,
                    _ when c.Withdrawn => ChangeOutcome.Withdrawn,
                    _ => ChangeOutcome.Rejected,
                };
                if (outcome == ChangeOutcome.Waiting && c.Proposal.At < period.Start)
                {
                    continue; // proposed before and decided after the period: nothing of it happened in these days
                }

                var proposer = GovernorsWords.Role(c.Proposal.ActorId, users);
                var decider = decision is null ? null : GovernorsWords.Role(decision.ActorId, users);
                var on = decision is null ? null : GovernorsWords.Day(TimeZoneInfo.ConvertTime(decision.At, zone));
                var text = outcome switch
                {
                    ChangeOutcome.Approved when decision!.SingleApprover => $"Approved on {on} by {decider}, who proposed it (single-approver mode)",
                    ChangeOutcome.Approved => $"Approved on {on} by {decider}",
                    ChangeOutcome.Rejected => $"Refused on {on} by {decider}",
                    ChangeOutcome.Withdrawn => $"Withdrawn on {on} by {proposer}, who proposed it",
                    ChangeOutcome.Expired => $"Expired on {on}: nobody decided in time",
                    _ => $"Still waiting for a decision on {GovernorsWords.Day(TimeZoneInfo.ConvertTime(period.End.AddTicks(-1), zone))}",
                };
                var notVerified = chain.FirstBadSequence is { } bad && (c.Proposal.Sequence >= bad || c.Decision?.Sequence >= bad);
                var row = new GovernorsChange(
                    GovernorsWords.Day(TimeZoneInfo.ConvertTime(c.Proposal.At, zone)),
                    GovernorsWords.What(c.Change, names),
                    GovernorsWords.WhyItMatters(c.Change, snapshot),
                    outcome,
                    text,
                    proposer,
                    outcome == ChangeOutcome.Expired ? null : decider,
                    decision?.SingleApprover == true,
                    notVerified);
                if (c.Change is TemporaryUnblockChange)
                {
                    unblocks.Add(row);
                    unblocksApproved += outcome == ChangeOutcome.Approved ? 1 : 0;
                    unblocksNot += outcome is ChangeOutcome.Rejected or ChangeOutcome.Withdrawn or ChangeOutcome.Expired ? 1 : 0;
                    continue;
                }

                policy.Add(row);
                switch (outcome)
                {
                    case ChangeOutcome.Approved:
                        approved++;
                        single += row.SingleApprover ? 1 : 0;
                        break;
                    case ChangeOutcome.Rejected:
                        refused++;
                        break;
                    case ChangeOutcome.Withdrawn:
                        withdrawn++;
                        break;
                    case ChangeOutcome.Expired:
                        expired++;
                        break;
                    default:
                        waiting++;
                        break;
                }
            }

            if (page.Changes.Count < ChangeControl.MaxPageSize)
            {
                break;
            }
        }

        var summary = new List<string>();
        if (policy.Count == 0)
        {
            summary.Add("No changes to filtering were proposed or decided in this period: the filtering rules stayed as they were.");
        }
        else
        {
            var parts = new List<string> { $"{GovernorsWords.Count(approved, "change to filtering was", "changes to filtering were")} approved" };
            if (refused > 0)
            {
                parts.Add($"{refused.ToString(English)} {(refused == 1 ? "was" : "were")} refused");
            }

            if (withdrawn > 0)
            {
                parts.Add($"{withdrawn.ToString(English)} {(withdrawn == 1 ? "was" : "were")} withdrawn by the person who proposed {(withdrawn == 1 ? "it" : "them")}");
            }

            if (expired > 0)
            {
                parts.Add($"{expired.ToString(English)} expired without a decision");
            }

            if (waiting > 0)
            {
                parts.Add($"{waiting.ToString(English)} {(waiting == 1 ? "was" : "were")} still waiting for a decision at the end of the period");
            }

            summary.Add(string.Join("; ", parts) + ".");
            if (approved > 0)
            {
                summary.Add(single == 0
                    ? approved == 1 ? "It was proposed by one person and approved by another." : "Each was proposed by one person and approved by another."
                    : $"{GovernorsWords.Count(single, "was", "were")} approved by the person who proposed {(single == 1 ? "it" : "them")}, under single-approver mode (meant only for very small schools); the others by a second person.");
            }
        }

        summary.Add(unblocks.Count == 0
            ? "No teacher asked for a site to be opened for a lesson."
            : $"Teachers asked for a site to be opened for a lesson {GovernorsWords.Count(unblocks.Count, "time", "times")}: {unblocksApproved.ToString(English)} approved, {unblocksNot.ToString(English)} not. Each closed again by itself at the end of the lesson.");
        if (!chain.Intact)
        {
            summary.Add("Changes recorded from the altered entry on are marked “not verified”: what they show cannot be trusted.");
        }

        return new GovernorsChanges(chain, approved, refused, withdrawn, expired, waiting, single, unblocksApproved, unblocksNot, summary, policy, unblocks);
    }

    private async Task<GovernorsChain> ChainAsync(ReportPeriod period, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var result = await store.ChangeControl.VerifyChainAsync(null, cancellationToken);
        string? broken = null;
        if (!result.IsValid)
        {
            var bad = result.FirstBadSequence ?? result.Head.Sequence + 1;
            broken = GovernorsWords.Broken(bad, await store.ChangeControl.GetEntryAsync(bad, cancellationToken), zone);
            GovernorsLog.ChainBroken(logger, period.First, period.Last, result.Problem ?? broken);
        }

        // The last entries before the period began and before it ended: the previous report's end is this one's start.
        ChangeEntry? atStart = null;
        ChangeEntry? atEnd = null;
        for (long after = 0; ;)
        {
            var entries = await store.ChangeControl.GetEntriesAsync(after, ChangeControl.MaxPageSize, cancellationToken);
            foreach (var entry in entries)
            {
                if (entry.At < period.Start)
                {
                    atStart = entry;
                }

                if (entry.At < period.End)
                {
                    atEnd = entry;
                }
            }

            if (entries.Count < ChangeControl.MaxPageSize || entries[^1].At >= period.End)
            {
                break;
            }

            after = entries[^1].Sequence;
        }

        return new GovernorsChain(
            result.IsValid, result.EntryCount, result.Head.Sequence, result.Head.Hash, broken, result.IsValid ? null : result.FirstBadSequence ?? result.Head.Sequence + 1,
            Point(atStart), Point(atEnd), GovernorsWords.Long(now));
    }

    private GovernorsChainPoint? Point(ChangeEntry? entry)
        => entry is null ? null : new GovernorsChainPoint(entry.Sequence, entry.Hash, GovernorsWords.When(TimeZoneInfo.ConvertTime(entry.At, zone)));

    private async Task<GovernorsIncidents> IncidentsAsync(ReportPeriod period, ReportPeriod previous, PolicySnapshot snapshot, CancellationToken cancellationToken)
    {
        var incidents = await store.Incidents.ListAsync(period.Start, period.End, cancellationToken);
        var before = (await store.Incidents.QueryAsync(new IncidentQuery(From: previous.Start, To: previous.End, Limit: 1), cancellationToken)).Total;
        var categories = snapshot.Categories.ToDictionary(c => c.Key, c => c.Name, StringComparer.Ordinal);
        var severity = new Dictionary<AlertSeverity, long> { [AlertSeverity.Danger] = 0, [AlertSeverity.Caution] = 0, [AlertSeverity.Advisory] = 0 };
        var byCategory = new Dictionary<string, long>(StringComparer.Ordinal);
        long fromAlert = 0, actioned = 0, outcome = 0, open = 0, investigating = 0, closed = 0;
        foreach (var incident in incidents)
        {
            var level = incident.Category is null ? AlertSeverity.Advisory : severities.Of(AlertKind.HighRiskCategory, incident.Category);
            severity[level is AlertSeverity.Appliance ? AlertSeverity.Advisory : level]++;
            var category = incident.Category is null ? "Not recorded" : IncidentWords.Category(incident.Category, categories)!;
            byCategory[category] = byCategory.GetValueOrDefault(category) + 1;
            var steps = await store.Incidents.ChronologyAsync(incident.Id, cancellationToken);
            // Fixed words the console itself writes, compared, never printed: typed text stays out of the report.
            fromAlert += incident.AlertId is not null || steps.Any(s => s.Kind == IncidentEventKind.Raised && s.Text == "Raised from an alert") ? 1 : 0;
            actioned += steps.Any(s => s.Kind == IncidentEventKind.Action) ? 1 : 0;
            outcome += incident.Outcome is not null ? 1 : 0;
            switch (incident.Status)
            {
                case IncidentStatus.Open:
                    open++;
                    break;
                case IncidentStatus.Investigating:
                    investigating++;
                    break;
                default:
                    closed++;
                    break;
            }
        }

        var total = GovernorsCount.Of("Incidents", incidents.Count);
        var previousTotal = GovernorsCount.Of("Incidents in the period before", before);
        var summary = new List<string>();
        if (incidents.Count == 0)
        {
            summary.Add(before == 0
                ? "No e-safety incidents were recorded in this period, nor in the period before."
                : $"No e-safety incidents were recorded in this period (the period before: {previousTotal.Text}).");
        }
        else
        {
            summary.Add($"{Capital(total.Text)} e-safety {(incidents.Count == 1 ? "incident was" : "incidents were")} recorded in this period (the period before: {previousTotal.Text}).");
            var closedCount = GovernorsCount.Of("", closed);
            summary.Add($"Of these, {closedCount.Text} {(closedCount.Value == 1 ? "is" : "are")} closed and {GovernorsCount.Of("", open + investigating).Text} still being dealt with.");
        }

        return new GovernorsIncidents(
            total,
            previousTotal,
            severity.Select(s => GovernorsCount.Of(SeverityLabel(s.Key), s.Value)).ToList(),
            // Largest first by what is printed: withheld counts go last in name order, so their order tells nothing of 1 against 2.
            byCategory.Select(c => GovernorsCount.Of(c.Key, c.Value)).OrderByDescending(c => c.Value ?? 0).ThenBy(c => c.Label, StringComparer.OrdinalIgnoreCase).ToList(),
            [GovernorsCount.Of("Reported by a member of staff", incidents.Count - fromAlert), GovernorsCount.Of("Raised from an alert", fromAlert)],
            [GovernorsCount.Of("The safeguarding lead recorded action taken", actioned), GovernorsCount.Of("No action recorded yet beyond the report", incidents.Count - actioned)],
            [GovernorsCount.Of("Outcome recorded", outcome), GovernorsCount.Of("No outcome recorded yet", incidents.Count - outcome)],
            [GovernorsCount.Of(IncidentWords.Status(IncidentStatus.Open), open), GovernorsCount.Of(IncidentWords.Status(IncidentStatus.Investigating), investigating), GovernorsCount.Of(IncidentWords.Status(IncidentStatus.Closed), closed)],
            summary);
    }

    private static string SeverityLabel(AlertSeverity severity) => severity switch
    {
        AlertSeverity.Danger => "Danger: the most serious categories",
        AlertSeverity.Caution => "Caution: serious categories",
        _ => "Advisory: other categories, or none recorded",
    };

    /// <summary>What a severity covers, by the categories' names: "Child abuse, Terrorism, Self-harm and Extremism".</summary>
    private string Meaning(AlertSeverity severity, PolicySnapshot snapshot)
    {
        string Names(IEnumerable<string> keys) => string.Join(", ", keys.Where(k => snapshot.Categories.Any(c => c.Key == k))
            .Select(k => snapshot.Categories.First(c => c.Key == k).Name).Distinct());
        var (caution, _) = severities.Filter(AlertSeverity.Caution);
        return severity switch
        {
            AlertSeverity.Danger => Names(severities.DangerKeys),
            AlertSeverity.Caution => "Attempts to get round the filter, " + Names(caution?.Categories.Where(k => k is not ("doh" or "vpn" or "proxy" or "circumvention")) ?? []),
            AlertSeverity.Advisory => "Other categories",
            _ => "The appliance itself needed a technician, such as a list download failing",
        };
    }

    private async Task<GovernorsAlerts> AlertsAsync(ReportPeriod period, ReportPeriod previous, PolicySnapshot snapshot, CancellationToken cancellationToken)
    {
        var rows = new List<GovernorsAlertCount>();
        foreach (var severity in (AlertSeverity[])[AlertSeverity.Danger, AlertSeverity.Caution, AlertSeverity.Advisory, AlertSeverity.Appliance])
        {
            var (include, exclude) = severities.Filter(severity);
            var now = await store.Alerts.QueryAsync(new AlertQuery(0, 1, include, exclude, From: period.Start, To: period.End), cancellationToken);
            var then = await store.Alerts.QueryAsync(new AlertQuery(0, 1, include, exclude, From: previous.Start, To: previous.End), cancellationToken);
            rows.Add(new GovernorsAlertCount(AlertSeverities.Word(severity), Meaning(severity, snapshot), now.Total, then.Total));
        }

        long total = rows.Sum(r => r.This), before = rows.Sum(r => r.Previous);
        var danger = rows[0];
        var summary = new List<string>
        {
            total == 0
                ? $"The filter raised no alerts in this period (the period before: {before.ToString("N0", English)})."
                : $"The filter raised {GovernorsWords.Count(total, "alert", "alerts")} ({Trend(total, before)}), {GovernorsWords.Count(danger.This, "of them a danger alert", "of them danger alerts")}.",
        };
        if (danger.This > 0)
        {
            summary.Add("Danger alerts are e-mailed to the safeguarding lead at once; the safeguarding lead decides whether each becomes an incident.");
        }

        return new GovernorsAlerts(rows, total, before, summary);
    }

    private static string Trend(long now, long before)
        => before == 0 ? "none the period before"
            : now == before ? $"as many as the period before"
            : now > before ? $"up from {before.ToString("N0", English)} the period before"
            : $"down from {before.ToString("N0", English)} the period before";

    private async Task<GovernorsCoverage> CoverageAsync(ReportPeriod period, PolicySnapshot snapshot, DateTimeOffset now, List<string> gaps, CancellationToken cancellationToken)
    {
        var groups = (await store.Policy.ListGroupsAsync(cancellationToken)).Select(o => o.Group).Where(g => !g.IsRetired)
            .OrderBy(g => g.Kind).ThenBy(g => g.Name, StringComparer.OrdinalIgnoreCase)
            .Select(g =>
            {
                // Said the short way round: "Every category except Social networking" reads at a glance; twenty names do not.
                var others = snapshot.Categories.Where(c => !c.AlwaysOn).OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase).ToList();
                var blocked = others.Where(c => Blocks(g, c.Key)).Select(c => c.Name).ToList();
                var allowed = others.Where(c => !Blocks(g, c.Key)).Select(c => c.Name).ToList();
                var blocks = blocked.Count == 0 ? "Only the always-on lists"
                    : allowed.Count == 0 ? "Every category"
                    : allowed.Count < blocked.Count ? "Every category except " + string.Join(", ", allowed)
                    : string.Join(", ", blocked);
                return new GovernorsGroup(g.Name, GovernorsWords.Kind(g.Kind), GovernorsWords.Mode(g.SafeSearch), GovernorsWords.Mode(g.YouTubeMode), blocks, g.IsDefault);
            }).ToList();

        var answer = await filter.AskAsync(new ControlRequest(ControlRequestKind.Lists), cancellationToken);
        var alwaysOn = new List<GovernorsAlwaysOn>();
        string? version = null;
        string? loadedAt = null;
        IReadOnlyList<string> missing = [];
        if (answer.Reply?.Lists is { } lists)
        {
            foreach (var c in lists.Categories.Where(c => c.AlwaysOn))
            {
                alwaysOn.Add(c.Names > 0
                    ? new GovernorsAlwaysOn(c.Category.Name, "Loaded", true,
                        c.Sources.Count == 0 ? "—" : string.Join("; ", c.Sources.Select(s => s.Updated is { } u ? $"{s.Name}, updated {TimeZoneInfo.ConvertTime(u, zone).ToString("d MMM yyyy", English)}" : s.Name)),
                        GovernorsWords.Count(c.Names, "name", "names"))
                    : new GovernorsAlwaysOn(c.Category.Name, "Not configured", false, "No list is loaded under it, so nothing is blocked through it yet. The technician adds it from the school's filtering provider.", null));
            }

            version = lists.Health?.Version;
            loadedAt = GovernorsWords.Long(TimeZoneInfo.ConvertTime(lists.LoadedAt, zone));
            missing = lists.Health?.RequiredMissing ?? [];
        }
        else
        {
            var why = answer.Unreachable ?? answer.Reply?.Error ?? "no answer";
            GovernorsLog.ListsUnknown(logger, period.First, period.Last, why);
            gaps.Add("The DNS filter could not be asked which lists it has loaded, so the always-on lists and the blocklist version are not shown. Ask the technician to check the DNS filter is running.");
            alwaysOn.AddRange(snapshot.Categories.Where(c => c.AlwaysOn).Select(c => new GovernorsAlwaysOn(c.Name, "Not checked", false, "The DNS filter did not answer when this report was read.", null)));
        }

        var summary = new List<string>();
        var loadedCount = alwaysOn.Count(a => a.Loaded);
        summary.Add(alwaysOn.Count > 0 && loadedCount == alwaysOn.Count
            ? $"The always-on lists ({GovernorsWords.And(alwaysOn.Select(a => a.Name).ToList())}) are loaded and blocked for everyone; no one can switch them off."
            : answer.Reply?.Lists is null
                ? "Whether the always-on lists are loaded could not be checked when this report was read."
                : $"Warning: {GovernorsWords.And(alwaysOn.Where(a => !a.Loaded).Select(a => a.Name).ToList())} {(alwaysOn.Count(a => !a.Loaded) == 1 ? "is" : "are")} not loaded, so nothing is blocked through {(alwaysOn.Count(a => !a.Loaded) == 1 ? "it" : "them")} yet.");
        var pupils = groups.Where(g => g.Kind != "Staff").ToList();
        var unsafeSearch = pupils.Where(g => g.SafeSearch == "Off").Select(g => g.Name).ToList();
        summary.Add(pupils.Count == 0 ? "No group for pupils or guests is set up."
            : unsafeSearch.Count == 0 ? "SafeSearch is enforced for every group of pupils and guests."
            : $"SafeSearch is off for {GovernorsWords.And(unsafeSearch)}: search results there are not filtered for explicit content.");
        var youTubeOff = pupils.Where(g => g.YouTube == "Off").Select(g => g.Name).ToList();
        if (youTubeOff.Count > 0)
        {
            summary.Add($"YouTube restricted mode is off for {GovernorsWords.And(youTubeOff)}.");
        }

        if (missing.Count > 0)
        {
            summary.Add($"Warning: lists every school must block are not loaded: {GovernorsWords.And(missing)}.");
        }

        return new GovernorsCoverage(GovernorsWords.Long(now), groups, alwaysOn, version, loadedAt, missing, summary);
    }

    /// <summary>
    /// Whether the group blocks the category as the DNS filter applies it: the DNS-over-HTTPS, VPN and proxy lists are also
    /// filed under circumvention (docs/state.md, V3), so a group that blocks circumvention blocks them, whatever their own row.
    /// </summary>
    private static bool Blocks(GroupPolicy group, string category)
        => group.BlockedCategories.Contains(category) || (category is "doh" or "vpn" or "proxy" && group.BlockedCategories.Contains("circumvention"));

    private async Task<GovernorsReview> ReviewAsync(DateOnly today, CancellationToken cancellationToken)
    {
        var due = await store.Reviews.NextDueAsync(cancellationToken);
        var reviews = await store.Reviews.ListAsync(cancellationToken);
        var completed = reviews.Where(r => r.Status == ReviewStatus.Completed).ToList();
        int open = 0, overdue = 0;
        string? lastCheck = null;
        foreach (var review in completed)
        {
            if (await store.Reviews.GetAsync(review.Id, cancellationToken) is not { } detail)
            {
                continue;
            }

            open += detail.Actions.Count(a => a.DoneAt is null);
            overdue += detail.Actions.Count(a => a.DoneAt is null && a.DueOn is { } d && d < today);
            if (review.Id == due.LastCompleted?.Id && detail.Checks.Count > 0)
            {
                var failed = detail.Checks.Count(c => !c.Passed);
                lastCheck = $"{GovernorsWords.Count(detail.Checks.Count - failed, "check", "checks")} passed, {failed.ToString(English)} failed";
            }
        }

        static string Date(DateOnly d) => d.ToString("d MMMM yyyy", English);
        var (status, dueNow) = due.Reason switch
        {
            ReviewDueReason.NeverReviewed => ("No annual review of filtering and monitoring has been recorded: one is due now", true),
            ReviewDueReason.SignificantChange => ($"The annual review is due now: a significant change to filtering or monitoring was marked on {Date(DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(due.Trigger!.At, zone).DateTime))}", true),
            _ when due.YearlyDueOn!.Value < today => ($"The annual review is overdue: it was due on {Date(due.YearlyDueOn.Value)}", true),
            _ when due.YearlyDueOn!.Value == today => ("The annual review is due today", true),
            _ => ($"The next annual review is due on {Date(due.YearlyDueOn!.Value)}", false),
        };
        var summary = new List<string> { status + "." };
        if (due.LastCompleted is { } last)
        {
            summary.Add($"The last review was held on {Date(last.HeldOn)}{(lastCheck is null ? "" : $"; its check of the filter: {lastCheck}")}.");
        }

        summary.Add(open == 0
            ? completed.Count == 0 ? "No actions have been agreed yet." : "Every action agreed at a review is done."
            : $"{GovernorsWords.Count(open, "action agreed at a review is", "actions agreed at reviews are")} not done yet{(overdue > 0 ? $", {overdue.ToString(English)} of them past {(overdue == 1 ? "its" : "their")} due date" : "")}.");
        if (reviews.Any(r => r.Status == ReviewStatus.Draft))
        {
            summary.Add("A review is being written now.");
        }

        return new GovernorsReview(status, dueNow, due.LastCompleted is { } l ? $"Held on {Date(l.HeldOn)}" : null, lastCheck, open, overdue, summary);
    }

    private static string Capital(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}

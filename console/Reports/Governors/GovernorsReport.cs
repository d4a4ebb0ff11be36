using System.Globalization;
using ClassroomGuard.Console.ChangeLog;

namespace ClassroomGuard.Console.Reports.Governors;

/// <summary>
/// Everything the governors' report shows, read by <see cref="GovernorsReportReader"/> and drawn by
/// <c>GovernorsReportView.razor</c> (on screen and, the same component, on paper). Every text is already in words and
/// in the school's time zone. Nothing in it names a pupil, a device, an address or a member of staff: people appear by
/// their role ("a technician"), incidents only as counts, and no free text typed by staff is carried (reasons,
/// comments, descriptions, actions and outcomes stay in the console, behind its sign-in).
/// </summary>
/// <param name="SchoolName">The school's name on the header.</param>
/// <param name="Period">The days reported on.</param>
/// <param name="GeneratedAt">When it was read, in the school's time zone (its offset is the school's then).</param>
/// <param name="PreviousPeriod">The same number of days just before <paramref name="Period"/>, for comparisons.</param>
/// <param name="Headlines">The report in a few short sentences, most important first.</param>
/// <param name="Changes">The filtering change-control log of the period and the check of its hash chain.</param>
/// <param name="Incidents">The anonymised incident summary.</param>
/// <param name="Alerts">Alerts raised, by severity, this period and the one before.</param>
/// <param name="Coverage">What the filter covers now: groups, always-on lists, SafeSearch, the blocklist version.</param>
/// <param name="Review">The annual review of filtering and monitoring: when last done, when due, actions open.</param>
/// <param name="Gaps">What could not be read, in words (e.g. the DNS filter did not answer); empty when complete.</param>
public sealed record GovernorsReport(
    string SchoolName,
    ReportPeriod Period,
    DateTimeOffset GeneratedAt,
    ReportPeriod PreviousPeriod,
    IReadOnlyList<string> Headlines,
    GovernorsChanges Changes,
    GovernorsIncidents Incidents,
    GovernorsAlerts Alerts,
    GovernorsCoverage Coverage,
    GovernorsReview Review,
    IReadOnlyList<string> Gaps)
{
    /// <summary>"Governors' e-safety report, Sun 1 Nov – Mon 30 Nov 2026": the title as mail subject and list show it.</summary>
    public string Title => $"Governors' e-safety report, {Period.Label}";

    /// <summary>"Tuesday 1 December 2026 at 07:00".</summary>
    public string GeneratedText => GeneratedAt.ToString("dddd d MMMM yyyy 'at' HH:mm", CultureInfo.InvariantCulture);
}

/// <summary>The change-control log of the period.</summary>
/// <param name="Chain">The hash chain's check, made when the report was read.</param>
/// <param name="Approved">Policy changes approved (and applied) in the period.</param>
/// <param name="Refused">Policy changes rejected by an approver in the period.</param>
/// <param name="Withdrawn">Policy changes withdrawn by their proposer in the period.</param>
/// <param name="Expired">Policy changes nobody decided in time (expired in the period).</param>
/// <param name="Waiting">Policy changes proposed in the period and still waiting at its end.</param>
/// <param name="SingleApprover">Of <paramref name="Approved"/>, those approved by their own proposer under single-approver mode.</param>
/// <param name="UnblocksApproved">Teachers' requests to open a site for a lesson, approved in the period.</param>
/// <param name="UnblocksNotApproved">Such requests refused, withdrawn or expired in the period.</param>
/// <param name="Summary">The section in sentences.</param>
/// <param name="PolicyChanges">Each policy change with an entry in the period, oldest first.</param>
/// <param name="TemporaryUnblocks">Each temporary unblock with an entry in the period, oldest first.</param>
public sealed record GovernorsChanges(
    GovernorsChain Chain,
    int Approved,
    int Refused,
    int Withdrawn,
    int Expired,
    int Waiting,
    int SingleApprover,
    int UnblocksApproved,
    int UnblocksNotApproved,
    IReadOnlyList<string> Summary,
    IReadOnlyList<GovernorsChange> PolicyChanges,
    IReadOnlyList<GovernorsChange> TemporaryUnblocks);

/// <summary>The hash chain's check, and the points of it a later copy is checked against.</summary>
/// <param name="Intact">Every entry verified, in order, and the head anchor agrees.</param>
/// <param name="Entries">Entries in the whole log when checked.</param>
/// <param name="HeadSequence">The number of the log's last entry when checked.</param>
/// <param name="HeadHash">That entry's hash (64 hex digits).</param>
/// <param name="Broken">When not intact: the first entry that does not verify, in words (no names), else null.</param>
/// <param name="FirstBadSequence">When not intact: that entry's number.</param>
/// <param name="AtStart">The last entry before the period began (what the previous report printed as its end), or null when there was none.</param>
/// <param name="AtEnd">The last entry before the period ended, or null when the log was empty then.</param>
/// <param name="Checked">When the check ran, in words.</param>
public sealed record GovernorsChain(
    bool Intact,
    long Entries,
    long HeadSequence,
    string HeadHash,
    string? Broken,
    long? FirstBadSequence,
    GovernorsChainPoint? AtStart,
    GovernorsChainPoint? AtEnd,
    string Checked);

/// <summary>An entry of the log by number and hash: a checkpoint.</summary>
/// <param name="Sequence">The entry's number.</param>
/// <param name="Hash">Its hash.</param>
/// <param name="When">When it was written, in words.</param>
public sealed record GovernorsChainPoint(long Sequence, string Hash, string When);

/// <summary>One change in the period, in words, without names.</summary>
/// <param name="ProposedOn">"Mon 2 Nov 2026".</param>
/// <param name="What">The change: "Block Gambling for the group Pupils: Key Stage 3".</param>
/// <param name="WhyItMatters">What it does for pupils, in a sentence.</param>
/// <param name="Outcome">What happened to it by the end of the period.</param>
/// <param name="OutcomeText">That in words: "Approved on Tue 3 Nov 2026 by the safeguarding lead".</param>
/// <param name="ProposedBy">The proposer's role: "a technician".</param>
/// <param name="DecidedBy">The decider's role, or null while waiting.</param>
/// <param name="SingleApprover">Approved by its own proposer (single-approver mode).</param>
/// <param name="NotVerified">An entry of it is at or after the first entry that does not verify.</param>
public sealed record GovernorsChange(
    string ProposedOn,
    string What,
    string WhyItMatters,
    ChangeOutcome Outcome,
    string OutcomeText,
    string ProposedBy,
    string? DecidedBy,
    bool SingleApprover,
    bool NotVerified);

/// <summary>
/// A count as the report prints it. Counts of incidents from 1 to <see cref="GovernorsCount.Threshold"/> − 1 are
/// withheld (<see cref="Value"/> null, <see cref="Text"/> "fewer than 3"): in a school, "1 incident of self-harm in
/// Year 9" can point at a child.
/// </summary>
/// <param name="Label">What is counted, in words.</param>
/// <param name="Value">The number, or null when withheld.</param>
/// <param name="Text">The number as printed: "none", "fewer than 3", "12".</param>
public sealed record GovernorsCount(string Label, long? Value, string Text)
{
    /// <summary>Counts below this (and above zero) are withheld.</summary>
    public const int Threshold = 3;

    /// <summary>"fewer than 3".</summary>
    public static readonly string Withheld = $"fewer than {Threshold}";

    /// <summary>The count of <paramref name="n"/> under the small-number rule.</summary>
    public static GovernorsCount Of(string label, long n) => n switch
    {
        0 => new GovernorsCount(label, 0, "none"),
        < Threshold => new GovernorsCount(label, null, Withheld),
        _ => new GovernorsCount(label, n, n.ToString("N0", CultureInfo.InvariantCulture)),
    };

    /// <summary>The count of <paramref name="n"/> printed exactly (not about pupils: alerts, changes).</summary>
    public static GovernorsCount Exact(string label, long n) => new(label, n, n.ToString("N0", CultureInfo.InvariantCulture));
}

/// <summary>The anonymised incident summary: counts only, under the small-number rule.</summary>
/// <param name="Total">Incidents that happened in the period.</param>
/// <param name="PreviousTotal">Those of the period before.</param>
/// <param name="BySeverity">By severity of their category (danger, caution, advisory), every severity listed.</param>
/// <param name="ByCategory">By filtering category, by name, largest first (categories with none left out).</param>
/// <param name="ByHowRaised">Reported from a classroom by staff, or raised from an alert.</param>
/// <param name="ByAction">Whether the safeguarding lead recorded an action.</param>
/// <param name="ByOutcome">Whether an outcome is recorded.</param>
/// <param name="ByStatus">Raised, in progress, closed (as they stand now).</param>
/// <param name="Summary">The section in sentences.</param>
public sealed record GovernorsIncidents(
    GovernorsCount Total,
    GovernorsCount PreviousTotal,
    IReadOnlyList<GovernorsCount> BySeverity,
    IReadOnlyList<GovernorsCount> ByCategory,
    IReadOnlyList<GovernorsCount> ByHowRaised,
    IReadOnlyList<GovernorsCount> ByAction,
    IReadOnlyList<GovernorsCount> ByOutcome,
    IReadOnlyList<GovernorsCount> ByStatus,
    IReadOnlyList<string> Summary)
{
    /// <summary>No incident happened in the period.</summary>
    public bool None => Total.Value == 0;
}

/// <summary>Alerts raised, by severity, this period and the one before (exact counts: alerts are the filter's events, not people).</summary>
/// <param name="BySeverity">Every severity, most serious first.</param>
/// <param name="Total">All alerts this period.</param>
/// <param name="PreviousTotal">All alerts the period before.</param>
/// <param name="Summary">The section in sentences.</param>
public sealed record GovernorsAlerts(IReadOnlyList<GovernorsAlertCount> BySeverity, long Total, long PreviousTotal, IReadOnlyList<string> Summary);

/// <summary>Alerts of one severity.</summary>
/// <param name="Severity">"Danger".</param>
/// <param name="Meaning">What it covers: "child abuse, terrorism, self-harm, extremism".</param>
/// <param name="This">This period.</param>
/// <param name="Previous">The period before.</param>
public sealed record GovernorsAlertCount(string Severity, string Meaning, long This, long Previous);

/// <summary>What the filter covers, as it stands when the report is read.</summary>
/// <param name="AsAt">"Tuesday 1 December 2026 at 07:00".</param>
/// <param name="Groups">The groups in force.</param>
/// <param name="AlwaysOn">The always-on lists (child abuse, terrorism).</param>
/// <param name="BlocklistVersion">The blocklist version in force, as the DNS filter reports it, or null when not known.</param>
/// <param name="ListsLoadedAt">When the DNS filter loaded its lists, in words, or null.</param>
/// <param name="MissingLists">Lists every school must block that are not loaded ("UT1 adult").</param>
/// <param name="Summary">The section in sentences.</param>
public sealed record GovernorsCoverage(
    string AsAt,
    IReadOnlyList<GovernorsGroup> Groups,
    IReadOnlyList<GovernorsAlwaysOn> AlwaysOn,
    string? BlocklistVersion,
    string? ListsLoadedAt,
    IReadOnlyList<string> MissingLists,
    IReadOnlyList<string> Summary);

/// <summary>A group in force.</summary>
/// <param name="Name">"Pupils: Key Stage 3".</param>
/// <param name="Kind">"Pupils", "Staff", "Guests".</param>
/// <param name="SafeSearch">"Strict", "Moderate", "Off".</param>
/// <param name="YouTube">YouTube restricted mode: "Strict", "Moderate", "Off".</param>
/// <param name="Blocked">What it blocks besides the always-on lists: "Every category", "Every category except Social networking", the categories by name, or "Only the always-on lists".</param>
/// <param name="IsDefault">Devices nothing else names are filtered as this group.</param>
public sealed record GovernorsGroup(string Name, string Kind, string SafeSearch, string YouTube, string Blocked, bool IsDefault);

/// <summary>An always-on list.</summary>
/// <param name="Name">"Child sexual abuse content (IWF list)".</param>
/// <param name="State">"Loaded", "Not configured", "Not checked".</param>
/// <param name="Loaded">Names are loaded under it.</param>
/// <param name="Source">Where it comes from and when it was updated, or what to do.</param>
/// <param name="Size">"12,345 names", or null.</param>
public sealed record GovernorsAlwaysOn(string Name, string State, bool Loaded, string Source, string? Size);

/// <summary>The annual review of filtering and monitoring.</summary>
/// <param name="Status">"The next annual review is due on 14 September 2027".</param>
/// <param name="DueNow">Due now or overdue.</param>
/// <param name="LastCompleted">"Held on 14 September 2026", or null when never.</param>
/// <param name="LastCheck">The filter check of the last review: "42 checks passed, 3 failed", or null.</param>
/// <param name="OpenActions">Actions agreed at completed reviews and not done yet.</param>
/// <param name="OverdueActions">Of those, past their due date.</param>
/// <param name="Summary">The section in sentences.</param>
public sealed record GovernorsReview(string Status, bool DueNow, string? LastCompleted, string? LastCheck, int OpenActions, int OverdueActions, IReadOnlyList<string> Summary);

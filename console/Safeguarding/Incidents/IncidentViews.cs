using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Safeguarding.Incidents;

/// <summary>The log's filters, as the page sets them (all optional; dates are the school's days, inclusive).</summary>
/// <param name="Status">Only this status.</param>
/// <param name="Category">Only this category key.</param>
/// <param name="RoomId">Only this room.</param>
/// <param name="Pupil">Only pupils whose name contains this.</param>
/// <param name="From">From this day.</param>
/// <param name="To">Up to and including this day.</param>
public sealed record IncidentFilter(IncidentStatus? Status = null, string? Category = null, long? RoomId = null, string? Pupil = null, DateOnly? From = null, DateOnly? To = null);

/// <summary>A choice in a filter.</summary>
/// <param name="Value">What the filter uses (a key or an id: never shown).</param>
/// <param name="Name">What it is called.</param>
public sealed record IncidentChoice(string Value, string Name);

/// <summary>What the log's filters offer.</summary>
/// <param name="Categories">Categories by name.</param>
/// <param name="Rooms">Rooms by name.</param>
/// <param name="ReadsAll">The viewer sees every incident (the safeguarding lead, administrators); otherwise only their own.</param>
public sealed record IncidentLogChoices(IReadOnlyList<IncidentChoice> Categories, IReadOnlyList<IncidentChoice> Rooms, bool ReadsAll);

/// <summary>One incident in the log.</summary>
/// <param name="Id">Incident id (for the link only).</param>
/// <param name="When">"Mon 7 Dec 2026, 09:14".</param>
/// <param name="Pupil">The pupil, or "Not known".</param>
/// <param name="Where">"LAB2-PC04 in Lab 2".</param>
/// <param name="Category">The category's name, if any.</param>
/// <param name="Site">The domain or site, if any.</param>
/// <param name="What">What happened.</param>
/// <param name="Status">Its status.</param>
/// <param name="RaisedBy">Who raised it.</param>
public sealed record IncidentRow(long Id, string When, string Pupil, string Where, string? Category, string? Site, string What, IncidentStatus Status, string RaisedBy);

/// <summary>One page of the log.</summary>
/// <param name="Items">Newest first.</param>
/// <param name="Total">How many match.</param>
public sealed record IncidentLogPage(IReadOnlyList<IncidentRow> Items, int Total);

/// <summary>One step of a chronology.</summary>
/// <param name="When">"Mon 7 Dec 2026, 09:14".</param>
/// <param name="Who">Who recorded it ("ClassroomGuard" for the system).</param>
/// <param name="What">"Raised", "Action taken", "Moved to In progress"…</param>
/// <param name="Text">What they wrote (may be empty).</param>
/// <param name="IncidentId">The incident (for a pupil's chronology's links).</param>
/// <param name="Incident">"Incident of Mon 7 Dec 2026, 09:14" (for a pupil's chronology).</param>
public sealed record IncidentStepLine(string When, string Who, string What, string Text, long IncidentId, string Incident);

/// <summary>One line of the evidence table.</summary>
/// <param name="Time">"09:14:03".</param>
/// <param name="Kind">"Looked up", "Blocked", "Site traffic".</param>
/// <param name="Detail">The names and counts, or the blocked domain with its category and rule.</param>
/// <param name="Blocked">A blocked query (shown marked).</param>
public sealed record EvidenceLine(string Time, string Kind, string Detail, bool Blocked);

/// <summary>The evidence as the incident page shows it.</summary>
/// <param name="State">Copied, pending or unavailable.</param>
/// <param name="Window">"09:04 to 09:19 on Monday 7 December 2026".</param>
/// <param name="Message">What the table holds, or why it is empty (always a sentence).</param>
/// <param name="Lines">The rows, oldest first.</param>
public sealed record EvidenceView(EvidenceState State, string Window, string Message, IReadOnlyList<EvidenceLine> Lines);

/// <summary>Someone who opened the incident.</summary>
/// <param name="Who">Their name.</param>
/// <param name="When">"Mon 7 Dec 2026, 09:14".</param>
public sealed record IncidentViewLine(string Who, string When);

/// <summary>Everything the incident page shows.</summary>
/// <param name="Id">Incident id (links only).</param>
/// <param name="Title">"Incident raised 09:14 on Monday 7 December 2026".</param>
/// <param name="Pupil">The pupil, or "Not known".</param>
/// <param name="Device">The device's name, or "Not known".</param>
/// <param name="Room">The room, or "No room".</param>
/// <param name="When">When it happened.</param>
/// <param name="Category">The category's name, or "Not known".</param>
/// <param name="Site">The domain or site, or "Not known".</param>
/// <param name="What">What happened.</param>
/// <param name="ActionTaken">The latest action taken (null unless the viewer reads every incident).</param>
/// <param name="Outcome">The latest outcome, or "Not recorded yet".</param>
/// <param name="Status">Its status.</param>
/// <param name="RaisedBy">Who raised it.</param>
/// <param name="Chronology">Every step, oldest first (null unless the viewer reads every incident: the lead's case notes).</param>
/// <param name="Evidence">The device's activity around it (null unless the viewer reads every incident).</param>
/// <param name="Views">Who opened it, newest first (null unless the viewer reads every incident).</param>
/// <param name="CanAct">The viewer may record steps and move its status.</param>
/// <param name="HasPupil">A pupil is named: their chronology can be opened.</param>
public sealed record IncidentDetail(
    long Id, string Title, string Pupil, string Device, string Room, string When, string Category, string Site, string What, string? ActionTaken, string Outcome,
    IncidentStatus Status, string RaisedBy, IReadOnlyList<IncidentStepLine>? Chronology, EvidenceView? Evidence, IReadOnlyList<IncidentViewLine>? Views, bool CanAct,
    bool HasPupil);

/// <summary>Opening an incident: the page, or the refusal to show.</summary>
/// <param name="Detail">The incident, when the viewer may read it.</param>
/// <param name="Refusal">Why not.</param>
public sealed record IncidentOpen(IncidentDetail? Detail, string? Refusal);

/// <summary>A pupil's chronology: every incident of theirs the viewer may read, and every step, in time order.</summary>
/// <param name="Pupil">Their name.</param>
/// <param name="Incidents">Their incidents, oldest first.</param>
/// <param name="Steps">Every step of those, oldest first (only the reports themselves unless the viewer reads every incident).</param>
/// <param name="ReadsAll">Whether this is every incident of theirs (else only those the viewer raised).</param>
public sealed record PupilChronology(string Pupil, IReadOnlyList<IncidentRow> Incidents, IReadOnlyList<IncidentStepLine> Steps, bool ReadsAll);

/// <summary>What came of an action on an incident.</summary>
/// <param name="Ok">Whether it was recorded.</param>
/// <param name="Message">What happened, or why not.</param>
/// <param name="Problems">Field → the sentence to show next to it.</param>
public sealed record IncidentActionResult(bool Ok, string Message, IReadOnlyDictionary<string, string> Problems)
{
    public static IncidentActionResult Done(string message) => new(true, message, new Dictionary<string, string>());

    public static IncidentActionResult Refused(string message) => new(false, message, new Dictionary<string, string>());

    public static IncidentActionResult Field(string field, string problem) => new(false, problem, new Dictionary<string, string> { [field] = problem });
}

/// <summary>The DSL's step form: an action taken, an outcome or a note.</summary>
public sealed class IncidentStepForm
{
    /// <summary>Longest text accepted.</summary>
    public const int MaxText = 2000;

    /// <summary>What is recorded.</summary>
    public IncidentEventKind Kind { get; set; } = IncidentEventKind.Action;

    /// <summary>What they write.</summary>
    public string? Text { get; set; }
}

/// <summary>The DSL's status form.</summary>
public sealed class IncidentStatusForm
{
    /// <summary>Longest reason accepted.</summary>
    public const int MaxReason = 1000;

    /// <summary>The status to move to.</summary>
    public IncidentStatus Status { get; set; } = IncidentStatus.Investigating;

    /// <summary>Why.</summary>
    public string? Reason { get; set; }
}

/// <summary>The teacher's report from a tile.</summary>
public sealed class IncidentReportForm
{
    /// <summary>Longest note accepted.</summary>
    public const int MaxNote = 500;

    /// <summary>What they saw (one of <see cref="IncidentWords.WhatSeen"/>).</summary>
    public string WhatSeen { get; set; } = IncidentWords.WhatSeen[0];

    /// <summary>An optional note.</summary>
    public string? Note { get; set; }
}

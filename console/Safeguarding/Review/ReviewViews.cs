using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Safeguarding.Review;

/// <summary>When the next review is due, in words.</summary>
/// <param name="Headline">"The next annual review is due in 95 days, on 12 March 2027" / "The annual review is overdue since 12 March 2027".</param>
/// <param name="Why">"A year after the review of 12 March 2026." / "After a significant change marked on 3 December 2026 by Sam: new filtering provider."</param>
/// <param name="Overdue">Due today or earlier.</param>
/// <param name="DaysLeft">Days until due (0 or less when due or overdue).</param>
/// <param name="Short">The home card's line: "Annual review due in 95 days" / "Annual review overdue since 12 March 2027" / "Annual review due now".</param>
public sealed record ReviewDueView(string Headline, string Why, bool Overdue, int DaysLeft, string Short);

/// <summary>A past or draft review in the list.</summary>
/// <param name="Id">For the link only (never shown).</param>
/// <param name="HeldOn">"12 March 2026".</param>
/// <param name="Status">"Completed by Dee Lead on 14 March 2026" / "Being written (started by Sam Tech)".</param>
/// <param name="Draft">A draft.</param>
/// <param name="People">"Ann Head (senior leader), Dee Lead (safeguarding lead), …" or "Nobody recorded yet".</param>
public sealed record ReviewRow(long Id, string HeldOn, string Status, bool Draft, string People);

/// <summary>A significant change marked, in words.</summary>
/// <param name="Text">"3 December 2026, Sam Tech: new filtering provider".</param>
public sealed record TriggerRow(string Text);

/// <summary>The /review page.</summary>
/// <param name="Due">When the next review is due.</param>
/// <param name="Reviews">Every review, newest first.</param>
/// <param name="Triggers">Significant changes marked, newest first.</param>
/// <param name="CanEdit">May start and write reviews.</param>
/// <param name="CanMarkChange">May mark a significant change (technician, administrator).</param>
/// <param name="DraftId">A review being written, if any (Start opens it instead of making another).</param>
public sealed record ReviewListView(ReviewDueView Due, IReadOnlyList<ReviewRow> Reviews, IReadOnlyList<TriggerRow> Triggers, bool CanEdit, bool CanMarkChange, long? DraftId);

/// <summary>One cell of the filter check's grid: a group and one thing checked.</summary>
/// <param name="Passed">Every name asked passed.</param>
/// <param name="Text">"Passed: 3 of 3 blocked" / "Failed: No list is loaded for …".</param>
/// <param name="Details">Each name asked and what happened, for the cell's tooltip and the details list.</param>
public sealed record CheckCell(bool Passed, string Text, IReadOnlyList<string> Details);

/// <summary>A group's row of the grid.</summary>
/// <param name="Group">The group's name.</param>
/// <param name="Cells">One per column (null when that check was not made for the group).</param>
public sealed record CheckGridRow(string Group, IReadOnlyList<CheckCell?> Cells);

/// <summary>The built-in check's results as a grid: a row per group, a column per thing checked.</summary>
/// <param name="Columns">"Pornography and adult is blocked", "SafeSearch is enforced", …</param>
/// <param name="Rows">One per group.</param>
/// <param name="Passed">Checks passed.</param>
/// <param name="Failed">Checks failed.</param>
/// <param name="RunAt">"Run at 09:14 on Monday 7 December 2026 by Sam Tech".</param>
/// <param name="Failures">Each failure in a sentence (group, name, expected, what happened).</param>
public sealed record CheckGrid(IReadOnlyList<string> Columns, IReadOnlyList<CheckGridRow> Rows, int Passed, int Failed, string RunAt, IReadOnlyList<string> Failures);

/// <summary>A check a person recorded.</summary>
/// <param name="Id">For removing it (never shown).</param>
/// <param name="What">What was checked.</param>
/// <param name="Result">The result, as recorded.</param>
/// <param name="Passed">Whether it passed.</param>
/// <param name="By">"Dee Lead, 7 December 2026".</param>
public sealed record ManualCheckRow(long Id, string What, string? Result, bool Passed, string By);

/// <summary>An agreed action.</summary>
/// <param name="Id">For marking it done (never shown).</param>
/// <param name="Action">What is to be done.</param>
/// <param name="Owner">Who.</param>
/// <param name="Due">"by 1 April 2026" or "no date agreed".</param>
/// <param name="Done">"Done on 2 April 2026", or null.</param>
/// <param name="Late">Not done and past its date.</param>
public sealed record ActionRow(long Id, string Action, string Owner, string Due, string? Done, bool Late);

/// <summary>The /review/{id} page.</summary>
/// <param name="Id">The review.</param>
/// <param name="Title">"Annual review of 12 March 2026".</param>
/// <param name="Status">"Being written" / "Completed by Dee Lead on 14 March 2026: read-only".</param>
/// <param name="Completed">Completed (read-only).</param>
/// <param name="CanEdit">The viewer may change it (an editor, and it is a draft).</param>
/// <param name="CanMarkActionsDone">The viewer may mark actions done (an editor; also after completion).</param>
/// <param name="CanMarkChange">The viewer may mark a significant change.</param>
/// <param name="Form">The details as stored.</param>
/// <param name="Grid">The built-in check, or null when it has not been run.</param>
/// <param name="ManualChecks">Checks people recorded.</param>
/// <param name="Actions">Agreed actions.</param>
/// <param name="Participants">"Ann Head (senior leader)", … for the read-only view.</param>
public sealed record ReviewPageView(
    long Id, string Title, string Status, bool Completed, bool CanEdit, bool CanMarkActionsDone, bool CanMarkChange, ReviewForm Form, CheckGrid? Grid,
    IReadOnlyList<ManualCheckRow> ManualChecks, IReadOnlyList<ActionRow> Actions, IReadOnlyList<string> Participants);

/// <summary>The review's details form.</summary>
public sealed class ReviewForm
{
    public DateTime? HeldOn { get; set; }

    public string? SeniorLeader { get; set; }

    public string? SafeguardingLead { get; set; }

    public string? Technician { get; set; }

    public string? Governor { get; set; }

    /// <summary>Anyone else, names separated by commas.</summary>
    public string? Others { get; set; }

    public string? Summary { get; set; }
}

/// <summary>A check a person records.</summary>
public sealed class ManualCheckForm
{
    public string? What { get; set; }

    public string? Result { get; set; }

    public bool Passed { get; set; } = true;
}

/// <summary>An action to agree.</summary>
public sealed class ActionForm
{
    public string? Action { get; set; }

    public string? Owner { get; set; }

    public DateTime? DueOn { get; set; }
}

/// <summary>The result of an action on a review: done, or refused with reasons (next to the named fields).</summary>
/// <param name="Ok">Done.</param>
/// <param name="Message">What happened, for a snackbar, or why it was refused.</param>
/// <param name="Fields">Refusals next to fields: the form property's name → the reason.</param>
/// <param name="Id">The review (Start).</param>
public sealed record ReviewResult(bool Ok, string Message, IReadOnlyDictionary<string, string> Fields, long? Id = null)
{
    public static ReviewResult Done(string message, long? id = null) => new(true, message, new Dictionary<string, string>(), id);

    public static ReviewResult Refused(string message) => new(false, message, new Dictionary<string, string>());

    public static ReviewResult Refused(string message, Dictionary<string, string> fields) => new(false, message, fields);
}

/// <summary>The part each participant played, in words.</summary>
public static class ReviewRoleWords
{
    public static string Of(ReviewRole role) => role switch
    {
        ReviewRole.SeniorLeader => "senior leader",
        ReviewRole.SafeguardingLead => "safeguarding lead",
        ReviewRole.Technician => "technician",
        ReviewRole.Governor => "governor",
        _ => "also took part",
    };
}

using System.Globalization;
using ClassroomGuard.Console.Classroom;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Storage.State;
using StoredReview = ClassroomGuard.Storage.State.Review;

namespace ClassroomGuard.Console.Safeguarding.Review;

/// <summary>
/// The annual review of filtering and monitoring (DfE standard): its pages' view models and every change to a review.
/// The safeguarding lead, technicians and administrators write reviews; governors read them
/// (<see cref="Policies.AnnualReview"/>); only technicians and administrators mark a significant change. The role is
/// checked again here for every call, whatever the page showed.
/// </summary>
internal sealed class ReviewService(StateStore store, FilterCheck filterCheck, SchoolClock clock, ILogger<ReviewService> logger)
{
    private static readonly CultureInfo English = CultureInfo.InvariantCulture; // English month names (the build is globalization-invariant)

    /// <summary>Roles that mark a significant change.</summary>
    public static readonly Role[] ChangeMarkerRoles = [Role.Technician, Role.Administrator];

    /// <summary>The roles whose names a review needs before it can be completed.</summary>
    public static readonly ReviewRole[] RequiredRoles = [ReviewRole.SeniorLeader, ReviewRole.SafeguardingLead, ReviewRole.Technician, ReviewRole.Governor];

    public static bool MayRead(ConsoleUser? actor) => actor is not null && Policies.AnnualReviewRoles.Any(actor.Roles.Contains);

    public static bool MayEdit(ConsoleUser? actor) => actor is not null && Policies.SafeguardingRoles.Any(actor.Roles.Contains);

    public static bool MayMarkChange(ConsoleUser? actor) => actor is not null && ChangeMarkerRoles.Any(actor.Roles.Contains);

    /// <summary>The school's date today.</summary>
    public DateOnly Today => DateOnly.FromDateTime(clock.Local(clock.Now).Date);

    /// <summary>When the next review is due, or null when the viewer may not read reviews.</summary>
    public async Task<ReviewDueView?> DueAsync(ConsoleUser? actor, CancellationToken cancellationToken)
        => MayRead(actor) ? await DueViewAsync(cancellationToken) : null;

    public async Task<ReviewListView?> ListAsync(ConsoleUser? actor, CancellationToken cancellationToken)
    {
        if (!MayRead(actor))
        {
            return null;
        }

        var names = new Names(store);
        var reviews = await store.Reviews.ListAsync(cancellationToken);
        var rows = new List<ReviewRow>();
        foreach (var r in reviews)
        {
            var status = r.Status == ReviewStatus.Completed
                ? $"Completed by {await names.OfAsync(r.CompletedBy, cancellationToken)} on {Date(clock.Local(r.CompletedAt!.Value))}"
                : $"Being written (started by {await names.OfAsync(r.CreatedBy, cancellationToken)})";
            rows.Add(new ReviewRow(r.Id, Date(r.HeldOn), status, r.Status == ReviewStatus.Draft, People(r.Participants)));
        }

        var triggers = new List<TriggerRow>();
        foreach (var t in (await store.Reviews.ListTriggersAsync(cancellationToken)).Take(20))
        {
            triggers.Add(new TriggerRow($"{Date(clock.Local(t.At))}, {await names.OfAsync(t.UserId, cancellationToken)}: {t.Reason}{LogEntry(t)}"));
        }

        return new ReviewListView(await DueViewAsync(cancellationToken), rows, triggers, MayEdit(actor), MayMarkChange(actor),
            reviews.FirstOrDefault(r => r.Status == ReviewStatus.Draft)?.Id);
    }

    /// <summary>Starts a review dated today, or opens the one already being written.</summary>
    public async Task<ReviewResult> StartAsync(ConsoleUser? actor, CancellationToken cancellationToken)
    {
        if (Refuse(actor, "starting a review") is { } refused)
        {
            return refused;
        }

        var draft = (await store.Reviews.ListAsync(cancellationToken)).FirstOrDefault(r => r.Status == ReviewStatus.Draft);
        if (draft is not null)
        {
            return ReviewResult.Done($"A review is already being written (dated {Date(draft.HeldOn)}): it is opened instead of starting another.", draft.Id);
        }

        var review = await store.Reviews.CreateDraftAsync(Today, actor!.Id, cancellationToken);
        ReviewLog.Started(logger, actor.UserName, Sql(review.HeldOn));
        return ReviewResult.Done("Review started. Name who takes part, run the filter check, and record what you checked and agreed.", review.Id);
    }

    /// <summary>The review page, or null when it does not exist or the viewer may not read reviews.</summary>
    public async Task<ReviewPageView?> GetAsync(ConsoleUser? actor, long id, CancellationToken cancellationToken)
    {
        if (!MayRead(actor) || await store.Reviews.GetAsync(id, cancellationToken) is not { } detail)
        {
            return null;
        }

        var names = new Names(store);
        var review = detail.Review;
        var completed = review.Status == ReviewStatus.Completed;
        var status = completed
            ? $"Completed by {await names.OfAsync(review.CompletedBy, cancellationToken)} on {Date(clock.Local(review.CompletedAt!.Value))}. A completed review is kept as it is: it cannot be changed."
            : $"Being written: started by {await names.OfAsync(review.CreatedBy, cancellationToken)} on {Date(clock.Local(review.CreatedAt))}.";
        var form = new ReviewForm
        {
            HeldOn = review.HeldOn.ToDateTime(TimeOnly.MinValue),
            SeniorLeader = NameOf(review, ReviewRole.SeniorLeader),
            SafeguardingLead = NameOf(review, ReviewRole.SafeguardingLead),
            Technician = NameOf(review, ReviewRole.Technician),
            Governor = NameOf(review, ReviewRole.Governor),
            Others = string.Join(", ", review.Participants.Where(p => p.Role == ReviewRole.Other).Select(p => p.Name)),
            Summary = review.Summary,
        };
        var manual = new List<ManualCheckRow>();
        foreach (var c in detail.Checks.Where(c => c.Source == ReviewCheckSource.Manual))
        {
            manual.Add(new ManualCheckRow(c.Id, c.What, c.Actual, c.Passed, $"{await names.OfAsync(c.CheckedBy, cancellationToken)}, {Date(clock.Local(c.CheckedAt))}"));
        }

        var today = Today;
        var actions = detail.Actions.Select(a => new ActionRow(
            a.Id, a.Action, a.Owner, a.DueOn is { } d ? "by " + Date(d) : "no date agreed",
            a.DoneAt is { } done ? "Done on " + Date(clock.Local(done)) : null,
            a.DoneAt is null && a.DueOn is { } due && due < today)).ToList();
        return new ReviewPageView(
            review.Id, "Annual review of " + Date(review.HeldOn), status, completed, !completed && MayEdit(actor), MayEdit(actor), MayMarkChange(actor), form,
            await GridAsync(detail.Checks.Where(c => c.Source == ReviewCheckSource.BuiltIn).ToList(), names, cancellationToken),
            manual, actions, [.. review.Participants.Select(p => $"{p.Name} ({ReviewRoleWords.Of(p.Role)})")]);
    }

    /// <summary>Saves the date, participants and summary of a draft.</summary>
    public async Task<ReviewResult> SaveDetailsAsync(ConsoleUser? actor, long id, ReviewForm form, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(form);
        if (Refuse(actor, "changing a review") is { } refused)
        {
            return refused;
        }

        var fields = new Dictionary<string, string>();
        var heldOn = form.HeldOn is { } d ? DateOnly.FromDateTime(d) : (DateOnly?)null;
        if (heldOn is null)
        {
            fields[nameof(ReviewForm.HeldOn)] = "Choose the day the review was held.";
        }
        else if (heldOn > Today)
        {
            fields[nameof(ReviewForm.HeldOn)] = "The review's date cannot be in the future: record it on the day, or after.";
        }
        else if (heldOn < Today.AddYears(-5))
        {
            fields[nameof(ReviewForm.HeldOn)] = "That is more than five years ago: check the year.";
        }

        var people = new List<ReviewParticipant>();
        foreach (var (field, role, text) in new[]
        {
            (nameof(ReviewForm.SeniorLeader), ReviewRole.SeniorLeader, form.SeniorLeader),
            (nameof(ReviewForm.SafeguardingLead), ReviewRole.SafeguardingLead, form.SafeguardingLead),
            (nameof(ReviewForm.Technician), ReviewRole.Technician, form.Technician),
            (nameof(ReviewForm.Governor), ReviewRole.Governor, form.Governor),
        })
        {
            if (NameProblem(text) is { } problem)
            {
                fields[field] = problem;
            }
            else if (!string.IsNullOrWhiteSpace(text))
            {
                people.Add(new ReviewParticipant(role, text.Trim()));
            }
        }

        var others = (form.Others ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (others.Length > ReviewRepository.MaxParticipants - 4)
        {
            fields[nameof(ReviewForm.Others)] = $"At most {ReviewRepository.MaxParticipants - 4} other people.";
        }
        else if (others.Select(NameProblem).FirstOrDefault(p => p is not null) is { } otherProblem)
        {
            fields[nameof(ReviewForm.Others)] = otherProblem + " Separate names with commas.";
        }
        else
        {
            people.AddRange(others.Select(o => new ReviewParticipant(ReviewRole.Other, o)));
        }

        if (TextProblem(form.Summary, ReviewRepository.MaxSummaryLength, multiline: true) is { } summaryProblem)
        {
            fields[nameof(ReviewForm.Summary)] = summaryProblem;
        }

        if (fields.Count > 0)
        {
            return ReviewResult.Refused("Not saved: see the fields marked.", fields);
        }

        var outcome = await store.Reviews.UpdateAsync(id, heldOn!.Value, people, form.Summary, cancellationToken);
        return Said(outcome, actor!, id, "details", "Saved.");
    }

    /// <summary>Records a check a person made.</summary>
    public async Task<ReviewResult> AddCheckAsync(ConsoleUser? actor, long id, ManualCheckForm form, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(form);
        if (Refuse(actor, "recording a check") is { } refused)
        {
            return refused;
        }

        var fields = new Dictionary<string, string>();
        if (string.IsNullOrWhiteSpace(form.What))
        {
            fields[nameof(ManualCheckForm.What)] = "Say what was checked, like “Staff know how to report a concern”.";
        }
        else if (TextProblem(form.What, ReviewRepository.MaxCheckTextLength) is { } whatProblem)
        {
            fields[nameof(ManualCheckForm.What)] = whatProblem;
        }

        if (TextProblem(form.Result, ReviewRepository.MaxCheckTextLength) is { } resultProblem)
        {
            fields[nameof(ManualCheckForm.Result)] = resultProblem;
        }

        if (fields.Count > 0)
        {
            return ReviewResult.Refused("Not recorded: see the fields marked.", fields);
        }

        var outcome = await store.Reviews.AddChecksAsync(id, ReviewCheckSource.Manual, [new NewReviewCheck(form.What!, form.Passed, Actual: form.Result)], actor!.Id, cancellationToken);
        return Said(outcome, actor, id, "a check", "Check recorded.");
    }

    public async Task<ReviewResult> RemoveCheckAsync(ConsoleUser? actor, long id, long checkId, CancellationToken cancellationToken)
        => Refuse(actor, "removing a check") ?? Said(await store.Reviews.RemoveCheckAsync(id, checkId, cancellationToken), actor!, id, "removed a check", "Check removed.");

    /// <summary>Adds an agreed action.</summary>
    public async Task<ReviewResult> AddActionAsync(ConsoleUser? actor, long id, ActionForm form, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(form);
        if (Refuse(actor, "adding an action") is { } refused)
        {
            return refused;
        }

        var fields = new Dictionary<string, string>();
        if (string.IsNullOrWhiteSpace(form.Action))
        {
            fields[nameof(ActionForm.Action)] = "Say what is to be done.";
        }
        else if (TextProblem(form.Action, ReviewRepository.MaxActionLength) is { } actionProblem)
        {
            fields[nameof(ActionForm.Action)] = actionProblem;
        }

        if (string.IsNullOrWhiteSpace(form.Owner))
        {
            fields[nameof(ActionForm.Owner)] = "Name who will do it: every action needs an owner.";
        }
        else if (NameProblem(form.Owner) is { } ownerProblem)
        {
            fields[nameof(ActionForm.Owner)] = ownerProblem;
        }

        var due = form.DueOn is { } d ? DateOnly.FromDateTime(d) : (DateOnly?)null;
        if (due is { } day && (day < Today.AddYears(-5) || day > Today.AddYears(5)))
        {
            fields[nameof(ActionForm.DueOn)] = "Choose a date within five years of today.";
        }

        if (fields.Count > 0)
        {
            return ReviewResult.Refused("Not added: see the fields marked.", fields);
        }

        var outcome = await store.Reviews.AddActionAsync(id, form.Action!, form.Owner!, due, cancellationToken);
        return Said(outcome, actor!, id, "an action", "Action added.");
    }

    public async Task<ReviewResult> RemoveActionAsync(ConsoleUser? actor, long id, long actionId, CancellationToken cancellationToken)
        => Refuse(actor, "removing an action") ?? Said(await store.Reviews.RemoveActionAsync(id, actionId, cancellationToken), actor!, id, "removed an action", "Action removed.");

    /// <summary>Marks an action done or not done (also after the review is completed: that is the follow-up).</summary>
    public async Task<ReviewResult> SetActionDoneAsync(ConsoleUser? actor, long id, long actionId, bool done, CancellationToken cancellationToken)
        => Refuse(actor, "marking an action") ?? (await store.Reviews.SetActionDoneAsync(id, actionId, done, cancellationToken) == ReviewOutcome.Saved
            ? ReviewResult.Done(done ? "Action marked done." : "Action marked not done.")
            : ReviewResult.Refused("That action is not part of this review."));

    /// <summary>Runs the built-in check through the live DNS filter and stores its results with the review (replacing an earlier run's).</summary>
    public async Task<ReviewResult> RunFilterCheckAsync(ConsoleUser? actor, long id, CancellationToken cancellationToken)
    {
        if (Refuse(actor, "running the filter check") is { } refused)
        {
            return refused;
        }

        if (await store.Reviews.GetAsync(id, cancellationToken) is not { } detail)
        {
            return ReviewResult.Refused("That review does not exist.");
        }

        if (detail.Review.Status == ReviewStatus.Completed)
        {
            return ReviewResult.Refused("This review is completed: it cannot be changed.");
        }

        var run = await filterCheck.RunAsync(cancellationToken);
        if (run.Unreachable is not null)
        {
            return ReviewResult.Refused("The filter check could not be run, and nothing was recorded. " + run.Unreachable);
        }

        var outcome = await store.Reviews.ReplaceBuiltInChecksAsync(id, run.Checks, actor!.Id, cancellationToken);
        if (outcome != ReviewOutcome.Saved)
        {
            return Said(outcome, actor, id, "the filter check", "");
        }

        var failed = run.Checks.Count(c => !c.Passed);
        ReviewLog.FilterCheckRun(logger, actor.UserName, Sql(detail.Review.HeldOn), run.Checks.Count - failed, failed);
        return ReviewResult.Done(failed == 0
            ? $"Filter check done: all {run.Checks.Count} checks passed."
            : $"Filter check done: {failed} of {run.Checks.Count} checks failed. Each failure is listed under the grid; agree an action for it.");
    }

    /// <summary>Completes the review, refusing with reasons next to the fields until the date, every required participant and the filter check are there.</summary>
    public async Task<ReviewResult> CompleteAsync(ConsoleUser? actor, long id, CancellationToken cancellationToken)
    {
        if (Refuse(actor, "completing a review") is { } refused)
        {
            return refused;
        }

        if (await store.Reviews.GetAsync(id, cancellationToken) is not { } detail)
        {
            return ReviewResult.Refused("That review does not exist.");
        }

        var fields = new Dictionary<string, string>();
        foreach (var role in RequiredRoles)
        {
            if (!detail.Review.Participants.Any(p => p.Role == role))
            {
                fields[role.ToString()] = $"Name the {ReviewRoleWords.Of(role)} who took part (and save) before completing: the DfE standard asks for them.";
            }
        }

        if (detail.Review.HeldOn > Today)
        {
            fields[nameof(ReviewForm.HeldOn)] = "The review's date is in the future.";
        }

        if (!detail.Checks.Any(c => c.Source == ReviewCheckSource.BuiltIn))
        {
            fields["FilterCheck"] = "Run the filter check first: its results are part of the record.";
        }

        if (fields.Count > 0)
        {
            return ReviewResult.Refused("The review cannot be completed yet: see the reasons marked.", fields);
        }

        var outcome = await store.Reviews.CompleteAsync(id, actor!.Id, cancellationToken);
        if (outcome == ReviewOutcome.Saved)
        {
            ReviewLog.Completed(logger, actor.UserName, Sql(detail.Review.HeldOn));
        }

        return Said(outcome, actor, id, "completed", $"Review completed. The next one is due by {Date(detail.Review.HeldOn.AddYears(1))}, or sooner after a significant change.");
    }

    /// <summary>Deletes a draft started by mistake (with its checks and actions); a completed review is never deleted.</summary>
    public async Task<ReviewResult> DeleteDraftAsync(ConsoleUser? actor, long id, CancellationToken cancellationToken)
        => Refuse(actor, "deleting a draft") ?? Said(await store.Reviews.DeleteDraftAsync(id, cancellationToken), actor!, id, "deleted the draft", "Draft deleted.");

    /// <summary>Marks a significant change (technician, administrator): the next review is due at once.</summary>
    public Task<ReviewResult> MarkSignificantChangeAsync(ConsoleUser? actor, string? reason, CancellationToken cancellationToken)
        => MarkSignificantChangeAsync(actor, reason, null, cancellationToken);

    /// <summary>As above, referring to the change-control log entry (its number, as the log shows it) that made the change, if any.</summary>
    public async Task<ReviewResult> MarkSignificantChangeAsync(ConsoleUser? actor, string? reason, long? logEntry, CancellationToken cancellationToken)
    {
        if (!MayMarkChange(actor))
        {
            ReviewLog.Refused(logger, actor?.UserName ?? "(signed out)", "marking a significant change", "not a technician or administrator");
            return ReviewResult.Refused("Only a technician or an administrator may mark a significant change.");
        }

        var problem = string.IsNullOrWhiteSpace(reason)
            ? "Say what changed, like “new filtering provider” or “new network”."
            : TextProblem(reason, ReviewRepository.MaxReasonLength);
        if (problem is not null)
        {
            return ReviewResult.Refused("Not marked: see the reason.", new Dictionary<string, string> { ["Reason"] = problem });
        }

        if (logEntry is { } entry && (entry <= 0 || await store.ChangeControl.GetEntryAsync(entry, cancellationToken) is null))
        {
            return ReviewResult.Refused("Not marked: see the log entry.", new Dictionary<string, string>
            {
                ["LogEntry"] = $"There is no entry {entry.ToString(English)} in the change-control log: leave it empty, or type the number the log shows.",
            });
        }

        await store.Reviews.MarkSignificantChangeAsync(actor!.Id, reason!, logEntry, cancellationToken);
        ReviewLog.SignificantChange(logger, actor.UserName);
        return ReviewResult.Done("Significant change marked: the next annual review is due now.");
    }

    private async Task<ReviewDueView> DueViewAsync(CancellationToken cancellationToken)
    {
        var due = await store.Reviews.NextDueAsync(cancellationToken);
        var today = Today;
        switch (due.Reason)
        {
            case ReviewDueReason.NeverReviewed:
                return new ReviewDueView("The annual review is due now", "No review of filtering and monitoring has been recorded yet.", true, 0, "Annual review due now: none recorded yet");
            case ReviewDueReason.SignificantChange:
                var t = due.Trigger!;
                var on = DateOnly.FromDateTime(clock.Local(t.At).Date);
                var by = (await store.Users.GetAsync(t.UserId, cancellationToken))?.DisplayName ?? "a former user";
                var more = due.TriggersSince > 1 ? $" ({due.TriggersSince - 1} more since)" : "";
                var change = $"a significant change marked on {Date(on)} by {by}: {t.Reason}{LogEntry(t)}{more}.";
                if (due.YearlyDueOn is { } yearlyOn && yearlyOn < on)
                {
                    // The year was up before the change was marked: overdue since the yearly date, not since the change.
                    var late = yearlyOn < today ? $": overdue since {Date(yearlyOn)}" : "";
                    return new ReviewDueView($"The annual review is due now{late}", $"A year after the review of {Date(due.LastCompleted!.HeldOn)}, and since then {change}",
                        true, Math.Min(0, yearlyOn.DayNumber - today.DayNumber),
                        yearlyOn < today ? $"Annual review overdue since {Date(yearlyOn)}" : "Annual review due now");
                }

                var since = on < today ? $": overdue since {Date(on)}" : "";
                return new ReviewDueView($"The annual review is due now{since}", $"After {change}", true, 0,
                    on < today ? $"Annual review overdue since {Date(on)} (significant change)" : "Annual review due now (significant change)");
            default:
                var dueOn = due.YearlyDueOn!.Value;
                var days = dueOn.DayNumber - today.DayNumber;
                var why = $"A year after the review of {Date(due.LastCompleted!.HeldOn)}.";
                return days switch
                {
                    > 1 => new ReviewDueView($"The next annual review is due in {days} days, on {Date(dueOn)}", why, false, days, $"Annual review due in {days} days"),
                    1 => new ReviewDueView($"The next annual review is due tomorrow, {Date(dueOn)}", why, false, 1, "Annual review due tomorrow"),
                    0 => new ReviewDueView($"The annual review is due today, {Date(dueOn)}", why, true, 0, "Annual review due today"),
                    _ => new ReviewDueView($"The annual review is overdue since {Date(dueOn)}", why, true, days, $"Annual review overdue since {Date(dueOn)}"),
                };
        }
    }

    private async Task<CheckGrid?> GridAsync(List<ReviewCheck> checks, Names names, CancellationToken cancellationToken)
    {
        if (checks.Count == 0)
        {
            return null;
        }

        var columns = checks.Select(c => c.What).Distinct().ToList();
        var groups = checks.Where(c => c.GroupName is not null).Select(c => c.GroupName!).Distinct().ToList();
        var rows = new List<CheckGridRow>();
        foreach (var group in groups)
        {
            var cells = new List<CheckCell?>();
            foreach (var column in columns)
            {
                // A row with no group (a category with no list loaded) fails that column for every group.
                var these = checks.Where(c => c.What == column && (c.GroupName == group || c.GroupName is null)).ToList();
                cells.Add(these.Count == 0 ? null : Cell(these));
            }

            rows.Add(new CheckGridRow(group, cells));
        }

        if (groups.Count == 0)
        {
            rows.Add(new CheckGridRow("Every group", [.. columns.Select(column => (CheckCell?)Cell([.. checks.Where(c => c.What == column)]))]));
        }

        var first = checks[0];
        var failures = checks.Where(c => !c.Passed).Select(c => c.GroupName is null ? c.Actual ?? c.What
            : c.Domain is null ? $"{c.GroupName}: {Heading(c.What)}: {Lower(c.Actual)}."
            : $"{c.GroupName}: ‘{c.Domain}’ should be {Lower(c.Expected)}; {Lower(c.Actual)}.").Distinct().ToList();
        var at = clock.Local(first.CheckedAt);
        // Counted as the grid shows them (one list missing fails a cell in every group's row), so the sentence above the
        // grid agrees with the red cells a reader counts.
        var cellsShown = rows.SelectMany(r => r.Cells).OfType<CheckCell>().ToList();
        return new CheckGrid(columns, rows, cellsShown.Count(c => c.Passed), cellsShown.Count(c => !c.Passed),
            $"Run at {at.ToString("HH:mm", English)} on {at.ToString("dddd d MMMM yyyy", English)} by {await names.OfAsync(first.CheckedBy, cancellationToken)}, through the running DNS filter.",
            failures);
    }

    private static CheckCell Cell(List<ReviewCheck> checks)
    {
        var details = checks.Select(c => c.Domain is null ? c.Actual ?? "" : $"{c.Domain}: {c.Actual}").ToList();
        var failed = checks.Where(c => !c.Passed).ToList();
        if (failed.Count == 0)
        {
            var info = checks.Any(c => c.Actual?.StartsWith("Information:", StringComparison.Ordinal) == true);
            var names = checks.Count(c => c.Domain is not null);
            return new CheckCell(true, info ? "Passed (see the note)" : names == 0 ? "Passed" : $"Passed: {names} of {names}", details);
        }

        var noList = failed.FirstOrDefault(c => c.GroupName is null);
        return new CheckCell(false, noList is not null ? "Failed: " + Short(noList.Actual) : $"Failed: {failed.Count} of {checks.Count}", details);
    }

    /// <summary>A group-less failure in two or three words for a grid cell (the whole sentence is in "What failed").</summary>
    private static string Short(string? text) => text switch
    {
        not null when text.StartsWith("Not configured", StringComparison.Ordinal) => "not configured",
        not null when text.StartsWith("No list", StringComparison.Ordinal) => "no list loaded",
        not null when text.StartsWith("No sample", StringComparison.Ordinal) => "no sample taken",
        _ => "see below",
    };

    /// <summary>A column's heading: what was checked without its verb ("Self-harm and suicide"), the verb being the grid's caption.</summary>
    public static string Heading(string what)
    {
        foreach (var verb in (string[])[" is blocked", " are refused", " is enforced"])
        {
            if (what.EndsWith(verb, StringComparison.Ordinal))
            {
                return what[..^verb.Length];
            }
        }

        return what;
    }

    private static string Lower(string? text) => string.IsNullOrEmpty(text) ? "" : char.ToLowerInvariant(text[0]) + text[1..];

    private ReviewResult? Refuse(ConsoleUser? actor, string action)
    {
        if (MayEdit(actor))
        {
            return null;
        }

        ReviewLog.Refused(logger, actor?.UserName ?? "(signed out)", action, MayRead(actor) ? "read-only (governor)" : "no access");
        return ReviewResult.Refused(MayRead(actor)
            ? "You may read the annual review but not change it: the safeguarding lead or a technician records it."
            : "You do not have access to the annual review.");
    }

    private ReviewResult Said(ReviewOutcome outcome, ConsoleUser actor, long id, string what, string done)
    {
        switch (outcome)
        {
            case ReviewOutcome.Saved:
                ReviewLog.Changed(logger, actor.UserName, id.ToString(English), what);
                return ReviewResult.Done(done);
            case ReviewOutcome.ReadOnly:
                return ReviewResult.Refused("This review is completed: it cannot be changed.");
            default:
                return ReviewResult.Refused("That review (or that part of it) no longer exists: reload the page.");
        }
    }

    private static string? NameOf(StoredReview review, ReviewRole role) => review.Participants.FirstOrDefault(p => p.Role == role)?.Name;

    private static string People(IReadOnlyList<ReviewParticipant> participants)
        => participants.Count == 0 ? "Nobody recorded yet" : string.Join(", ", participants.Select(p => $"{p.Name} ({ReviewRoleWords.Of(p.Role)})"));

    /// <summary>Why a name cannot be saved, or null (empty is fine here: required roles are checked on completing).</summary>
    public static string? NameProblem(string? text) => TextProblem(text, ReviewRepository.MaxNameLength);

    public static string? TextProblem(string? text, int max, bool multiline = false)
    {
        var clean = text?.Trim() ?? "";
        if (clean.Length > max)
        {
            return $"At most {max} characters ({clean.Length} typed).";
        }

        return clean.Any(c => char.IsControl(c) && !(multiline && c is '\n' or '\r' or '\t'))
            ? multiline ? "Remove the unusual invisible characters (pasted from another program?)." : "Keep it to one line, without unusual invisible characters."
            : null;
    }

    private static string LogEntry(ReviewTrigger trigger)
        => trigger.ChangeId is { } entry ? $" (change-control log entry {entry.ToString(English)})" : "";

    public static string Date(DateOnly day) => day.ToString("d MMMM yyyy", English);

    public static string Date(DateTimeOffset local) => local.ToString("d MMMM yyyy", English);

    private static string Sql(DateOnly day) => day.ToString("yyyy-MM-dd", English);

    /// <summary>Display names of users, each read once.</summary>
    private sealed class Names(StateStore store)
    {
        private readonly Dictionary<long, string> known = [];

        public async Task<string> OfAsync(long? id, CancellationToken cancellationToken)
        {
            if (id is not { } value)
            {
                return "the appliance";
            }

            if (!known.TryGetValue(value, out var name))
            {
                known[value] = name = (await store.Users.GetAsync(value, cancellationToken))?.DisplayName ?? "a former user";
            }

            return name;
        }
    }
}

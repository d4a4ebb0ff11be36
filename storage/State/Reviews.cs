using System.Text.Json;
using System.Text.Json.Serialization;
using ClassroomGuard.Storage.State.Internal;
using Microsoft.Data.Sqlite;

namespace ClassroomGuard.Storage.State;

/// <summary>Where a review is: being written, or completed (then read-only).</summary>
public enum ReviewStatus
{
    /// <summary>Being written: every part may change.</summary>
    Draft,

    /// <summary>Completed: read-only, the record the school keeps.</summary>
    Completed,
}

/// <summary>The part a person played in a review (the DfE standard names who should take part).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ReviewRole>))]
public enum ReviewRole
{
    /// <summary>The senior leader responsible for filtering and monitoring.</summary>
    SeniorLeader,

    /// <summary>The designated safeguarding lead.</summary>
    SafeguardingLead,

    /// <summary>The technician or IT service provider.</summary>
    Technician,

    /// <summary>The governor responsible for filtering and monitoring.</summary>
    Governor,

    /// <summary>Anyone else who took part.</summary>
    Other,
}

/// <summary>Who made a check: the console's built-in check through the live DNS filter, or a person.</summary>
public enum ReviewCheckSource
{
    /// <summary>The built-in check asked the running DNS filter.</summary>
    BuiltIn,

    /// <summary>Recorded by a person taking part.</summary>
    Manual,
}

/// <summary>One person who took part.</summary>
/// <param name="Role">The part they played.</param>
/// <param name="Name">Their name, as the school writes it.</param>
public sealed record ReviewParticipant(ReviewRole Role, string Name);

/// <summary>An annual review of filtering and monitoring.</summary>
/// <param name="Id">Database id (never shown).</param>
/// <param name="HeldOn">The day it was held (the school's date).</param>
/// <param name="Participants">Who took part.</param>
/// <param name="Summary">What the review found, in the school's words.</param>
/// <param name="Status">Draft or completed.</param>
/// <param name="CreatedBy">Who started it.</param>
/// <param name="CreatedAt">When it was started.</param>
/// <param name="CompletedBy">Who completed it.</param>
/// <param name="CompletedAt">When it was completed.</param>
public sealed record Review(
    long Id, DateOnly HeldOn, IReadOnlyList<ReviewParticipant> Participants, string? Summary, ReviewStatus Status,
    long CreatedBy, DateTimeOffset CreatedAt, long? CompletedBy, DateTimeOffset? CompletedAt);

/// <summary>A check made during a review.</summary>
/// <param name="Id">Database id.</param>
/// <param name="ReviewId">The review.</param>
/// <param name="Source">Built-in or manual.</param>
/// <param name="What">What was checked ("Self-harm and suicide is blocked").</param>
/// <param name="GroupName">The group it was checked for (built-in checks), by name.</param>
/// <param name="Domain">The name asked about (built-in checks).</param>
/// <param name="Expected">What should happen, in words.</param>
/// <param name="Actual">What happened, in words.</param>
/// <param name="Passed">Whether the result was as expected.</param>
/// <param name="CheckedBy">Who ran or recorded it.</param>
/// <param name="CheckedAt">When.</param>
public sealed record ReviewCheck(
    long Id, long ReviewId, ReviewCheckSource Source, string What, string? GroupName, string? Domain, string? Expected, string? Actual,
    bool Passed, long? CheckedBy, DateTimeOffset CheckedAt);

/// <summary>A check to record.</summary>
/// <param name="What">What was checked.</param>
/// <param name="Passed">Whether the result was as expected.</param>
/// <param name="GroupName">The group, by name.</param>
/// <param name="Domain">The name asked about.</param>
/// <param name="Expected">What should happen.</param>
/// <param name="Actual">What happened.</param>
public sealed record NewReviewCheck(string What, bool Passed, string? GroupName = null, string? Domain = null, string? Expected = null, string? Actual = null);

/// <summary>An action the review agreed.</summary>
/// <param name="Id">Database id.</param>
/// <param name="ReviewId">The review.</param>
/// <param name="Action">What is to be done.</param>
/// <param name="Owner">Who will do it.</param>
/// <param name="DueOn">By when, if agreed.</param>
/// <param name="DoneAt">When it was marked done.</param>
public sealed record ReviewAction(long Id, long ReviewId, string Action, string Owner, DateOnly? DueOn, DateTimeOffset? DoneAt);

/// <summary>A change a technician marked as significant: the next review is due from then.</summary>
/// <param name="Id">Database id.</param>
/// <param name="At">When it was marked.</param>
/// <param name="UserId">Who marked it.</param>
/// <param name="Reason">Why it is significant ("new filtering provider").</param>
/// <param name="ChangeId">The change-control log entry (its sequence number, as the log shows it) that made the change, if any.</param>
public sealed record ReviewTrigger(long Id, DateTimeOffset At, long UserId, string Reason, long? ChangeId);

/// <summary>A review with its checks (oldest first) and actions.</summary>
/// <param name="Review">The review.</param>
/// <param name="Checks">Its checks.</param>
/// <param name="Actions">Its actions.</param>
public sealed record ReviewDetail(Review Review, IReadOnlyList<ReviewCheck> Checks, IReadOnlyList<ReviewAction> Actions);

/// <summary>The result of changing a review.</summary>
public enum ReviewOutcome
{
    /// <summary>Saved.</summary>
    Saved,

    /// <summary>No such review (or action).</summary>
    NotFound,

    /// <summary>The review is completed: it is read-only.</summary>
    ReadOnly,
}

/// <summary>Why the next review is due when it is.</summary>
public enum ReviewDueReason
{
    /// <summary>No review has been completed: one is due now.</summary>
    NeverReviewed,

    /// <summary>A year after the last completed review.</summary>
    Yearly,

    /// <summary>A significant change was marked after the last completed review: due at once.</summary>
    SignificantChange,
}

/// <summary>When the next review is due.</summary>
/// <param name="Reason">Why.</param>
/// <param name="YearlyDueOn">A year after the last completed review's date (null when never reviewed).</param>
/// <param name="LastCompleted">The last completed review.</param>
/// <param name="Trigger">For <see cref="ReviewDueReason.SignificantChange"/>: the first significant change marked since the last completed review.</param>
/// <param name="TriggersSince">How many significant changes were marked since the last completed review.</param>
public sealed record ReviewDue(ReviewDueReason Reason, DateOnly? YearlyDueOn, Review? LastCompleted, ReviewTrigger? Trigger, int TriggersSince);

/// <summary>
/// The annual review of filtering and monitoring (tables <c>reviews</c>, <c>review_checks</c>, <c>review_actions</c>,
/// <c>review_triggers</c>): a draft is written, checked and completed; a completed review is read-only. Reviews are
/// kept for the life of the appliance (never pruned): they are the school's evidence to inspectors and governors.
/// Text is stored as typed (trimmed), within the limits below; control characters are refused.
/// </summary>
public sealed class ReviewRepository
{
    /// <summary>Longest summary.</summary>
    public const int MaxSummaryLength = 4000;

    /// <summary>Longest check description, expected or actual text.</summary>
    public const int MaxCheckTextLength = 500;

    /// <summary>Longest action.</summary>
    public const int MaxActionLength = 500;

    /// <summary>Longest name (participant, action owner).</summary>
    public const int MaxNameLength = 100;

    /// <summary>Longest reason for a significant change.</summary>
    public const int MaxReasonLength = 500;

    /// <summary>Most participants in one review.</summary>
    public const int MaxParticipants = 20;

    /// <summary>Most checks in one review (the built-in check records one per group, category and name).</summary>
    public const int MaxChecks = 2000;

    private const string ReviewColumns = "id, held_on, participants, summary, status, created_by, created_at, completed_by, completed_at";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly StateDb db;

    internal ReviewRepository(StateDb db) => this.db = db;

    /// <summary>Starts a draft review held on <paramref name="heldOn"/>.</summary>
    public Task<Review> CreateDraftAsync(DateOnly heldOn, long userId, CancellationToken cancellationToken)
        => db.WriteAsync(tx =>
        {
            var id = tx.Long(
                "INSERT INTO reviews (held_on, status, created_by, created_at) VALUES ($d, 'draft', $u, $now) RETURNING id",
                ("$d", Sql.Day(heldOn)), ("$u", userId), ("$now", tx.Now))!.Value;
            return LoadReviews(tx, "id = $id", ("$id", id))[0];
        }, cancellationToken);

    /// <summary>Sets a draft's date, participants and summary.</summary>
    /// <exception cref="ArgumentException">Too many participants, an empty or over-long name, an over-long summary, or control characters.</exception>
    public Task<ReviewOutcome> UpdateAsync(long id, DateOnly heldOn, IReadOnlyList<ReviewParticipant> participants, string? summary, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(participants);
        if (participants.Count > MaxParticipants)
        {
            throw new ArgumentException($"A review has at most {MaxParticipants} participants.", nameof(participants));
        }

        var people = participants.Select(p => new ReviewParticipant(
            Enum.IsDefined(p.Role) ? p.Role : throw new ArgumentException("Unknown role.", nameof(participants)),
            Required(p.Name, MaxNameLength, nameof(participants)))).ToList();
        var text = Optional(summary, MaxSummaryLength, nameof(summary), multiline: true);
        var json = JsonSerializer.Serialize(people, Json);
        return db.WriteAsync(tx => IfDraft(tx, id, () => tx.Execute(
            "UPDATE reviews SET held_on = $d, participants = $p, summary = $s WHERE id = $id",
            ("$d", Sql.Day(heldOn)), ("$p", json), ("$s", text), ("$id", id))), cancellationToken);
    }

    /// <summary>Records checks made by a person (<see cref="ReviewCheckSource.Manual"/>) or by the built-in check.</summary>
    /// <exception cref="ArgumentException">An empty or over-long text, control characters, or more than <see cref="MaxChecks"/> in the review.</exception>
    public Task<ReviewOutcome> AddChecksAsync(long id, ReviewCheckSource source, IReadOnlyList<NewReviewCheck> checks, long userId, CancellationToken cancellationToken)
    {
        var clean = Clean(checks);
        return db.WriteAsync(tx => IfDraft(tx, id, () => InsertChecks(tx, id, source, clean, userId)), cancellationToken);
    }

    /// <summary>Replaces the built-in check's results in one transaction (a re-run supersedes the previous run's rows).</summary>
    /// <exception cref="ArgumentException">As for <see cref="AddChecksAsync"/>.</exception>
    public Task<ReviewOutcome> ReplaceBuiltInChecksAsync(long id, IReadOnlyList<NewReviewCheck> checks, long userId, CancellationToken cancellationToken)
    {
        var clean = Clean(checks);
        return db.WriteAsync(tx => IfDraft(tx, id, () =>
        {
            tx.Execute("DELETE FROM review_checks WHERE review_id = $id AND source = 'built_in'", ("$id", id));
            return InsertChecks(tx, id, ReviewCheckSource.BuiltIn, clean, userId);
        }), cancellationToken);
    }

    private static List<NewReviewCheck> Clean(IReadOnlyList<NewReviewCheck> checks)
    {
        ArgumentNullException.ThrowIfNull(checks);
        return [.. checks.Select(c => c with
        {
            What = Required(c.What, MaxCheckTextLength, nameof(checks)),
            GroupName = Optional(c.GroupName, MaxNameLength, nameof(checks)),
            Domain = Optional(c.Domain, 253, nameof(checks)),
            Expected = Optional(c.Expected, MaxCheckTextLength, nameof(checks)),
            Actual = Optional(c.Actual, MaxCheckTextLength, nameof(checks)),
        })];
    }

    private static int InsertChecks(Tx tx, long id, ReviewCheckSource source, List<NewReviewCheck> clean, long userId)
    {
        if ((tx.Long("SELECT count(*) FROM review_checks WHERE review_id = $id", ("$id", id)) ?? 0) + clean.Count > MaxChecks)
        {
            throw new ArgumentException($"A review holds at most {MaxChecks} checks.", nameof(clean));
        }

        var sourceText = source == ReviewCheckSource.BuiltIn ? "built_in" : "manual";
        foreach (var c in clean)
        {
            tx.Execute(
                """
                INSERT INTO review_checks (review_id, source, what, group_name, domain, expected, actual, passed, checked_by, checked_at)
                VALUES ($r, $s, $w, $g, $d, $e, $a, $p, $u, $now)
                """,
                ("$r", id), ("$s", sourceText), ("$w", c.What), ("$g", c.GroupName), ("$d", c.Domain), ("$e", c.Expected), ("$a", c.Actual),
                ("$p", c.Passed ? 1 : 0), ("$u", userId), ("$now", tx.Now));
        }

        return 1; // saved (an empty list of checks is a run that found nothing to check)
    }

    /// <summary>Removes a manual check from a draft.</summary>
    public Task<ReviewOutcome> RemoveCheckAsync(long id, long checkId, CancellationToken cancellationToken)
        => db.WriteAsync(tx => IfDraft(tx, id, () => tx.Execute("DELETE FROM review_checks WHERE id = $c AND review_id = $id AND source = 'manual'", ("$c", checkId), ("$id", id))), cancellationToken);

    /// <summary>Adds an agreed action.</summary>
    /// <exception cref="ArgumentException">An empty or over-long action or owner, or control characters.</exception>
    public Task<ReviewOutcome> AddActionAsync(long id, string action, string owner, DateOnly? dueOn, CancellationToken cancellationToken)
    {
        var what = Required(action, MaxActionLength, nameof(action));
        var who = Required(owner, MaxNameLength, nameof(owner));
        return db.WriteAsync(tx => IfDraft(tx, id, () => tx.Execute(
            "INSERT INTO review_actions (review_id, action, owner, due_on) VALUES ($id, $a, $o, $d)",
            ("$id", id), ("$a", what), ("$o", who), ("$d", dueOn is { } d ? Sql.Day(d) : null))), cancellationToken);
    }

    /// <summary>Marks an action done (or not done). Actions may be marked done after the review is completed: that is their follow-up.</summary>
    public Task<ReviewOutcome> SetActionDoneAsync(long id, long actionId, bool done, CancellationToken cancellationToken)
        => db.WriteAsync(
            tx => tx.Execute(
                "UPDATE review_actions SET done_at = CASE WHEN $done THEN coalesce(done_at, $now) ELSE NULL END WHERE id = $a AND review_id = $id",
                ("$done", done ? 1 : 0), ("$now", tx.Now), ("$a", actionId), ("$id", id)) == 1 ? ReviewOutcome.Saved : ReviewOutcome.NotFound,
            cancellationToken);

    /// <summary>Removes an action from a draft.</summary>
    public Task<ReviewOutcome> RemoveActionAsync(long id, long actionId, CancellationToken cancellationToken)
        => db.WriteAsync(tx => IfDraft(tx, id, () => tx.Execute("DELETE FROM review_actions WHERE id = $a AND review_id = $id", ("$a", actionId), ("$id", id))), cancellationToken);

    /// <summary>Completes a draft: from now on it is read-only (the caller checks it is complete enough first).</summary>
    public Task<ReviewOutcome> CompleteAsync(long id, long userId, CancellationToken cancellationToken)
        => db.WriteAsync(tx => IfDraft(tx, id, () => tx.Execute(
            "UPDATE reviews SET status = 'completed', completed_by = $u, completed_at = $now WHERE id = $id AND status = 'draft'",
            ("$u", userId), ("$now", tx.Now), ("$id", id))), cancellationToken);

    /// <summary>Deletes a draft that was started by mistake; a completed review is never deleted.</summary>
    public Task<ReviewOutcome> DeleteDraftAsync(long id, CancellationToken cancellationToken)
        => db.WriteAsync(tx => IfDraft(tx, id, () => tx.Execute("DELETE FROM reviews WHERE id = $id AND status = 'draft'", ("$id", id))), cancellationToken);

    /// <summary>The review with its checks and actions, or null.</summary>
    public Task<ReviewDetail?> GetAsync(long id, CancellationToken cancellationToken)
        => db.ReadAsync(tx =>
        {
            var review = LoadReviews(tx, "id = $id", ("$id", id)).FirstOrDefault();
            if (review is null)
            {
                return null;
            }

            var checks = tx.Query(
                "SELECT id, review_id, source, what, group_name, domain, expected, actual, passed, checked_by, checked_at FROM review_checks WHERE review_id = $id ORDER BY id",
                r => new ReviewCheck(
                    r.GetInt64(0), r.GetInt64(1), r.GetString(2) == "built_in" ? ReviewCheckSource.BuiltIn : ReviewCheckSource.Manual, r.GetString(3),
                    Sql.StringOrNull(r, 4), Sql.StringOrNull(r, 5), Sql.StringOrNull(r, 6), Sql.StringOrNull(r, 7), r.GetInt64(8) == 1, Sql.LongOrNull(r, 9), Sql.Time(r, 10)),
                ("$id", id));
            var actions = tx.Query(
                "SELECT id, review_id, action, owner, due_on, done_at FROM review_actions WHERE review_id = $id ORDER BY id",
                r => new ReviewAction(r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : Sql.Day(r.GetString(4)), Sql.TimeOrNull(r, 5)),
                ("$id", id));
            return new ReviewDetail(review, checks, actions);
        }, cancellationToken);

    /// <summary>Every review, newest first (a school holds one or two a year).</summary>
    public Task<IReadOnlyList<Review>> ListAsync(CancellationToken cancellationToken)
        => db.ReadAsync<IReadOnlyList<Review>>(tx => LoadReviews(tx, "1 = 1"), cancellationToken);

    /// <summary>Marks a significant change: the next review is due at once.</summary>
    /// <exception cref="ArgumentException">An empty or over-long reason, or control characters.</exception>
    public Task<ReviewTrigger> MarkSignificantChangeAsync(long userId, string reason, long? changeId, CancellationToken cancellationToken)
    {
        var why = Required(reason, MaxReasonLength, nameof(reason));
        return db.WriteAsync(tx =>
        {
            var id = tx.Long(
                "INSERT INTO review_triggers (at, user_id, reason, change_id) VALUES ($now, $u, $r, $c) RETURNING id",
                ("$now", tx.Now), ("$u", userId), ("$r", why), ("$c", changeId))!.Value;
            return new ReviewTrigger(id, Sql.Time(tx.Now), userId, why, changeId);
        }, cancellationToken);
    }

    /// <summary>Significant changes, newest first.</summary>
    public Task<IReadOnlyList<ReviewTrigger>> ListTriggersAsync(CancellationToken cancellationToken)
        => db.ReadAsync<IReadOnlyList<ReviewTrigger>>(tx => tx.Query("SELECT id, at, user_id, reason, change_id FROM review_triggers ORDER BY at DESC, id DESC", ReadTrigger), cancellationToken);

    /// <summary>
    /// When the next review is due: at once when none was ever completed; at once after a significant change marked
    /// after the last completed review was completed; otherwise a year after the last completed review's date.
    /// </summary>
    public Task<ReviewDue> NextDueAsync(CancellationToken cancellationToken)
        => db.ReadAsync(tx =>
        {
            var last = LoadReviews(tx, "status = 'completed'").FirstOrDefault();
            if (last is null)
            {
                return new ReviewDue(ReviewDueReason.NeverReviewed, null, null, null, 0);
            }

            // Changes marked after the latest completion (of any review: a review dated earlier but completed later saw them too).
            var completed = tx.Long("SELECT max(completed_at) FROM reviews WHERE status = 'completed'") ?? Sql.Ms(last.CompletedAt!.Value);
            var since = tx.Query(
                "SELECT id, at, user_id, reason, change_id FROM review_triggers WHERE at > $c ORDER BY at, id",
                ReadTrigger, ("$c", completed));
            var yearly = last.HeldOn.AddYears(1);
            return since.Count > 0
                ? new ReviewDue(ReviewDueReason.SignificantChange, yearly, last, since[0], since.Count)
                : new ReviewDue(ReviewDueReason.Yearly, yearly, last, null, 0);
        }, cancellationToken);

    private static ReviewOutcome IfDraft(Tx tx, long id, Func<int> change)
    {
        var status = tx.Scalar("SELECT status FROM reviews WHERE id = $id", ("$id", id)) as string;
        if (status is null)
        {
            return ReviewOutcome.NotFound;
        }

        if (status != "draft")
        {
            return ReviewOutcome.ReadOnly;
        }

        return change() > 0 ? ReviewOutcome.Saved : ReviewOutcome.NotFound;
    }

    /// <summary>The text trimmed; refused when empty, over-long or holding control characters.</summary>
    private static string Required(string? text, int max, string parameter)
        => Optional(text, max, parameter) ?? throw new ArgumentException("A value is required.", parameter);

    private static string? Optional(string? text, int max, string parameter, bool multiline = false)
    {
        var clean = text?.Trim();
        if (string.IsNullOrEmpty(clean))
        {
            return null;
        }

        if (clean.Length > max)
        {
            throw new ArgumentException($"At most {max} characters.", parameter);
        }

        foreach (var c in clean)
        {
            if (char.IsControl(c) && !(multiline && c is '\n' or '\r' or '\t'))
            {
                throw new ArgumentException("Control characters are not allowed.", parameter);
            }
        }

        return clean;
    }

    private static List<Review> LoadReviews(Tx tx, string where, params (string, object?)[] args)
        => tx.Query($"SELECT {ReviewColumns} FROM reviews WHERE {where} ORDER BY held_on DESC, coalesce(completed_at, created_at) DESC, id DESC", ReadReview, args);

    private static Review ReadReview(SqliteDataReader r) => new(
        r.GetInt64(0), Sql.Day(r.GetString(1)), ReadParticipants(r.GetString(2)), Sql.StringOrNull(r, 3),
        r.GetString(4) == "completed" ? ReviewStatus.Completed : ReviewStatus.Draft,
        r.GetInt64(5), Sql.Time(r, 6), Sql.LongOrNull(r, 7), Sql.TimeOrNull(r, 8));

    private static IReadOnlyList<ReviewParticipant> ReadParticipants(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<List<ReviewParticipant>>(json, Json) ?? [];
        }
        catch (JsonException)
        {
            return []; // written only by this class; a hand-edited database shows no participants rather than failing the page
        }
    }

    private static ReviewTrigger ReadTrigger(SqliteDataReader r) => new(r.GetInt64(0), Sql.Time(r, 1), r.GetInt64(2), r.GetString(3), Sql.LongOrNull(r, 4));
}

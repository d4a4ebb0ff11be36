using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Storage.Tests.State;

public sealed class ReviewRepositoryTests
{
    private static CancellationToken Token => StateTestContext.Token;

    private static readonly DateOnly March12 = new(2026, 3, 12);

    [Fact]
    public async Task Lifecycle_DraftFilledCheckedAndCompleted_IsKeptWithEverything()
    {
        using var context = new StateTestContext();
        var dsl = await context.UserAsync("dsl", Role.SafeguardingLead);
        var reviews = context.Store.Reviews;

        var draft = await reviews.CreateDraftAsync(March12, dsl.Id, Token);
        Assert.Equal(ReviewStatus.Draft, draft.Status);
        Assert.Equal(ReviewOutcome.Saved, await reviews.UpdateAsync(draft.Id, March12,
            [new(ReviewRole.SeniorLeader, " Ann Head "), new(ReviewRole.SafeguardingLead, "Dee Lead"), new(ReviewRole.Technician, "Sam Tech"), new(ReviewRole.Governor, "Gil Governor")],
            "All filters in place.\nOne action agreed.", Token));
        Assert.Equal(ReviewOutcome.Saved, await reviews.AddChecksAsync(draft.Id, ReviewCheckSource.Manual, [new("Staff know how to report", true, Actual: "Asked three staff")], dsl.Id, Token));
        Assert.Equal(ReviewOutcome.Saved, await reviews.ReplaceBuiltInChecksAsync(draft.Id,
            [new("Self-harm and suicide is blocked", true, "Pupils: Key Stage 3", "selfharm.test", "Blocked", "Blocked")], dsl.Id, Token));
        Assert.Equal(ReviewOutcome.Saved, await reviews.ReplaceBuiltInChecksAsync(draft.Id,
            [new("Self-harm and suicide is blocked", false, "Pupils: Key Stage 3", "selfharm.test", "Blocked", "Allowed"), new("SafeSearch", true)], dsl.Id, Token));
        Assert.Equal(ReviewOutcome.Saved, await reviews.AddActionAsync(draft.Id, "Load the adult list", "Sam Tech", new DateOnly(2026, 4, 1), Token));
        context.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(ReviewOutcome.Saved, await reviews.CompleteAsync(draft.Id, dsl.Id, Token));

        var detail = (await reviews.GetAsync(draft.Id, Token))!;
        Assert.Equal(ReviewStatus.Completed, detail.Review.Status);
        Assert.Equal(dsl.Id, detail.Review.CompletedBy);
        Assert.Equal(context.Clock.Now, detail.Review.CompletedAt);
        Assert.Equal("Ann Head", detail.Review.Participants[0].Name);
        Assert.Equal(ReviewRole.Governor, detail.Review.Participants[3].Role);
        Assert.Equal("All filters in place.\nOne action agreed.", detail.Review.Summary);
        Assert.Equal(3, detail.Checks.Count); // the re-run replaced the first run's row; the manual check stays
        Assert.Single(detail.Checks, c => c.Source == ReviewCheckSource.Manual);
        Assert.False(detail.Checks.Single(c => c.Domain == "selfharm.test").Passed);
        Assert.Equal("Allowed", detail.Checks.Single(c => c.Domain == "selfharm.test").Actual);
        Assert.Equal(new DateOnly(2026, 4, 1), Assert.Single(detail.Actions).DueOn);
        Assert.Single(await reviews.ListAsync(Token));
    }

    [Fact]
    public async Task CompletedReview_IsReadOnly_ExceptMarkingActionsDone()
    {
        using var context = new StateTestContext();
        var dsl = await context.UserAsync("dsl", Role.SafeguardingLead);
        var reviews = context.Store.Reviews;
        var review = await reviews.CreateDraftAsync(March12, dsl.Id, Token);
        await reviews.AddActionAsync(review.Id, "Train staff", "Dee Lead", null, Token);
        await reviews.AddChecksAsync(review.Id, ReviewCheckSource.Manual, [new("Reports reach the DSL", true)], dsl.Id, Token);
        await reviews.CompleteAsync(review.Id, dsl.Id, Token);
        var before = (await reviews.GetAsync(review.Id, Token))!;

        Assert.Equal(ReviewOutcome.ReadOnly, await reviews.UpdateAsync(review.Id, March12.AddDays(1), [], "changed", Token));
        Assert.Equal(ReviewOutcome.ReadOnly, await reviews.AddChecksAsync(review.Id, ReviewCheckSource.Manual, [new("More", true)], dsl.Id, Token));
        Assert.Equal(ReviewOutcome.ReadOnly, await reviews.ReplaceBuiltInChecksAsync(review.Id, [], dsl.Id, Token));
        Assert.Equal(ReviewOutcome.ReadOnly, await reviews.RemoveCheckAsync(review.Id, before.Checks[0].Id, Token));
        Assert.Equal(ReviewOutcome.ReadOnly, await reviews.AddActionAsync(review.Id, "More", "Me", null, Token));
        Assert.Equal(ReviewOutcome.ReadOnly, await reviews.RemoveActionAsync(review.Id, before.Actions[0].Id, Token));
        Assert.Equal(ReviewOutcome.ReadOnly, await reviews.CompleteAsync(review.Id, dsl.Id, Token));
        Assert.Equal(ReviewOutcome.ReadOnly, await reviews.DeleteDraftAsync(review.Id, Token));
        var after = (await reviews.GetAsync(review.Id, Token))!;
        Assert.Equal(before.Review, after.Review with { Participants = before.Review.Participants });
        Assert.Equal(before.Checks, after.Checks);
        Assert.Equal(before.Review.HeldOn, after.Review.HeldOn);

        Assert.Equal(ReviewOutcome.Saved, await reviews.SetActionDoneAsync(review.Id, before.Actions[0].Id, true, Token));
        Assert.Equal(context.Clock.Now, (await reviews.GetAsync(review.Id, Token))!.Actions[0].DoneAt);
    }

    [Fact]
    public async Task Changes_ToAReviewThatDoesNotExist_AreNotFound()
    {
        using var context = new StateTestContext();
        var dsl = await context.UserAsync("dsl", Role.SafeguardingLead);
        var reviews = context.Store.Reviews;
        var other = await reviews.CreateDraftAsync(March12, dsl.Id, Token);
        await reviews.AddActionAsync(other.Id, "Train staff", "Dee", null, Token);
        var action = (await reviews.GetAsync(other.Id, Token))!.Actions[0];

        Assert.Null(await reviews.GetAsync(999, Token));
        Assert.Equal(ReviewOutcome.NotFound, await reviews.UpdateAsync(999, March12, [], null, Token));
        Assert.Equal(ReviewOutcome.NotFound, await reviews.CompleteAsync(999, dsl.Id, Token));
        Assert.Equal(ReviewOutcome.NotFound, await reviews.SetActionDoneAsync(999, action.Id, true, Token)); // another review's action
        Assert.Equal(ReviewOutcome.NotFound, await reviews.RemoveActionAsync(999, action.Id, Token));
    }

    [Fact]
    public async Task NextDue_NeverReviewed_IsDueNow()
    {
        using var context = new StateTestContext();
        var dsl = await context.UserAsync("dsl", Role.SafeguardingLead);
        await context.Store.Reviews.CreateDraftAsync(March12, dsl.Id, Token); // a draft is not a review held

        var due = await context.Store.Reviews.NextDueAsync(Token);

        Assert.Equal(ReviewDueReason.NeverReviewed, due.Reason);
        Assert.Null(due.LastCompleted);
    }

    [Fact]
    public async Task NextDue_AfterACompletedReview_IsAYearAfterItsDate()
    {
        using var context = new StateTestContext();
        var dsl = await context.UserAsync("dsl", Role.SafeguardingLead);
        var older = await context.Store.Reviews.CreateDraftAsync(new DateOnly(2025, 3, 1), dsl.Id, Token);
        await context.Store.Reviews.CompleteAsync(older.Id, dsl.Id, Token);
        var last = await context.Store.Reviews.CreateDraftAsync(March12, dsl.Id, Token);
        await context.Store.Reviews.CompleteAsync(last.Id, dsl.Id, Token);
        await context.Store.Reviews.CreateDraftAsync(new DateOnly(2026, 12, 1), dsl.Id, Token); // a later draft changes nothing

        var due = await context.Store.Reviews.NextDueAsync(Token);

        Assert.Equal(ReviewDueReason.Yearly, due.Reason);
        Assert.Equal(new DateOnly(2027, 3, 12), due.YearlyDueOn);
        Assert.Equal(last.Id, due.LastCompleted!.Id);
    }

    [Fact]
    public async Task NextDue_LeapDayReview_IsDueOnTheLastDayOfFebruary()
    {
        using var context = new StateTestContext();
        var dsl = await context.UserAsync("dsl", Role.SafeguardingLead);
        var review = await context.Store.Reviews.CreateDraftAsync(new DateOnly(2028, 2, 29), dsl.Id, Token);
        await context.Store.Reviews.CompleteAsync(review.Id, dsl.Id, Token);

        Assert.Equal(new DateOnly(2029, 2, 28), (await context.Store.Reviews.NextDueAsync(Token)).YearlyDueOn);
    }

    [Fact]
    public async Task NextDue_SignificantChangeAfterTheLastReview_IsDueAtOnce_UntilTheNextReviewIsCompleted()
    {
        using var context = new StateTestContext();
        var dsl = await context.UserAsync("dsl", Role.SafeguardingLead);
        var tech = await context.UserAsync("tech", Role.Technician);
        var reviews = context.Store.Reviews;
        await reviews.MarkSignificantChangeAsync(tech.Id, "Before any review", null, Token);
        context.Clock.Advance(TimeSpan.FromDays(1));
        var first = await reviews.CreateDraftAsync(March12, dsl.Id, Token);
        await reviews.CompleteAsync(first.Id, dsl.Id, Token);
        Assert.Equal(ReviewDueReason.Yearly, (await reviews.NextDueAsync(Token)).Reason); // the earlier change was reviewed

        context.Clock.Advance(TimeSpan.FromDays(30));
        var marked = await reviews.MarkSignificantChangeAsync(tech.Id, " New filtering provider ", 42, Token);
        context.Clock.Advance(TimeSpan.FromDays(1));
        await reviews.MarkSignificantChangeAsync(tech.Id, "New firewall", null, Token);

        var due = await reviews.NextDueAsync(Token);
        Assert.Equal(ReviewDueReason.SignificantChange, due.Reason);
        Assert.Equal(marked, due.Trigger);
        Assert.Equal("New filtering provider", due.Trigger!.Reason);
        Assert.Equal(42, due.Trigger.ChangeId);
        Assert.Equal(2, due.TriggersSince);
        Assert.Equal(3, (await reviews.ListTriggersAsync(Token)).Count);

        context.Clock.Advance(TimeSpan.FromDays(1));
        var second = await reviews.CreateDraftAsync(new DateOnly(2026, 4, 20), dsl.Id, Token);
        await reviews.CompleteAsync(second.Id, dsl.Id, Token);
        var after = await reviews.NextDueAsync(Token);
        Assert.Equal(ReviewDueReason.Yearly, after.Reason);
        Assert.Equal(new DateOnly(2027, 4, 20), after.YearlyDueOn);
    }

    public static TheoryData<string> HostileText => new()
    {
        "Robert'); DROP TABLE reviews;--",
        "<script>alert('x')</script>",
        "\u202Eevil\u202C name",
        "名前 🙂",
    };

    [Theory]
    [MemberData(nameof(HostileText))]
    public async Task HostileText_IsStoredVerbatim(string text)
    {
        using var context = new StateTestContext();
        var dsl = await context.UserAsync("dsl", Role.SafeguardingLead);
        var reviews = context.Store.Reviews;
        var review = await reviews.CreateDraftAsync(March12, dsl.Id, Token);

        await reviews.UpdateAsync(review.Id, March12, [new(ReviewRole.Other, text)], text, Token);
        await reviews.AddChecksAsync(review.Id, ReviewCheckSource.Manual, [new(text, false, text, null, text, text)], dsl.Id, Token);
        await reviews.AddActionAsync(review.Id, text, text, null, Token);
        await reviews.MarkSignificantChangeAsync(dsl.Id, text, null, Token);

        var detail = (await reviews.GetAsync(review.Id, Token))!;
        Assert.Equal(text, detail.Review.Participants[0].Name);
        Assert.Equal(text, detail.Review.Summary);
        Assert.Equal(text, detail.Checks[0].What);
        Assert.Equal(text, detail.Actions[0].Owner);
        Assert.Equal(text, (await reviews.ListTriggersAsync(Token))[0].Reason);
        Assert.Single(await reviews.ListAsync(Token));
    }

    public static TheoryData<string> RefusedText => new()
    {
        "",
        "   ",
        "bell\u0007",
        "line\nbreak",
        "nul\0",
        new string('x', ReviewRepository.MaxNameLength + 1),
    };

    [Theory]
    [MemberData(nameof(RefusedText))]
    public async Task BadNames_AreRefused_AndNothingIsSaved(string text)
    {
        using var context = new StateTestContext();
        var dsl = await context.UserAsync("dsl", Role.SafeguardingLead);
        var reviews = context.Store.Reviews;
        var review = await reviews.CreateDraftAsync(March12, dsl.Id, Token);

        await Assert.ThrowsAsync<ArgumentException>(() => reviews.UpdateAsync(review.Id, March12, [new(ReviewRole.Governor, text)], null, Token));
        await Assert.ThrowsAsync<ArgumentException>(() => reviews.AddActionAsync(review.Id, "Train staff", text, null, Token));
        await Assert.ThrowsAsync<ArgumentException>(() => reviews.AddChecksAsync(review.Id, ReviewCheckSource.Manual, [new(text.Length > ReviewRepository.MaxNameLength ? new string('x', ReviewRepository.MaxCheckTextLength + 1) : text, true)], dsl.Id, Token));

        var detail = (await reviews.GetAsync(review.Id, Token))!;
        Assert.Empty(detail.Review.Participants);
        Assert.Empty(detail.Actions);
        Assert.Empty(detail.Checks);
    }

    [Fact]
    public async Task Limits_TooManyParticipantsOrAnOverLongSummaryOrUnknownRole_AreRefused()
    {
        using var context = new StateTestContext();
        var dsl = await context.UserAsync("dsl", Role.SafeguardingLead);
        var reviews = context.Store.Reviews;
        var review = await reviews.CreateDraftAsync(March12, dsl.Id, Token);

        await Assert.ThrowsAsync<ArgumentException>(() => reviews.UpdateAsync(review.Id, March12,
            [.. Enumerable.Range(0, ReviewRepository.MaxParticipants + 1).Select(i => new ReviewParticipant(ReviewRole.Other, $"P{i}"))], null, Token));
        await Assert.ThrowsAsync<ArgumentException>(() => reviews.UpdateAsync(review.Id, March12, [], new string('s', ReviewRepository.MaxSummaryLength + 1), Token));
        await Assert.ThrowsAsync<ArgumentException>(() => reviews.UpdateAsync(review.Id, March12, [new((ReviewRole)99, "X")], null, Token));
        await Assert.ThrowsAsync<ArgumentException>(() => reviews.MarkSignificantChangeAsync(dsl.Id, " ", null, Token));
        Assert.Empty(await reviews.ListTriggersAsync(Token));
    }

    [Fact]
    public async Task Participants_HandEditedToGarbage_ReadAsNone()
    {
        using var context = new StateTestContext();
        var dsl = await context.UserAsync("dsl", Role.SafeguardingLead);
        var review = await context.Store.Reviews.CreateDraftAsync(March12, dsl.Id, Token);
        context.RawSql($"UPDATE reviews SET participants = '[{{\"role\":' WHERE id = {review.Id}");

        Assert.Empty((await context.Store.Reviews.GetAsync(review.Id, Token))!.Review.Participants);
    }
}

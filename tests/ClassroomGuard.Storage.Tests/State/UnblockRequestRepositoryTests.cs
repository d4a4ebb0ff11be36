using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Storage.Tests.State;

public sealed class UnblockRequestRepositoryTests
{
    private static CancellationToken Token => StateTestContext.Token;

    private static async Task<(Room Room, UserAccount Teacher, UnblockRequest Request)> RequestAsync(StateTestContext context)
    {
        var site = await context.Store.Sites.CreateSiteAsync("Main", Token);
        var room = await context.Store.Sites.CreateRoomAsync(site.Id, "Science 2", Token);
        var teacher = await context.UserAsync("teacher", Role.Teacher);
        var result = await context.Store.UnblockRequests.RequestAsync(
            new NewUnblockRequest(teacher.Id, "YouTube.com", "Video on photosynthesis", ActionScope.Room, null, room.Id, context.Clock.Now.AddMinutes(10), context.Clock.Now.AddMinutes(70)),
            Token);
        Assert.Null(result.Refusal);
        return (room, teacher, result.Request!);
    }

    private static async Task<UnblockRequest> AnotherAsync(StateTestContext context, Room room, UserAccount teacher)
        => (await context.Store.UnblockRequests.RequestAsync(
            new NewUnblockRequest(teacher.Id, "poki.com", "Maths game", ActionScope.Room, null, room.Id, context.Clock.Now, context.Clock.Now.AddMinutes(60)), Token)).Request!;

    [Fact]
    public async Task ApproveAsync_BySafeguardingLead_CreatesUnblockForTheLessonAndRecordsDecision()
    {
        using var context = new StateTestContext();
        var (room, teacher, request) = await RequestAsync(context);
        var dsl = await context.UserAsync("dsl", Role.SafeguardingLead);

        var approved = await context.Store.UnblockRequests.ApproveAsync(request.Id, dsl.Id, "fine", Token);

        Assert.True(approved.Succeeded, approved.Detail);
        var decided = (await context.Store.UnblockRequests.GetAsync(request.Id, Token))!;
        Assert.Equal(UnblockRequestStatus.Approved, decided.Status);
        Assert.Equal(dsl.Id, decided.DecidedBy);
        var during = Assert.Single(await context.Store.TeacherActions.ActiveAtAsync(context.Clock.Now.AddMinutes(30), room.Id, Token));
        Assert.Equal(TeacherActionKind.Unblock, during.Kind);
        Assert.Equal(["youtube.com"], during.Domains);
        Assert.Equal(teacher.Id, during.UserId);
        Assert.Equal(request.ChangeId, during.ChangeId);
        Assert.Empty(await context.Store.TeacherActions.ActiveAtAsync(context.Clock.Now.AddMinutes(71), room.Id, Token));
        Assert.Empty(await context.Store.TeacherActions.ActiveAtAsync(context.Clock.Now.AddMinutes(5), room.Id, Token));
    }

    [Fact]
    public async Task ApproveAsync_ByAnotherTeacherOrTheRequester_Refused()
    {
        using var context = new StateTestContext(o => o.SingleApproverMode = true);
        var (_, teacher, request) = await RequestAsync(context);
        var colleague = await context.UserAsync("colleague", Role.Teacher);

        Assert.Equal(ChangeRefusal.NotPermitted, (await context.Store.UnblockRequests.ApproveAsync(request.Id, colleague.Id, null, Token)).Refusal);
        Assert.Equal(ChangeRefusal.NotPermitted, (await context.Store.UnblockRequests.ApproveAsync(request.Id, teacher.Id, null, Token)).Refusal);
        Assert.Single(await context.Store.UnblockRequests.ListPendingAsync(Token));
    }

    [Fact]
    public async Task RefuseAsync_ByTechnician_MarksRefusedAndCreatesNoUnblock()
    {
        using var context = new StateTestContext();
        var (_, _, request) = await RequestAsync(context);
        var tech = await context.UserAsync("tech", Role.Technician);

        var refused = await context.Store.UnblockRequests.RefuseAsync(request.Id, tech.Id, "use the school channel", Token);

        Assert.Equal(ChangeEvent.Rejected, refused.Entry!.Event);
        Assert.Equal(UnblockRequestStatus.Refused, (await context.Store.UnblockRequests.GetAsync(request.Id, Token))!.Status);
        Assert.Empty(await context.Store.TeacherActions.ActiveAtAsync(context.Clock.Now.AddMinutes(30), null, Token));
    }

    [Fact]
    public async Task RequestAsync_NoReasonOrTooLong_RefusedAndNothingStored()
    {
        using var context = new StateTestContext();
        var site = await context.Store.Sites.CreateSiteAsync("Main", Token);
        var room = await context.Store.Sites.CreateRoomAsync(site.Id, "R", Token);
        var teacher = await context.UserAsync("teacher", Role.Teacher);
        var now = context.Clock.Now;

        var noReason = await context.Store.UnblockRequests.RequestAsync(new(teacher.Id, "a.com", " ", ActionScope.Room, null, room.Id, now, now.AddHours(1)), Token);
        var tooLong = await context.Store.UnblockRequests.RequestAsync(new(teacher.Id, "a.com", "x", ActionScope.Room, null, room.Id, now, now.AddHours(13)), Token);

        Assert.Equal(ChangeRefusal.Invalid, noReason.Refusal);
        Assert.Equal(ChangeRefusal.Invalid, tooLong.Refusal);
        Assert.Equal(0L, context.RawScalar("SELECT count(*) FROM unblock_requests"));
        Assert.Equal(0L, context.RawScalar("SELECT count(*) FROM change_log"));
    }

    [Fact]
    public async Task ListRecentAsync_DecidedAndPending_GivesNamesAndTheDecisionsWords()
    {
        using var context = new StateTestContext();
        var (room, teacher, refusedOne) = await RequestAsync(context);
        var approvedOne = await AnotherAsync(context, room, teacher);
        var waiting = await AnotherAsync(context, room, teacher);
        var dsl = await context.UserAsync("dsl", Role.SafeguardingLead);
        Assert.True((await context.Store.UnblockRequests.RefuseAsync(refusedOne.Id, dsl.Id, "Use the school's video channel", Token)).Succeeded);
        Assert.True((await context.Store.UnblockRequests.ApproveAsync(approvedOne.Id, dsl.Id, null, Token)).Succeeded);

        var recent = await context.Store.UnblockRequests.ListRecentAsync(context.Clock.Now.AddHours(-1), Token);

        Assert.Equal([refusedOne.Id, approvedOne.Id, waiting.Id], recent.Select(r => r.Request.Id));
        Assert.All(recent, r => Assert.Equal("teacher", r.RequestedByName));
        Assert.Equal((UnblockRequestStatus.Refused, "dsl", "Use the school's video channel"), (recent[0].Request.Status, recent[0].DecidedByName, recent[0].DecisionComment));
        Assert.Equal((UnblockRequestStatus.Approved, "dsl", (string?)null), (recent[1].Request.Status, recent[1].DecidedByName, recent[1].DecisionComment));
        Assert.Equal((UnblockRequestStatus.Pending, (string?)null, (string?)null), (recent[2].Request.Status, recent[2].DecidedByName, recent[2].DecisionComment));
        Assert.Equal(teacher.Id, recent[2].Request.RequestedBy);
    }

    [Fact]
    public async Task ListRecentAsync_DecidedAndEndedBeforeSince_LeftOutButPendingKept()
    {
        using var context = new StateTestContext();
        var (room, teacher, decided) = await RequestAsync(context);
        var waiting = await AnotherAsync(context, room, teacher);
        var dsl = await context.UserAsync("dsl", Role.SafeguardingLead);
        Assert.True((await context.Store.UnblockRequests.RefuseAsync(decided.Id, dsl.Id, "no", Token)).Succeeded);

        var nextDay = await context.Store.UnblockRequests.ListRecentAsync(context.Clock.Now.AddDays(1), Token);

        Assert.Equal([waiting.Id], nextDay.Select(r => r.Request.Id));
    }
}

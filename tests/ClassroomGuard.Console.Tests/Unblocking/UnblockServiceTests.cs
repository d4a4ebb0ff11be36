using ClassroomGuard.Console.Unblocking;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Tests.Unblocking;

public sealed class UnblockServiceTests : IDisposable
{
    private readonly UnblockWorld world = new();

    public void Dispose() => world.Dispose();

    private static CancellationToken Ct => UnblockWorld.Ct;

    [Fact]
    public async Task Ask_TeacherOfTheRoomForThisLesson_ProposesAnUnblockOfTheRoomForALesson()
    {
        var (lab, _) = await world.RoomsAsync();
        var teacher = await world.TeacherOfAsync(lab, "t.lab");

        var result = await world.Service.AskAsync(teacher, lab.Id, UnblockWorld.Ask("https://www.Poki.com/en/g/ratio"), Ct);

        Assert.True(result.Ok, result.Message);
        Assert.Equal("Asked: www.poki.com for Lab 1 until 11:00. The safeguarding lead or a technician decides; the answer appears here.", result.Message);
        var request = Assert.Single(await world.Store.UnblockRequests.ListPendingAsync(Ct));
        Assert.Equal(("www.poki.com", ActionScope.Room, (long?)lab.Id, (long?)null, teacher.Id), (request.Domain, request.Scope, request.RoomId, request.DeviceId, request.RequestedBy));
        Assert.Equal((UnblockWorld.TenOClock, UnblockWorld.TenOClock.AddHours(1)), (request.LessonStart, request.LessonEnd));
        Assert.Equal("Maths game on ratios", request.Reason);
    }

    [Fact]
    public async Task Ask_LessonWouldRunPastTheSchoolDay_EndsAtTheDaysEnd()
    {
        var (lab, _) = await world.RoomsAsync();
        var teacher = await world.TeacherOfAsync(lab, "t.lab");
        world.Clock.Now = UnblockWorld.TenOClock.AddHours(5.5); // 15:30

        var result = await world.Service.AskAsync(teacher, lab.Id, UnblockWorld.Ask(), Ct);

        Assert.True(result.Ok, result.Message);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 16, 0, 0, TimeSpan.Zero), Assert.Single(await world.Store.UnblockRequests.ListPendingAsync(Ct)).LessonEnd);
    }

    [Fact]
    public async Task Ask_UntilATimeForOneDevice_ProposesAnUnblockOfThatDevice()
    {
        var (lab, _) = await world.RoomsAsync();
        var teacher = await world.TeacherOfAsync(lab, "t.lab");
        var device = await world.DeviceAsync("02:00:00:00:07:01", "10.7.0.1", lab.Id, "PC-07");

        var result = await world.Service.AskAsync(teacher, lab.Id, UnblockWorld.Ask(device: device, forLesson: false, until: "14:30"), Ct);

        Assert.True(result.Ok, result.Message);
        var request = Assert.Single(await world.Store.UnblockRequests.ListPendingAsync(Ct));
        Assert.Equal((ActionScope.Device, (long?)device, (long?)null), (request.Scope, request.DeviceId, request.RoomId));
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 14, 30, 0, TimeSpan.Zero), request.LessonEnd);
        var mine = Assert.Single(world.Service.Room(teacher, lab.Id, await world.Feed.CurrentAsync(Ct), world.Clock.Now).Mine);
        Assert.Equal(("PC-07", "10:00 to 14:30 (4 h 30 min)"), (mine.Target, mine.Length));
    }

    [Fact]
    public async Task Ask_SummerTime_UntilIsSchoolTime()
    {
        var (lab, _) = await world.RoomsAsync();
        var teacher = await world.TeacherOfAsync(lab, "t.lab");
        world.Clock.Now = new DateTimeOffset(2026, 6, 15, 9, 0, 0, TimeSpan.Zero); // 10:00 BST

        var result = await world.Service.AskAsync(teacher, lab.Id, UnblockWorld.Ask(forLesson: false, until: "15:45"), Ct);

        Assert.True(result.Ok, result.Message);
        Assert.Equal(new DateTimeOffset(2026, 6, 15, 14, 45, 0, TimeSpan.Zero), Assert.Single(await world.Store.UnblockRequests.ListPendingAsync(Ct)).LessonEnd);
    }

    [Fact]
    public async Task Ask_GovernorOrAnotherRoomsTeacher_RefusedOnTheServerAndNothingStored()
    {
        var (lab, art) = await world.RoomsAsync();
        await world.TeacherOfAsync(lab, "t.lab");
        var artTeacher = await world.TeacherOfAsync(art, "t.art");
        var governor = await world.UserAsync("gov", Role.Governor);
        var labDevice = await world.DeviceAsync("02:00:00:00:07:02", "10.7.0.2", lab.Id, "PC-08");

        var byGovernor = await world.Service.AskAsync(governor, lab.Id, UnblockWorld.Ask(), Ct);
        var byOtherTeacher = await world.Service.AskAsync(artTeacher, lab.Id, UnblockWorld.Ask(), Ct);
        var otherRoomsDevice = await world.Service.AskAsync(artTeacher, art.Id, UnblockWorld.Ask(device: labDevice), Ct);
        var signedOut = await world.Service.AskAsync(null, lab.Id, UnblockWorld.Ask(), Ct);

        Assert.Equal((false, UnblockService.NotYourRoom), (byGovernor.Ok, byGovernor.Message));
        Assert.Equal((false, UnblockService.NotYourRoom), (byOtherTeacher.Ok, byOtherTeacher.Message));
        Assert.False(otherRoomsDevice.Ok);
        Assert.Equal("That device is not in Art room any more: choose again.", otherRoomsDevice.Problems[nameof(UnblockAsk.DeviceId)]);
        Assert.False(signedOut.Ok);
        Assert.Null(await world.Service.FormAsync(governor, lab.Id, Ct));
        Assert.Null(await world.Service.FormAsync(artTeacher, lab.Id, Ct));
        Assert.Empty(await world.Store.UnblockRequests.ListPendingAsync(Ct));
    }

    public static TheoryData<string, UnblockAsk, string, string> BadValues => new()
    {
        { "no site", UnblockWorld.Ask(domain: ""), nameof(UnblockAsk.Domain), "Type the site to unblock, like poki.com." },
        { "malformed site", UnblockWorld.Ask(domain: "poki com"), nameof(UnblockAsk.Domain), "'poki com' is not a web site's name: type it like poki.com (a pasted address works too)." },
        { "address", UnblockWorld.Ask(domain: "10.0.0.1"), nameof(UnblockAsk.Domain), "'10.0.0.1' is not a web site's name: type it like poki.com (a pasted address works too)." },
        { "markup", UnblockWorld.Ask(domain: "<script>alert(1)</script>"), nameof(UnblockAsk.Domain), "'<script>alert(1)</script>' is not a web site's name: type it like poki.com (a pasted address works too)." },
        { "injection", UnblockWorld.Ask(domain: "poki.com'; DROP TABLE users;--"), nameof(UnblockAsk.Domain), "'poki.com'; DROP TABLE users;--' is not a web site's name: type it like poki.com (a pasted address works too)." },
        { "too long", UnblockWorld.Ask(domain: new string('a', 300) + ".com"), nameof(UnblockAsk.Domain), $"'{new string('a', 40)}…' is not a web site's name: type it like poki.com (a pasted address works too)." },
        { "not a web address", UnblockWorld.Ask(domain: "ftp://poki.com/"), nameof(UnblockAsk.Domain), "'ftp://poki.com/' is not a web site's name: type it like poki.com (a pasted address works too)." },
        { "empty reason", UnblockWorld.Ask(reason: "   "), nameof(UnblockAsk.Reason), "Say why the class needs this site: the person who approves reads it." },
        { "no reason", UnblockWorld.Ask(reason: null), nameof(UnblockAsk.Reason), "Say why the class needs this site: the person who approves reads it." },
        { "reason too long", UnblockWorld.Ask(reason: new string('x', 501)), nameof(UnblockAsk.Reason), "Keep the reason under 500 characters." },
        { "after the school day", UnblockWorld.Ask(forLesson: false, until: "16:01"), nameof(UnblockAsk.Until), "At most the end of the school day, 16:00." },
        { "in the past", UnblockWorld.Ask(forLesson: false, until: "09:30"), nameof(UnblockAsk.Until), "09:30 has passed: choose a later time today." },
        { "now", UnblockWorld.Ask(forLesson: false, until: "10:00"), nameof(UnblockAsk.Until), "10:00 has passed: choose a later time today." },
        { "no time", UnblockWorld.Ask(forLesson: false, until: " "), nameof(UnblockAsk.Until), "Choose the time it closes, at the latest 16:00." },
        { "not a time", UnblockWorld.Ask(forLesson: false, until: "half past two"), nameof(UnblockAsk.Until), "Type a time of day like 14:30." },
        { "hour 25", UnblockWorld.Ask(forLesson: false, until: "25:00"), nameof(UnblockAsk.Until), "Type a time of day like 14:30." },
        { "truncated time", UnblockWorld.Ask(forLesson: false, until: "14:"), nameof(UnblockAsk.Until), "Type a time of day like 14:30." },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public async Task Ask_BadValue_RefusedWithTheReasonNextToTheField(string name, UnblockAsk ask, string field, string problem)
    {
        var (lab, _) = await world.RoomsAsync();
        var teacher = await world.TeacherOfAsync(lab, "t.lab");

        var result = await world.Service.AskAsync(teacher, lab.Id, ask, Ct);

        Assert.False(result.Ok, name);
        Assert.Equal(problem, Assert.Single(result.Problems, p => p.Key == field).Value);
        Assert.Empty(await world.Store.UnblockRequests.ListPendingAsync(Ct));
    }

    [Fact]
    public async Task Ask_AfterTheSchoolDay_RefusedForTheLessonAndTheFormSaysSo()
    {
        var (lab, _) = await world.RoomsAsync();
        var teacher = await world.TeacherOfAsync(lab, "t.lab");
        world.Clock.Now = UnblockWorld.TenOClock.AddHours(6.5); // 16:30

        var result = await world.Service.AskAsync(teacher, lab.Id, UnblockWorld.Ask(), Ct);

        Assert.Equal("The school day ended at 16:00: unblock requests are for lessons. Ask again tomorrow.", result.Problems[nameof(UnblockAsk.ForLesson)]);
        Assert.True((await world.Service.FormAsync(teacher, lab.Id, Ct))!.DayOver);
        Assert.Empty(await world.Store.UnblockRequests.ListPendingAsync(Ct));
    }

    [Fact]
    public async Task Decide_SafeguardingLeadApproves_RoomShowsItOpenUntilItsEndThenNothing()
    {
        var (lab, _) = await world.RoomsAsync();
        var teacher = await world.TeacherOfAsync(lab, "t.lab");
        var dsl = await world.UserAsync("dsl", Role.SafeguardingLead);
        Assert.True((await world.Service.AskAsync(teacher, lab.Id, UnblockWorld.Ask(), Ct)).Ok);
        var waiting = world.Service.Room(teacher, lab.Id, await world.Feed.CurrentAsync(Ct), world.Clock.Now);
        var pending = Assert.Single(world.Service.Approvals(dsl, await world.Feed.CurrentAsync(Ct), world.Clock.Now)!.Pending);

        var decision = await world.Service.DecideAsync(dsl, pending.Id, approve: true, null, Ct);

        Assert.True(decision.Ok, decision.Message);
        Assert.Equal("Approved: poki.com is open until 11:00, then closes by itself.", decision.Message);
        Assert.Equal((UnblockState.Waiting, "Waiting for the safeguarding lead or a technician"), (waiting.Mine[0].State, waiting.Mine[0].Status));
        var board = await world.Feed.CurrentAsync(Ct);
        var room = world.Service.Room(teacher, lab.Id, board, world.Clock.Now);
        Assert.Equal(new OpenUnblockLine("poki.com", "this room", "11:00", UnblockWorld.TenOClock.AddHours(1)), Assert.Single(room.Open));
        Assert.Equal((UnblockState.Open, "Approved by Mrs Patel: open until 11:00"), (room.Mine[0].State, room.Mine[0].Status));
        var action = Assert.Single(await world.Store.TeacherActions.ActiveAtAsync(world.Clock.Now, lab.Id, Ct));
        Assert.Equal((TeacherActionKind.Unblock, UnblockWorld.TenOClock.AddHours(1)), (action.Kind, action.ExpiresAt));
        var decided = Assert.Single(world.Service.Approvals(dsl, board, world.Clock.Now)!.Decided);
        Assert.Equal("Approved by Mrs Patel at 10:00; open until 11:00", decided.Decision);

        world.Clock.Now = UnblockWorld.TenOClock.AddHours(1);
        var after = world.Service.Room(teacher, lab.Id, await world.Feed.CurrentAsync(Ct), world.Clock.Now);

        Assert.Empty(after.Open);
        Assert.Equal((UnblockState.Closed, "Approved by Mrs Patel; closed at 11:00"), (after.Mine[0].State, after.Mine[0].Status));
    }

    [Fact]
    public async Task Decide_RefuseWithoutReason_RefusedNextToTheFieldThenWithAReasonTheTeacherReadsIt()
    {
        var (lab, _) = await world.RoomsAsync();
        var teacher = await world.TeacherOfAsync(lab, "t.lab");
        var tech = await world.UserAsync("tech", Role.Technician);
        Assert.True((await world.Service.AskAsync(teacher, lab.Id, UnblockWorld.Ask(), Ct)).Ok);
        var request = Assert.Single(await world.Store.UnblockRequests.ListPendingAsync(Ct));

        var blank = await world.Service.DecideAsync(tech, request.Id, approve: false, "  ", Ct);
        var refused = await world.Service.DecideAsync(tech, request.Id, approve: false, "Use the maths site the school pays for", Ct);

        Assert.Equal((false, "Say why it is refused: the teacher reads this."), (blank.Ok, blank.FieldProblem));
        Assert.True(refused.Ok, refused.Message);
        var room = world.Service.Room(teacher, lab.Id, await world.Feed.CurrentAsync(Ct), world.Clock.Now);
        Assert.Empty(room.Open);
        Assert.Equal((UnblockState.Refused, "Refused by tech Name: Use the maths site the school pays for"), (room.Mine[0].State, room.Mine[0].Status));
        Assert.Empty(await world.Store.TeacherActions.ActiveAtAsync(world.Clock.Now, null, Ct));
    }

    [Fact]
    public async Task Decide_ByTheOneWhoAsked_RefusedWithTheSentence()
    {
        var (lab, _) = await world.RoomsAsync();
        var dsl = await world.UserAsync("dsl", Role.SafeguardingLead); // sees every room, so may ask too
        Assert.True((await world.Service.AskAsync(dsl, lab.Id, UnblockWorld.Ask(), Ct)).Ok);
        var pending = Assert.Single(world.Service.Approvals(dsl, await world.Feed.CurrentAsync(Ct), world.Clock.Now)!.Pending);

        var decision = await world.Service.DecideAsync(dsl, pending.Id, approve: true, "fine", Ct);

        Assert.True(pending.Own);
        Assert.False(decision.Ok);
        Assert.Equal("You asked for this unblock yourself: someone else (the safeguarding lead, a technician or an administrator) must decide it.", decision.Message);
        Assert.Single(await world.Store.UnblockRequests.ListPendingAsync(Ct));
    }

    [Theory]
    [InlineData(Role.Teacher)]
    [InlineData(Role.Governor)]
    public async Task Decide_TeacherOrGovernor_RefusedOnTheServerAndNothingChanges(Role role)
    {
        var (lab, _) = await world.RoomsAsync();
        var teacher = await world.TeacherOfAsync(lab, "t.lab");
        var other = await world.UserAsync("other", role);
        Assert.True((await world.Service.AskAsync(teacher, lab.Id, UnblockWorld.Ask(), Ct)).Ok);
        var request = Assert.Single(await world.Store.UnblockRequests.ListPendingAsync(Ct));

        var approve = await world.Service.DecideAsync(other, request.Id, approve: true, null, Ct);
        var refuse = await world.Service.DecideAsync(other, request.Id, approve: false, "no", Ct);

        Assert.Equal((false, UnblockService.NotAnApprover), (approve.Ok, approve.Message));
        Assert.Equal((false, UnblockService.NotAnApprover), (refuse.Ok, refuse.Message));
        Assert.Null(world.Service.Approvals(other, await world.Feed.CurrentAsync(Ct), world.Clock.Now));
        Assert.Equal(0, UnblockService.PendingCount(other, await world.Feed.CurrentAsync(Ct), world.Clock.Now));
        Assert.Single(await world.Store.UnblockRequests.ListPendingAsync(Ct));
    }

    [Fact]
    public async Task Approvals_PendingRequest_NamesWhoWhereAndHowLongAndDropsOutOnceItsTimeHasPassed()
    {
        var (lab, _) = await world.RoomsAsync();
        var teacher = await world.TeacherOfAsync(lab, "t.lab");
        var device = await world.DeviceAsync("02:00:00:00:07:03", "10.7.0.3", lab.Id, "PC-09");
        var tech = await world.UserAsync("tech", Role.Technician);
        Assert.True((await world.Service.AskAsync(teacher, lab.Id, UnblockWorld.Ask(device: device, forLesson: false, until: "10:45"), Ct)).Ok);

        var board = await world.Feed.CurrentAsync(Ct);
        var pending = Assert.Single(world.Service.Approvals(tech, board, world.Clock.Now)!.Pending);

        Assert.Equal(("Ms Okafor", "PC-09 in Lab 1", "poki.com", "Maths game on ratios", "10:00 to 10:45 (45 minutes)", "10:00", false),
            (pending.Who, pending.Where, pending.Domain, pending.Reason, pending.Length, pending.Asked, pending.Own));
        Assert.Equal(1, UnblockService.PendingCount(tech, board, world.Clock.Now));

        world.Clock.Now = UnblockWorld.TenOClock.AddMinutes(45);
        var later = await world.Feed.CurrentAsync(Ct);

        Assert.Empty(world.Service.Approvals(tech, later, world.Clock.Now)!.Pending);
        Assert.Equal(0, UnblockService.PendingCount(tech, later, world.Clock.Now));
        Assert.Equal(UnblockState.Lapsed, world.Service.Room(teacher, lab.Id, later, world.Clock.Now).Mine[0].State);
    }

    [Fact]
    public async Task Room_OtherTeachersRequestsAndOtherRoomsUnblocks_NotShown()
    {
        var (lab, art) = await world.RoomsAsync();
        var labTeacher = await world.TeacherOfAsync(lab, "t.lab");
        var artTeacher = await world.TeacherOfAsync(art, "t.art");
        var dsl = await world.UserAsync("dsl", Role.SafeguardingLead);
        Assert.True((await world.Service.AskAsync(artTeacher, art.Id, UnblockWorld.Ask(domain: "coolmathgames.com"), Ct)).Ok);
        var request = Assert.Single(await world.Store.UnblockRequests.ListPendingAsync(Ct));
        Assert.True((await world.Service.DecideAsync(dsl, request.Id, true, null, Ct)).Ok);

        var lab1 = world.Service.Room(labTeacher, lab.Id, await world.Feed.CurrentAsync(Ct), world.Clock.Now);
        var artRoom = world.Service.Room(artTeacher, art.Id, await world.Feed.CurrentAsync(Ct), world.Clock.Now);

        Assert.Empty(lab1.Open);
        Assert.Empty(lab1.Mine);
        Assert.Equal("coolmathgames.com", Assert.Single(artRoom.Open).Domain);
    }

    [Fact]
    public async Task Feed_Subscriber_GetsTheBoardAgainWhenARequestIsDecided()
    {
        var (lab, _) = await world.RoomsAsync();
        var teacher = await world.TeacherOfAsync(lab, "t.lab");
        var dsl = await world.UserAsync("dsl", Role.SafeguardingLead);
        Assert.True((await world.Service.AskAsync(teacher, lab.Id, UnblockWorld.Ask(), Ct)).Ok);
        var request = Assert.Single(await world.Store.UnblockRequests.ListPendingAsync(Ct));
        var approved = new TaskCompletionSource<UnblockBoard>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = world.Feed.Subscribe(board =>
        {
            if (board.Requests.Any(r => r.Request.Status == UnblockRequestStatus.Approved))
            {
                approved.TrySetResult(board);
            }

            return Task.CompletedTask;
        });

        // Decided straight through the store, as the change-control page would: the feed sees the state change.
        Assert.True((await world.Store.UnblockRequests.ApproveAsync(request.Id, dsl.Id, null, Ct)).Succeeded);

        var board = await approved.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("poki.com", Assert.Single(board.Open).Domain);
        Assert.Equal(1, world.Feed.Subscribers);
    }

    [Fact]
    public async Task Feed_Subscriber_HearsOfADecisionEvenWhenTheDecidersPageReadTheBoardFirst()
    {
        var (lab, _) = await world.RoomsAsync();
        var teacher = await world.TeacherOfAsync(lab, "t.lab");
        var dsl = await world.UserAsync("dsl", Role.SafeguardingLead);
        Assert.True((await world.Service.AskAsync(teacher, lab.Id, UnblockWorld.Ask(), Ct)).Ok);
        var request = Assert.Single(await world.Store.UnblockRequests.ListPendingAsync(Ct));
        var seenWaiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var approved = new TaskCompletionSource<UnblockBoard>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = world.Feed.Subscribe(board =>
        {
            if (board.Requests.Any(r => r.Request.Status == UnblockRequestStatus.Approved))
            {
                approved.TrySetResult(board);
            }
            else
            {
                seenWaiting.TrySetResult();
            }

            return Task.CompletedTask;
        });
        await seenWaiting.Task.WaitAsync(TimeSpan.FromSeconds(10));

        // The approver's page decides and at once reads the new board itself, before the feed's next look:
        // the teacher's page (the subscriber) must still be told.
        Assert.True((await world.Store.UnblockRequests.ApproveAsync(request.Id, dsl.Id, null, Ct)).Succeeded);
        var decidersRead = await world.Feed.CurrentAsync(Ct);
        Assert.Contains(decidersRead.Requests, r => r.Request.Status == UnblockRequestStatus.Approved);

        var board = await approved.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Same(decidersRead, board);
    }
}

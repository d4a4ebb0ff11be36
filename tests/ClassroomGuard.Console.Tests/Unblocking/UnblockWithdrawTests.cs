using ClassroomGuard.Console.Unblocking;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Tests.Unblocking;

/// <summary>
/// A teacher withdraws their own waiting unblock request, over a real state database: only the teacher who asked may
/// (another teacher, a technician or the safeguarding lead is refused on the server and the request still waits); the
/// change-control log records a rejection by the proposer (read as withdrawn) and the room page says "Withdrawn by you".
/// </summary>
public sealed class UnblockWithdrawTests : IDisposable
{
    private readonly UnblockWorld world = new();

    public void Dispose() => world.Dispose();

    private static CancellationToken Ct => UnblockWorld.Ct;

    [Fact]
    public async Task Requester_WithdrawsOwnWaitingRequest_LoggedAsWithdrawnAndListedAsWithdrawnByYou()
    {
        var (lab, _) = await world.RoomsAsync();
        var teacher = await world.TeacherOfAsync(lab, "t.lab");
        var id = await AskAsync(teacher, lab.Id);

        var result = await world.Service.WithdrawAsync(teacher, id, Ct);

        Assert.True(result.Ok, result.Message);
        Assert.Equal("Withdrawn: nobody needs to decide poki.com now.", result.Message);
        Assert.Empty(await world.Store.UnblockRequests.ListPendingAsync(Ct));
        var request = await world.Store.UnblockRequests.GetAsync(id, Ct);
        Assert.Equal((UnblockRequestStatus.Refused, (long?)teacher.Id), (request!.Status, request.DecidedBy));
        var last = (await world.Store.ChangeControl.GetEntriesAsync(0, 100, Ct))[^1];
        Assert.Equal((ChangeEvent.Rejected, request.ChangeId, teacher.Id), (last.Event, last.ChangeId, last.ActorId));
        var mine = Assert.Single(world.Service.Room(teacher, lab.Id, await world.Feed.CurrentAsync(Ct), world.Clock.Now).Mine);
        Assert.Equal((UnblockState.Withdrawn, "Withdrawn by you"), (mine.State, mine.Status));
    }

    [Theory]
    [InlineData("another teacher of the room", Role.Teacher)]
    [InlineData("a technician", Role.Technician)]
    [InlineData("the safeguarding lead", Role.SafeguardingLead)]
    [InlineData("a governor", Role.Governor)]
    public async Task SomeoneElse_Withdraw_RefusedOnTheServer_RequestStillWaits(string who, Role role)
    {
        var (lab, _) = await world.RoomsAsync();
        var teacher = await world.TeacherOfAsync(lab, "t.lab");
        var id = await AskAsync(teacher, lab.Id);
        var other = role == Role.Teacher ? await world.TeacherOfAsync(lab, "t.other") : await world.UserAsync("other", role);

        var result = await world.Service.WithdrawAsync(other, id, Ct);

        Assert.False(result.Ok, who);
        Assert.Equal("Only the teacher who asked can withdraw a request.", result.Message);
        Assert.Equal(id, Assert.Single(await world.Store.UnblockRequests.ListPendingAsync(Ct)).Id);
    }

    [Fact]
    public async Task AlreadyDecided_OrNoSuchRequest_OrSignedOut_Refused()
    {
        var (lab, _) = await world.RoomsAsync();
        var teacher = await world.TeacherOfAsync(lab, "t.lab");
        var approver = await world.UserAsync("tech", Role.Technician);
        var id = await AskAsync(teacher, lab.Id);
        Assert.True((await world.Service.DecideAsync(approver, id, true, null, Ct)).Ok);

        var decided = await world.Service.WithdrawAsync(teacher, id, Ct);
        var missing = await world.Service.WithdrawAsync(teacher, id + 1000, Ct);
        var signedOut = await world.Service.WithdrawAsync(null, id, Ct);

        Assert.Equal((false, "It has been decided already: the list shows the answer."), (decided.Ok, decided.Message));
        Assert.False(missing.Ok);
        Assert.False(signedOut.Ok);
        Assert.Equal(UnblockRequestStatus.Approved, (await world.Store.UnblockRequests.GetAsync(id, Ct))!.Status);
    }

    private async Task<long> AskAsync(ClassroomGuard.Console.Security.ConsoleUser teacher, long roomId)
    {
        var asked = await world.Service.AskAsync(teacher, roomId, UnblockWorld.Ask(), Ct);
        Assert.True(asked.Ok, asked.Message);
        return Assert.Single(await world.Store.UnblockRequests.ListPendingAsync(Ct)).Id;
    }
}

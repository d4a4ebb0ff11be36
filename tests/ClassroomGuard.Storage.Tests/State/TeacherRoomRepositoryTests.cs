using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Storage.Tests.State;

public sealed class TeacherRoomRepositoryTests
{
    private static CancellationToken Token => StateTestContext.Token;

    [Fact]
    public async Task AssignAsync_SeveralRooms_ListsThemByNameAndBumpsRevisionOnce()
    {
        using var context = new StateTestContext();
        var teacher = await context.UserAsync("t.one", Role.Teacher);
        var (lab, art) = await RoomsAsync(context.Store);
        var before = await context.Store.GetRevisionAsync(Token);

        Assert.Equal(TeacherRoomOutcome.Assigned, await context.Store.TeacherRooms.AssignAsync(teacher.Id, lab.Id, Token));
        Assert.Equal(TeacherRoomOutcome.Assigned, await context.Store.TeacherRooms.AssignAsync(teacher.Id, art.Id, Token));
        var afterTwo = await context.Store.GetRevisionAsync(Token);
        Assert.Equal(TeacherRoomOutcome.AlreadyAssigned, await context.Store.TeacherRooms.AssignAsync(teacher.Id, art.Id, Token));

        Assert.Equal(before + 2, afterTwo);
        Assert.Equal(afterTwo, await context.Store.GetRevisionAsync(Token)); // nothing changed, nothing bumped
        Assert.Equal(["Art room", "Lab 1"], (await context.Store.TeacherRooms.RoomsOfAsync(teacher.Id, Token)).Select(r => r.Name));
        Assert.True(await context.Store.TeacherRooms.IsAssignedAsync(teacher.Id, lab.Id, Token));
        Assert.Equal(2, (await context.Store.TeacherRooms.ListAsync(Token)).Count(a => a.UserId == teacher.Id && a.AssignedAt == context.Clock.Now));
    }

    [Fact]
    public async Task AssignAsync_UnknownUserOrRoom_SaysWhichAndChangesNothing()
    {
        using var context = new StateTestContext();
        var teacher = await context.UserAsync("t.two", Role.Teacher);
        var (lab, _) = await RoomsAsync(context.Store);
        var before = await context.Store.GetRevisionAsync(Token);

        Assert.Equal(TeacherRoomOutcome.NoSuchUser, await context.Store.TeacherRooms.AssignAsync(999, lab.Id, Token));
        Assert.Equal(TeacherRoomOutcome.NoSuchRoom, await context.Store.TeacherRooms.AssignAsync(teacher.Id, 999, Token));

        Assert.Equal(before, await context.Store.GetRevisionAsync(Token));
        Assert.Empty(await context.Store.TeacherRooms.ListAsync(Token));
    }

    [Fact]
    public async Task UnassignAsync_AssignedRoom_RemovesOnlyThatAndBumpsRevision()
    {
        using var context = new StateTestContext();
        var teacher = await context.UserAsync("t.three", Role.Teacher);
        var other = await context.UserAsync("t.four", Role.Teacher);
        var (lab, art) = await RoomsAsync(context.Store);
        await context.Store.TeacherRooms.AssignAsync(teacher.Id, lab.Id, Token);
        await context.Store.TeacherRooms.AssignAsync(teacher.Id, art.Id, Token);
        await context.Store.TeacherRooms.AssignAsync(other.Id, lab.Id, Token);
        var before = await context.Store.GetRevisionAsync(Token);

        Assert.True(await context.Store.TeacherRooms.UnassignAsync(teacher.Id, lab.Id, Token));
        Assert.False(await context.Store.TeacherRooms.UnassignAsync(teacher.Id, lab.Id, Token));

        Assert.Equal(before + 1, await context.Store.GetRevisionAsync(Token));
        Assert.Equal([art.Id], (await context.Store.TeacherRooms.RoomsOfAsync(teacher.Id, Token)).Select(r => r.Id));
        Assert.Equal([lab.Id], (await context.Store.TeacherRooms.RoomsOfAsync(other.Id, Token)).Select(r => r.Id));
    }

    [Fact]
    public async Task Assignment_RoomDeleted_GoesWithIt()
    {
        using var context = new StateTestContext();
        var teacher = await context.UserAsync("t.five", Role.Teacher);
        var (lab, _) = await RoomsAsync(context.Store);
        await context.Store.TeacherRooms.AssignAsync(teacher.Id, lab.Id, Token);

        context.RawSql($"PRAGMA foreign_keys = ON; DELETE FROM rooms WHERE id = {lab.Id}");

        Assert.Empty(await context.Store.TeacherRooms.RoomsOfAsync(teacher.Id, Token));
    }

    private static async Task<(Room Lab, Room Art)> RoomsAsync(StateStore store)
    {
        var site = await store.Sites.CreateSiteAsync("Main", Token);
        return (await store.Sites.CreateRoomAsync(site.Id, "Lab 1", Token), await store.Sites.CreateRoomAsync(site.Id, "Art room", Token));
    }
}

using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Storage.Tests.State;

public sealed class TeacherActionRepositoryTests
{
    private static CancellationToken Token => StateTestContext.Token;

    private static async Task<(StateStore Store, Room Room, long Device, UserAccount Teacher)> SetUpAsync(StateTestContext context)
    {
        var site = await context.Store.Sites.CreateSiteAsync("Main", Token);
        var room = await context.Store.Sites.CreateRoomAsync(site.Id, "IT1", Token);
        var device = await context.Store.Devices.ObserveAsync(new DeviceObservation(context.Clock.Now, DeviceSource.Agent, "aa:bb:cc:00:00:01", "10.0.1.1"), Token);
        await context.Store.Devices.SetRoomAsync(device, room.Id, Token);
        return (context.Store, room, device, await context.UserAsync("teacher", Role.Teacher));
    }

    [Fact]
    public async Task ActiveAtAsync_BeforeDuringAfterExpiry_OnlyDuring()
    {
        using var context = new StateTestContext();
        var (store, room, device, teacher) = await SetUpAsync(context);
        var now = context.Clock.Now;

        var blank = await store.TeacherActions.StartAsync(
            new NewTeacherAction(TeacherActionKind.Blank, teacher.Id, "eyes on me", ActionScope.Device, device, null, now.AddMinutes(10)), Token);

        Assert.Empty(await store.TeacherActions.ActiveAtAsync(now.AddSeconds(-1), null, Token));
        Assert.Equal(blank.Id, Assert.Single(await store.TeacherActions.ActiveAtAsync(now.AddMinutes(5), null, Token)).Id);
        Assert.Equal(blank.Id, Assert.Single(await store.TeacherActions.ActiveAtAsync(now.AddMinutes(5), room.Id, Token)).Id); // via the device's room
        Assert.Empty(await store.TeacherActions.ActiveAtAsync(now.AddMinutes(10), null, Token));
    }

    [Fact]
    public async Task ReleaseAsync_Active_EndsItAndRecordsWho()
    {
        using var context = new StateTestContext();
        var (store, room, _, teacher) = await SetUpAsync(context);
        var now = context.Clock.Now;
        var focus = await store.TeacherActions.StartAsync(
            new NewTeacherAction(TeacherActionKind.Focus, teacher.Id, "test", ActionScope.Room, null, room.Id, now.AddMinutes(40), ["BBC.co.uk."]), Token);
        context.Clock.Advance(TimeSpan.FromMinutes(20));

        Assert.True(await store.TeacherActions.ReleaseAsync(focus.Id, teacher.Id, Token));
        Assert.False(await store.TeacherActions.ReleaseAsync(focus.Id, teacher.Id, Token));

        var released = (await store.TeacherActions.GetAsync(focus.Id, Token))!;
        Assert.Equal(["bbc.co.uk"], released.Domains);
        Assert.Equal(teacher.Id, released.ReleasedBy);
        Assert.True(released.IsActiveAt(now.AddMinutes(10)));
        Assert.False(released.IsActiveAt(now.AddMinutes(30)));
        Assert.Empty(await store.TeacherActions.ActiveAtAsync(now.AddMinutes(30), null, Token));
    }

    [Fact]
    public async Task StartAsync_UnblockOrBadScopeOrExpiry_Throws()
    {
        using var context = new StateTestContext();
        var (store, room, device, teacher) = await SetUpAsync(context);
        var now = context.Clock.Now;

        await Assert.ThrowsAsync<ArgumentException>(() => store.TeacherActions.StartAsync(new(TeacherActionKind.Unblock, teacher.Id, "x", ActionScope.Room, null, room.Id, now.AddHours(1), ["a.com"]), Token));
        await Assert.ThrowsAsync<ArgumentException>(() => store.TeacherActions.StartAsync(new(TeacherActionKind.Pause, teacher.Id, "x", ActionScope.Room, device, null, now.AddHours(1)), Token));
        await Assert.ThrowsAsync<ArgumentException>(() => store.TeacherActions.StartAsync(new(TeacherActionKind.Pause, teacher.Id, "x", ActionScope.Device, device, null, now.AddSeconds(-1)), Token));
        await Assert.ThrowsAsync<ArgumentException>(() => store.TeacherActions.StartAsync(new(TeacherActionKind.Pause, teacher.Id, "x", ActionScope.Device, device, null, now.AddHours(13)), Token));
    }

    [Fact]
    public async Task StartAsync_Pause_InSnapshotAndBumpsRevision()
    {
        using var context = new StateTestContext();
        var (store, room, _, teacher) = await SetUpAsync(context);
        var before = await store.GetRevisionAsync(Token);

        await store.TeacherActions.StartAsync(new(TeacherActionKind.Pause, teacher.Id, "silent reading", ActionScope.Room, null, room.Id, context.Clock.Now.AddMinutes(15)), Token);

        var snapshot = await store.Policy.GetSnapshotAsync(Token);
        Assert.Equal(before + 1, snapshot.Revision);
        Assert.Equal(TeacherActionKind.Pause, Assert.Single(snapshot.TeacherActions).Kind);
    }
}

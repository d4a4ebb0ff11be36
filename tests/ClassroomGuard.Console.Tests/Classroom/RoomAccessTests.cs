using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Tests.Classroom;

public sealed class RoomAccessTests : IDisposable
{
    private readonly RoomsTestWorld world = new();

    public void Dispose() => world.Dispose();

    [Fact]
    public async Task Teacher_SeesAndUsesOnlyAssignedRooms()
    {
        var (lab, art) = await world.RoomsAsync();
        var teacher = await world.UserAsync("t.lab", Role.Teacher);
        await world.Store.TeacherRooms.AssignAsync(teacher.Id, lab.Id, RoomsTestWorld.Ct);

        Assert.Equal([lab.Id], (await world.Access.RoomsForAsync(teacher, RoomsTestWorld.Ct)).Select(r => r.Id));
        Assert.True(await world.Access.CanUseRoomAsync(teacher, lab.Id, RoomsTestWorld.Ct));
        Assert.False(await world.Access.CanUseRoomAsync(teacher, art.Id, RoomsTestWorld.Ct));
        Assert.False(await world.Access.CanUseRoomAsync(teacher, 999, RoomsTestWorld.Ct));
    }

    [Fact]
    public async Task Teacher_WithoutAssignments_SeesNoRoom()
    {
        var (lab, _) = await world.RoomsAsync();
        var teacher = await world.UserAsync("t.none", Role.Teacher);

        Assert.Empty(await world.Access.RoomsForAsync(teacher, RoomsTestWorld.Ct));
        Assert.False(await world.Access.CanUseRoomAsync(teacher, lab.Id, RoomsTestWorld.Ct));
    }

    [Theory]
    [InlineData(Role.SafeguardingLead)]
    [InlineData(Role.Technician)]
    [InlineData(Role.Administrator)]
    public async Task WiderRoles_SeeEveryRoomWithoutAssignments(Role role)
    {
        var (lab, art) = await world.RoomsAsync();
        var user = await world.UserAsync("u." + role.ToString().ToLowerInvariant(), role);

        Assert.Equal(["Art room", "Lab 1"], (await world.Access.RoomsForAsync(user, RoomsTestWorld.Ct)).Select(r => r.Name));
        Assert.True(await world.Access.CanUseRoomAsync(user, lab.Id, RoomsTestWorld.Ct));
        Assert.True(await world.Access.CanUseRoomAsync(user, art.Id, RoomsTestWorld.Ct));
        Assert.False(await world.Access.CanUseRoomAsync(user, 999, RoomsTestWorld.Ct));
    }

    [Fact]
    public async Task Governor_SeesNoRoomEvenIfAssigned()
    {
        var (lab, _) = await world.RoomsAsync();
        var governor = await world.UserAsync("g.one", Role.Governor);
        await world.Store.TeacherRooms.AssignAsync(governor.Id, lab.Id, RoomsTestWorld.Ct);

        Assert.Empty(await world.Access.RoomsForAsync(governor, RoomsTestWorld.Ct));
        Assert.False(await world.Access.CanUseRoomAsync(governor, lab.Id, RoomsTestWorld.Ct));
        Assert.False(await world.Access.CanUseRoomAsync(null, lab.Id, RoomsTestWorld.Ct));
    }

    [Fact]
    public async Task TeacherAndSafeguardingLead_SeesEveryRoom()
    {
        var (_, art) = await world.RoomsAsync();
        var both = await world.UserAsync("t.dsl", Role.Teacher, Role.SafeguardingLead);

        Assert.True(await world.Access.CanUseRoomAsync(both, art.Id, RoomsTestWorld.Ct));
        Assert.Equal(2, (await world.Access.RoomsForAsync(both, RoomsTestWorld.Ct)).Count);
    }

    [Fact]
    public async Task UsableDevice_OnlyInTeachersRoom()
    {
        var (lab, art) = await world.RoomsAsync();
        var teacher = await world.UserAsync("t.dev", Role.Teacher);
        await world.Store.TeacherRooms.AssignAsync(teacher.Id, lab.Id, RoomsTestWorld.Ct);
        var mine = await world.DeviceAsync("02:00:00:00:08:01", "10.8.0.1", lab.Id);
        var theirs = await world.DeviceAsync("02:00:00:00:08:02", "10.8.0.2", art.Id);

        Assert.NotNull(await world.Access.UsableDeviceAsync(teacher, mine, RoomsTestWorld.Ct));
        Assert.Null(await world.Access.UsableDeviceAsync(teacher, theirs, RoomsTestWorld.Ct));
    }
}

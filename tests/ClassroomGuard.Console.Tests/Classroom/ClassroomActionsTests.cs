using System.Globalization;
using ClassroomGuard.Console.Classroom;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Console.Tests.Support;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.DependencyInjection;

namespace ClassroomGuard.Console.Tests.Classroom;

/// <summary>
/// The teacher actions' service as the room page's buttons call it: it asks RoomAccess for the room first and refuses,
/// starting nothing, a room the user may not use.
/// </summary>
public sealed class ClassroomActionsTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    private ConsoleFactory Factory => fixture.Factory;

    private StateStore Store => ConsoleSession.Store(Factory);

    public static TheoryData<ClassroomCommand> Commands => new() { ClassroomCommand.Blank, ClassroomCommand.Unblank, ClassroomCommand.Pause, ClassroomCommand.Resume };

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task RunAsync_GovernorOnARoom_RefusedAndNothingStarted(ClassroomCommand command)
    {
        var (room, devices) = await RoomAsync("Svc-Gov-" + command, 1);
        var governor = await UserAsync("svc-governor", Role.Governor);

        var whole = await RunAsync(governor, new ClassroomRequest(command, room.Id, null));
        var one = await RunAsync(governor, new ClassroomRequest(command, null, devices[0]));

        Assert.False(whole.Ok);
        Assert.Equal(ClassroomActions.NotYourRoom, whole.Message);
        Assert.False(one.Ok);
        Assert.Equal(ClassroomActions.NoSuchDevice, one.Message); // a device outside their rooms: named nowhere
        Assert.Empty(await Store.TeacherActions.ActiveAtAsync(DateTimeOffset.UtcNow, room.Id, CancellationToken.None));
    }

    [Fact]
    public async Task RunAsync_RoomThatDoesNotExist_RefusedLikeARoomNotOfYours()
    {
        var teacher = await UserAsync("svc-teacher", Role.Teacher);

        var outcome = await RunAsync(teacher, new ClassroomRequest(ClassroomCommand.Blank, 987654, null));

        Assert.False(outcome.Ok);
        Assert.Equal(ClassroomActions.NotYourRoom, outcome.Message);
    }

    [Fact]
    public async Task RunAsync_DeviceInNoRoom_RefusedAndNothingStarted()
    {
        var teacher = await UserAsync("svc-teacher", Role.Teacher);
        var loose = await Store.Devices.ObserveAsync(new DeviceObservation(DateTimeOffset.UtcNow, DeviceSource.Manual, "02:02:00:00:00:01", null, "Loose-PC"), CancellationToken.None);

        var outcome = await RunAsync(teacher, new ClassroomRequest(ClassroomCommand.Blank, null, loose));

        Assert.False(outcome.Ok);
        Assert.Equal(ClassroomActions.NoSuchDevice, outcome.Message);
        Assert.DoesNotContain(await Store.TeacherActions.ActiveAtAsync(DateTimeOffset.UtcNow, null, CancellationToken.None), a => a.DeviceId == loose);
    }

    [Fact]
    public async Task RunAsync_SignedOut_RefusedAndNothingStarted()
    {
        var (room, _) = await RoomAsync("Svc-None", 1);

        var outcome = await RunAsync(null, new ClassroomRequest(ClassroomCommand.Pause, room.Id, null));

        Assert.False(outcome.Ok);
        Assert.Contains("Sign in again", outcome.Message, StringComparison.Ordinal);
        Assert.Empty(await Store.TeacherActions.ActiveAtAsync(DateTimeOffset.UtcNow, room.Id, CancellationToken.None));
    }

    [Fact]
    public async Task RunAsync_TeacherBlanksTheirRoomFor15Minutes_StartedAndSaidInWords()
    {
        var (room, devices) = await RoomAsync("Svc-Ok", 2);
        var teacher = await UserAsync("svc-teacher", Role.Teacher);
        await ConsoleSession.AssignRoomsAsync(Factory, teacher.Id, room);

        var outcome = await RunAsync(teacher, new ClassroomRequest(ClassroomCommand.Blank, room.Id, devices[1], 15));

        Assert.True(outcome.Ok, outcome.Message);
        Assert.StartsWith("Svc-Ok-PC2: screen blanked until ", outcome.Message, StringComparison.Ordinal);
        Assert.Equal(room.Id, outcome.RoomId);
        var action = Assert.Single(await Store.TeacherActions.ActiveAtAsync(DateTimeOffset.UtcNow, room.Id, CancellationToken.None));
        Assert.Equal(devices[1], action.DeviceId);
        Assert.Equal(15, (int)Math.Round((action.ExpiresAt - action.CreatedAt).TotalMinutes));
    }

    [Fact]
    public async Task Lesson_FollowsClassroomLessonLength_ForTheOfferedLengthsAndTheDefault()
    {
        var fifty = Microsoft.Extensions.Options.Options.Create(new ClassroomGuard.Console.Unblocking.ClassroomOptions { LessonLength = TimeSpan.FromMinutes(50) });
        var (room, _) = await RoomAsync("Svc-Lesson", 1);
        var teacher = await UserAsync("svc-lesson-teacher", Role.Teacher);
        await ConsoleSession.AssignRoomsAsync(Factory, teacher.Id, room);
        using var scope = Factory.Services.CreateScope();

        // The services as the console builds them, with Classroom:LessonLength = 00:50:00.
        var view = ActivatorUtilities.CreateInstance<ClassroomView>(scope.ServiceProvider, fifty);
        var outcome = await ActivatorUtilities.CreateInstance<ClassroomActions>(scope.ServiceProvider, fifty).RunAsync(teacher, new ClassroomRequest(ClassroomCommand.Pause, room.Id, null), CancellationToken.None);

        Assert.Equal(50, view.LessonMinutes);
        Assert.Contains(view.Durations(), d => d.Minutes == 50 && d.Label == "50 minutes (lesson)");
        Assert.DoesNotContain(view.Durations(), d => d.Label.StartsWith("60 minutes", StringComparison.Ordinal));
        Assert.True(outcome.Ok, outcome.Message);
        var action = Assert.Single(await Store.TeacherActions.ActiveAtAsync(DateTimeOffset.UtcNow, room.Id, CancellationToken.None));
        Assert.Equal(50, (int)Math.Round((action.ExpiresAt - action.CreatedAt).TotalMinutes));
    }

    private async Task<ClassroomOutcome> RunAsync(ConsoleUser? user, ClassroomRequest request)
    {
        using var scope = Factory.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<ClassroomActions>().RunAsync(user, request, CancellationToken.None);
    }

    private async Task<ConsoleUser> UserAsync(string name, Role role)
    {
        await ConsoleSession.EnsureUserAsync(Factory, name, role);
        var account = (await Store.Users.FindByNameAsync(name, CancellationToken.None))!;
        return ConsoleUser.From(ConsoleUser.CreatePrincipal(account, DateTimeOffset.UtcNow))!;
    }

    private async Task<(Room Room, long[] Devices)> RoomAsync(string name, int devices)
    {
        var site = (await Store.Sites.ListSitesAsync(CancellationToken.None)).FirstOrDefault() ?? await Store.Sites.CreateSiteAsync("Main", CancellationToken.None);
        var room = await Store.Sites.CreateRoomAsync(site.Id, name, CancellationToken.None);
        var ids = new long[devices];
        for (var i = 0; i < devices; i++)
        {
            var mac = string.Create(CultureInfo.InvariantCulture, $"02:03:{room.Id % 256:x2}:00:00:{i:x2}");
            ids[i] = await Store.Devices.ObserveAsync(new DeviceObservation(DateTimeOffset.UtcNow, DeviceSource.Manual, mac, null, $"{name}-PC{i + 1}"), CancellationToken.None);
            await Store.Devices.SetRoomAsync(ids[i], room.Id, CancellationToken.None);
        }

        return (room, ids);
    }
}

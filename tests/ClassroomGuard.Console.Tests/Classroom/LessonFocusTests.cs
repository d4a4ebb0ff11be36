using ClassroomGuard.Console.Classroom;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Tests.Classroom;

public sealed class LessonFocusTests : IDisposable
{
    private readonly RoomsTestWorld world = new();

    public void Dispose() => world.Dispose();

    [Fact]
    public async Task Start_TypedSitesOnTeachersRoom_StartsRoomFocusThatExpires()
    {
        var (lab, _) = await world.RoomsAsync();
        var teacher = await TeacherOfAsync(lab);

        var result = await world.Focus.StartAsync(teacher, lab.Id, null, null, "bbc.co.uk, https://www.mathswatch.co.uk/lesson", 30, RoomsTestWorld.Ct);

        Assert.True(result.Ok, result.Message);
        Assert.StartsWith("Lab 1: only bbc.co.uk, www.mathswatch.co.uk until ", result.Message, StringComparison.Ordinal);
        var action = Assert.Single(await ActiveFocusAsync(lab.Id));
        Assert.Equal((ActionScope.Room, lab.Id, teacher.Id), (action.Scope, action.RoomId, action.UserId));
        Assert.Equal(["bbc.co.uk", "www.mathswatch.co.uk"], action.Domains);
        Assert.Equal(30, (int)Math.Round((action.ExpiresAt - action.CreatedAt).TotalMinutes));
    }

    [Fact]
    public async Task Start_SavedListOnDevice_CopiesListAndReplacesEarlierFocusOfThatDevice()
    {
        var (lab, _) = await world.RoomsAsync();
        var teacher = await TeacherOfAsync(lab);
        var device = await world.DeviceAsync("02:00:00:00:09:01", "10.9.1.1", lab.Id);
        var (_, list) = await world.Store.FocusLists.CreateAsync("Year 9 maths", ["mathswatch.co.uk", "corbettmaths.com"], teacher.Id, RoomsTestWorld.Ct);

        Assert.True((await world.Focus.StartAsync(teacher, lab.Id, device, null, "bbc.co.uk", 15, RoomsTestWorld.Ct)).Ok);
        var result = await world.Focus.StartAsync(teacher, lab.Id, device, list!.Id, null, 60, RoomsTestWorld.Ct);

        Assert.True(result.Ok, result.Message);
        var action = Assert.Single(await ActiveFocusAsync(lab.Id));
        Assert.Equal((ActionScope.Device, (long?)device), (action.Scope, action.DeviceId));
        Assert.Equal(["mathswatch.co.uk", "corbettmaths.com"], action.Domains);
        Assert.Equal("Lesson focus: Year 9 maths", action.Reason);
    }

    [Theory]
    [InlineData(50)]
    [InlineData(30)]
    [InlineData(60)]
    public async Task View_LessonChoice_FollowsClassroomLessonLength(int lessonMinutes)
    {
        using var configured = new RoomsTestWorld(TimeSpan.FromMinutes(lessonMinutes));
        var (lab, _) = await configured.RoomsAsync();
        var teacher = await configured.UserAsync("lesson.teacher", Role.Teacher);
        await configured.Store.TeacherRooms.AssignAsync(teacher.Id, lab.Id, RoomsTestWorld.Ct);

        var view = await configured.Focus.ViewAsync(teacher, lab.Id, RoomsTestWorld.Ct);

        Assert.NotNull(view);
        Assert.Equal(lessonMinutes, view.LessonMinutes);
        var lesson = Assert.Single(view.Lengths, l => l.Label.EndsWith("(lesson)", StringComparison.Ordinal));
        Assert.Equal((lessonMinutes, $"{lessonMinutes} minutes (lesson)"), lesson);
        Assert.Equal(view.Lengths.Count, view.Lengths.Select(l => l.Minutes).Distinct().Count());
        Assert.DoesNotContain(view.Lengths, l => l.Label == "60 minutes (lesson)" && lessonMinutes != 60);
    }

    [Fact]
    public async Task Start_RoomNotAssigned_RefusedAndNothingStarted()
    {
        var (lab, art) = await world.RoomsAsync();
        var teacher = await TeacherOfAsync(lab);
        var device = await world.DeviceAsync("02:00:00:00:09:02", "10.9.1.2", art.Id);

        var room = await world.Focus.StartAsync(teacher, art.Id, null, null, "bbc.co.uk", 30, RoomsTestWorld.Ct);
        var otherRoomsDevice = await world.Focus.StartAsync(teacher, lab.Id, device, null, "bbc.co.uk", 30, RoomsTestWorld.Ct);

        Assert.False(room.Ok);
        Assert.False(otherRoomsDevice.Ok);
        Assert.Empty(await world.Store.TeacherActions.ActiveAtAsync(DateTimeOffset.UtcNow, null, RoomsTestWorld.Ct));
        Assert.Null(await world.Focus.ViewAsync(teacher, art.Id, RoomsTestWorld.Ct));
    }

    [Theory]
    [InlineData("", 30)]
    [InlineData("not a site", 30)]
    [InlineData("bbc.co.uk", 0)]
    [InlineData("bbc.co.uk", 721)]
    public async Task Start_BadSitesOrLength_RefusedWithReason(string sites, int minutes)
    {
        var (lab, _) = await world.RoomsAsync();
        var teacher = await TeacherOfAsync(lab);

        var result = await world.Focus.StartAsync(teacher, lab.Id, null, null, sites, minutes, RoomsTestWorld.Ct);

        Assert.False(result.Ok);
        Assert.NotEmpty(result.Message);
        Assert.Empty(await ActiveFocusAsync(lab.Id));
    }

    [Fact]
    public async Task End_ActiveFocus_ReleasesItAndViewShowsNone()
    {
        var (lab, _) = await world.RoomsAsync();
        var teacher = await TeacherOfAsync(lab);
        await world.Focus.StartAsync(teacher, lab.Id, null, null, "bbc.co.uk", 30, RoomsTestWorld.Ct);
        var view = await world.Focus.ViewAsync(teacher, lab.Id, RoomsTestWorld.Ct);
        var active = Assert.Single(view!.Active);
        Assert.Equal("The whole room", active.Target);

        var result = await world.Focus.EndAsync(teacher, lab.Id, active.ActionId, RoomsTestWorld.Ct);

        Assert.True(result.Ok, result.Message);
        Assert.Empty(await ActiveFocusAsync(lab.Id));
        Assert.Empty((await world.Focus.ViewAsync(teacher, lab.Id, RoomsTestWorld.Ct))!.Active);
    }

    [Fact]
    public async Task End_AnotherRoomsFocus_RefusedAndKept()
    {
        var (lab, art) = await world.RoomsAsync();
        var labTeacher = await TeacherOfAsync(lab);
        var artTeacher = await world.UserAsync("t.art", Role.Teacher);
        await world.Store.TeacherRooms.AssignAsync(artTeacher.Id, art.Id, RoomsTestWorld.Ct);
        await world.Focus.StartAsync(artTeacher, art.Id, null, null, "bbc.co.uk", 30, RoomsTestWorld.Ct);
        var action = Assert.Single(await ActiveFocusAsync(art.Id));

        var viaOwnRoom = await world.Focus.EndAsync(labTeacher, lab.Id, action.Id, RoomsTestWorld.Ct);
        var direct = await world.Focus.EndAsync(labTeacher, art.Id, action.Id, RoomsTestWorld.Ct);

        Assert.False(direct.Ok);
        Assert.True(viaOwnRoom.Ok); // "already ended" as far as Lab 1 is concerned: nothing of Art room's touched
        Assert.Single(await ActiveFocusAsync(art.Id));
    }

    [Theory]
    [InlineData("bbc.co.uk", "bbc.co.uk")]
    [InlineData("https://www.bbc.co.uk/bitesize", "www.bbc.co.uk")]
    [InlineData("*.nasa.gov", "nasa.gov")]
    [InlineData("BBC.CO.UK.", "bbc.co.uk")]
    [InlineData("localhost", null)]
    [InlineData("10.0.0.1", null)]
    [InlineData("bad_name.test", null)]
    [InlineData("-x.test", null)]
    [InlineData("ftp://files.test", null)]
    public void Site_Text_IsReadAsASiteOrRefused(string text, string? expected)
        => Assert.Equal(expected, FocusSites.Site(text));

    private async Task<ClassroomGuard.Console.Security.ConsoleUser> TeacherOfAsync(Room room)
    {
        var teacher = await world.UserAsync("t." + room.Id, Role.Teacher);
        await world.Store.TeacherRooms.AssignAsync(teacher.Id, room.Id, RoomsTestWorld.Ct);
        return teacher;
    }

    private async Task<List<TeacherAction>> ActiveFocusAsync(long roomId)
        => (await world.Store.TeacherActions.ActiveAtAsync(DateTimeOffset.UtcNow, roomId, RoomsTestWorld.Ct)).Where(a => a.Kind == TeacherActionKind.Focus).ToList();
}

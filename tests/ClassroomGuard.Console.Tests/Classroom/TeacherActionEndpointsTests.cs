using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ClassroomGuard.Console.Agents;
using ClassroomGuard.Console.Tests.Support;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.DependencyInjection;

namespace ClassroomGuard.Console.Tests.Classroom;

/// <summary>The teacher's blank/unblank/pause/resume posts: recorded in the state, refused with a reason, roles and antiforgery enforced.</summary>
public sealed class TeacherActionEndpointsTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    private const string Teacher = "teacher-actions";

    private ConsoleFactory Factory => fixture.Factory;

    private StateStore Store => ConsoleSession.Store(Factory);

    [Fact]
    public async Task PauseThenResume_Room_DefaultSixtyMinutesRecordedThenReleased()
    {
        var (room, _) = await RoomAsync("Act-Pause", 2);
        using var session = await TeacherAsync(room);

        using var pause = await PostAsync(session, "/classroom/pause", ("roomId", Id(room.Id)));

        Assert.Equal(HttpStatusCode.Redirect, pause.StatusCode);
        Assert.Equal($"/rooms/{room.Id}", ConsoleSession.LocationOf(pause));
        var action = Assert.Single(await ActiveAsync(room.Id, TeacherActionKind.Pause));
        Assert.Equal(ActionScope.Room, action.Scope);
        Assert.Equal(room.Id, action.RoomId);
        Assert.Equal((await Store.Users.FindByNameAsync(Teacher, CancellationToken.None))!.Id, action.UserId);
        Assert.Equal(60, (int)Math.Round((action.ExpiresAt - action.CreatedAt).TotalMinutes));

        using var resume = await PostAsync(session, "/classroom/resume", ("roomId", Id(room.Id)));

        Assert.Equal(HttpStatusCode.Redirect, resume.StatusCode);
        Assert.Empty(await ActiveAsync(room.Id, TeacherActionKind.Pause));
        var released = (await Store.TeacherActions.GetAsync(action.Id, CancellationToken.None))!;
        Assert.Equal(action.UserId, released.ReleasedBy);
        Assert.NotNull(released.ReleasedAt);
    }

    [Fact]
    public async Task Pause_DeviceWithJsonAccept_AnswersOutcomeAndRecordsDeviceScope()
    {
        var (room, devices) = await RoomAsync("Act-Json", 1);
        using var session = await TeacherAsync(room);

        using var response = await PostAsync(session, "/classroom/pause", json: true, ("roomId", Id(room.Id)), ("deviceId", Id(devices[0])), ("minutes", "15"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(answer.RootElement.GetProperty("ok").GetBoolean());
        Assert.Contains("internet paused until", answer.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
        var action = Assert.Single(await ActiveAsync(room.Id, TeacherActionKind.Pause));
        Assert.Equal(ActionScope.Device, action.Scope);
        Assert.Equal(devices[0], action.DeviceId);
        Assert.Null(action.RoomId);
        Assert.Equal(15, (int)Math.Round((action.ExpiresAt - action.CreatedAt).TotalMinutes));
    }

    [Fact]
    public async Task Blank_Room_ReachesTheAgentBlankStateOfEveryDeviceInIt()
    {
        var (room, devices) = await RoomAsync("Act-Blank", 2);
        var (_, outside) = await RoomAsync("Act-Blank-Other", 1);
        using var session = await TeacherAsync(room);

        using var blank = await PostAsync(session, "/classroom/blank", ("roomId", Id(room.Id)), ("minutes", "90"));

        Assert.Equal(HttpStatusCode.Redirect, blank.StatusCode);
        var agents = Factory.Services.GetRequiredService<AgentBlankState>();
        var (blanks, _) = await agents.EvaluateAsync([devices[0], devices[1], outside[0]], CancellationToken.None);
        Assert.NotNull(blanks[devices[0]]);
        Assert.NotNull(blanks[devices[1]]);
        Assert.Null(blanks[outside[0]]);
        Assert.Equal(90, (int)Math.Round((blanks[devices[0]]!.Value - DateTimeOffset.UtcNow).TotalMinutes));
    }

    [Fact]
    public async Task Unblank_DeviceUnderARoomBlank_SaysTheRoomBlankStillHoldsIt()
    {
        var (room, devices) = await RoomAsync("Act-Still", 1);
        using var session = await TeacherAsync(room);
        using (await PostAsync(session, "/classroom/blank", ("roomId", Id(room.Id))))
        {
        }

        using var response = await PostAsync(session, "/classroom/unblank", json: true, ("roomId", Id(room.Id)), ("deviceId", Id(devices[0])));

        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("whole room", answer.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Single(await ActiveAsync(room.Id, TeacherActionKind.Blank));
    }

    [Fact]
    public async Task UnblankAll_Room_ReleasesDeviceBlanksInItToo()
    {
        var (room, devices) = await RoomAsync("Act-All", 2);
        using var session = await TeacherAsync(room);
        using (await PostAsync(session, "/classroom/blank", ("roomId", Id(room.Id)), ("deviceId", Id(devices[1]))))
        {
        }

        using (await PostAsync(session, "/classroom/blank", ("roomId", Id(room.Id))))
        {
        }

        Assert.Equal(2, (await ActiveAsync(room.Id, TeacherActionKind.Blank)).Count);

        using var response = await PostAsync(session, "/classroom/unblank", ("roomId", Id(room.Id)));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Empty(await ActiveAsync(room.Id, TeacherActionKind.Blank));
    }

    public static TheoryData<string, string, bool, string> BadForms => new()
    {
        { "unknown device", "deviceId=987654", true, "That device is not in your rooms or is no longer in the inventory" },
        { "unknown room", "roomId=987654", false, "You cannot use that room" },
        { "neither", "minutes=60", false, "Say which device or room" },
        { "not a number", "deviceId=abc", true, "Say which device or room" },
        { "zero minutes", "minutes=0", true, "between 1 and 720 minutes" },
        { "too long", "minutes=721", true, "between 1 and 720 minutes" },
        { "not minutes", "minutes=an hour", true, "between 1 and 720 minutes" },
    };

    [Theory]
    [MemberData(nameof(BadForms))]
    public async Task Pause_BadForm_RefusedWithTheReasonAndNothingStarted(string name, string field, bool withRoom, string reason)
    {
        var (room, _) = await RoomAsync("Act-Bad-" + name, 1);
        using var session = await TeacherAsync(room); // their room: only the form's fault refuses it
        var (key, value) = (field[..field.IndexOf('=', StringComparison.Ordinal)], field[(field.IndexOf('=', StringComparison.Ordinal) + 1)..]);
        (string, string)[] fields = withRoom ? [("roomId", Id(room.Id)), (key, value)] : [(key, value)];

        using var page = await PostAsync(session, "/classroom/pause", fields);
        using var json = await PostAsync(session, "/classroom/pause", json: true, fields);

        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
        Assert.Contains(reason, WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, json.StatusCode);
        using var answer = JsonDocument.Parse(await json.Content.ReadAsStringAsync());
        Assert.False(answer.RootElement.GetProperty("ok").GetBoolean());
        Assert.Contains(reason, answer.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(await ActiveAsync(room.Id, TeacherActionKind.Pause));
    }

    [Theory]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example/")]
    [InlineData("/\t/evil.example/")]
    [InlineData("/\n/evil.example/")]
    [InlineData("https://evil.example/")]
    [InlineData("evil.example")]
    public async Task Resume_ReturnUrlToAnotherSite_SentBackToTheRoomInstead(string returnUrl)
    {
        var (room, _) = await RoomAsync("Act-Redirect-" + (uint)returnUrl.GetHashCode(StringComparison.Ordinal), 1);
        using var session = await TeacherAsync(room);

        using var response = await PostAsync(session, "/classroom/resume", ("roomId", Id(room.Id)), ("returnUrl", returnUrl));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/rooms/{room.Id}", ConsoleSession.LocationOf(response));
    }

    [Fact]
    public async Task Resume_LocalReturnUrl_Followed()
    {
        var (room, _) = await RoomAsync("Act-Redirect-Local", 1);
        using var session = await TeacherAsync(room);

        using var response = await PostAsync(session, "/classroom/resume", ("roomId", Id(room.Id)), ("returnUrl", "/rooms"));

        Assert.Equal("/rooms", ConsoleSession.LocationOf(response));
    }

    [Fact]
    public async Task Blank_DeviceOfAnotherRoom_RefusedAndNothingStarted()
    {
        var (room, _) = await RoomAsync("Act-Here", 1);
        var (other, elsewhere) = await RoomAsync("Act-There", 1);
        using var session = await TeacherAsync(room); // Act-Here only: Act-There is another teacher's room

        using var response = await PostAsync(session, "/classroom/blank", ("roomId", Id(room.Id)), ("deviceId", Id(elsewhere[0])));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains(ClassroomGuard.Console.Classroom.ClassroomActions.NoSuchDevice, body, StringComparison.Ordinal);
        Assert.DoesNotContain("Act-There", body, StringComparison.Ordinal); // nothing named from a room that is not theirs
        Assert.Empty(await ActiveAsync(room.Id, TeacherActionKind.Blank));
        Assert.Empty(await ActiveAsync(other.Id, TeacherActionKind.Blank));
    }

    [Fact]
    public async Task Blank_DeviceOfTheirOtherRoom_RefusedNamingIt()
    {
        var (room, _) = await RoomAsync("Both-Here", 1);
        var (other, elsewhere) = await RoomAsync("Both-There", 1);
        using var session = await TeacherAsync(room, other); // both rooms are theirs: the device may be named

        using var response = await PostAsync(session, "/classroom/blank", ("roomId", Id(room.Id)), ("deviceId", Id(elsewhere[0])));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("is not in Both-Here", WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Empty(await ActiveAsync(other.Id, TeacherActionKind.Blank));
    }

    [Theory]
    [InlineData("/classroom/blank")]
    [InlineData("/classroom/unblank")]
    [InlineData("/classroom/pause")]
    [InlineData("/classroom/resume")]
    public async Task Action_WithoutAntiforgeryToken_Refused(string path)
    {
        var (room, _) = await RoomAsync("Act-Forged" + path.Replace('/', '-'), 1);
        using var session = await TeacherAsync(room); // their room: only the missing token refuses it

        using var response = await session.PostRawAsync(path, ("roomId", Id(room.Id)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(await Store.TeacherActions.ActiveAtAsync(DateTimeOffset.UtcNow, room.Id, CancellationToken.None));
    }

    [Theory]
    [InlineData("/classroom/blank")]
    [InlineData("/classroom/unblank")]
    [InlineData("/classroom/pause")]
    [InlineData("/classroom/resume")]
    public async Task Action_Governor_Forbidden(string path)
    {
        var (room, _) = await RoomAsync("Act-Gov" + path.Replace('/', '-'), 1);
        await ConsoleSession.EnsureUserAsync(Factory, "governor-actions", Role.Governor);
        using var session = await ConsoleSession.SignInAsync(Factory, "governor-actions");

        using var response = await PostAsync(session, path, ("roomId", Id(room.Id)));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(await Store.TeacherActions.ActiveAtAsync(DateTimeOffset.UtcNow, room.Id, CancellationToken.None));
    }

    [Fact]
    public async Task Action_AnonymousScript_UnauthorizedNotARedirect()
    {
        var (room, _) = await RoomAsync("Act-Anon", 1);
        using var session = ConsoleSession.Anonymous(Factory);

        using var response = await PostAsync(session, "/classroom/pause", json: true, ("roomId", Id(room.Id)));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    /// <summary>The teacher, signed in, with <paramref name="rooms"/> assigned (a teacher acts only in their rooms).</summary>
    private async Task<ConsoleSession> TeacherAsync(params Room[] rooms)
    {
        await ConsoleSession.EnsureUserAsync(Factory, Teacher, Role.Teacher);
        await ConsoleSession.AssignRoomsAsync(Factory, Teacher, rooms);
        return await ConsoleSession.SignInAsync(Factory, Teacher);
    }

    private static Task<HttpResponseMessage> PostAsync(ConsoleSession session, string path, params (string Name, string Value)[] fields)
        => PostAsync(session, path, json: false, fields);

    /// <summary>Posts the form as the page does (with its token); with <paramref name="json"/> as the page's script does.</summary>
    private static async Task<HttpResponseMessage> PostAsync(ConsoleSession session, string path, bool json, params (string Name, string Value)[] fields)
    {
        var token = await session.TokenAsync();
        using var content = new FormUrlEncodedContent(fields.Prepend(("__RequestVerificationToken", token)).Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2)));
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = content };
        if (json)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        }

        return await session.Client.SendAsync(request);
    }

    private async Task<(Room Room, long[] Devices)> RoomAsync(string name, int devices)
    {
        var site = (await Store.Sites.ListSitesAsync(CancellationToken.None)).FirstOrDefault() ?? await Store.Sites.CreateSiteAsync("Main", CancellationToken.None);
        var room = await Store.Sites.CreateRoomAsync(site.Id, name, CancellationToken.None);
        var ids = new long[devices];
        for (var i = 0; i < devices; i++)
        {
            var mac = string.Create(CultureInfo.InvariantCulture, $"02:01:{room.Id % 256:x2}:00:00:{i:x2}");
            ids[i] = await Store.Devices.ObserveAsync(new DeviceObservation(DateTimeOffset.UtcNow, DeviceSource.Manual, mac, null, $"{name}-PC{i + 1}"), CancellationToken.None);
            await Store.Devices.SetRoomAsync(ids[i], room.Id, CancellationToken.None);
        }

        return (room, ids);
    }

    private async Task<List<TeacherAction>> ActiveAsync(long roomId, TeacherActionKind kind)
        => (await Store.TeacherActions.ActiveAtAsync(DateTimeOffset.UtcNow, roomId, CancellationToken.None)).Where(a => a.Kind == kind).ToList();
}

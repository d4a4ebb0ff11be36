using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using ClassroomGuard.Console.Tests.Support;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Tests.Agents;

public sealed class AgentEndpointsTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    private ConsoleFactory Factory => fixture.Factory;

    [Fact]
    public async Task BlankThenUnblank_TeacherWithToken_StartsAndReleasesRoomBlank()
    {
        var room = await RoomAsync("Blank-T");
        await ConsoleSession.EnsureUserAsync(Factory, "teacher-blank", Role.Teacher);
        using var session = await ConsoleSession.SignInAsync(Factory, "teacher-blank");
        var roomId = room.Id.ToString(CultureInfo.InvariantCulture);

        using var blank = await session.PostRawAsync("/classroom/blank", ("__RequestVerificationToken", await session.TokenAsync()), ("roomId", roomId), ("minutes", "30"));

        Assert.Equal(HttpStatusCode.Redirect, blank.StatusCode);
        Assert.Equal("/rooms/" + roomId, ConsoleSession.LocationOf(blank));
        var action = Assert.Single(await ActiveBlanksAsync(room.Id));
        Assert.Equal(30, (int)Math.Round((action.ExpiresAt - action.CreatedAt).TotalMinutes));

        using var unblank = await session.PostRawAsync("/classroom/unblank", ("__RequestVerificationToken", await session.TokenAsync()), ("roomId", roomId));

        Assert.Equal(HttpStatusCode.Redirect, unblank.StatusCode);
        Assert.Empty(await ActiveBlanksAsync(room.Id));
    }

    [Fact]
    public async Task Blank_WithoutAntiforgeryToken_RefusedAndNothingStarted()
    {
        var room = await RoomAsync("Blank-F");
        await ConsoleSession.EnsureUserAsync(Factory, "teacher-forged", Role.Teacher);
        using var session = await ConsoleSession.SignInAsync(Factory, "teacher-forged");

        using var response = await session.PostRawAsync("/classroom/blank", ("roomId", room.Id.ToString(CultureInfo.InvariantCulture)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(await ActiveBlanksAsync(room.Id));
    }

    [Fact]
    public async Task Blank_Governor_ForbiddenAndNothingStarted()
    {
        var room = await RoomAsync("Blank-G");
        await ConsoleSession.EnsureUserAsync(Factory, "governor-blank", Role.Governor);
        using var session = await ConsoleSession.SignInAsync(Factory, "governor-blank");

        using var response = await session.PostRawAsync("/classroom/blank", ("__RequestVerificationToken", await session.TokenAsync()), ("roomId", room.Id.ToString(CultureInfo.InvariantCulture)));

        Assert.False(response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.Redirect && ConsoleSession.LocationOf(response).StartsWith("/rooms", StringComparison.Ordinal));
        Assert.Empty(await ActiveBlanksAsync(room.Id));
    }

    [Fact]
    public async Task Enrol_UnknownToken_Forbidden()
    {
        using var session = ConsoleSession.Anonymous(Factory);

        using var response = await session.Client.PostAsJsonAsync("/api/agents/enrol", new { token = "not-a-token", hostname = "pc1", macs = new[] { "02:00:00:00:00:42" }, ips = Array.Empty<string>() });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Hub_Anonymous_Unauthorized()
    {
        using var session = ConsoleSession.Anonymous(Factory);

        using var response = await session.GetAsync("/hubs/agent");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private async Task<Room> RoomAsync(string name)
    {
        var store = ConsoleSession.Store(Factory);
        var site = (await store.Sites.ListSitesAsync(CancellationToken.None)).FirstOrDefault() ?? await store.Sites.CreateSiteAsync("Main", CancellationToken.None);
        return await store.Sites.CreateRoomAsync(site.Id, name, CancellationToken.None);
    }

    private async Task<List<TeacherAction>> ActiveBlanksAsync(long roomId)
        => (await ConsoleSession.Store(Factory).TeacherActions.ActiveAtAsync(DateTimeOffset.UtcNow, roomId, CancellationToken.None)).Where(a => a.Kind == TeacherActionKind.Blank).ToList();
}

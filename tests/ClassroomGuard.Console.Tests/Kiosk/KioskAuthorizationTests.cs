using System.Globalization;
using System.Net;
using ClassroomGuard.Console.Classroom;
using ClassroomGuard.Console.Kiosk;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Console.Tests.Support;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.DependencyInjection;

namespace ClassroomGuard.Console.Tests.Kiosk;

/// <summary>
/// A signed-in classroom display may use its own room's page and nothing else: every other page and endpoint refuses
/// it on the server, and the room services (RoomAccess) allow its room only.
/// </summary>
public sealed class KioskAuthorizationTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    /// <summary>Pages a person's role opens; a display gets 403 for each.</summary>
    public static TheoryData<string> RefusedPages =>
    [
        "/rooms", "/account/password", "/admin/users", "/admin/rooms", "/admin/rooms/1", "/admin/devices", "/admin/audit", "/admin/changes",
        "/policy/groups", "/policy/domains", "/policy/why", "/change-log", "/unblock-requests", "/alerts", "/blocks", "/incidents", "/review",
        "/reports", "/reports/weekly", "/reports/weekly.pdf", "/change-log/export.csv",
    ];

    private ConsoleFactory Factory => fixture.Factory;

    [Theory]
    [MemberData(nameof(RefusedPages))]
    public async Task Page_Display_Is403(string path)
    {
        var (_, _, display, _) = await KioskWorld.ArrangeAsync(Factory, "page" + path.Replace('/', '-'));
        using var session = await KioskWorld.SignInAsync(Factory, display.Text);

        using var response = await session.GetAsync(path);

        Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"GET {path} as a display answered {(int)response.StatusCode}");
    }

    [Fact]
    public async Task OtherRoomPage_Display_ShowsNothingOfIt()
    {
        var (_, other, display, _) = await KioskWorld.ArrangeAsync(Factory, "otherroom");
        using var session = await KioskWorld.SignInAsync(Factory, display.Text);

        var html = await session.PageAsync("/rooms/" + other.Id.ToString(CultureInfo.InvariantCulture));

        Assert.Contains("This room is not available to you", html, StringComparison.Ordinal);
        Assert.DoesNotContain(other.Name, html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/classroom/blank")]
    [InlineData("/signout")]
    [InlineData("/admin/users")]
    public async Task Post_Display_Refused(string path)
    {
        var (room, _, display, _) = await KioskWorld.ArrangeAsync(Factory, "post" + path.Replace('/', '-'));
        using var session = await KioskWorld.SignInAsync(Factory, display.Text);

        using var response = await session.PostRawAsync(path, ("__RequestVerificationToken", await session.TokenAsync()), ("roomId", room.Id.ToString(CultureInfo.InvariantCulture)));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(await ConsoleSession.Store(Factory).TeacherActions.ActiveAtAsync(DateTimeOffset.UtcNow, room.Id, CancellationToken.None));
    }

    [Fact]
    public async Task AgentHub_Display_Refused()
    {
        var (_, _, display, _) = await KioskWorld.ArrangeAsync(Factory, "agenthub");
        using var session = await KioskWorld.SignInAsync(Factory, display.Text);

        using var response = await session.PostRawAsync("/hubs/agent/negotiate?negotiateVersion=1");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task RoomActions_Display_OwnRoomRecordedUnderItsName_OtherRoomRefused()
    {
        var (room, other, display, _) = await KioskWorld.ArrangeAsync(Factory, "actions");
        var user = DisplayUser(display);
        await using var scope = Factory.Services.CreateAsyncScope();
        var actions = scope.ServiceProvider.GetRequiredService<ClassroomActions>();
        var store = ConsoleSession.Store(Factory);

        var refused = await actions.RunAsync(user, new ClassroomRequest(ClassroomCommand.Pause, other.Id, null, 10), CancellationToken.None);
        var done = await actions.RunAsync(user, new ClassroomRequest(ClassroomCommand.Pause, room.Id, null, 10), CancellationToken.None);

        Assert.False(refused.Ok);
        Assert.Empty(await store.TeacherActions.ActiveAtAsync(DateTimeOffset.UtcNow, other.Id, CancellationToken.None));
        Assert.True(done.Ok, done.Message);
        var action = Assert.Single(await store.TeacherActions.ActiveAtAsync(DateTimeOffset.UtcNow, room.Id, CancellationToken.None));
        Assert.Equal("actions display (classroom display)", (await store.Users.GetAsync(action.UserId, CancellationToken.None))!.DisplayName);
        await actions.RunAsync(user, new ClassroomRequest(ClassroomCommand.Resume, room.Id, null), CancellationToken.None);
    }

    [Fact]
    public async Task RoomAccess_RevokedDisplay_LosesItsRoom()
    {
        var (room, _, display, tech) = await KioskWorld.ArrangeAsync(Factory, "access");
        var user = DisplayUser(display);
        await using var scope = Factory.Services.CreateAsyncScope();
        var access = scope.ServiceProvider.GetRequiredService<RoomAccess>();

        Assert.True(await access.CanUseRoomAsync(user, room.Id, CancellationToken.None));
        Assert.Empty(await access.RoomsForAsync(user, CancellationToken.None));
        await ConsoleSession.Store(Factory).KioskCredentials.RevokeAsync(display.Credential.Id, tech.Id, CancellationToken.None);

        Assert.False(await access.CanUseRoomAsync(user, room.Id, CancellationToken.None));
    }

    [Fact]
    public async Task LessonFocusAndUnblockRequests_Display_RefusedInItsOwnRoom()
    {
        var (room, _, display, _) = await KioskWorld.ArrangeAsync(Factory, "teaching");
        var user = DisplayUser(display);
        await using var scope = Factory.Services.CreateAsyncScope();

        var focus = await scope.ServiceProvider.GetRequiredService<LessonFocus>().StartAsync(user, room.Id, null, null, "www.bbc.co.uk", 30, CancellationToken.None);
        var mayAsk = await scope.ServiceProvider.GetRequiredService<ClassroomGuard.Console.Unblocking.UnblockService>().MayAskAsync(user, room.Id, CancellationToken.None);

        Assert.False(focus.Ok, focus.Message);
        Assert.False(mayAsk);
        Assert.Empty(await ConsoleSession.Store(Factory).TeacherActions.ActiveAtAsync(DateTimeOffset.UtcNow, room.Id, CancellationToken.None));
    }

    private static ConsoleUser DisplayUser(NewKioskCredential display)
        => ConsoleUser.From(KioskDisplay.CreatePrincipal(display.Credential, DateTimeOffset.UtcNow))!;
}

using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Bunit;
using ClassroomGuard.Console.Classroom;
using ClassroomGuard.Console.Components.Pages.Rooms;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Console.Tests.Support;
using ClassroomGuard.Storage.State;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace ClassroomGuard.Console.Tests.Components;

/// <summary>
/// The room page rendered over a (bUnit) circuit with the console's real services and a real influxd: it shows the
/// room's snapshot, re-renders when the room's feed pushes a new one, and shows nothing of a room the user may not use.
/// </summary>
public sealed class RoomViewTests(LiveFixture fixture) : IClassFixture<LiveFixture>
{
    private ConsoleFactory Factory => fixture.Factory;

    [Fact]
    public async Task Render_TeacherOnTheCircuit_ShowsTheSnapshotAndFollowsTheFeed()
    {
        var (room, devices) = await fixture.RoomAsync("View-A", 3, pupil: "Cara Example");
        var teacher = await UserAsync("teacher-view", Role.Teacher, room);
        await using var context = Context(teacher);

        var cut = context.Render<RoomView>(p => p.Add(v => v.RoomId, room.Id));

        cut.WaitForAssertion(() => Assert.Equal("live", cut.Find("#live-status").GetAttribute("data-state")), TimeSpan.FromSeconds(10));
        Assert.Equal("View-A", cut.Find("h1").TextContent);
        Assert.Equal(room.Id.ToString(CultureInfo.InvariantCulture), cut.Find("#room").GetAttribute("data-room-id"));
        Assert.Equal(3, cut.FindAll("#tiles [data-device-id]").Count);
        Assert.Equal("normal", cut.Find("#tiles").GetAttribute("data-density"));
        Assert.Contains("Cara Example", cut.Find($"#tiles [data-device-id='{devices[0]}'] .tile-pupil").TextContent, StringComparison.Ordinal);
        Assert.Equal(4, cut.FindAll("#room-actions button[data-action]").Count);
        Assert.Empty(cut.FindAll("#room-alerts"));
        Assert.True(Factory.Services.GetRequiredService<RoomFeeds>().IsWatched(room.Id));

        // A blank started elsewhere (another teacher's kiosk) reaches this page through the shared feed.
        var store = ConsoleSession.Store(Factory);
        await store.TeacherActions.StartAsync(
            new NewTeacherAction(TeacherActionKind.Blank, teacher.Id, "test", ActionScope.Device, devices[1], null, DateTimeOffset.UtcNow.AddMinutes(30)), CancellationToken.None);

        cut.WaitForAssertion(() => Assert.Equal("true", cut.Find($"#tiles [data-device-id='{devices[1]}']").GetAttribute("data-blanked")), TimeSpan.FromSeconds(10));
        Assert.NotNull(cut.Find($"#tiles [data-device-id='{devices[1]}'] button[data-action=unblank]"));
        Assert.Equal("false", cut.Find($"#tiles [data-device-id='{devices[0]}']").GetAttribute("data-blanked"));
    }

    [Fact]
    public async Task Render_AnotherRoomOnTheSamePage_WatchesTheNewRoomAndLeavesTheOld()
    {
        var (first, _) = await fixture.RoomAsync("View-F1", 1);
        var (second, devices) = await fixture.RoomAsync("View-F2", 2);
        var teacher = await UserAsync("teacher-view", Role.Teacher, first, second);
        var feeds = Factory.Services.GetRequiredService<RoomFeeds>();
        await using var context = Context(teacher);
        var cut = context.Render<RoomView>(p => p.Add(v => v.RoomId, first.Id));
        cut.WaitForAssertion(() => Assert.Equal("live", cut.Find("#live-status").GetAttribute("data-state")), TimeSpan.FromSeconds(10));
        Assert.Equal(1, feeds.ViewersOf(first.Id));

        cut.Render(p => p.Add(v => v.RoomId, second.Id));

        cut.WaitForAssertion(() => Assert.Equal("View-F2", cut.Find("h1").TextContent), TimeSpan.FromSeconds(10));
        cut.WaitForAssertion(() => Assert.Equal("live", cut.Find("#live-status").GetAttribute("data-state")), TimeSpan.FromSeconds(10));
        Assert.Equal(devices.Length, cut.FindAll("#tiles [data-device-id]").Count);
        Assert.Equal(0, feeds.ViewersOf(first.Id));
        Assert.Equal(1, feeds.ViewersOf(second.Id));
    }

    [Fact]
    public async Task Render_AlertInTheRoom_ShowsTheBannerInWords()
    {
        var (room, devices) = await fixture.RoomAsync("View-B", 1);
        var teacher = await UserAsync("teacher-view", Role.Teacher, room);
        await ConsoleSession.Store(Factory).Alerts.RaiseAsync(
            new NewAlert(AlertKind.HighRiskCategory, DateTimeOffset.UtcNow.AddMinutes(-2), "evidence", devices[0], "self_harm", "bad.example"), CancellationToken.None);
        await using var context = Context(teacher);

        var cut = context.Render<RoomView>(p => p.Add(v => v.RoomId, room.Id));

        var banner = cut.WaitForElement("#room-alerts .alert", TimeSpan.FromSeconds(10));
        Assert.Contains("View-B-PC1 tried a high-risk site: bad.example, self harm at", banner.TextContent, StringComparison.Ordinal);
        Assert.Equal("true", cut.Find($"#tiles [data-device-id='{devices[0]}']").GetAttribute("data-alert"));
    }

    [Fact]
    public async Task Render_RoomTheUserMayNotUse_SaysSoAndWatchesNothing()
    {
        var (room, _) = await fixture.RoomAsync("View-C", 1);
        var governor = await UserAsync("governor-view", Role.Governor);
        await using var context = Context(governor);

        var cut = context.Render<RoomView>(p => p.Add(v => v.RoomId, room.Id));

        cut.WaitForAssertion(() => Assert.Equal("This room is not available to you", cut.Find("h1").TextContent), TimeSpan.FromSeconds(10));
        Assert.Empty(cut.FindAll("[data-device-id]"));
        Assert.Contains("A technician can assign rooms to you", cut.Markup, StringComparison.Ordinal);
        Assert.Equal(0, Factory.Services.GetRequiredService<RoomFeeds>().ViewersOf(room.Id));
    }

    [Fact]
    public async Task RoomsPage_TeacherOnTheCircuit_ACardPerRoomWithItsCounts()
    {
        var (room, devices) = await fixture.RoomAsync("View-D", 2);
        var store = ConsoleSession.Store(Factory);
        await store.Devices.ObserveAsync(new DeviceObservation(DateTimeOffset.UtcNow, DeviceSource.Manual, string.Create(CultureInfo.InvariantCulture, $"02:00:{room.Id % 256:x2}:00:00:00")), CancellationToken.None); // seen now
        var teacher = await UserAsync("teacher-view", Role.Teacher, room);
        await using var context = Context(teacher);

        var cut = context.Render<Rooms>();

        var card = cut.WaitForElement($".room-card[data-room-id='{room.Id}']", TimeSpan.FromSeconds(10));
        Assert.Contains("View-D", card.TextContent, StringComparison.Ordinal);
        Assert.Contains("2 devices", card.TextContent, StringComparison.Ordinal);
        Assert.Contains("1 online", card.TextContent, StringComparison.Ordinal);
        Assert.Equal($"/rooms/{room.Id}", card.QuerySelector("a")!.GetAttribute("href"));
        Assert.Equal(2, devices.Length);
    }

    [Fact]
    public async Task RoomsPage_NoRoomsForTheUser_SaysToAskATechnician()
    {
        await fixture.RoomAsync("View-E", 1);
        var governor = await UserAsync("governor-view", Role.Governor);
        await using var context = Context(governor);

        var cut = context.Render<Rooms>();

        cut.WaitForAssertion(() => Assert.Contains("You have no rooms yet", cut.Markup, StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        Assert.Contains("Ask a technician to assign you", cut.Markup, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll(".room-card"));
    }

    private BunitContext Context(UserAccount user)
    {
        var context = new BunitContext();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddMudServices();
        var scope = Factory.Services.CreateScope(); // the console's own services, as a circuit's scope has them
        context.Services.AddSingleton(scope);
        context.Services.AddSingleton(scope.ServiceProvider.GetRequiredService<ClassroomView>());
        context.Services.AddSingleton(scope.ServiceProvider.GetRequiredService<ClassroomActions>());
        context.Services.AddSingleton(scope.ServiceProvider.GetRequiredService<LessonFocus>()); // the room's lesson focus panel
        context.Services.AddSingleton(scope.ServiceProvider.GetRequiredService<ClassroomGuard.Console.Unblocking.UnblockService>()); // the room's unblock panel
        context.Services.AddSingleton(Factory.Services.GetRequiredService<ClassroomGuard.Console.Unblocking.UnblockFeed>());
        context.Services.AddSingleton(Factory.Services.GetRequiredService<ClassroomGuard.Console.Unblocking.UnblockTimes>());
        context.Services.AddSingleton(Factory.Services.GetRequiredService<SchoolClock>());
        context.Services.AddSingleton(TimeProvider.System);
        context.Services.AddScoped<CurrentUser>();
        context.Services.AddSingleton<AuthenticationStateProvider>(new SignedIn(ConsoleUser.CreatePrincipal(user, DateTimeOffset.UtcNow)));
        context.SetRendererInfo(new RendererInfo("Server", isInteractive: true)); // last: it builds the service provider
        return context;
    }

    /// <summary>The user (created unless another test did), with <paramref name="rooms"/> assigned.</summary>
    private async Task<UserAccount> UserAsync(string name, Role role, params Room[] rooms)
    {
        await ConsoleSession.EnsureUserAsync(Factory, name, role);
        await ConsoleSession.AssignRoomsAsync(Factory, name, rooms);
        return (await ConsoleSession.Store(Factory).Users.FindByNameAsync(name, CancellationToken.None))!;
    }

    /// <summary>The session as the console's cookie sign-in makes it.</summary>
    private sealed class SignedIn(ClaimsPrincipal principal) : AuthenticationStateProvider
    {
        public override Task<AuthenticationState> GetAuthenticationStateAsync() => Task.FromResult(new AuthenticationState(principal));
    }
}

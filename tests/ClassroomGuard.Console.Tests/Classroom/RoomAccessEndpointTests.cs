using System.Globalization;
using System.Net;
using ClassroomGuard.Console.Tests.Support;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Tests.Classroom;

/// <summary>
/// A teacher confined to their rooms over HTTP: the classroom action posts and the room page refuse a room (or a device
/// in a room) that is not theirs, and nothing is started there (the live data itself flows only over the room page's
/// circuit, which asks <c>RoomAccess</c> before it subscribes: RoomViewTests).
/// </summary>
public sealed class RoomAccessEndpointTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    private ConsoleFactory Factory => fixture.Factory;

    public static TheoryData<string> Commands => ["/classroom/blank", "/classroom/pause"];

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Action_RoomNotAssigned_RefusedAndNothingStarted(string path)
    {
        var (_, art, _, artDevice) = await ArrangeAsync();
        using var session = await ConsoleSession.SignInAsync(Factory, "confined.teacher");

        using var room = await session.PostRawAsync(path, ("__RequestVerificationToken", await session.TokenAsync()), ("roomId", Id(art.Id)), ("minutes", "30"));
        using var device = await session.PostRawAsync(path, ("__RequestVerificationToken", await session.TokenAsync()), ("deviceId", Id(artDevice)), ("minutes", "30"));

        Assert.False(IsDone(room), $"{path} for another room answered {(int)room.StatusCode}");
        Assert.False(IsDone(device), $"{path} for another room's device answered {(int)device.StatusCode}");
        Assert.Empty(await ConsoleSession.Store(Factory).TeacherActions.ActiveAtAsync(DateTimeOffset.UtcNow, art.Id, CancellationToken.None));
    }

    [Fact]
    public async Task Action_AssignedRoom_IsDone()
    {
        var (lab, _, _, _) = await ArrangeAsync();
        using var session = await ConsoleSession.SignInAsync(Factory, "confined.teacher");

        using var response = await session.PostRawAsync("/classroom/blank", ("__RequestVerificationToken", await session.TokenAsync()), ("roomId", Id(lab.Id)), ("minutes", "30"));

        Assert.True(IsDone(response), $"blank in the teacher's own room answered {(int)response.StatusCode}");
        var store = ConsoleSession.Store(Factory);
        Assert.Contains(await store.TeacherActions.ActiveAtAsync(DateTimeOffset.UtcNow, lab.Id, CancellationToken.None), a => a.Kind == TeacherActionKind.Blank);
        await store.TeacherActions.ReleaseAsync((await store.TeacherActions.ActiveAtAsync(DateTimeOffset.UtcNow, lab.Id, CancellationToken.None))[0].Id, 1, CancellationToken.None);
    }

    [Fact]
    public async Task RoomPage_RoomNotAssigned_ShowsNothingOfIt()
    {
        var (_, art, _, _) = await ArrangeAsync();
        using var session = await ConsoleSession.SignInAsync(Factory, "confined.teacher");

        using var response = await session.GetAsync("/rooms/" + Id(art.Id));
        var html = await response.Content.ReadAsStringAsync();

        Assert.DoesNotContain("art-pc-1", html, StringComparison.Ordinal);
    }

    private static bool IsDone(HttpResponseMessage response)
        => response.IsSuccessStatusCode || (response.StatusCode == HttpStatusCode.Redirect && ConsoleSession.LocationOf(response).StartsWith("/rooms", StringComparison.Ordinal));

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    private async Task<(Room Lab, Room Art, long LabDevice, long ArtDevice)> ArrangeAsync()
    {
        var store = ConsoleSession.Store(Factory);
        var site = (await store.Sites.ListSitesAsync(CancellationToken.None)).FirstOrDefault() ?? await store.Sites.CreateSiteAsync("Main", CancellationToken.None);
        var lab = await store.Sites.CreateRoomAsync(site.Id, "Confined lab", CancellationToken.None);
        var art = await store.Sites.CreateRoomAsync(site.Id, "Confined art", CancellationToken.None);
        var labDevice = await store.Devices.ObserveAsync(new DeviceObservation(DateTimeOffset.UtcNow, DeviceSource.Sniffer, "02:00:00:00:0a:01", "10.10.0.1", "lab-pc-1"), CancellationToken.None);
        var artDevice = await store.Devices.ObserveAsync(new DeviceObservation(DateTimeOffset.UtcNow, DeviceSource.Sniffer, "02:00:00:00:0a:02", "10.10.0.2", "art-pc-1"), CancellationToken.None);
        await store.Devices.SetRoomAsync(labDevice, lab.Id, CancellationToken.None);
        await store.Devices.SetRoomAsync(artDevice, art.Id, CancellationToken.None);
        await ConsoleSession.EnsureUserAsync(Factory, "confined.teacher", Role.Teacher);
        var teacher = await store.Users.FindByNameAsync("confined.teacher", CancellationToken.None);
        await store.TeacherRooms.AssignAsync(teacher!.Id, lab.Id, CancellationToken.None);
        return (lab, art, labDevice, artDevice);
    }
}

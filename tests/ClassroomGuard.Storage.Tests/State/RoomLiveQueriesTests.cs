using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Storage.Tests.State;

/// <summary>The live classroom view's per-tick reads on a real SQLite file: one room's row, one room's alerts.</summary>
public sealed class RoomLiveQueriesTests
{
    private static CancellationToken Token => StateTestContext.Token;

    [Fact]
    public async Task GetRoomAsync_ExistingAndMissing_RoomOrNull()
    {
        using var context = new StateTestContext();
        var store = context.Store;
        var site = await store.Sites.CreateSiteAsync("Main", Token);
        var room = await store.Sites.CreateRoomAsync(site.Id, "Room 7", Token);
        await store.Sites.CreateRoomAsync(site.Id, "Room 8", Token);

        Assert.Equal(room, await store.Sites.GetRoomAsync(room.Id, Token));
        Assert.Null(await store.Sites.GetRoomAsync(room.Id + 1000, Token));
    }

    [Fact]
    public async Task ListUnacknowledgedInRoomAsync_MixedAlerts_OnlyThatRoomsOpenRecentOnesNewestFirstUpToTheLimit()
    {
        using var context = new StateTestContext();
        var store = context.Store;
        var t0 = context.Clock.Now;
        var dsl = await context.UserAsync("dsl", Role.SafeguardingLead);
        var site = await store.Sites.CreateSiteAsync("Main", Token);
        var room = await store.Sites.CreateRoomAsync(site.Id, "R1", Token);
        var other = await store.Sites.CreateRoomAsync(site.Id, "R2", Token);
        var inRoom = await DeviceAsync(store, t0, "aa:00:00:00:00:01", room.Id);
        var alsoInRoom = await DeviceAsync(store, t0, "aa:00:00:00:00:02", room.Id);
        var inOther = await DeviceAsync(store, t0, "aa:00:00:00:00:03", other.Id);
        var nowhere = await DeviceAsync(store, t0, "aa:00:00:00:00:04", null);

        var old = await Raise(store, t0.AddHours(-13), inRoom); // before the window
        var first = await Raise(store, t0.AddMinutes(-30), inRoom, "other-vpn.example"); // another site: not folded into "third"
        var acknowledged = await Raise(store, t0.AddMinutes(-20), alsoInRoom);
        await store.Alerts.AcknowledgeAsync(acknowledged.Id, dsl.Id, Token);
        var second = await Raise(store, t0.AddMinutes(-10), alsoInRoom);
        var third = await Raise(store, t0.AddMinutes(-5), inRoom);
        await Raise(store, t0.AddMinutes(-4), inOther);
        await Raise(store, t0.AddMinutes(-3), nowhere);
        await store.Alerts.RaiseAsync(new NewAlert(AlertKind.Other, t0.AddMinutes(-2), "no device"), Token);

        var all = await store.Alerts.ListUnacknowledgedInRoomAsync(room.Id, t0.AddHours(-12), 20, Token);
        var two = await store.Alerts.ListUnacknowledgedInRoomAsync(room.Id, t0.AddHours(-12), 2, Token);

        Assert.Equal([third.Id, second.Id, first.Id], all.Select(a => a.Id));
        Assert.DoesNotContain(old.Id, all.Select(a => a.Id));
        Assert.Equal([third.Id, second.Id], two.Select(a => a.Id));
        Assert.Equal("vpn.example", all[0].Domain);
        Assert.Empty(await store.Alerts.ListUnacknowledgedInRoomAsync(room.Id + 1000, t0.AddHours(-12), 20, Token));
    }

    [Fact]
    public async Task ListUnacknowledgedInRoomAsync_DeviceMovedOut_ItsAlertsLeaveTheRoom()
    {
        using var context = new StateTestContext();
        var store = context.Store;
        var t0 = context.Clock.Now;
        var site = await store.Sites.CreateSiteAsync("Main", Token);
        var room = await store.Sites.CreateRoomAsync(site.Id, "R1", Token);
        var other = await store.Sites.CreateRoomAsync(site.Id, "R2", Token);
        var device = await DeviceAsync(store, t0, "aa:00:00:00:00:01", room.Id);
        var alert = await Raise(store, t0.AddMinutes(-1), device);
        Assert.Single(await store.Alerts.ListUnacknowledgedInRoomAsync(room.Id, t0.AddHours(-1), 20, Token));

        await store.Devices.SetRoomAsync(device, other.Id, Token);

        Assert.Empty(await store.Alerts.ListUnacknowledgedInRoomAsync(room.Id, t0.AddHours(-1), 20, Token));
        Assert.Equal(alert.Id, Assert.Single(await store.Alerts.ListUnacknowledgedInRoomAsync(other.Id, t0.AddHours(-1), 20, Token)).Id);
    }

    private static async Task<long> DeviceAsync(StateStore store, DateTimeOffset at, string mac, long? roomId)
    {
        var id = await store.Devices.ObserveAsync(new DeviceObservation(at, DeviceSource.Sniffer, mac, null), Token);
        if (roomId is { } room)
        {
            Assert.True(await store.Devices.SetRoomAsync(id, room, Token));
        }

        return id;
    }

    private static Task<Alert> Raise(StateStore store, DateTimeOffset at, long deviceId, string domain = "vpn.example")
        => store.Alerts.RaiseAsync(new NewAlert(AlertKind.Circumvention, at, "DoH", deviceId, "vpn", domain), Token);
}

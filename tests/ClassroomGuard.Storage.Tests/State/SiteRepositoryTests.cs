using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Storage.Tests.State;

public sealed class SiteRepositoryTests
{
    private static CancellationToken Token => StateTestContext.Token;

    [Fact]
    public async Task RemoveRoomAsync_WithDevicesAndTokens_DevicesStayWithoutRoomTokensGone()
    {
        using var context = new StateTestContext();
        var admin = await context.UserAsync("admin", Role.Administrator);
        var site = await context.Store.Sites.CreateSiteAsync("Main", Token);
        var room = await context.Store.Sites.CreateRoomAsync(site.Id, "IT1", Token);
        var device = await context.Store.Devices.ObserveAsync(new DeviceObservation(context.Clock.Now, DeviceSource.Manual, "02:00:00:00:00:01"), Token);
        await context.Store.Devices.SetRoomAsync(device, room.Id, Token);
        var token = await context.Store.EnrolmentTokens.CreateAsync(room.Id, admin.Id, TimeSpan.FromDays(1), Token);

        Assert.True(await context.Store.Sites.RemoveRoomAsync(room.Id, Token));
        Assert.False(await context.Store.Sites.RemoveRoomAsync(room.Id, Token));

        Assert.Empty(await context.Store.Sites.ListRoomsAsync(null, Token));
        Assert.Null((await context.Store.Devices.GetAsync(device, Token))!.RoomId);
        Assert.Empty(await context.Store.EnrolmentTokens.ListAsync(null, Token));
        Assert.Null(await context.Store.EnrolmentTokens.RedeemAsync(token!.Secret, Token));
    }
}

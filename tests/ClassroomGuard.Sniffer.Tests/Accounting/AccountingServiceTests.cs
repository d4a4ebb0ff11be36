using System.Net;
using ClassroomGuard.Sniffer.Accounting;
using ClassroomGuard.Sniffer.Decoding;
using ClassroomGuard.Sniffer.Hosting;
using ClassroomGuard.Sniffer.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Sniffer.Tests.Accounting;

/// <summary>The accounting service's own loops, on a real SQLite state: sightings written each second, map kept current.</summary>
public sealed class AccountingServiceTests
{
    [Fact]
    public async Task Service_DeviceSeenThenMovedToARoom_MapFollowsTheStateRevision()
    {
        using var state = new TempState();
        using var rig = new AccountingRig();
        using var services = new ServiceCollection().AddSingleton(state.Store).BuildServiceProvider();
        var service = new AccountingService(rig.Accountant, rig.Flusher, rig.Discovery, rig.DiscoveryWriter, services,
            Options.Create(new SnifferOptions { ReadFile = "unused" }), TimeProvider.System, NullLogger<AccountingService>.Instance);
        var address = NetAddress.FromIPAddress(IPAddress.Parse("10.50.0.7"));
        await service.StartAsync(CancellationToken.None);
        try
        {
            rig.Feed(Frames.Arp("02:cc:00:00:00:07", "10.50.0.7", "10.50.0.1"));
            DeviceTag tag = default;
            for (var i = 0; i < 100 && !rig.Map.TryGet(address, out tag); i++)
            {
                await Task.Delay(100); // the discovery loop writes once a second, then reloads the map
            }

            Assert.True(rig.Map.TryGet(address, out tag));
            Assert.Null(tag.RoomId);

            // A technician puts the device in a room (another process, as far as the sniffer knows): the revision moves.
            var site = await state.Store.Sites.CreateSiteAsync("Main", CancellationToken.None);
            var room = await state.Store.Sites.CreateRoomAsync(site.Id, "Lab 2", CancellationToken.None);
            Assert.True(await state.Store.Devices.SetRoomAsync(tag.DeviceId, room.Id, CancellationToken.None));
            for (var i = 0; i < 100 && (!rig.Map.TryGet(address, out tag) || tag.RoomId != room.Id); i++)
            {
                await Task.Delay(100);
            }

            Assert.Equal(room.Id, tag.RoomId);
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }
}

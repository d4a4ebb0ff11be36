using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Storage.Tests.State;

public sealed class DeviceRepositoryTests
{
    private static CancellationToken Token => StateTestContext.Token;

    [Fact]
    public async Task ObserveAsync_SameMacNewIp_OneDeviceWithBothMacSpellingsMerged()
    {
        using var context = new StateTestContext();
        var devices = context.Store.Devices;
        var t = context.Clock.Now;

        var a = await devices.ObserveAsync(new DeviceObservation(t, DeviceSource.Sniffer, "AA-BB-CC-DD-EE-01", "10.0.0.5", "pc-01"), Token);
        var b = await devices.ObserveAsync(new DeviceObservation(t.AddMinutes(1), DeviceSource.Sniffer, "aa:bb:cc:dd:ee:01", "10.0.0.6"), Token);

        Assert.Equal(a, b);
        var device = (await devices.GetAsync(a, Token))!;
        Assert.Equal(["aa:bb:cc:dd:ee:01"], device.Macs);
        Assert.Equal(["10.0.0.5", "10.0.0.6"], device.Ips);
        Assert.Equal("pc-01", device.Hostname);
        Assert.Equal(t.AddMinutes(1), device.LastSeen);
    }

    [Fact]
    public async Task ObserveAsync_IpChangesHands_MovesIpKeepsHistoryDoesNotDuplicateDevice()
    {
        using var context = new StateTestContext();
        var devices = context.Store.Devices;
        var t = context.Clock.Now;
        var first = await devices.ObserveAsync(new DeviceObservation(t, DeviceSource.Sniffer, "aa:bb:cc:00:00:01", "10.0.0.9"), Token);

        var second = await devices.ObserveAsync(new DeviceObservation(t.AddHours(2), DeviceSource.Sniffer, "aa:bb:cc:00:00:02", "10.0.0.9"), Token);

        Assert.NotEqual(first, second);
        Assert.Equal(second, (await devices.FindByIpAsync("10.0.0.9", Token))!.Id);
        Assert.Empty((await devices.GetAsync(first, Token))!.Ips);
        Assert.Equal(first, await devices.DeviceForIpAtAsync("10.0.0.9", t.AddHours(1), Token));
        Assert.Equal(second, await devices.DeviceForIpAtAsync("10.0.0.9", t.AddHours(3), Token));
        var history = await devices.GetIpHistoryAsync("10.0.0.9", Token);
        Assert.Equal([second, first], history.Select(h => h.DeviceId));
        Assert.Equal(2, (await devices.ListAsync(null, Token)).Count);
    }

    [Fact]
    public async Task ListIpHoldersAsync_EveryCurrentAddressWithItsDeviceAndRoom()
    {
        using var context = new StateTestContext();
        var devices = context.Store.Devices;
        var t = context.Clock.Now;
        var site = await context.Store.Sites.CreateSiteAsync("Main", Token);
        var room = await context.Store.Sites.CreateRoomAsync(site.Id, "Lab 1", Token);
        var pupil = await devices.ObserveAsync(new DeviceObservation(t, DeviceSource.Sniffer, "aa:bb:cc:00:00:01", "10.0.0.9"), Token);
        await devices.ObserveAsync(new DeviceObservation(t, DeviceSource.Sniffer, "aa:bb:cc:00:00:01", "fe80::1"), Token);
        var other = await devices.ObserveAsync(new DeviceObservation(t, DeviceSource.Sniffer, "aa:bb:cc:00:00:02", "10.0.0.10"), Token);
        await devices.SetRoomAsync(pupil, room.Id, Token);
        await devices.ObserveAsync(new DeviceObservation(t.AddHours(1), DeviceSource.Sniffer, "aa:bb:cc:00:00:02", "10.0.0.9"), Token); // changes hands

        var holders = (await devices.ListIpHoldersAsync(Token)).OrderBy(h => h.Ip, StringComparer.Ordinal).ToList();

        Assert.Equal(
            [new IpHolder("10.0.0.10", other, null), new IpHolder("10.0.0.9", other, null), new IpHolder("fe80::1", pupil, room.Id)],
            holders);
    }

    [Fact]
    public async Task ObserveAsync_SecondMacFromAgentForKnownIp_AddsDisplayName()
    {
        using var context = new StateTestContext();
        var devices = context.Store.Devices;
        var id = await devices.ObserveAsync(new DeviceObservation(context.Clock.Now, DeviceSource.Sniffer, "aa:bb:cc:00:00:01", "10.0.0.9"), Token);

        var same = await devices.ObserveAsync(new DeviceObservation(context.Clock.Now, DeviceSource.Agent, Ip: "10.0.0.9", DisplayName: "J. Smith (Y8)"), Token);

        Assert.Equal(id, same);
        Assert.Equal("J. Smith (Y8)", (await devices.GetAsync(id, Token))!.DisplayName);
    }

    [Fact]
    public async Task ObserveAsync_OnlyLastSeenChanges_DoesNotBumpRevision()
    {
        using var context = new StateTestContext();
        var devices = context.Store.Devices;
        await devices.ObserveAsync(new DeviceObservation(context.Clock.Now, DeviceSource.Sniffer, "aa:bb:cc:00:00:01", "10.0.0.9"), Token);
        var before = await context.Store.GetRevisionAsync(Token);

        await devices.ObserveManyAsync(
            [new DeviceObservation(context.Clock.Now.AddSeconds(5), DeviceSource.Sniffer, "aa:bb:cc:00:00:01", "10.0.0.9"),
             new DeviceObservation(context.Clock.Now.AddSeconds(6), DeviceSource.Sniffer, "aa:bb:cc:00:00:01", "10.0.0.9")], Token);

        Assert.Equal(before, await context.Store.GetRevisionAsync(Token));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("not-a-mac", "not-an-ip")]
    public async Task ObserveAsync_NoValidAddress_Throws(string? mac, string? ip)
    {
        using var context = new StateTestContext();

        await Assert.ThrowsAsync<ArgumentException>(() => context.Store.Devices.ObserveAsync(new DeviceObservation(context.Clock.Now, DeviceSource.Manual, mac, ip), Token));
    }

    [Fact]
    public async Task SetDeviceGroupChange_Approved_DeviceGroupInSnapshot()
    {
        using var context = new StateTestContext();
        var device = await context.Store.Devices.ObserveAsync(new DeviceObservation(context.Clock.Now, DeviceSource.Manual, "aa:bb:cc:00:00:07", "10.0.0.7"), Token);
        var alice = await context.UserAsync("alice", Role.Technician);
        var bob = await context.UserAsync("bob", Role.Technician);
        var proposed = await context.Store.ChangeControl.ProposeAsync(alice.Id, new SetDeviceGroupChange(device, "staff"), "staff laptop", Token);

        await context.Store.ChangeControl.ApproveAsync(bob.Id, proposed.Entry!.ChangeId, null, Token);

        var entry = Assert.Single((await context.Store.Policy.GetSnapshotAsync(Token)).Devices);
        Assert.Equal("staff", entry.GroupKey);
        Assert.Equal(["10.0.0.7"], entry.Ips);
    }

    [Fact]
    public async Task QueryAsync_SearchRoomSortAndPage_ReturnsThePageAndTotal()
    {
        using var context = new StateTestContext();
        var devices = context.Store.Devices;
        var site = await context.Store.Sites.CreateSiteAsync("Main", Token);
        var it1 = await context.Store.Sites.CreateRoomAsync(site.Id, "IT1", Token);
        var art = await context.Store.Sites.CreateRoomAsync(site.Id, "Art", Token);
        var t = context.Clock.Now;
        var ids = new List<long>();
        for (var i = 0; i < 12; i++)
        {
            var id = await devices.ObserveAsync(new DeviceObservation(t.AddMinutes(i), DeviceSource.Sniffer, $"02:00:00:00:00:{i:x2}", $"10.1.20.{i + 10}", $"LAPTOP-{i:00}"), Token);
            await devices.SetRoomAsync(id, i % 3 == 0 ? null : i % 3 == 1 ? it1.Id : art.Id, Token);
            ids.Add(id);
        }

        await devices.ObserveAsync(new DeviceObservation(t, DeviceSource.Agent, Ip: "10.9.9.9"), Token); // no name at all

        var page2 = await devices.QueryAsync(new DeviceQuery(Offset: 5, Limit: 5), Token);
        var byName = await devices.QueryAsync(new DeviceQuery(Search: "laptop-1"), Token);
        var byMac = await devices.QueryAsync(new DeviceQuery(Search: "00:0b"), Token);
        var byIp = await devices.QueryAsync(new DeviceQuery(Search: "10.9.9"), Token);
        var inIt1 = await devices.QueryAsync(new DeviceQuery(RoomId: it1.Id), Token);
        var noRoom = await devices.QueryAsync(new DeviceQuery(WithoutRoomOnly: true), Token);
        var newest = await devices.QueryAsync(new DeviceQuery(Sort: DeviceSort.LastSeen, Descending: true, Limit: 1), Token);
        var byRoom = await devices.QueryAsync(new DeviceQuery(Sort: DeviceSort.Room, Limit: 100), Token);
        var wildcard = await devices.QueryAsync(new DeviceQuery(Search: "_"), Token);

        Assert.Equal(13, page2.Total);
        Assert.Equal(["LAPTOP-05", "LAPTOP-06", "LAPTOP-07", "LAPTOP-08", "LAPTOP-09"], page2.Devices.Select(d => d.Hostname));
        Assert.Equal(["LAPTOP-10", "LAPTOP-11"], byName.Devices.Select(d => d.Hostname));
        Assert.Equal(["LAPTOP-11"], byMac.Devices.Select(d => d.Hostname));
        Assert.Null(Assert.Single(byIp.Devices).Hostname);
        Assert.Equal(4, inIt1.Total);
        Assert.All(inIt1.Devices, d => Assert.Equal(it1.Id, d.RoomId));
        Assert.Equal(5, noRoom.Total); // four of the twelve, and the unnamed one
        Assert.Equal("LAPTOP-11", Assert.Single(newest.Devices).Hostname);
        Assert.Equal(13, newest.Total);
        Assert.Equal(art.Id, byRoom.Devices[0].RoomId); // Art before IT1, no room last
        Assert.Null(byRoom.Devices[^1].RoomId);
        Assert.Equal(0, wildcard.Total);
    }
}

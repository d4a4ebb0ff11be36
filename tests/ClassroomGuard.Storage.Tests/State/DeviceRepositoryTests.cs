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
}

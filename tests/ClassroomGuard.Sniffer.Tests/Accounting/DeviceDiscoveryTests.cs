using ClassroomGuard.Sniffer.Decoding;
using ClassroomGuard.Sniffer.Tests.Support;

namespace ClassroomGuard.Sniffer.Tests.Accounting;

/// <summary>Device discovery from DHCP, ARP, mDNS, NetBIOS and ordinary packets into a real SQLite state.</summary>
public sealed class DeviceDiscoveryTests
{
    private const string MacA = "02:aa:00:00:00:0a";
    private const string MacB = "02:aa:00:00:00:0b";
    private const string Router = "02:aa:00:00:00:01";
    private const string Shared = "10.20.0.50";

    [Fact]
    public async Task Dhcp_AddressHandedFromMacAToMacB_TwoDevicesAndHistoryKept()
    {
        using var state = new TempState();
        using var rig = new AccountingRig();

        rig.Feed(Frames.Dhcp(1, 3, MacA, hostName: "Pupil-Laptop-07", requested: Shared)); // REQUEST: the name, not yet the address
        rig.Feed(Frames.Dhcp(2, 5, MacA, yourAddress: Shared)); // ACK
        rig.Feed(Frames.Tcp(MacA, Shared, 40000, Router, "198.51.100.1", 443)); // known pair: no new sighting
        Assert.Equal(3, await rig.DiscoveryWriter.WriteBatchAsync(state.Store, CancellationToken.None)); // + the DHCP server's own packet

        var a = await state.Store.Devices.FindByMacAsync(MacA, CancellationToken.None);
        Assert.NotNull(a);
        Assert.Equal("pupil-laptop-07", a.Hostname);
        Assert.Equal([Shared], a.Ips);
        Assert.True(rig.Map.TryGet(NetAddress.FromIPAddress(System.Net.IPAddress.Parse(Shared)), out var tag));
        Assert.Equal(a.Id, tag.DeviceId);

        // Later the lease expires and the server gives the address to another machine.
        rig.Time += 3_600_000_000;
        rig.Feed(Frames.Dhcp(1, 3, MacB, hostName: "teacher-pc", requested: Shared));
        rig.Feed(Frames.Dhcp(2, 5, MacB, yourAddress: Shared));
        rig.Feed(Frames.Tcp(MacB, Shared, 40001, Router, "198.51.100.1", 443));
        await rig.DiscoveryWriter.WriteBatchAsync(state.Store, CancellationToken.None);

        var devices = await state.Store.Devices.ListAsync(null, CancellationToken.None);
        Assert.Equal(3, devices.Count); // A, B and the DHCP server: A and B never merged
        Assert.Single(devices, d => d.Ips.Contains("10.99.0.1"));
        var b = Assert.Single(devices, d => d.Macs.Contains(MacB));
        a = Assert.Single(devices, d => d.Macs.Contains(MacA));
        Assert.NotEqual(a.Id, b.Id);
        Assert.Equal([MacA], a.Macs);
        Assert.Empty(a.Ips);
        Assert.Equal("pupil-laptop-07", a.Hostname);
        Assert.Equal([Shared], b.Ips);
        Assert.Equal("teacher-pc", b.Hostname);

        var history = await state.Store.Devices.GetIpHistoryAsync(Shared, CancellationToken.None);
        Assert.Equal(2, history.Count);
        Assert.Equal(b.Id, history[0].DeviceId);
        Assert.Null(history[0].To);
        Assert.Equal(a.Id, history[1].DeviceId);
        Assert.NotNull(history[1].To);

        // Points for the address are now tagged with the new holder.
        Assert.True(rig.Map.TryGet(NetAddress.FromIPAddress(System.Net.IPAddress.Parse(Shared)), out tag));
        Assert.Equal(b.Id, tag.DeviceId);
    }

    [Fact]
    public async Task ArpMdnsNetBiosAndTraffic_OneDevicePerMacWithItsAddressesAndNames()
    {
        using var state = new TempState();
        using var rig = new AccountingRig();
        rig.Feed(Frames.Arp(MacA, "10.20.0.7", "10.20.0.1"));
        rig.Feed(Frames.Arp(MacA, "0.0.0.0", "10.20.0.7")); // a probe: says nothing
        rig.Feed(Frames.Udp(MacA, "10.20.0.7", 5353, "01:00:5e:00:00:fb", "224.0.0.251", 5353, MdnsAnswer("ipad-3.local", [10, 20, 0, 7])));
        rig.Feed(Frames.Tcp(MacA, "fe80::a", 40000, Router, "fe80::1", 443)); // its IPv6 link-local address, from ordinary traffic
        rig.Feed(Frames.Udp(MacB, "10.20.0.8", 137, "ff:ff:ff:ff:ff:ff", "10.20.0.255", 137, Packets.NetBiosRegistration("CLASS-PC-12")));
        await rig.DiscoveryWriter.WriteBatchAsync(state.Store, CancellationToken.None);

        var devices = await state.Store.Devices.ListAsync(null, CancellationToken.None);
        var a = Assert.Single(devices, d => d.Macs.Contains(MacA));
        Assert.Equal("ipad-3", a.Hostname);
        Assert.Equal(["10.20.0.7", "fe80::a"], a.Ips.Order());
        var b = Assert.Single(devices, d => d.Macs.Contains(MacB));
        Assert.Equal("class-pc-12", b.Hostname);
        Assert.Equal(["10.20.0.8"], b.Ips);
        Assert.All(devices, d => Assert.Equal(Storage.State.DeviceSource.Sniffer, d.Source));

        // Seen again within the refresh interval: nothing to write.
        rig.Feed(Frames.Arp(MacA, "10.20.0.7", "10.20.0.1"));
        rig.Feed(Frames.Tcp(MacA, "10.20.0.7", 40000, Router, "198.51.100.1", 443));
        Assert.Equal(0, await rig.DiscoveryWriter.WriteBatchAsync(state.Store, CancellationToken.None));

        // After it, once: last-seen moves on.
        rig.Time += 6L * 60 * 1_000_000;
        rig.Feed(Frames.Tcp(MacA, "10.20.0.7", 40000, Router, "198.51.100.1", 443));
        rig.Feed(Frames.Tcp(MacA, "10.20.0.7", 40000, Router, "198.51.100.1", 443));
        Assert.Equal(1, await rig.DiscoveryWriter.WriteBatchAsync(state.Store, CancellationToken.None));
        var refreshed = await state.Store.Devices.GetAsync(a.Id, CancellationToken.None);
        Assert.True(refreshed!.LastSeen > a.LastSeen);
    }

    [Fact]
    public async Task RoutedTraffic_RouterMacNeverCollectsTheAddressesItForwards()
    {
        using var state = new TempState();
        using var rig = new AccountingRig();

        // The router forwards internet traffic (non-local source: it is a router), and traffic from other local subnets.
        rig.Feed(Frames.Tcp(Router, "198.51.100.1", 443, MacA, "10.20.0.7", 40000));
        for (var i = 1; i <= 5; i++)
        {
            rig.Feed(Frames.Tcp(Router, $"10.30.0.{i}", 40000, MacA, "10.20.0.7", 445));
        }

        rig.Feed(Frames.Arp(Router, "10.20.0.1", "10.20.0.7")); // its own address, by ARP: trusted
        await rig.DiscoveryWriter.WriteBatchAsync(state.Store, CancellationToken.None);

        var router = await state.Store.Devices.FindByMacAsync(Router, CancellationToken.None);
        Assert.NotNull(router);
        Assert.Equal(["10.20.0.1"], router.Ips);
        for (var i = 1; i <= 5; i++)
        {
            var holder = await state.Store.Devices.FindByIpAsync($"10.30.0.{i}", CancellationToken.None);
            Assert.NotNull(holder);
            Assert.NotEqual(router.Id, holder.Id);
            Assert.Empty(holder.Macs);
        }
    }

    [Fact]
    public async Task DhcpClientAndGlobalIPv6_NotTakenForRouters_TrafficKeepsTheMac()
    {
        using var state = new TempState();
        using var rig = new AccountingRig();
        rig.Feed(Frames.Dhcp(1, 1, MacA, hostName: "tablet-1")); // DISCOVER from 0.0.0.0
        rig.Feed(Frames.Tcp(MacA, "2001:db8::a", 40000, Router, "2001:db8:ffff::1", 443)); // its own global IPv6 address
        rig.Feed(Frames.Tcp(MacA, "10.20.0.7", 40000, Router, "198.51.100.1", 443)); // then ordinary IPv4 traffic
        await rig.DiscoveryWriter.WriteBatchAsync(state.Store, CancellationToken.None);

        Assert.False(rig.Discovery.IsRouter(new MacAddress(Convert.ToUInt64(MacA.Replace(":", "", StringComparison.Ordinal), 16)).Value));
        var device = await state.Store.Devices.FindByIpAsync("10.20.0.7", CancellationToken.None);
        Assert.NotNull(device);
        Assert.Equal([MacA], device.Macs);
        Assert.Equal("tablet-1", device.Hostname);
    }

    [Fact]
    public void HostWithTwoAddressesOrNewLeases_NeverTakenForARouter()
    {
        using var rig = new AccountingRig();
        var mac = Convert.ToUInt64(MacA.Replace(":", "", StringComparison.Ordinal), 16);
        for (var i = 0; i < 10; i++)
        {
            rig.Feed(Frames.Tcp(MacA, i % 2 == 0 ? "10.20.0.7" : "10.20.0.8", 40000, Router, "198.51.100.1", 443)); // a secondary address
        }

        Assert.False(rig.Discovery.IsRouter(mac));
        foreach (var lease in new[] { "10.21.0.7", "10.22.0.7", "10.23.0.7" })
        {
            rig.Feed(Frames.Dhcp(2, 5, MacA, yourAddress: lease)); // moved between subnets over the months
            rig.Feed(Frames.Tcp(MacA, lease, 40000, Router, "198.51.100.1", 443));
        }

        Assert.False(rig.Discovery.IsRouter(mac));
        for (var i = 1; i <= 3; i++)
        {
            rig.Feed(Frames.Tcp(Router, $"10.30.0.{i}", 40000, MacA, "10.23.0.7", 445)); // a MAC forwarding three hosts' packets
        }

        Assert.True(rig.Discovery.IsRouter(Convert.ToUInt64(Router.Replace(":", "", StringComparison.Ordinal), 16)));
    }

    [Fact]
    public async Task Flood_MoreSightingsThanTheBatchLimit_ExtraDroppedAndCounted()
    {
        using var state = new TempState();
        using var rig = new AccountingRig(new Sniffer.Accounting.AccountingOptions { MaxObservationsPerSecond = 16 });
        for (var i = 0; i < 40; i++)
        {
            rig.Feed(Frames.Arp($"02:bb:00:00:00:{i:x2}", $"10.40.0.{i + 1}", "10.40.0.254"));
        }

        Assert.Equal(16, await rig.DiscoveryWriter.WriteBatchAsync(state.Store, CancellationToken.None));
        Assert.Equal(24, rig.Discovery.Dropped);
        Assert.Equal(16, (await state.Store.Devices.ListAsync(null, CancellationToken.None)).Count);

        // A refused sighting is not remembered as written: the next packets showing those pairs get them in.
        for (var i = 0; i < 40; i++)
        {
            rig.Feed(Frames.Arp($"02:bb:00:00:00:{i:x2}", $"10.40.0.{i + 1}", "10.40.0.254"));
        }

        Assert.Equal(16, await rig.DiscoveryWriter.WriteBatchAsync(state.Store, CancellationToken.None));
        Assert.Equal(32, (await state.Store.Devices.ListAsync(null, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task NoState_BatchDroppedAndCounted()
    {
        using var rig = new AccountingRig();
        rig.Feed(Frames.Arp(MacA, "10.20.0.7", "10.20.0.1"));
        Assert.Equal(0, await rig.DiscoveryWriter.WriteBatchAsync(null, CancellationToken.None));
        Assert.Equal(1, rig.DiscoveryWriter.Lost);
    }

    /// <summary>An mDNS response announcing <paramref name="name"/> at <paramref name="address"/> (cache-flush A record).</summary>
    private static byte[] MdnsAnswer(string name, byte[] address) =>
        [0, 0, 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0, .. Packets.EncodeName(name), 0, 1, 0x80, 1, 0, 0, 0, 120, 0, 4, .. address];
}

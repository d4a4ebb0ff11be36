using ClassroomGuard.Sniffer.Tests.Support;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Sniffer.Tests.Circumvention;

/// <summary>
/// The sniffer program reading capture files built for the purpose: a circumvention alert names the device that held the
/// address at the packet's time in the capture — a DHCP binding earlier in the file is known although the file is read
/// far faster than real time and discovery writes once a second; a binding later in the file is never applied backwards.
/// </summary>
public sealed class TimelineAttributionTests : IDisposable
{
    private const string Pupil = "10.99.0.23";
    private const string DeviceMac = "02:dd:00:00:00:23";
    private const string OtherMac = "02:ee:00:00:00:42";
    private const string RouterMac = "02:00:00:00:00:fe";
    private const long T0 = 1_772_442_900L * 1_000_000; // 2026-03-02 09:15:00 UTC
    private const long Second = 1_000_000;

    private static readonly string Program = Path.Combine(AppContext.BaseDirectory, "ClassroomGuard.Sniffer.dll");
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("cg-timeline-");
    private readonly DirectoryInfo _ut1 = CircumventionHarness.SmallUt1();

    public void Dispose()
    {
        _dir.Delete(recursive: true);
        _ut1.Delete(recursive: true);
    }

    [Theory]
    [InlineData(DeviceMac)] // the device's own frames
    [InlineData(RouterMac)] // through a router: only the address says who it is
    public async Task File_DhcpBindingBeforeTheAttempt_AlertNamesThatDevice(string attemptMac)
    {
        var (store, alert) = await ReplayAsync(BindingBefore(attemptMac));
        using (store)
        {
            var device = await store.Devices.FindByMacAsync(DeviceMac, CancellationToken.None);
            Assert.NotNull(device);
            Assert.Equal("pupil-d", device.Hostname);
            Assert.Equal("doh", alert.Category);
            Assert.Equal(device.Id, alert.DeviceId);
            Assert.Equal(T0 / 1000 + 5000, alert.At.ToUnixTimeMilliseconds()); // the packet's time, not the clock's
        }
    }

    [Fact]
    public async Task File_DhcpBindingAfterTheAttempt_NotAttributedBackwards()
    {
        var (store, alert) = await ReplayAsync(BindingAfter());
        using (store)
        {
            var later = await store.Devices.FindByMacAsync(DeviceMac, CancellationToken.None);
            var then = await store.Devices.FindByMacAsync(OtherMac, CancellationToken.None);
            Assert.NotNull(later);
            Assert.NotNull(then);
            Assert.Equal(later.Id, (await store.Devices.FindByIpAsync(Pupil, CancellationToken.None))?.Id); // it holds the address now
            Assert.Equal(then.Id, alert.DeviceId); // but the alert is of the device that used it then
        }
    }

    [Fact]
    public async Task File_AttemptThroughTheRouterThenADhcpBinding_NotAttributedToTheLaterDevice()
    {
        // Only the address says who sent the attempt, and no known device held it then: the binding five seconds later
        // must not be applied backwards.
        var (store, alert) = await ReplayAsync(
            (T0 - 10 * Second, Frames.Tcp(RouterMac, "198.51.100.9", 443, "02:00:00:00:00:99", "10.99.0.50", 40000, payload: new byte[10])), // marks the router
            (T0, Frames.Tcp(RouterMac, Pupil, 50000, RouterMac, "8.8.4.4", 443, payload: Packets.ClientHelloRecord("dns.google"))),
            (T0 + 5 * Second, Frames.Dhcp(2, 5, DeviceMac, yourAddress: Pupil, hostName: "pupil-d")));
        using (store)
        {
            var later = await store.Devices.FindByMacAsync(DeviceMac, CancellationToken.None);
            Assert.NotNull(later);
            Assert.Equal(later.Id, (await store.Devices.FindByIpAsync(Pupil, CancellationToken.None))?.Id); // it holds the address now
            Assert.Equal("doh", alert.Category);
            Assert.NotEqual(later.Id, alert.DeviceId); // never the device bound afterwards

            // The attempt's own packet is the only sighting of the address then: a device known by that address alone
            // (no MAC: the router's is not the pupil's), which has since handed the address to the DHCP-bound one.
            var then = Assert.Single(await store.Devices.ListAsync(null, CancellationToken.None), d => d.Id == alert.DeviceId);
            Assert.Empty(then.Macs);
            Assert.DoesNotContain(Pupil, then.Ips);
        }
    }

    /// <summary>The capture with the binding before the attempt, sent from <paramref name="attemptMac"/> (also decoded by the oracles).</summary>
    internal static (long Micros, byte[] Frame)[] BindingBefore(string attemptMac) =>
    [
        (T0 - 10 * Second, Frames.Tcp(RouterMac, "198.51.100.9", 443, "02:00:00:00:00:99", "10.99.0.50", 40000, payload: new byte[10])), // marks the router
        (T0, Frames.Dhcp(2, 5, DeviceMac, yourAddress: Pupil, hostName: "pupil-d")),
        (T0 + 5 * Second, Frames.Tcp(attemptMac, Pupil, 50000, RouterMac, "8.8.4.4", 443, payload: Packets.ClientHelloRecord("dns.google"))),
    ];

    /// <summary>The capture with the binding after the attempt (also decoded by the oracles).</summary>
    internal static (long Micros, byte[] Frame)[] BindingAfter() =>
    [
        (T0, Frames.Tcp(OtherMac, Pupil, 50000, RouterMac, "8.8.4.4", 443, payload: Packets.ClientHelloRecord("dns.google"))),
        (T0 + 5 * Second, Frames.Dhcp(2, 5, DeviceMac, yourAddress: Pupil, hostName: "pupil-d")),
    ];

    private async Task<(StateStore Store, Alert Alert)> ReplayAsync(params (long Micros, byte[] Frame)[] frames)
    {
        var capture = Path.Combine(_dir.FullName, "capture.pcap");
        var statePath = Path.Combine(_dir.FullName, "state.db");
        PcapWriter.Write(capture, frames);
        var result = await Tool.RunAsync("dotnet", [Program, "--Sniffer:ReadFile=" + capture, "--State:Path=" + statePath,
            "--Sniffer:Circumvention:Ut1Directory=" + _ut1.FullName, "--Sniffer:Circumvention:ApplianceAddresses:0=192.0.2.53"], timeout: TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 0, result.Error + result.Output);
        var store = StateStore.Open(new StateOptions { Path = statePath });
        var alert = Assert.Single(await store.Alerts.ListUnacknowledgedAsync(CancellationToken.None));
        Assert.Equal(AlertKind.Circumvention, alert.Kind);
        return (store, alert);
    }
}

using ClassroomGuard.Sniffer.Circumvention;
using ClassroomGuard.Sniffer.Decoding;
using ClassroomGuard.Sniffer.Tests.Support;
using static ClassroomGuard.Sniffer.Tests.Circumvention.CircumventionPackets;

namespace ClassroomGuard.Sniffer.Tests.Circumvention;

/// <summary>One alert per (address, kind, listed name) per interval, with the held-back count in the next one.</summary>
public sealed class AttemptRateLimitTests
{
    private static readonly NetAddress Client = NetAddress.FromIPv4(0x0AD50007);
    private static readonly NetAddress Other = NetAddress.FromIPv4(0x0AD50008);
    private const long Minute = 60_000_000;

    [Fact]
    public void TryPass_RepeatsInsideInterval_HeldBackAndCountedIntoNext()
    {
        var limit = new AttemptRateLimit(TimeSpan.FromMinutes(10), 100);
        Assert.True(limit.TryPass(Client, CircumventionKind.VpnService, 7, 0, out var first));
        Assert.Equal(0, first);
        for (var i = 1; i <= 5; i++)
        {
            Assert.False(limit.TryPass(Client, CircumventionKind.VpnService, 7, i * Minute, out _));
        }

        Assert.True(limit.TryPass(Client, CircumventionKind.VpnService, 7, 10 * Minute, out var suppressed));
        Assert.Equal(5, suppressed);
        Assert.False(limit.TryPass(Client, CircumventionKind.VpnService, 7, 11 * Minute, out _));
    }

    [Fact]
    public void TryPass_OtherAddressKindOrName_SeparateKeys()
    {
        var limit = new AttemptRateLimit(TimeSpan.FromMinutes(10), 100);
        Assert.True(limit.TryPass(Client, CircumventionKind.VpnService, 7, 0, out _));
        Assert.True(limit.TryPass(Other, CircumventionKind.VpnService, 7, 0, out _));
        Assert.True(limit.TryPass(Client, CircumventionKind.ProxyService, 7, 0, out _));
        Assert.True(limit.TryPass(Client, CircumventionKind.VpnService, 8, 0, out _));
        Assert.Equal(4, limit.Count);
    }

    [Fact]
    public void TryPass_ClockSteppedBackFarther_StartsAfresh()
    {
        var limit = new AttemptRateLimit(TimeSpan.FromMinutes(10), 100);
        Assert.True(limit.TryPass(Client, CircumventionKind.WireGuard, 0, 100 * Minute, out _));
        Assert.False(limit.TryPass(Client, CircumventionKind.WireGuard, 0, 95 * Minute, out _));
        Assert.True(limit.TryPass(Client, CircumventionKind.WireGuard, 0, 50 * Minute, out var suppressed));
        Assert.Equal(1, suppressed);
    }

    [Fact]
    public void TryPass_TableFull_ExpiredDroppedThenClearedWhenNoneExpired()
    {
        var limit = new AttemptRateLimit(TimeSpan.FromMinutes(10), 16);
        for (ulong i = 0; i < 16; i++)
        {
            Assert.True(limit.TryPass(Client, CircumventionKind.ProxyService, i, 0, out _));
        }

        // At minute 11 all 16 have expired: room is made without a reset.
        Assert.True(limit.TryPass(Client, CircumventionKind.ProxyService, 100, 11 * Minute, out _));
        Assert.Equal(1, limit.Count);
        Assert.Equal(0, limit.Resets);

        for (ulong i = 200; i < 215; i++)
        {
            Assert.True(limit.TryPass(Client, CircumventionKind.ProxyService, i, 11 * Minute, out _));
        }

        // Full of live keys: a flood of new ones clears the table instead of growing it.
        Assert.True(limit.TryPass(Client, CircumventionKind.ProxyService, 999, 12 * Minute, out _));
        Assert.Equal(1, limit.Resets);
        Assert.Equal(1, limit.Count);
    }

    [Fact]
    public void Detector_VpnReconnectLoop_OneAlertPerIntervalWithCount()
    {
        using var harness = new CircumventionHarness();
        var frame = Udp(Pupil, "198.51.100.7", 40013, 51820, WireGuardInitiation());
        for (var second = 0; second < 600; second += 5)
        {
            harness.Feed(frame, 1_000_000 + second);
        }

        Assert.Single(harness.Drain());
        harness.Feed(frame, 1_000_000 + 601);
        var next = Assert.Single(harness.Drain());
        Assert.Equal(119, next.Suppressed);
        Assert.Equal(121, harness.Queue.Statistics.Detected);
        Assert.Equal(119, harness.Queue.Statistics.Suppressed);
    }

    [Fact]
    public void Detector_QueueFull_DroppedAndCounted()
    {
        using var harness = new CircumventionHarness(new CircumventionOptions { ApplianceAddresses = [CircumventionHarness.Appliance], AlertQueueCapacity = 2 });
        harness.Feed(Udp("10.213.0.21", "198.51.100.7", 40013, 51820, WireGuardInitiation()));
        harness.Feed(Udp("10.213.0.22", "198.51.100.7", 40013, 51820, WireGuardInitiation()));
        harness.Feed(Udp("10.213.0.23", "198.51.100.7", 40013, 51820, WireGuardInitiation()));

        Assert.Equal(2, harness.Drain().Count);
        Assert.Equal(1, harness.Queue.Statistics.QueueFull);
        Assert.Equal(2, harness.Queue.Statistics.Queued);
    }
}

using System.Net;
using ClassroomGuard.Sniffer.Accounting;
using ClassroomGuard.Sniffer.Circumvention;
using ClassroomGuard.Sniffer.Decoding;
using ClassroomGuard.Sniffer.Hosting;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Sniffer.Tests.Circumvention;

/// <summary>The writer against a real SQLite state: device attribution by address and time, and what stopping writes.</summary>
public sealed class CircumventionAlertWriterTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("cg-circumvention-writer-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task Stop_QueuedAttempts_WrittenWithTheDeviceThatHeldTheAddress()
    {
        using var store = StateStore.Open(new StateOptions { Path = Path.Combine(_dir.FullName, "state.db") });
        var now = DateTimeOffset.UtcNow;
        var laptop = await store.Devices.ObserveAsync(new DeviceObservation(now.AddHours(-2), DeviceSource.Sniffer, "02:00:00:00:00:05", "10.0.0.5"), CancellationToken.None);

        // An hour later the address moved to a tablet: an attempt from before the move is still the laptop's.
        var tablet = await store.Devices.ObserveAsync(new DeviceObservation(now.AddHours(-1), DeviceSource.Sniffer, "02:00:00:00:00:06", "10.0.0.5"), CancellationToken.None);

        var options = Options.Create(new CircumventionOptions());
        var queue = new CircumventionQueue(options);
        Assert.True(queue.TryWrite(Attempt(now.AddMinutes(-90), "10.0.0.5", CircumventionKind.WireGuard)));
        Assert.True(queue.TryWrite(Attempt(now.AddMinutes(-30), "10.0.0.5", CircumventionKind.DnsOverHttps, "dns.google")));
        Assert.True(queue.TryWrite(Attempt(now.AddMinutes(-30), "10.0.0.99", CircumventionKind.OtherResolver, "www.example.org")));

        using var writer = new CircumventionAlertWriter(queue, store, options, Options.Create(new SnifferOptions { ReadFile = "x" }), TimeProvider.System, NullLogger<CircumventionAlertWriter>.Instance);
        await writer.StopAsync(CancellationToken.None); // never started: stopping alone writes the queue

        var alerts = await store.Alerts.ListUnacknowledgedAsync(CancellationToken.None);
        Assert.Equal(3, alerts.Count);
        Assert.Equal(("wireguard", laptop), (alerts[0].Category, alerts[0].DeviceId));
        Assert.Equal(("doh", tablet, "dns.google"), (alerts[1].Category, alerts[1].DeviceId, alerts[1].Domain));
        Assert.Equal(("other-resolver", (long?)null), (alerts[2].Category, alerts[2].DeviceId));
        Assert.All(alerts, a => Assert.Equal(AlertKind.Circumvention, a.Kind));
        Assert.Equal(now.AddMinutes(-90).ToUnixTimeMilliseconds(), alerts[0].At.ToUnixTimeMilliseconds());
        Assert.Equal(3, queue.Statistics.Raised);
        Assert.Equal(1, queue.Statistics.Unattributed);
    }

    [Fact]
    public async Task Run_AttemptsWhileRunning_Written()
    {
        using var store = StateStore.Open(new StateOptions { Path = Path.Combine(_dir.FullName, "state.db") });
        var options = Options.Create(new CircumventionOptions());
        var queue = new CircumventionQueue(options);
        using var writer = new CircumventionAlertWriter(queue, store, options, Options.Create(new SnifferOptions { ReadFile = "x" }), TimeProvider.System, NullLogger<CircumventionAlertWriter>.Instance);
        await writer.StartAsync(CancellationToken.None);
        queue.TryWrite(Attempt(DateTimeOffset.UtcNow.AddMinutes(-5), "10.0.0.7", CircumventionKind.IPsec));

        IReadOnlyList<Alert> alerts = [];
        for (var i = 0; i < 100 && alerts.Count == 0; i++)
        {
            await Task.Delay(50);
            alerts = await store.Alerts.ListUnacknowledgedAsync(CancellationToken.None);
        }

        await writer.StopAsync(CancellationToken.None);
        Assert.Equal("ipsec", Assert.Single(alerts).Category);
    }

    [Fact]
    public async Task Stop_ShutdownTimeRunsOutWhileWaitingForDiscovery_WaitEndsAndTheAttemptIsWrittenUnattributed()
    {
        using var store = StateStore.Open(new StateOptions { Path = Path.Combine(_dir.FullName, "state.db") });
        var options = Options.Create(new CircumventionOptions());
        var discovery = new DiscoveryProgress();
        discovery.OnQueued(); // a sighting queued before the attempt and never written: the writer waits for it
        var queue = new CircumventionQueue(options, discovery);
        using var writer = new CircumventionAlertWriter(queue, store, options, Options.Create(new SnifferOptions { ReadFile = "x" }), new FrozenTimeProvider(), NullLogger<CircumventionAlertWriter>.Instance);
        await writer.StartAsync(CancellationToken.None);
        Assert.True(queue.TryWrite(Attempt(DateTimeOffset.UtcNow.AddMinutes(-5), "10.0.0.7", CircumventionKind.IPsec)));
        for (var i = 0; i < 200 && queue.Reader.Count > 0; i++)
        {
            await Task.Delay(25);
        }

        // Time never passes here, so the attribution wait's own limit never ends it: only the host's shutdown time running
        // out (a cancelled stop token) can. The 30 s is a guard so that a regression fails instead of hanging the run.
        await writer.StopAsync(new CancellationToken(canceled: true));
        await writer.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(30));
        var alert = Assert.Single(await store.Alerts.ListUnacknowledgedAsync(CancellationToken.None));
        Assert.Equal(("ipsec", (long?)null), (alert.Category, alert.DeviceId));
    }

    private static CircumventionAttempt Attempt(DateTimeOffset at, string client, CircumventionKind kind, string? domain = null) =>
        new(at.ToUnixTimeMilliseconds() * 1000, kind, NetAddress.FromIPAddress(IPAddress.Parse(client)), default,
            NetAddress.FromIPAddress(IPAddress.Parse("198.51.100.1")), 443, 6, "a test packet", domain, domain, 0);

    // A clock whose timers never fire: stands in for "discovery is far behind" without a test that waits for real time.
    private sealed class FrozenTimeProvider : TimeProvider
    {
        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) => new NeverTimer();

        private sealed class NeverTimer : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => true;

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}

using System.Net;
using ClassroomGuard.DnsFilter.Events;
using ClassroomGuard.DnsFilter.Policy;
using ClassroomGuard.DnsFilter.Tests.Policy.Support;
using ClassroomGuard.DnsFilter.Tests.Support;
using ClassroomGuard.Storage.State;
using ClassroomGuard.Storage.Tests.TimeSeries.Support;
using ClassroomGuard.Storage.TimeSeries;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.DnsFilter.Tests.Events;

/// <summary>Per-device per-second activity in the real influxd, and alerts in the real state, from queries asked with dig.</summary>
public sealed class DnsActivityTests : IClassFixture<UnboundFixture>, IDisposable
{
    private readonly UnboundFixture _unbound;
    private readonly PolicyWorld _world = new(DateTimeOffset.UtcNow);

    public DnsActivityTests(UnboundFixture unbound) => _unbound = unbound;

    public void Dispose() => _world.Dispose();

    [Fact]
    public async Task Queries_ThroughServer_WritePerDevicePointsAndOneAlertPerCategory()
    {
        await using var influx = await InfluxdServer.StartNewAsync();
        var device = await _world.AddDeviceAsync("127.0.0.1", "aa:bb:cc:dd:ee:01");
        var list = Path.Combine(_world.Directory, "list.txt");
        File.WriteAllText(list, "adult.test\n");
        await using var host = await DnsTestHost.StartAsync([_unbound.Upstream], new Dictionary<string, string?>
        {
            ["State:Path"] = _world.StateOptions.Path,
            ["Dns:Lists:Sources:0:Path"] = list,
            ["Dns:Lists:Sources:0:Category"] = "adult",
            ["Influx:Url"] = influx.Url.ToString(),
            ["Influx:Database"] = "cgtest",
            ["Influx:SpoolDirectory"] = Path.Combine(_world.Directory, "spool"),
            ["Influx:FlushInterval"] = "00:00:00.200",
        }, services: s => s.AddInfluxTimeSeries());

        for (var i = 0; i < 3; i++)
        {
            Assert.Contains("0.0.0.0", await Tool.DigAsync(host.Port, "www.adult.test", "A"), StringComparison.Ordinal); // a page retrying
        }

        Assert.Contains("192.0.2.1", await Tool.DigAsync(host.Port, "a.test", "A"), StringComparison.Ordinal);

        var deviceTag = device.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string activity = "", blocks = "";
        IReadOnlyList<Alert> alerts = [];
        for (var attempt = 0; attempt < 100; attempt++)
        {
            await Task.Delay(200);
            alerts = await _world.Store.Alerts.ListUnacknowledgedAsync(CancellationToken.None);
            try
            {
                activity = await influx.QueryRawAsync($"SELECT sum(\"queries\"), sum(\"blocked\") FROM dns_activity WHERE device = '{deviceTag}'", "cgtest");
                blocks = await influx.QueryRawAsync("SELECT \"domain\", \"category\", \"rule\", \"ip\", \"mac\", \"count\" FROM dns_blocks", "cgtest");
            }
            catch (InvalidOperationException e)
            {
                activity = e.Message; // database not provisioned yet
                continue;
            }

            if (activity.Contains("[", StringComparison.Ordinal) && activity.Contains(",4,3]", StringComparison.Ordinal) && alerts.Count > 0 && blocks.Contains("adult", StringComparison.Ordinal))
            {
                break;
            }
        }

        Assert.True(activity.Contains(",4,3]", StringComparison.Ordinal), activity + "\n" + blocks + "\n" + alerts.Count); // 4 queries, 3 blocked, summed over the seconds they fell in
        Assert.Contains("www.adult.test", blocks, StringComparison.Ordinal);
        Assert.Contains("list:adult.test", blocks, StringComparison.Ordinal);
        Assert.Contains("aa:bb:cc:dd:ee:01", blocks, StringComparison.Ordinal);
        var alert = Assert.Single(alerts); // rate-limited: three attempts, one alert
        Assert.Equal(AlertKind.HighRiskCategory, alert.Kind);
        Assert.Equal(device, alert.DeviceId);
        Assert.Equal("adult", alert.Category);
        Assert.Equal("www.adult.test", alert.Domain);
        Assert.Contains("127.0.0.1", alert.Evidence, StringComparison.Ordinal);
        Assert.Contains("aa:bb:cc:dd:ee:01", alert.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Queries_OverSeveralSeconds_WithTheFlusherLate_EveryQueryInInflux()
    {
        // The whole service (server, policy, flush loop, writer) with every timer 1.7 s late, so each flush runs well
        // into the next second: 200 queries asked with dig over about three seconds must all be in InfluxDB, spread
        // over the seconds they were asked in (a second written twice would have lost counts).
        await using var influx = await InfluxdServer.StartNewAsync();
        var device = await _world.AddDeviceAsync("127.0.0.1", "aa:bb:cc:dd:ee:02");
        var list = Path.Combine(_world.Directory, "list.txt");
        File.WriteAllText(list, "games.test\n");
        await using var host = await DnsTestHost.StartAsync([_unbound.Upstream], new Dictionary<string, string?>
        {
            ["State:Path"] = _world.StateOptions.Path,
            ["Dns:Lists:Sources:0:Path"] = list,
            ["Dns:Lists:Sources:0:Category"] = "games",
            ["Influx:Url"] = influx.Url.ToString(),
            ["Influx:Database"] = "cgseconds",
            ["Influx:SpoolDirectory"] = Path.Combine(_world.Directory, "spool-seconds"),
            ["Influx:FlushInterval"] = "00:00:00.200",
        }, time: new LateTimersClock(TimeSpan.FromMilliseconds(1700)), services: s => s.AddInfluxTimeSeries());

        const int Rounds = 8, PerRound = 25;
        for (var round = 0; round < Rounds; round++)
        {
            var answers = await Task.WhenAll(Enumerable.Range(0, PerRound).Select(i => Tool.DigAsync(host.Port, $"q{round}-{i}.games.test", "A")));
            Assert.All(answers, a => Assert.Contains("0.0.0.0", a, StringComparison.Ordinal));
            await Task.Delay(400);
        }

        var deviceTag = device.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var sum = "";
        for (var attempt = 0; attempt < 100 && !sum.Contains($",{Rounds * PerRound},", StringComparison.Ordinal); attempt++)
        {
            await Task.Delay(200);
            try
            {
                sum = await influx.QueryRawAsync($"SELECT sum(\"queries\"), count(\"queries\") FROM dns_activity WHERE device = '{deviceTag}'", "cgseconds");
            }
            catch (InvalidOperationException e)
            {
                sum = e.Message; // database not provisioned yet
            }
        }

        var match = System.Text.RegularExpressions.Regex.Match(sum, @",(\d+),(\d+)\]");
        Assert.True(match.Success, sum);
        Assert.Equal(Rounds * PerRound, int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) >= 3, sum); // several seconds
        var times = await influx.QueryRawAsync($"SELECT \"queries\" FROM dns_activity WHERE device = '{deviceTag}'", "cgseconds");
        Assert.DoesNotMatch(@"""20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d\.", times); // every stamp a whole second (no fraction)
    }

    /// <summary>
    /// The system clock with every timer made late by <paramref name="lateness"/>: a flusher starved of CPU, which a test
    /// cannot cause reliably for real (a fake for that fault only; the time itself is the real clock).
    /// </summary>
    private sealed class LateTimersClock(TimeSpan lateness) : TimeProvider
    {
        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            base.CreateTimer(callback, state, dueTime == Timeout.InfiniteTimeSpan ? dueTime : dueTime + lateness, period);
    }

    [Fact]
    public void Record_KnownClient_DoesNotAllocate()
    {
        var counters = new PolicyCounters();
        var activity = new DnsActivity(Options.Create(new DnsPolicyOptions()), counters);
        var policy = CompiledPolicy.Fallback(PolicyWorld.BuildLists(), new DnsPolicyOptions(), new SafeSearchNames(new DnsPolicyOptions()));
        var client = policy.ResolveClient(ClientKey.From(IPAddress.Loopback));
        var address = ClientKey.From(IPAddress.Loopback);
        var blocked = PolicyWorld.Wire("www.games.test");
        var allowed = PolicyWorld.Wire("www.example.org");
        var now = DateTimeOffset.UtcNow;
        policy.Evaluate(blocked, client, now, out var blockedVerdict);
        policy.Evaluate(allowed, client, now, out var allowedVerdict);
        activity.Record(policy, client, address, blocked, blockedVerdict, now);
        activity.Record(policy, client, address, allowed, allowedVerdict, now);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            activity.Record(policy, client, address, blocked, blockedVerdict, now);
            activity.Record(policy, client, address, allowed, allowedVerdict, now);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Record_AlertQueueFull_CountsEveryDroppedAlertAndKeepsTheQueued()
    {
        var counters = new PolicyCounters();
        var options = new DnsPolicyOptions { AlertQueueCapacity = 2 };
        var activity = new DnsActivity(Options.Create(options), counters);
        var policy = CompiledPolicy.Fallback(PolicyWorld.BuildLists(), options, new SafeSearchNames(options));
        var adult = PolicyWorld.Wire("www.adult.test");
        var now = DateTimeOffset.UtcNow;

        // Five clients, one high-risk block each: five alerts (the rate limit is per client), room for two.
        for (byte i = 1; i <= 5; i++)
        {
            var address = ClientKey.From(new IPAddress([10, 0, 0, i]));
            var client = policy.ResolveClient(address);
            policy.Evaluate(adult, client, now, out var verdict);
            activity.Record(policy, client, address, adult, verdict, now);
        }

        var queued = 0;
        while (activity.Alerts.TryRead(out var alert))
        {
            Assert.Equal("adult", alert.Category);
            queued++;
        }

        Assert.Equal(2, queued);
        Assert.Equal(3, Interlocked.Read(ref counters.AlertsDropped));
    }
}

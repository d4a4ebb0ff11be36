using System.Net;
using ClassroomGuard.Console.Classroom;
using ClassroomGuard.Console.Dashboard;
using ClassroomGuard.Console.Upstreams;
using ClassroomGuard.DnsFilter.Tests.Support;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Tests.Upstreams;

/// <summary>
/// The upstream probe asking real resolvers on loopback with DnsClient: a real unbound (answers its test zone, refuses
/// everything else, the root included) and a port nobody listens on. Rounds are run one at a time on a clock the test
/// sets; the questions and answers are real.
/// </summary>
public sealed class UpstreamMonitorTests : IClassFixture<UnboundFixture>
{
    private static readonly DateTimeOffset NineFourteen = new(2026, 12, 7, 9, 14, 0, TimeSpan.Zero); // GMT in December: 09:14 in school too
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly UnboundFixture unbound;
    private readonly StepClock clock = new(NineFourteen);

    public UpstreamMonitorTests(UnboundFixture unbound)
    {
        this.unbound = unbound;
    }

    [Fact]
    public async Task Unbound_AnswersWithARoundTrip()
    {
        var monitor = Monitor([unbound.Upstream], "a.test");

        await monitor.ProbeOnceAsync(CancellationToken.None);
        var state = Assert.Single((await monitor.CurrentAsync(Wait, CancellationToken.None))!.Upstreams);

        Assert.True(state.Answering, state.Problem);
        Assert.NotNull(state.RoundTrip);
        Assert.Null(state.FailingSince);
        Assert.Equal(unbound.Unbound.EndPoint, state.EndPoint);
    }

    [Fact]
    public async Task NxDomain_IsAnAnswer()
    {
        var monitor = Monitor([unbound.Upstream], "missing.test"); // inside unbound's zone, so NXDOMAIN, not REFUSED

        await monitor.ProbeOnceAsync(CancellationToken.None);

        Assert.True(Assert.Single((await monitor.CurrentAsync(Wait, CancellationToken.None))!.Upstreams).Answering);
    }

    [Fact]
    public async Task Refused_IsNotAnswering_AndSaysSo()
    {
        var monitor = Monitor([unbound.Upstream], "."); // the default name; this unbound refuses all but its test zones

        await monitor.ProbeOnceAsync(CancellationToken.None);
        var state = Assert.Single((await monitor.CurrentAsync(Wait, CancellationToken.None))!.Upstreams);

        Assert.False(state.Answering);
        Assert.Equal("it refuses the appliance's questions: REFUSED", state.Problem);
    }

    [Fact]
    public async Task DeadPort_IsNotAnswering_SinceTheFirstFailedRound_UntilItAnswersAgain()
    {
        using var own = new UnboundServer();
        var address = "127.0.0.1:" + own.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var monitor = Monitor([unbound.Upstream, address], "a.test");
        own.Stop();

        await monitor.ProbeOnceAsync(CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(30));
        await monitor.ProbeOnceAsync(CancellationToken.None);
        var failing = (await monitor.CurrentAsync(Wait, CancellationToken.None))!;

        Assert.True(failing.Upstreams[0].Answering);
        var dead = failing.Upstreams[1];
        Assert.False(dead.Answering);
        Assert.Equal("nothing came back within 0.5 seconds", dead.Problem); // DnsClient waits out a closed port's timeout
        Assert.Equal(NineFourteen, dead.FailingSince); // the first failed round, not the latest
        Assert.Equal(NineFourteen.AddSeconds(30), dead.CheckedAt);
        Assert.Equal(1, failing.Failing);

        own.Start();
        await monitor.ProbeOnceAsync(CancellationToken.None);
        var again = (await monitor.CurrentAsync(Wait, CancellationToken.None))!.Upstreams[1];

        Assert.True(again.Answering, again.Problem);
        Assert.Null(again.FailingSince);
    }

    [Fact]
    public async Task NotAnAddress_IsReportedWithoutAsking()
    {
        var monitor = Monitor(["dns.example.org"], "a.test");

        await monitor.ProbeOnceAsync(CancellationToken.None);
        var state = Assert.Single((await monitor.CurrentAsync(Wait, CancellationToken.None))!.Upstreams);

        Assert.Null(state.EndPoint);
        Assert.StartsWith("it is not an IP address", state.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("192.0.2.53", "192.0.2.53:53")]
    [InlineData("192.0.2.53:5353", "192.0.2.53:5353")]
    [InlineData("2001:db8::53", "[2001:db8::53]:53")]
    [InlineData("[2001:db8::53]:5353", "[2001:db8::53]:5353")]
    [InlineData(" 192.0.2.53 ", "192.0.2.53:53")]
    [InlineData("192.0.2.53:0", null)]
    [InlineData("dns.example.org", null)]
    [InlineData("192.0.2.300", null)]
    public void Parse_ReadsUpstreamsAsTheDnsFilterDoes(string text, string? expected)
    {
        var parsed = UpstreamMonitor.Parse(Settings([text]));

        Assert.Equal(expected, Assert.Single(parsed).EndPoint?.ToString());
    }

    [Fact]
    public void Parse_KeepsTheSettingsOrder()
    {
        var parsed = UpstreamMonitor.Parse(Settings(["192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4", "192.0.2.5", "192.0.2.6", "192.0.2.7", "192.0.2.8", "192.0.2.9", "192.0.2.10", "192.0.2.11"]));

        Assert.Equal(Enumerable.Range(1, 11).Select(i => "192.0.2." + i), parsed.Select(p => p.Text));
    }

    [Fact]
    public async Task Tile_AllAnswering_IsGoodWithALinePerUpstream()
    {
        var monitor = Monitor([unbound.Upstream, unbound.Upstream], "a.test");
        await monitor.ProbeOnceAsync(CancellationToken.None);

        var tile = UpstreamTile.Of(await monitor.CurrentAsync(Wait, CancellationToken.None), School());

        Assert.Equal((Condition.Good, "All answering"), (tile.Condition, tile.Status));
        Assert.Equal(2, tile.Lines!.Count);
        Assert.All(tile.Lines, line => Assert.Matches($@"^127\.0\.0\.1:{unbound.Unbound.Port} answering in (under\u00a01|\d+)\u00a0ms$", line));
        Assert.Contains("asked every 30 seconds; last asked at 09:14.", tile.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Tile_OneOfTwoFailing_NeedsAttention_SaysSinceWhenAndWhatToCheck()
    {
        var report = new UpstreamReport(
        [
            new UpstreamState("192.0.2.53", new IPEndPoint(IPAddress.Parse("192.0.2.53"), 53), TimeSpan.FromMilliseconds(12.4), null, null, NineFourteen.AddMinutes(3)),
            new UpstreamState("192.0.2.54", new IPEndPoint(IPAddress.Parse("192.0.2.54"), 53), null, "nothing came back within 2 seconds", NineFourteen, NineFourteen.AddMinutes(3)),
        ], ".", TimeSpan.FromSeconds(30));

        var tile = UpstreamTile.Of(report, School());

        Assert.Equal((Condition.Attention, "1 of 2 not answering"), (tile.Condition, tile.Status));
        Assert.Equal(["192.0.2.53 answering in 12\u00a0ms", "192.0.2.54 not answering since 09:14 (nothing came back within 2 seconds)"], tile.Lines);
        Assert.StartsWith("The DNS filter asks the others meanwhile. Check the school's internet connection, then the address in Dns:Upstreams", tile.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Tile_AllFailing_IsAProblem_AndARefusalSaysWhoToAsk()
    {
        var report = new UpstreamReport(
        [
            new UpstreamState("192.0.2.53", new IPEndPoint(IPAddress.Parse("192.0.2.53"), 53), null, "it refuses the appliance's questions: REFUSED", NineFourteen.AddDays(-1), NineFourteen),
        ], ".", TimeSpan.FromMinutes(5));

        var tile = UpstreamTile.Of(report, School());

        Assert.Equal((Condition.Problem, "Not answering"), (tile.Condition, tile.Status));
        Assert.Equal("192.0.2.53 not answering since Sun 6 Dec 09:14 (it refuses the appliance's questions: REFUSED)", Assert.Single(tile.Lines!));
        Assert.Contains("Ask whoever runs it to allow the appliance's address", tile.Detail, StringComparison.Ordinal);
        Assert.Contains("asked every 5 minutes", tile.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BeforeTheFirstRound_NoReport_AndTheTileSaysItIsChecking()
    {
        var monitor = Monitor([unbound.Upstream], "a.test"); // never started: no round has run

        var report = await monitor.CurrentAsync(TimeSpan.FromMilliseconds(50), CancellationToken.None);
        var tile = UpstreamTile.Of(report, School());

        Assert.Null(report);
        Assert.Equal((Condition.NotReported, "Checking"), (tile.Condition, tile.Status));
    }

    [Fact]
    public void Tile_NoUpstreamsInTheSettings_IsNotKnown_AndSaysWhereTheyGo()
    {
        var tile = UpstreamTile.Of(new UpstreamReport([], ".", TimeSpan.FromSeconds(30)), School());

        Assert.Equal((Condition.NotReported, "Not known"), (tile.Condition, tile.Status));
        Assert.Contains("/etc/classroomguard/dns.json", tile.Detail, StringComparison.Ordinal);
        Assert.Null(tile.Lines);
    }

    private UpstreamMonitor Monitor(string[] upstreams, string name)
        => new(Settings(upstreams), Options.Create(new UpstreamProbeOptions { Name = name, Timeout = TimeSpan.FromSeconds(0.5) }),
            new UpstreamProber(clock), clock, NullLogger<UpstreamMonitor>.Instance);

    private SchoolClock School() => new(Options.Create(new StateOptions()), clock);

    private static IConfiguration Settings(string[] upstreams)
        => new ConfigurationBuilder().AddInMemoryCollection(upstreams.Select((u, i) => KeyValuePair.Create<string, string?>(
            "Dns:Upstreams:" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), u))).Build();

    /// <summary>Wall-clock time the test sets (when a failure began); elapsed time and timers stay real.</summary>
    private sealed class StepClock(DateTimeOffset start) : TimeProvider
    {
        private long ticks = start.UtcTicks;

        public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref ticks), TimeSpan.Zero);

        public void Advance(TimeSpan by) => Interlocked.Add(ref ticks, by.Ticks);
    }
}

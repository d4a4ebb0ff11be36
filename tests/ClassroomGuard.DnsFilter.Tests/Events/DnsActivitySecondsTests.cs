using System.Net;
using ClassroomGuard.DnsFilter.Events;
using ClassroomGuard.DnsFilter.Policy;
using ClassroomGuard.DnsFilter.Tests.Policy.Support;
using ClassroomGuard.Storage.Tests.TimeSeries.Support;
using ClassroomGuard.Storage.TimeSeries;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.DnsFilter.Tests.Events;

/// <summary>
/// Seconds that are exact (issue #16): queries counted at chosen instants of the clock, flushed at chosen (late, doubled,
/// racing) instants, written through the real InfluxWriter into the real influxd and read back. InfluxDB keeps one
/// point per series and timestamp, so a stamp written twice shows as a lost count.
/// </summary>
public sealed class DnsActivitySecondsTests : IAsyncLifetime
{
    private static readonly DateTimeOffset S = new(2026, 12, 7, 9, 0, 7, TimeSpan.Zero);
    private static readonly byte[] Name = PolicyWorld.Wire("www.example.org");
    private readonly CompiledPolicy _policy = CompiledPolicy.Fallback(PolicyWorld.BuildLists(), new DnsPolicyOptions(), new SafeSearchNames(new DnsPolicyOptions()));
    private InfluxdServer _influxd = null!;
    private int _databases;

    public async Task InitializeAsync() => _influxd = await InfluxdServer.StartNewAsync();

    public async Task DisposeAsync() => await _influxd.DisposeAsync();

    [Fact]
    public async Task Flush_RunningLate_StampsEachSecondWithItsOwnCounts()
    {
        await using var rig = await Rig.StartAsync(this);
        var a = Client(1);
        rig.Count(a, S.AddMilliseconds(200), 3);
        rig.Count(a, S.AddMilliseconds(999), 1);
        rig.Count(a, S.AddMilliseconds(1300), 4); // the next second started before the flusher came

        Assert.Equal(1, rig.Flush(S.AddMilliseconds(1700))); // 0.7 s late: writes S only, S+1 is still under way
        rig.Count(a, S.AddMilliseconds(1800), 1);
        Assert.Equal(1, rig.Flush(S.AddMilliseconds(2050)));

        Assert.Equal(new Dictionary<DateTimeOffset, long> { [S] = 4, [S.AddSeconds(1)] = 5 }, (await rig.ReadAsync())[a]);
    }

    [Fact]
    public async Task Flush_TwiceInASecond_AndAQueryRacingTheFlush_NeverReuseAStamp()
    {
        await using var rig = await Rig.StartAsync(this);
        var a = Client(1);
        rig.Count(a, S.AddMilliseconds(500), 2);
        Assert.Equal(1, rig.Flush(S.AddMilliseconds(1050)));

        // Read the clock just before the second ended but counted after the flush wrote that second: writing S again
        // would replace its 2 by 1, so it counts in S+1.
        rig.Count(a, S.AddMilliseconds(999), 1);
        Assert.Equal(0, rig.Flush(S.AddMilliseconds(1500)));
        Assert.Equal(0, rig.Flush(S.AddMilliseconds(1900)));
        rig.Count(a, S.AddMilliseconds(1950), 3);
        Assert.Equal(1, rig.Flush(S.AddMilliseconds(2001)));

        Assert.Equal(new Dictionary<DateTimeOffset, long> { [S] = 2, [S.AddSeconds(1)] = 4 }, (await rig.ReadAsync())[a]);
    }

    [Fact]
    public async Task Flush_SecondsBehind_WritesEveryClosedSecondOnceWithItsStamp()
    {
        await using var rig = await Rig.StartAsync(this);
        var a = Client(1);
        var b = Client(2);
        for (var i = 0; i < 5; i++)
        {
            rig.Count(a, S.AddSeconds(i).AddMilliseconds(100), i + 1);
            rig.Count(b, S.AddSeconds(i).AddMilliseconds(900), 10 * (i + 1));
        }

        // The flusher stalled for four seconds: S..S+3 are closed (S..S+2 of each client waited in the late queue).
        Assert.Equal(8, rig.Flush(S.AddMilliseconds(4500)));
        Assert.Equal(2, rig.Flush(S.AddSeconds(6)));

        var points = await rig.ReadAsync();
        Assert.Equal(Enumerable.Range(0, 5).ToDictionary(i => S.AddSeconds(i), i => (long)(i + 1)), points[a]);
        Assert.Equal(Enumerable.Range(0, 5).ToDictionary(i => S.AddSeconds(i), i => 10L * (i + 1)), points[b]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public async Task RandomTimes_EachSecondHoldsExactlyItsQueries_AndEveryQueryIsInInflux(int seed)
    {
        // Queries in time order over ~60 s from three clients; flushes at random instants between them: several in a
        // second, or seconds late. With no query racing a flush, every second must hold exactly the queries whose clock
        // reading fell in it, stamped with that second of the clock.
        await using var rig = await Rig.StartAsync(this);
        var random = new Random(seed);
        UInt128[] clients = [Client(1), Client(2), Client(3)];
        var expected = clients.ToDictionary(c => c, _ => new Dictionary<DateTimeOffset, long>());
        var at = S.AddTicks(random.NextInt64(TimeSpan.TicksPerSecond));
        var flushes = 0;
        for (var i = 0; i < 3000; i++)
        {
            at = at.AddTicks(random.NextInt64(TimeSpan.TicksPerMillisecond * 40));
            var client = clients[random.Next(clients.Length)];
            rig.Count(client, at, 1);
            var second = new DateTimeOffset(at.UtcTicks - at.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
            expected[client][second] = expected[client].GetValueOrDefault(second) + 1;
            if (random.Next(random.Next(2) == 0 ? 10 : 120) == 0)
            {
                // At the clock's time, which never goes back (racing queries are the next test's job): some runs flush
                // several times a second, some leave several seconds unwritten.
                at = at.AddTicks(random.NextInt64(TimeSpan.TicksPerMillisecond * 50));
                rig.Flush(at);
                flushes++;
            }
        }

        rig.Flush(at.AddSeconds(5));
        Assert.True(flushes > 50, $"{flushes} flushes");

        var points = await rig.ReadAsync();
        foreach (var client in clients)
        {
            Assert.Equal(expected[client].OrderBy(p => p.Key), points[client].OrderBy(p => p.Key));
        }

        Assert.Equal(3000, points.Values.SelectMany(p => p.Values).Sum());
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public async Task RandomTimes_WithQueriesRacingFlushesAndTheClockSteppingBack_ConserveEveryCount(int seed)
    {
        // Queries whose clock readings go back a little (threads reading the clock, then counting in another order; an
        // NTP step) and flushes that run before queries that read the clock earlier: every count reaches InfluxDB once.
        await using var rig = await Rig.StartAsync(this);
        var random = new Random(seed);
        UInt128[] clients = [Client(1), Client(2)];
        var counted = 0L;
        var now = S;
        for (var i = 0; i < 4000; i++)
        {
            now = now.AddTicks(random.NextInt64(TimeSpan.TicksPerMillisecond * 30));
            var readAt = random.Next(10) == 0 ? now.AddTicks(-random.NextInt64(TimeSpan.TicksPerMillisecond * 2500)) : now;
            var n = random.Next(1, 4);
            rig.Count(clients[random.Next(clients.Length)], readAt, n);
            counted += n;
            if (random.Next(15) == 0)
            {
                rig.Flush(now.AddTicks(random.NextInt64(TimeSpan.TicksPerMillisecond * 2000)));
            }
        }

        rig.Flush(now.AddSeconds(10));
        var points = await rig.ReadAsync();
        Assert.Equal(counted, points.Values.SelectMany(p => p.Values).Sum());
        Assert.All(points.Values.SelectMany(p => p.Keys), t => Assert.Equal(0, t.UtcTicks % TimeSpan.TicksPerSecond));
    }

    [Fact]
    public void Property_AnySchedule_ConservesEveryCount_AndIsExactWhenNoQueryRaces()
    {
        // FsCheck draws schedules: queries from two clients a few ms apart, now and then seconds apart, some reading the
        // clock up to 2.5 s before they are counted (racing a flush, or a clock stepped back), flushes at random moments.
        // About a hundred schedules of 50-400 steps: thousands of flushes, each schedule into its own database.
        var step = from gap in Gen.Frequency((20, Gen.Choose(0, 40)), (1, Gen.Choose(1000, 4000)))
                   from back in Gen.Frequency((9, Gen.Constant(0)), (1, Gen.Choose(1, 2500)))
                   from queries in Gen.Choose(1, 3)
                   from client in Gen.Choose(1, 2)
                   from flush in Gen.Frequency((7, Gen.Constant(false)), (1, Gen.Constant(true)))
                   select new Step(gap, back, queries, (byte)client, flush);
        // Half the schedules have no racing query: there every second must also be exact.
        var schedules = (from racing in Gen.Elements(true, false)
                         from n in Gen.Choose(50, 400)
                         from steps in Gen.ArrayOf(step, n)
                         select racing ? steps : steps.Select(s => s with { BackMs = 0 }).ToArray()).ToArbitrary();
        int flushes = 0, exactSchedules = 0;
        Prop.ForAll(schedules, steps =>
        {
            flushes += steps.Count(s => s.Flush);
            exactSchedules += steps.All(s => s.BackMs == 0) ? 1 : 0;
            RunSchedule(steps).GetAwaiter().GetResult();
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(100));
        Assert.True(flushes > 1000 && exactSchedules > 10, $"{flushes} flushes, {exactSchedules} schedules without a race");
    }

    private async Task RunSchedule(Step[] steps)
    {
        await using var rig = await Rig.StartAsync(this);
        var now = S;
        long counted = 0;
        var exact = new Dictionary<UInt128, Dictionary<DateTimeOffset, long>>();
        foreach (var step in steps)
        {
            now = now.AddMilliseconds(step.GapMs);
            var client = Client(step.Client);
            var readAt = now.AddMilliseconds(-step.BackMs);
            rig.Count(client, readAt, step.Queries);
            counted += step.Queries;
            var second = new DateTimeOffset(readAt.UtcTicks - readAt.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
            var seconds = exact.TryGetValue(client, out var d) ? d : exact[client] = [];
            seconds[second] = seconds.GetValueOrDefault(second) + step.Queries;
            if (step.Flush)
            {
                rig.Flush(now);
            }
        }

        rig.Flush(now.AddSeconds(10));
        var points = await rig.ReadAsync();
        Assert.Equal(counted, points.Values.SelectMany(p => p.Values).Sum());
        Assert.All(points.Values.SelectMany(p => p.Keys), t => Assert.Equal(0, t.UtcTicks % TimeSpan.TicksPerSecond));
        if (steps.All(s => s.BackMs == 0))
        {
            foreach (var (client, seconds) in exact)
            {
                Assert.Equal(seconds.OrderBy(p => p.Key), points[client].OrderBy(p => p.Key));
            }
        }
    }

    /// <summary>One step of a schedule: the clock moves on, a client asks, maybe the flusher runs.</summary>
    public readonly record struct Step(int GapMs, int BackMs, int Queries, byte Client, bool Flush);

    [Fact]
    public void Record_AcrossSecondsAndFlushes_AllocatesNothingOnceWarm()
    {
        var activity = new DnsActivity(Options.Create(new DnsPolicyOptions()), new PolicyCounters());
        var address = Client(1);
        var client = _policy.ResolveClient(address);
        _policy.Evaluate(Name, client, S, out var verdict);
        long allocated = 0;
        for (var second = 0; second < 20; second++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 100; i++)
            {
                activity.Record(_policy, client, address, Name, verdict, S.AddSeconds(second).AddMilliseconds(i * 9));
            }

            if (second >= 3)
            {
                allocated += GC.GetAllocatedBytesForCurrentThread() - before;
            }

            if (second % 3 != 1)
            {
                activity.Flush(null, _policy, S.AddSeconds(second + 1).AddMilliseconds(50)); // late every third second
            }
        }

        Assert.Equal(0, allocated);
    }

    private static UInt128 Client(byte n) => ClientKey.From(new IPAddress([10, 0, 0, n]));

    private sealed class Rig : IAsyncDisposable
    {
        private readonly DnsActivity _activity = new(Options.Create(new DnsPolicyOptions()), new PolicyCounters());
        private readonly CompiledPolicy _policy;
        private readonly InfluxConnection _connection;
        private readonly InfluxWriter _writer;
        private readonly InfluxReader _reader;
        private readonly string _spool;

        private Rig(CompiledPolicy policy, InfluxConnection connection, InfluxWriter writer, InfluxReader reader, string spool)
        {
            _policy = policy;
            _connection = connection;
            _writer = writer;
            _reader = reader;
            _spool = spool;
        }

        public static async Task<Rig> StartAsync(DnsActivitySecondsTests test)
        {
            var database = $"seconds_{Interlocked.Increment(ref test._databases)}";
            await test._influxd.QueryRawAsync($"CREATE DATABASE {database}");
            var spool = Directory.CreateTempSubdirectory("cg-dns-seconds-").FullName;
            var options = Options.Create(new InfluxOptions
            {
                Url = test._influxd.Url,
                Database = database,
                RetentionPolicy = "autogen",
                SpoolDirectory = spool,
                FlushInterval = TimeSpan.FromMilliseconds(100),
                Provision = false,
            });
            var connection = new InfluxConnection(options);
            var writer = new InfluxWriter(connection, options, NullLogger<InfluxWriter>.Instance, TimeProvider.System);
            await writer.StartAsync(CancellationToken.None);
            return new Rig(test._policy, connection, writer, new InfluxReader(connection, options), spool);
        }

        public void Count(UInt128 address, DateTimeOffset at, int queries)
        {
            var client = _policy.ResolveClient(address);
            _policy.Evaluate(Name, client, at, out var verdict);
            for (var i = 0; i < queries; i++)
            {
                _activity.Record(_policy, client, address, Name, verdict, at);
            }
        }

        public int Flush(DateTimeOffset now) => _activity.Flush(_writer, _policy, now);

        /// <summary>client → (time → queries), every dns_activity point in the database.</summary>
        public async Task<Dictionary<UInt128, Dictionary<DateTimeOffset, long>>> ReadAsync()
        {
            await _writer.FlushAsync(CancellationToken.None);
            var statistics = _writer.GetStatistics();
            Assert.Equal(0, statistics.PointsRejectedFull + statistics.PointsDroppedByServer + statistics.PointsInvalid);
            var result = await _reader.QueryAsync($"SELECT \"queries\" FROM \"{Measurements.DnsActivity}\" GROUP BY \"{Measurements.Tags.Client}\"", CancellationToken.None);
            var points = new Dictionary<UInt128, Dictionary<DateTimeOffset, long>>();
            foreach (var series in result.Series)
            {
                var client = ClientKey.From(IPAddress.Parse(series.Tags[Measurements.Tags.Client]!));
                points[client] = series.Rows.ToDictionary(r => r[0].AsTime(), r => r[1].AsInt64());
            }

            return points;
        }

        public async ValueTask DisposeAsync()
        {
            await _writer.StopAsync(CancellationToken.None);
            await _writer.DisposeAsync();
            _connection.Dispose();
            Directory.Delete(_spool, recursive: true);
        }
    }
}

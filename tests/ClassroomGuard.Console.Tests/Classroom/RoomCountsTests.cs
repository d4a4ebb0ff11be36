using ClassroomGuard.Console.Agents;
using ClassroomGuard.Console.Classroom;
using ClassroomGuard.Console.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Tests.Classroom;

/// <summary>The room list's shared counts loop, on a clock the test moves.</summary>
public sealed class RoomCountsTests : IDisposable
{
    private readonly RoomsTestWorld world = new();

    public void Dispose() => world.Dispose();

    [Fact]
    public async Task Tick_OneWatcherThrows_TheOthersStillGetTheCounts()
    {
        var (lab, _) = await world.RoomsAsync();
        await world.DeviceAsync("02:00:00:00:00:01", "10.0.0.11", lab.Id);
        var time = new TickingClock();
        using var stopping = new CancellationTokenSource();
        var counts = new RoomCounts(world.Store, new AgentBlankState(world.Store, time), Options.Create(new ConsoleOptions()), time,
            new Lifetime(stopping.Token), NullLogger<RoomCounts>.Instance);
        var got = new TaskCompletionSource<IReadOnlyDictionary<long, RoomCount>>(TaskCreationOptions.RunContinuationsAsynchronously);

        using var broken = counts.Watch(_ => throw new InvalidOperationException("this list's circuit is gone"));
        using var healthy = counts.Watch(c => got.TrySetResult(c));
        Assert.True(SpinWait.SpinUntil(() => time.Waiting > 0, TimeSpan.FromSeconds(10))); // the loop is waiting for its interval
        time.FireAll();

        var received = await got.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(1, received[lab.Id].Devices);
        await stopping.CancelAsync();
    }

    /// <summary>Real time; timers fire only when the test says.</summary>
    private sealed class TickingClock : TimeProvider
    {
        private readonly Lock gate = new();
        private readonly List<(TimerCallback Callback, object? State)> timers = [];

        public int Waiting
        {
            get
            {
                lock (gate)
                {
                    return timers.Count;
                }
            }
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var entry = (callback, state);
            lock (gate)
            {
                timers.Add(entry);
            }

            return new Handle(this, entry);
        }

        public void FireAll()
        {
            (TimerCallback Callback, object? State)[] due;
            lock (gate)
            {
                due = [.. timers];
                timers.Clear();
            }

            foreach (var (callback, state) in due)
            {
                callback(state);
            }
        }

        private sealed class Handle(TickingClock owner, (TimerCallback, object?) entry) : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => true;

            public void Dispose()
            {
                lock (owner.gate)
                {
                    owner.timers.Remove(entry);
                }
            }

            public ValueTask DisposeAsync()
            {
                Dispose();
                return ValueTask.CompletedTask;
            }
        }
    }

    private sealed class Lifetime(CancellationToken stopping) : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => stopping;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication()
        {
        }
    }
}

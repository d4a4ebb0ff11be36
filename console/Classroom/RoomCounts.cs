using ClassroomGuard.Console.Agents;
using ClassroomGuard.Console.Hosting;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Classroom;

/// <summary>How many devices a room has, and how many of them are online now.</summary>
/// <param name="Devices">Devices assigned to the room.</param>
/// <param name="Online">Of those, seen within <see cref="ConsoleOptions.OnlineWindow"/> or with an agent connected now.</param>
internal sealed record RoomCount(int Devices, int Online);

/// <summary>
/// The room list's counts, kept fresh for every open room list by one shared loop: while anyone watches, it reads the
/// devices once every <see cref="Interval"/> (one state read, whatever the number of open lists) and hands the counts
/// of every room to each watcher, which keeps those of its own rooms. Stops when the last watcher leaves.
/// </summary>
internal sealed class RoomCounts(StateStore store, AgentBlankState agents, IOptions<ConsoleOptions> options, TimeProvider time, IHostApplicationLifetime lifetime, ILogger<RoomCounts> logger)
{
    /// <summary>How often the counts are read while a room list is open.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    private readonly Lock gate = new();
    private Action<IReadOnlyDictionary<long, RoomCount>>[] watchers = [];
    private bool running;

    /// <summary>The counts of every room now (a room without devices is absent: zero).</summary>
    public async Task<IReadOnlyDictionary<long, RoomCount>> ReadAsync(CancellationToken cancellationToken)
    {
        var devices = await store.Devices.ListAsync(null, cancellationToken);
        var connected = agents.ConnectedDevices.ToHashSet();
        var since = time.GetUtcNow() - options.Value.OnlineWindow;
        return devices.Where(d => d.RoomId is not null).GroupBy(d => d.RoomId!.Value)
            .ToDictionary(g => g.Key, g => new RoomCount(g.Count(), g.Count(d => connected.Contains(d.Id) || d.LastSeen >= since)));
    }

    /// <summary>Gets the counts every <see cref="Interval"/> until the result is disposed.</summary>
    public IDisposable Watch(Action<IReadOnlyDictionary<long, RoomCount>> onCounts)
    {
        ArgumentNullException.ThrowIfNull(onCounts);
        lock (gate)
        {
            watchers = [.. watchers, onCounts];
            if (!running)
            {
                running = true;
                _ = Task.Run(RunAsync); // bounded: one loop, which ends when nobody watches
            }
        }

        return new Watcher(this, onCounts);
    }

    private async Task RunAsync()
    {
        var stopping = lifetime.ApplicationStopping;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Interval, time, stopping);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            Action<IReadOnlyDictionary<long, RoomCount>>[] now;
            lock (gate)
            {
                if (watchers.Length == 0)
                {
                    running = false;
                    return;
                }

                now = watchers;
            }

            try
            {
                var counts = await ReadAsync(stopping);
                foreach (var watcher in now)
                {
                    try
                    {
                        watcher(counts);
                    }
                    catch (Exception e)
                    {
                        Log.RoomCountsWatcherFailed(logger, e); // one broken list must not starve the others
                    }
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                Log.RoomCountsFailed(logger, e); // the lists keep their last counts
            }
        }

        lock (gate)
        {
            running = false;
        }
    }

    private void Remove(Action<IReadOnlyDictionary<long, RoomCount>> onCounts)
    {
        lock (gate)
        {
            var index = Array.IndexOf(watchers, onCounts);
            if (index >= 0)
            {
                watchers = [.. watchers[..index], .. watchers[(index + 1)..]];
            }
        }
    }

    private sealed class Watcher(RoomCounts owner, Action<IReadOnlyDictionary<long, RoomCount>> onCounts) : IDisposable
    {
        public void Dispose() => owner.Remove(onCounts);
    }
}

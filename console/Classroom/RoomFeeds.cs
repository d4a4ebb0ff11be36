using ClassroomGuard.Console.Hosting;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Classroom;

/// <summary>
/// One feed per watched room: while anyone watches it, a loop reads the room (<see cref="RoomSnapshotReader"/>: a few
/// small state reads plus one InfluxDB request) every <see cref="ConsoleOptions.LiveInterval"/> and hands the snapshot
/// to every watcher (the room pages' circuits, which re-render with it). N viewers of a room cost one read per
/// interval, not N; there is no timer per viewer. A feed stays warm for <see cref="IdleGrace"/> after its last watcher
/// leaves, so a page reload or a reconnecting kiosk does not restart it. A teacher action pokes the room's feed
/// (<see cref="Poke"/>) so the tiles show it at once rather than at the next tick.
/// <para>This class does not check who watches: callers go through <see cref="ClassroomView"/>, which asks
/// <see cref="RoomAccess"/> first.</para>
/// </summary>
internal sealed class RoomFeeds(RoomSnapshotReader reader, IOptions<ConsoleOptions> options, TimeProvider time, IHostApplicationLifetime lifetime, ILogger<RoomFeeds> logger)
{
    /// <summary>How long a feed keeps running without viewers.</summary>
    public static readonly TimeSpan IdleGrace = TimeSpan.FromSeconds(30);

    private readonly Lock gate = new();
    private readonly Dictionary<long, Feed> feeds = [];

    /// <summary>Whether a feed is running for the room.</summary>
    public bool IsWatched(long roomId)
    {
        lock (gate)
        {
            return feeds.TryGetValue(roomId, out var feed) && feed.Running;
        }
    }

    /// <summary>How many viewers the room's feed has now.</summary>
    public int ViewersOf(long roomId)
    {
        lock (gate)
        {
            return feeds.TryGetValue(roomId, out var feed) ? feed.Viewers : 0;
        }
    }

    /// <summary>
    /// Starts watching a room (its feed starts if it is not running): <paramref name="onSnapshot"/> gets every new
    /// snapshot, on the feed's loop (keep it short: a component hands it to its renderer with <c>InvokeAsync</c>).
    /// Dispose the result to stop watching.
    /// </summary>
    public Subscription Subscribe(long roomId, Action<RoomSnapshot> onSnapshot)
    {
        ArgumentNullException.ThrowIfNull(onSnapshot);
        lock (gate)
        {
            if (!feeds.TryGetValue(roomId, out var feed))
            {
                feed = new Feed(roomId);
                feeds[roomId] = feed;
            }

            var subscription = new Subscription(this, feed, onSnapshot);
            feed.Watchers = [.. feed.Watchers, subscription];
            if (!feed.Running)
            {
                feed.Running = true;
                _ = Task.Run(() => RunAsync(feed)); // bounded: one loop per watched room, which ends when nobody watches
                Log.LiveFeedChanged(logger, roomId, "started", feed.Viewers);
            }

            return subscription;
        }
    }

    /// <summary>Reads the room at once (after a teacher action), if anyone is watching it.</summary>
    public void Poke(long roomId)
    {
        lock (gate)
        {
            if (feeds.TryGetValue(roomId, out var feed) && feed.Wake.CurrentCount == 0)
            {
                feed.Wake.Release();
            }
        }
    }

    /// <summary>
    /// The room as it is now: the running feed's latest snapshot when it is fresh, else a read of its own (without
    /// starting a feed). Null when the room does not exist.
    /// </summary>
    public async Task<RoomSnapshot?> CurrentAsync(long roomId, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (feeds.TryGetValue(roomId, out var feed) && feed.Latest is { } latest
                && time.GetUtcNow().ToUnixTimeMilliseconds() - latest.ServerTime <= 2 * options.Value.LiveInterval.TotalMilliseconds)
            {
                return latest;
            }
        }

        return await reader.ReadAsync(roomId, cancellationToken);
    }

    private async Task RunAsync(Feed feed)
    {
        var stopping = lifetime.ApplicationStopping;
        var interval = options.Value.LiveInterval;
        while (!stopping.IsCancellationRequested)
        {
            var started = time.GetTimestamp();
            try
            {
                if (await reader.ReadAsync(feed.RoomId, stopping) is { } snapshot)
                {
                    Publish(feed, snapshot);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                Log.LiveReadFailed(logger, feed.RoomId, e); // viewers keep the last snapshot until a read succeeds
            }

            lock (gate)
            {
                if (feed.Viewers == 0 && time.GetElapsedTime(feed.IdleSince) >= IdleGrace)
                {
                    feeds.Remove(feed.RoomId);
                    feed.Running = false;
                    Log.LiveFeedChanged(logger, feed.RoomId, "stopped", 0);
                    return;
                }
            }

            var wait = interval - time.GetElapsedTime(started);
            if (wait > TimeSpan.Zero)
            {
                using var either = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                var woken = feed.Wake.WaitAsync(either.Token);
                await Task.WhenAny(woken, Task.Delay(wait, time, either.Token)).ConfigureAwait(false);
                await either.CancelAsync();
                await woken.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        lock (gate)
        {
            feed.Running = false;
            feeds.Remove(feed.RoomId);
        }
    }

    private void Publish(Feed feed, RoomSnapshot snapshot)
    {
        Subscription[] watchers;
        lock (gate)
        {
            feed.Latest = snapshot;
            watchers = feed.Watchers;
        }

        foreach (var watcher in watchers)
        {
            try
            {
                watcher.Deliver(snapshot);
            }
            catch (Exception e)
            {
                Log.LiveWatcherFailed(logger, feed.RoomId, e); // one broken viewer must not starve the others
            }
        }
    }

    private void Remove(Feed feed, Subscription subscription)
    {
        lock (gate)
        {
            var index = Array.IndexOf(feed.Watchers, subscription);
            if (index < 0)
            {
                return;
            }

            feed.Watchers = [.. feed.Watchers[..index], .. feed.Watchers[(index + 1)..]];
            if (feed.Watchers.Length == 0)
            {
                feed.IdleSince = time.GetTimestamp();
            }
        }
    }

    /// <summary>A watcher of a room's feed; dispose to stop watching.</summary>
    internal sealed class Subscription(RoomFeeds owner, Feed feed, Action<RoomSnapshot> onSnapshot) : IDisposable
    {
        private volatile bool disposed;

        internal void Deliver(RoomSnapshot snapshot)
        {
            if (!disposed)
            {
                onSnapshot(snapshot);
            }
        }

        public void Dispose()
        {
            disposed = true;
            owner.Remove(feed, this);
        }
    }

    /// <summary>A watched room: its watchers (copied on change, so a publish reads them without the lock), latest snapshot and the loop's wake-up.</summary>
    internal sealed class Feed(long roomId)
    {
        public long RoomId { get; } = roomId;

        public Subscription[] Watchers { get; set; } = [];

        public int Viewers => Watchers.Length;

        public bool Running { get; set; }

        public long IdleSince { get; set; }

        public RoomSnapshot? Latest { get; set; }

        public SemaphoreSlim Wake { get; } = new(0, 1);
    }
}

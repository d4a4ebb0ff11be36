using System.Text.Json;
using ClassroomGuard.Console.Hosting;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Classroom;

/// <summary>One snapshot of a room as sent to viewers: serialised once, whatever the number of viewers.</summary>
/// <param name="Sequence">Increases with every snapshot of the room's feed.</param>
/// <param name="Snapshot">The data.</param>
/// <param name="Json">Its JSON (UTF-8, camelCase, one line).</param>
internal sealed record LiveMessage(long Sequence, RoomSnapshot Snapshot, byte[] Json);

/// <summary>
/// One feed per watched room: while anyone watches it, a loop reads the room (<see cref="RoomSnapshotReader"/>: state
/// plus one InfluxDB request) every <see cref="ConsoleOptions.LiveInterval"/> and hands the result to every viewer.
/// N viewers of a room cost one read per interval, not N. A feed stays warm for <see cref="IdleGrace"/> after its last
/// viewer leaves, so a page reload or a reconnecting kiosk does not restart it. A teacher action pokes the room's
/// feed (<see cref="Poke"/>) so the tiles show it at once rather than at the next tick.
/// </summary>
internal sealed class RoomFeeds(RoomSnapshotReader reader, IOptions<ConsoleOptions> options, TimeProvider time, IHostApplicationLifetime lifetime, ILogger<RoomFeeds> logger)
{
    /// <summary>How long a feed keeps running without viewers.</summary>
    public static readonly TimeSpan IdleGrace = TimeSpan.FromSeconds(30);

    /// <summary>The JSON shape of snapshots (camelCase, as the page's script reads it).</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly Lock gate = new();
    private readonly Dictionary<long, Feed> feeds = [];

    private TimeProvider Clock => time;

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

    /// <summary>Starts watching a room (its feed starts if it is not running). Dispose to stop watching.</summary>
    public Subscription Subscribe(long roomId)
    {
        lock (gate)
        {
            if (!feeds.TryGetValue(roomId, out var feed))
            {
                feed = new Feed(roomId);
                feeds[roomId] = feed;
            }

            feed.Viewers++;
            if (!feed.Running)
            {
                feed.Running = true;
                _ = Task.Run(() => RunAsync(feed)); // bounded: one loop per watched room, which ends when nobody watches
                Log.LiveFeedChanged(logger, roomId, "started", feed.Viewers);
            }

            return new Subscription(this, feed);
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
    public async Task<LiveMessage?> CurrentAsync(long roomId, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (feeds.TryGetValue(roomId, out var feed) && feed.Latest is { } latest
                && time.GetUtcNow().ToUnixTimeMilliseconds() - latest.Snapshot.ServerTime <= 2 * options.Value.LiveInterval.TotalMilliseconds)
            {
                return latest;
            }
        }

        var snapshot = await reader.ReadAsync(roomId, cancellationToken);
        return snapshot is null ? null : new LiveMessage(0, snapshot, JsonSerializer.SerializeToUtf8Bytes(snapshot, Json));
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
                Log.LiveReadFailed(logger, feed.RoomId, e); // viewers keep the last snapshot; their heartbeat goes on
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
        var json = JsonSerializer.SerializeToUtf8Bytes(snapshot, Json);
        TaskCompletionSource<LiveMessage> waiting;
        LiveMessage message;
        lock (gate)
        {
            message = new LiveMessage((feed.Latest?.Sequence ?? 0) + 1, snapshot, json);
            feed.Latest = message;
            waiting = feed.Next;
            feed.Next = new TaskCompletionSource<LiveMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        waiting.TrySetResult(message);
    }

    /// <summary>A viewer's place in a room's feed.</summary>
    internal sealed class Subscription(RoomFeeds owner, Feed feed) : IDisposable
    {
        private long seen;
        private bool disposed;

        /// <summary>The next snapshot this viewer has not had yet (the latest one at once, if it is new to it).</summary>
        public async Task<LiveMessage> NextAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                Task<LiveMessage> next;
                lock (owner.gate)
                {
                    if (feed.Latest is { } latest && latest.Sequence > seen)
                    {
                        seen = latest.Sequence;
                        return latest;
                    }

                    next = feed.Next.Task;
                }

                await next.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        public void Dispose()
        {
            lock (owner.gate)
            {
                if (disposed)
                {
                    return;
                }

                disposed = true;
                if (--feed.Viewers == 0)
                {
                    feed.IdleSince = owner.Clock.GetTimestamp();
                }
            }
        }
    }

    /// <summary>A watched room: its viewers, latest snapshot and the loop's wake-up.</summary>
    internal sealed class Feed(long roomId)
    {
        public long RoomId { get; } = roomId;

        public int Viewers { get; set; }

        public bool Running { get; set; }

        public long IdleSince { get; set; }

        public LiveMessage? Latest { get; set; }

        public TaskCompletionSource<LiveMessage> Next { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public SemaphoreSlim Wake { get; } = new(0, 1);
    }
}

using ClassroomGuard.Console.Classroom;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Unblocking;

/// <summary>
/// The one shared source of <see cref="UnblockBoard"/> for every page that shows unblock requests (room pages, the
/// approvals page, the menu's count). While anyone subscribes, one loop — not one per page — looks at the state's
/// revision every <see cref="CheckEvery"/> and reads the board again when it changed (a request, a decision, from any
/// page or process) or is older than <see cref="ReadAtLeastEvery"/> (so that ended unblocks and lapsed requests drop
/// out), then hands it to every subscriber.
/// </summary>
internal sealed class UnblockFeed(StateStore store, UnblockTimes times, ILogger<UnblockFeed> logger) : IDisposable
{
    /// <summary>How often the state revision is looked at while anyone subscribes.</summary>
    public static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(1);

    /// <summary>The board is read again at least this often while anyone subscribes.</summary>
    public static readonly TimeSpan ReadAtLeastEvery = TimeSpan.FromSeconds(30);

    // Never disposed: a read or the loop may still hold them when the feed is disposed, and a SemaphoreSlim whose
    // AvailableWaitHandle is never asked for holds nothing that needs freeing.
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2213:Disposable fields should be disposed", Justification = "A running read may still release it; it holds no wait handle.")]
    private readonly SemaphoreSlim readGate = new(1, 1);
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2213:Disposable fields should be disposed", Justification = "The loop may still wait on it; it holds no wait handle.")]
    private readonly SemaphoreSlim wake = new(0, 1);
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2213:Disposable fields should be disposed", Justification = "Cancelled, not disposed: the loop may still read its token; a source without timers or links holds nothing to free.")]
    private readonly CancellationTokenSource stopping = new();
    private readonly Lock gate = new();
    private Func<UnblockBoard, Task>[] listeners = [];
    private volatile UnblockBoard? latest;
    private UnblockBoard? published; // only the loop touches it
    private bool running;

    /// <summary>How many pages subscribe now.</summary>
    public int Subscribers
    {
        get
        {
            lock (gate)
            {
                return listeners.Length;
            }
        }
    }

    /// <summary>The board as it is now: the last read while the state has not changed since (and it is young), else a new read.</summary>
    public async Task<UnblockBoard> CurrentAsync(CancellationToken cancellationToken)
    {
        if (latest is { } known && await IsCurrentAsync(known, cancellationToken))
        {
            return known;
        }

        await readGate.WaitAsync(cancellationToken);
        try
        {
            if (latest is { } justRead && await IsCurrentAsync(justRead, cancellationToken))
            {
                return justRead; // read by someone else while this one waited
            }

            var board = await ReadAsync(cancellationToken);
            latest = board;
            return board;
        }
        finally
        {
            readGate.Release();
        }
    }

    /// <summary>Receives every new board while subscribed; dispose to stop. The first subscriber starts the loop; it ends after the last leaves.</summary>
    public IDisposable Subscribe(Func<UnblockBoard, Task> listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        lock (gate)
        {
            listeners = [.. listeners, listener];
            if (!running && !stopping.IsCancellationRequested)
            {
                running = true;
                _ = Task.Run(RunAsync); // bounded: one loop per console, which ends when nobody subscribes
            }
        }

        return new Subscription(this, listener);
    }

    /// <summary>Looks at the state now rather than at the next check (after this console's own request or decision).</summary>
    public void Poke()
    {
        lock (gate)
        {
            if (wake.CurrentCount == 0)
            {
                wake.Release();
            }
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            stopping.Cancel();
        }
    }

    private async Task<bool> IsCurrentAsync(UnblockBoard board, CancellationToken cancellationToken)
        => times.Now - board.ReadAt < ReadAtLeastEvery && await store.GetRevisionAsync(cancellationToken) == board.Revision;

    private async Task RunAsync()
    {
        var token = stopping.Token;
        while (!token.IsCancellationRequested)
        {
            Func<UnblockBoard, Task>[] targets;
            lock (gate)
            {
                if (listeners.Length == 0)
                {
                    running = false;
                    return;
                }
            }

            try
            {
                // Compared with what subscribers last got, not with `latest`: a page's own CurrentAsync (after its
                // decision) replaces `latest` too, and the other pages must still hear of that board.
                var board = await CurrentAsync(token);
                lock (gate)
                {
                    targets = listeners;
                }

                if (!ReferenceEquals(board, published))
                {
                    published = board;
                    await PublishAsync(targets, board);
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                Log.UnblockBoardReadFailed(logger, e); // pages keep the last board until a read succeeds
            }

            try
            {
                await wake.WaitAsync(CheckEvery, token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        lock (gate)
        {
            running = false;
        }
    }

    private async Task PublishAsync(Func<UnblockBoard, Task>[] targets, UnblockBoard board)
    {
        foreach (var target in targets)
        {
            try
            {
                await target(board);
            }
            catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException or OperationCanceledException)
            {
                // That page's circuit is going away; its subscription ends with it.
            }
            catch (Exception e)
            {
                Log.UnblockWatcherFailed(logger, e); // one broken page must not starve the others
            }
        }
    }

    private async Task<UnblockBoard> ReadAsync(CancellationToken cancellationToken)
    {
        // The revision first: a change committed during the reads below makes the next check read again.
        var revision = await store.GetRevisionAsync(cancellationToken);
        var now = times.Now;
        var details = await store.UnblockRequests.ListRecentAsync(times.DayStart(now), cancellationToken);
        var rooms = (await store.Sites.ListRoomsAsync(null, cancellationToken)).ToDictionary(r => r.Id, r => r.Name);
        var open = (await store.TeacherActions.ActiveAtAsync(now, null, cancellationToken)).Where(a => a.Kind == TeacherActionKind.Unblock).ToList();
        var devices = new Dictionary<long, Device>();
        foreach (var id in details.Select(d => d.Request.DeviceId).Concat(open.Select(a => a.DeviceId)).OfType<long>().Distinct())
        {
            if (await store.Devices.GetAsync(id, cancellationToken) is { } device)
            {
                devices[id] = device;
            }
        }

        var items = details.Select(d =>
        {
            var device = d.Request.DeviceId is { } id ? devices.GetValueOrDefault(id) : null;
            var roomId = d.Request.Scope == ActionScope.Room ? d.Request.RoomId : device?.RoomId;
            var roomName = roomId is { } r && rooms.TryGetValue(r, out var name) ? name : "a room no longer on record";
            var target = d.Request.Scope == ActionScope.Room ? "the whole room"
                : device is null ? "a device no longer in the inventory"
                : LessonFocus.NameOf(device);
            var where = d.Request.Scope == ActionScope.Room ? roomName : device is null ? target : $"{target} in {roomName}";
            return new UnblockItem(d, roomId is { } known && rooms.ContainsKey(known) ? known : null, where, target);
        }).ToList();
        var openUnblocks = open.SelectMany(a => a.Domains.Select(domain =>
        {
            var device = a.DeviceId is { } id ? devices.GetValueOrDefault(id) : null;
            return a.Scope == ActionScope.Room
                ? new OpenUnblock(domain, a.RoomId, "this room", a.ExpiresAt)
                : new OpenUnblock(domain, device?.RoomId, device is null ? "a device" : LessonFocus.NameOf(device), a.ExpiresAt);
        })).ToList();
        return new UnblockBoard(items, openUnblocks, now, revision);
    }

    private void Unsubscribe(Func<UnblockBoard, Task> listener)
    {
        lock (gate)
        {
            var index = Array.IndexOf(listeners, listener);
            if (index >= 0)
            {
                listeners = [.. listeners[..index], .. listeners[(index + 1)..]];
            }
        }
    }

    private sealed class Subscription(UnblockFeed feed, Func<UnblockBoard, Task> listener) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                feed.Unsubscribe(listener);
            }
        }
    }
}

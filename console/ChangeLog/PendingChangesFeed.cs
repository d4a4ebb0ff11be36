using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.ChangeLog;

/// <summary>
/// The number of changes waiting for approval, for the badge on every approver's navigation. One shared timer for the
/// whole console (not one per page) runs while any page is subscribed: every <see cref="PollInterval"/> it reads the
/// state revision (one single-row read) and counts the pending changes again only when the revision moved, then tells
/// every subscriber whose count changed. A proposal or decision therefore shows in every open navigation within about
/// <see cref="PollInterval"/>.
/// </summary>
internal sealed class PendingChangesFeed(StateStore store, TimeProvider time, ILogger<PendingChangesFeed> logger) : IDisposable
{
    /// <summary>How often the revision is read while anyone is subscribed.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);

    private readonly Lock gate = new();
    private readonly List<Func<int, Task>> listeners = [];
    private ITimer? timer;
    private long revision = -1;
    private int count = -1; // the count subscribers were last told
    private int refreshing;
    private bool disposed;

    /// <summary>The count now (one read: a page showing it asks once, then follows <see cref="Subscribe"/>).</summary>
    public async Task<int> GetAsync(CancellationToken cancellationToken)
    {
        // Not remembered as what subscribers were told: a page reading after its own decision must not stop the
        // next poll from telling every other page.
        return await store.ChangeControl.CountPendingAsync(cancellationToken);
    }

    /// <summary>Receives each new count while subscribed; dispose to stop. The first subscriber starts the shared timer, the last stops it.</summary>
    public IDisposable Subscribe(Func<int, Task> listener)
    {
        lock (gate)
        {
            listeners.Add(listener);
            if (!disposed)
            {
                timer ??= time.CreateTimer(_ => _ = TickAsync(), null, PollInterval, PollInterval);
            }
        }

        return new Subscription(this, listener);
    }

    /// <summary>One poll: reads the revision; if it moved, counts again and tells subscribers of a new count. Public for tests.</summary>
    public async Task TickAsync()
    {
        if (Interlocked.CompareExchange(ref refreshing, 1, 0) != 0)
        {
            return; // the previous poll still runs: skip this tick rather than pile reads up
        }

        try
        {
            var now = await store.GetRevisionAsync(CancellationToken.None);
            if (now == Interlocked.Exchange(ref revision, now))
            {
                return;
            }

            var current = await store.ChangeControl.CountPendingAsync(CancellationToken.None);
            if (Interlocked.Exchange(ref count, current) == current)
            {
                return;
            }

            Func<int, Task>[] targets;
            lock (gate)
            {
                targets = [.. listeners];
            }

            foreach (var target in targets)
            {
                try
                {
                    await target(current);
                }
                catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException or OperationCanceledException)
                {
                    // That page's circuit is going away; its subscription ends with it.
                }
            }
        }
        catch (Exception e) when (e is StateStoreException or Microsoft.Data.Sqlite.SqliteException or IOException)
        {
            Log.PendingCountFailed(logger, e);
        }
        finally
        {
            Volatile.Write(ref refreshing, 0);
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            disposed = true;
            timer?.Dispose();
            timer = null;
        }
    }

    private void Unsubscribe(Func<int, Task> listener)
    {
        lock (gate)
        {
            listeners.Remove(listener);
            if (listeners.Count == 0)
            {
                timer?.Dispose();
                timer = null;
            }
        }
    }

    private sealed class Subscription(PendingChangesFeed feed, Func<int, Task> listener) : IDisposable
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

namespace ClassroomGuard.Console.Dashboard;

/// <summary>
/// The one shared source of <see cref="SchoolOverview"/> for every home page open in the school: a read is shared by
/// everyone who asks within <see cref="MaxAge"/> while the state database has not changed since (and always within
/// <see cref="MinAge"/>, so a busy state costs at most one read per <see cref="MinAge"/>); one reader at a time. While any
/// page is open one timer — not one per circuit — reads again every <see cref="RefreshInterval"/> and hands the result
/// to every subscriber; a tick that comes while the previous refresh still runs is skipped, so a slow read never piles
/// refreshes up.
/// </summary>
internal sealed class DashboardFeed(SchoolOverviewReader reader, TimeProvider time, IHostApplicationLifetime lifetime, ILogger<DashboardFeed> logger) : IDisposable
{
    /// <summary>How often open home pages are refreshed.</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(30);

    /// <summary>A read younger than this is served as it is while the state has not changed since.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(25);

    /// <summary>A read younger than this is served as it is, changed state or not.</summary>
    public static readonly TimeSpan MinAge = TimeSpan.FromSeconds(2);

    // Never disposed: a read (a page's or the timer's) may still hold it when the feed is disposed, and a SemaphoreSlim
    // whose AvailableWaitHandle is never asked for holds nothing that needs freeing.
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2213:Disposable fields should be disposed", Justification = "A running read may still release it; it holds no wait handle.")]
    private readonly SemaphoreSlim readGate = new(1, 1);
    private readonly Lock gate = new();
    private readonly List<Func<SchoolOverview, Task>> listeners = [];
    private ITimer? timer;
    private SchoolOverview? latest;
    private int refreshing;
    private bool disposed;

    /// <summary>How many pages are subscribed now.</summary>
    public int Subscribers
    {
        get
        {
            lock (gate)
            {
                return listeners.Count;
            }
        }
    }

    /// <summary>The overview, read now unless a read younger than <paramref name="maxAge"/> (default <see cref="MaxAge"/>) exists.</summary>
    public async Task<SchoolOverview> GetAsync(CancellationToken cancellationToken, TimeSpan? maxAge = null)
    {
        var age = maxAge ?? MaxAge;
        if (await CurrentAsync(latest, age, cancellationToken) is { } cached)
        {
            return cached;
        }

        await readGate.WaitAsync(cancellationToken);
        try
        {
            if (await CurrentAsync(latest, age, cancellationToken) is { } justRead)
            {
                return justRead; // someone else read it while we waited
            }

            // The shared read is not cancelled with one page: others may be waiting for it.
            var overview = await reader.ReadAsync(lifetime.ApplicationStopping);
            latest = overview;
            return overview;
        }
        finally
        {
            readGate.Release();
        }
    }

    /// <summary>Receives every refresh while subscribed; dispose to stop. The first subscriber starts the shared timer, the last stops it.</summary>
    public IDisposable Subscribe(Func<SchoolOverview, Task> listener)
    {
        lock (gate)
        {
            listeners.Add(listener);
            if (!disposed)
            {
                timer ??= time.CreateTimer(_ => OnTick(), null, RefreshInterval, RefreshInterval);
            }
        }

        return new Subscription(this, listener);
    }

    /// <summary>One refresh: read (shared), then tell every subscriber. Runs on the timer; public for tests.</summary>
    public async Task RefreshAsync()
    {
        Func<SchoolOverview, Task>[] targets;
        SchoolOverview overview;
        try
        {
            overview = await GetAsync(lifetime.ApplicationStopping, RefreshInterval / 2);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        catch (Exception e)
        {
            Log.DashboardReadFailed(logger, e);
            return;
        }

        lock (gate)
        {
            targets = [.. listeners];
        }

        foreach (var target in targets)
        {
            try
            {
                await target(overview);
            }
            catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException or OperationCanceledException)
            {
                // That page's circuit is going away; its subscription ends with it.
            }
            catch (Exception e)
            {
                Log.DashboardPageRefreshFailed(logger, e); // one page failed (its state read, say): the others still get theirs
            }
        }
    }

    /// <summary>Stops the timer. A refresh already running finishes on its own; nothing it uses is freed under it.</summary>
    public void Dispose()
    {
        lock (gate)
        {
            disposed = true;
            timer?.Dispose();
            timer = null;
        }
    }

    /// <summary>
    /// The timer's tick: starts a refresh and returns it, unless one is still running or the feed is disposed (then the
    /// tick is skipped, null; the next tick reads). Internal for tests.
    /// </summary>
    internal Task? OnTick()
    {
        lock (gate)
        {
            if (disposed)
            {
                return null;
            }
        }

        return Interlocked.CompareExchange(ref refreshing, 1, 0) != 0 ? null : RefreshOnceAsync();
    }

    private async Task RefreshOnceAsync()
    {
        try
        {
            await RefreshAsync();
        }
        finally
        {
            Volatile.Write(ref refreshing, 0);
        }
    }

    private async Task<SchoolOverview?> CurrentAsync(SchoolOverview? overview, TimeSpan maxAge, CancellationToken cancellationToken)
    {
        if (overview is null || time.GetUtcNow() - overview.ReadAt >= maxAge)
        {
            return null;
        }

        return time.GetUtcNow() - overview.ReadAt < MinAge || await reader.StateRevisionAsync(cancellationToken) == overview.StateRevision ? overview : null;
    }

    private void Unsubscribe(Func<SchoolOverview, Task> listener)
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

    private sealed class Subscription(DashboardFeed feed, Func<SchoolOverview, Task> listener) : IDisposable
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

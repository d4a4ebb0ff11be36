using ClassroomGuard.DnsFilter.Lists;
using ClassroomGuard.DnsFilter.Events;
using ClassroomGuard.Dns.Lists;
using ClassroomGuard.Storage.State;
using ClassroomGuard.Storage.TimeSeries;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.DnsFilter.Policy;

/// <summary>
/// Keeps the school policy current. At start (before the DNS server listens): loads the block lists, puts the
/// fail-closed fallback in force, and compiles the state's policy if the database can be read. Then, in the
/// background: recompiles on every state revision (seen within ~250 ms) and swaps it in; retries a database it
/// cannot read while the last good policy (or the fallback) stays in force; flushes per-second activity to
/// InfluxDB; writes high-risk alerts to the state.
/// </summary>
public sealed class PolicyService : BackgroundService
{
    private readonly SchoolDnsPolicy _policy;
    private readonly DnsActivity _activity;
    private readonly PolicyCounters _counters;
    private readonly DnsPolicyOptions _options;
    private readonly DnsListOptions _listOptions;
    private readonly IOptions<StateOptions> _stateOptions;
    private readonly IServiceProvider _services;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger<PolicyService> _logger;
    private readonly bool _enabled;
    private LoadedLists? _lists;
    private StateStore? _store;
    private bool _ownsStore;
    private Task _cacheWrite = Task.CompletedTask;
    private readonly SemaphoreSlim _reload = new(1, 1);
    private readonly Lock _swap = new(); // compile + swap, so a revision's compile never publishes the lists a reload replaced
    private string? _feedsSeen;
    private System.Runtime.InteropServices.PosixSignalRegistration? _hangUp;
    private CancellationToken _stopping;
    private int _signalled; // 1 from a SIGHUP until the reload it asks for starts reading
    private bool _started;

    /// <summary>Creates the service.</summary>
    public PolicyService(
        SchoolDnsPolicy policy, DnsActivity activity, PolicyCounters counters, IOptions<DnsPolicyOptions> options, IOptions<DnsListOptions> listOptions,
        IOptions<StateOptions> stateOptions, IServiceProvider services, IConfiguration configuration, TimeProvider time, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(listOptions);
        _policy = policy;
        _activity = activity;
        _counters = counters;
        _options = options.Value;
        _listOptions = listOptions.Value;
        _stateOptions = stateOptions;
        _services = services;
        _time = time;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<PolicyService>();
        _enabled = IsEnabled(options.Value, configuration);
    }

    /// <summary>The loaded lists (null until start).</summary>
    public LoadedLists? Lists => _lists;

    /// <summary>Where downloaded lists live (null when neither <c>Dns:Lists:Directory</c> nor <c>State:Path</c> is set).</summary>
    public ListDirectory? ListDirectory => ListDirectory.From(_listOptions, _stateOptions.Value.Path);

    /// <summary>
    /// Raised (on the compile path: handlers must return quickly) when an applied change added or removed one of the
    /// school's own list feeds; the argument is the new set. The list refresher fetches new ones and reloads.
    /// </summary>
    public event Action<IReadOnlyList<ListFeed>>? FeedsChanged;

    /// <summary>
    /// Loads the lists again from the sources in force (a new UT1 download, feeds added or removed) and recompiles the
    /// policy with them. The old lists keep answering until the new policy is swapped in; a failure leaves them in force
    /// and is thrown to the caller. Calls are serialised.
    /// </summary>
    public async Task<LoadedLists> ReloadListsAsync(CancellationToken cancellationToken)
    {
        await _reload.WaitAsync(cancellationToken);
        try
        {
            Interlocked.Exchange(ref _signalled, 0); // this reload reads what any signal so far asked for
            var old = new WeakReference(_lists?.Table);
            var lists = await Task.Run(() => LoadLists(writeCache: true), cancellationToken);
            lock (_swap)
            {
                var snapshot = _policy.Current?.Source;
                CompiledPolicy compiled;
                if (snapshot is null)
                {
                    compiled = CompiledPolicy.Fallback(lists, _options, _policy.SafeSearch);
                }
                else
                {
                    compiled = CompiledPolicy.Compile(snapshot, lists, _options, _policy.SafeSearch);
                    compiled.Source = snapshot;
                }

                _lists = lists;
                _policy.Swap(compiled);
            }

            Interlocked.Increment(ref _counters.Compiled);
            Log.ListsReloaded(_logger, lists.Table.Count, lists.Sources.Count, (long)lists.Elapsed.TotalMilliseconds);

            // The old table becomes garbage once the queries in flight and the current second's activity let go of the
            // old policy; the heap then hardly allocates, so no collection would come by itself: ask for one that gives
            // the memory back, rather than keep two sets' worth of RSS.
            _ = GiveBackAsync(old);
            return lists;
        }
        finally
        {
            _reload.Release();
        }
    }

    /// <summary>The school policy is used when <c>Dns:Policy:Enabled</c> is true, or unset and <c>State:Path</c> is configured.</summary>
    public static bool IsEnabled(DnsPolicyOptions options, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(configuration);
        return options.Enabled ?? !string.IsNullOrWhiteSpace(configuration["State:Path"]);
    }

    /// <inheritdoc />
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // SIGHUP (systemctl reload, kill -HUP) reads the lists again while answering, as after a download. Registered
        // first: without a handler the signal would end the process, and a reload asked for while the lists are still
        // loading is done once they are. Signals while one waits collapse into it.
        _hangUp = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGHUP, OnHangUp);
        if (!_enabled)
        {
            return;
        }

        // The state's list feeds decide which files are lists: the database is opened (and migrated) first.
        await Task.Run(TryOpenStore, cancellationToken);
        _lists = LoadLists(writeCache: true);
        if (_lists.Statistics.Count > 0)
        {
            _ = GiveBackAsync(null); // parsed: the parse's garbage (a set's worth) goes back, not kept until a reload
        }

        _policy.Swap(CompiledPolicy.Fallback(_lists, _options, _policy.SafeSearch));
        if (!await TryRefreshAsync(cancellationToken))
        {
            Log.FallbackInForce(_logger);
        }

        await base.StartAsync(cancellationToken);
        Volatile.Write(ref _started, true);
        if (Volatile.Read(ref _signalled) == 1)
        {
            _ = ReloadOnSignalAsync();
        }
    }

    private void OnHangUp(System.Runtime.InteropServices.PosixSignalContext context)
    {
        context.Cancel = true;
        if (!_enabled)
        {
            Log.ReloadIgnored(_logger);
            return;
        }

        if (Interlocked.Exchange(ref _signalled, 1) == 0 && Volatile.Read(ref _started))
        {
            _ = ReloadOnSignalAsync();
        }
    }

    // Two seconds after a load, and again (up to five times) until the old table is really gone: a query in flight or
    // the current second's activity may still hold the old policy at first. An aggressive collection is the one that
    // gives freed memory back to the system; it compacts, but the tables' large arrays live on the pinned-object heap
    // and are never copied, so queries wait only for the small objects (a forced non-compacting collection kept
    // ~55 MB of a replaced 5 M-name set).
    private static async Task GiveBackAsync(WeakReference? old)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            await Task.Delay(TimeSpan.FromSeconds(2), CancellationToken.None);
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            if (old?.IsAlive != true)
            {
                return;
            }
        }
    }

    private async Task ReloadOnSignalAsync()
    {
        try
        {
            Log.ReloadRequested(_logger);
            await ReloadListsAsync(_stopping);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.ReloadFailed(_logger, e);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        return !_enabled ? Task.CompletedTask : Task.WhenAll(WatchAsync(stoppingToken), FlushLoopAsync(stoppingToken), AlertLoopAsync(stoppingToken), _cacheWrite);
    }

    /// <summary>Where the compiled list cache lives: <c>Dns:Lists:CachePath</c>, else beside the state database, else none.</summary>
    public static string? CachePathOf(DnsListOptions lists, string? statePath)
    {
        ArgumentNullException.ThrowIfNull(lists);
        if (!lists.Cache)
        {
            return null;
        }

        if (!string.IsNullOrWhiteSpace(lists.CachePath))
        {
            return lists.CachePath;
        }

        var directory = string.IsNullOrWhiteSpace(statePath) ? null : Path.GetDirectoryName(Path.GetFullPath(statePath));
        return directory is null ? null : Path.Combine(directory, "dns-lists.cache");
    }

    private LoadedLists LoadLists(bool writeCache)
    {
        var sources = ListSources.EffectiveSources(_listOptions, ListDirectory, StateFeeds());
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var categories = new CategoryMap();
        foreach (var key in _options.AlwaysOnCategories)
        {
            categories.GetOrAdd(key); // bits exist even before a provider's list is configured
        }

        var cachePath = sources.Count == 0 ? null : CachePathOf(_listOptions, _stateOptions.Value.Path);
        string? fingerprint = null;
        try
        {
            fingerprint = cachePath is null ? null : DomainTableCache.Fingerprint(sources, _listOptions, categories.Keys);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            cachePath = null; // a source cannot be listed: no cache; loading below reports it naming the setting
        }

        if (cachePath is not null && DomainTableCache.TryRead(cachePath, fingerprint!) is var (table, keys))
        {
            foreach (var key in keys)
            {
                categories.GetOrAdd(key); // same order as when written, so the same bits
            }

            var cached = new LoadedLists(table, categories, [], System.Diagnostics.Stopwatch.GetElapsedTime(started)) { Sources = sources };
            Log.ListsFromCache(_logger, cachePath, table.Count, categories.Keys.Count, (long)cached.Elapsed.TotalMilliseconds);
            return cached;
        }

        var lists = LoadedLists.Load(sources, _listOptions, categories);
        Log.ListsLoaded(_logger, lists.Table.Count, categories.Keys.Count, sources.Count, (long)lists.Elapsed.TotalMilliseconds, lists.Table.MemoryBytes >> 20);
        foreach (var (source, stats) in lists.Statistics)
        {
            if (stats is null)
            {
                Log.ListMissing(_logger, source);
            }
            else
            {
                Log.ListStatistics(_logger, source, stats.ToString());
            }
        }

        if (cachePath is not null && writeCache)
        {
            var keysNow = categories.Keys.ToArray();
            _cacheWrite = _cacheWrite.ContinueWith(_ =>
            {
                try
                {
                    DomainTableCache.Write(cachePath, fingerprint!, lists.Table, keysNow);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    Log.ListCacheWriteFailed(_logger, cachePath, e);
                }
            }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default); // one write at a time: a reload's follows the start's
        }

        return lists;
    }

    // The school's own feeds, from the state as last read (empty before the first read: the cache fingerprint then
    // differs once, and the first compile reloads if feeds exist).
    private IReadOnlyList<ListFeed> StateFeeds() => _policy.Current?.Source?.ListFeeds ?? _firstFeeds ?? [];

    private IReadOnlyList<ListFeed>? _firstFeeds;

    private void TryOpenStore()
    {
        try
        {
            _store = _services.GetService<StateStore>();
            if (_store is null)
            {
                _store = StateStore.Open(_stateOptions.Value, _time, _loggerFactory);
                _ownsStore = true;
            }

        }
        catch (Exception)
        {
            _store = null; // TryRefreshAsync opens it again and reports why it cannot
            return;
        }

        try
        {
            // The feeds decide which files are lists: read them before the lists are loaded.
            _firstFeeds = _store.Policy.GetSnapshotAsync(CancellationToken.None).GetAwaiter().GetResult().ListFeeds;
        }
        catch (Exception)
        {
            _firstFeeds = null; // the first compile reports the database's problem; feeds come with the first good read
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        if (_ownsStore)
        {
            _store?.Dispose();
        }

        _hangUp?.Dispose();
        _reload.Dispose();
        base.Dispose();
    }

    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var store = _store ?? throw new InvalidOperationException("The state database is not open.");
                using var watcher = store.CreateRevisionWatcher();
                await foreach (var revision in watcher.WatchAsync(cancellationToken))
                {
                    if (revision != _policy.Current?.Revision)
                    {
                        await CompileAsync(store, cancellationToken);
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                Fail(e);
                await Task.Delay(_options.RetryInterval, _time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                await TryRefreshAsync(cancellationToken);
            }
        }
    }

    private async Task<bool> TryRefreshAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (_store is null)
            {
                _store = _services.GetService<StateStore>();
                if (_store is null)
                {
                    _store = StateStore.Open(_stateOptions.Value, _time, _loggerFactory);
                    _ownsStore = true;
                }
            }

            await CompileAsync(_store, cancellationToken);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Fail(e);
            return false;
        }
    }

    private async Task CompileAsync(StateStore store, CancellationToken cancellationToken)
    {
        var snapshot = await store.Policy.GetSnapshotAsync(cancellationToken);
        lock (_swap)
        {
            var compiled = CompiledPolicy.Compile(snapshot, _lists!, _options, _policy.SafeSearch);
            compiled.Source = snapshot; // before it is published: the control channel explains verdicts in the snapshot's words
            _policy.Swap(compiled);
        }

        Interlocked.Increment(ref _counters.Compiled);
        var feeds = string.Join('\n', snapshot.ListFeeds.Select(f => $"{f.Id}|{f.Url}|{f.Format}|{f.CategoryKey}"));
        if (feeds != _feedsSeen)
        {
            _feedsSeen = feeds;
            FeedsChanged?.Invoke(snapshot.ListFeeds); // the refresher fetches what has no copy yet and reloads if the set differs
        }

        Log.PolicySwapped(_logger, snapshot.Revision, snapshot.ActiveGroups.Count, snapshot.DomainRules.Count, snapshot.ClientMappings.Count, snapshot.TeacherActions.Count);
    }

    private void Fail(Exception e)
    {
        Interlocked.Increment(ref _counters.CompileFailures);
        var current = _policy.Current;
        Log.PolicyFailed(_logger, current?.IsFallback != false ? "fail-closed" : "last good", current?.Revision ?? -1, _options.RetryInterval, e);
    }

    private async Task FlushLoopAsync(CancellationToken cancellationToken)
    {
        var writer = _services.GetService<InfluxWriter>();
        while (!cancellationToken.IsCancellationRequested)
        {
            // Just after each whole second of the clock: the second that ended is complete, the next one stays open.
            var now = _time.GetUtcNow();
            var next = (now.UtcTicks / TimeSpan.TicksPerSecond + 1) * TimeSpan.TicksPerSecond + FlushAfterSecond.Ticks;
            await Task.Delay(TimeSpan.FromTicks(next - now.UtcTicks), _time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            FlushOnce(writer, cancellationToken.IsCancellationRequested ? TimeSpan.FromSeconds(1) : TimeSpan.Zero);
        }
    }

    /// <summary>How long after a second ends its counts are written: queries read the clock before they are counted.</summary>
    internal static readonly TimeSpan FlushAfterSecond = TimeSpan.FromMilliseconds(50);

    // At stop (ahead = 1 s) the second under way is written too; a query after that counts in the next second.
    private void FlushOnce(InfluxWriter? writer, TimeSpan ahead)
    {
        try
        {
            if (_activity.Flush(writer, _policy.Current, _time.GetUtcNow() + ahead) > 0)
            {
                writer?.SendNow(); // the second is the batch: don't also wait for the writer's tick
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.FlushFailed(_logger, e);
        }
    }

    private async Task AlertLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var alert in _activity.Alerts.ReadAllAsync(cancellationToken))
            {
                var store = _store;
                if (store is null)
                {
                    Interlocked.Increment(ref _counters.AlertsDropped);
                    continue;
                }

                try
                {
                    await store.Alerts.RaiseAsync(new NewAlert(alert.Kind, alert.At, alert.Evidence, alert.DeviceId, alert.Category, alert.Domain), cancellationToken);
                    Interlocked.Increment(ref _counters.AlertsRaised);
                    Log.HighRiskBlocked(_logger, alert.Domain, alert.Address, alert.DeviceId, alert.Mac, alert.Category, alert.Rule);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Interlocked.Increment(ref _counters.AlertsDropped);
                    Log.AlertFailed(_logger, alert.Category, alert.Domain, e);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}

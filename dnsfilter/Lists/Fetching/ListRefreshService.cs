using ClassroomGuard.Dns.Lists;
using ClassroomGuard.DnsFilter.Policy;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.DnsFilter.Lists.Fetching;

/// <summary>
/// Keeps the lists complete and current while the DNS filter runs with the school policy. In the background (the
/// filter answers from the lists it has meanwhile): at start, fetches UT1's archive when none is published or the last
/// success is older than <c>Dns:Lists:Refresh</c>, and every feed with no copy; then every <c>Refresh</c>. A failed or
/// refused download keeps the last good set, is logged, raises a technician alert (once a day per source and kind of
/// problem) and is tried again after 15 minutes, then hourly. After a publish, or when the school's feeds in force no
/// longer match the state's, the lists are reloaded (<see cref="PolicyService.ReloadListsAsync"/>: the old set answers
/// until the new one is ready). A warning names the required lists not loaded at start and after every reload.
/// </summary>
public sealed class ListRefreshService : BackgroundService
{
    /// <summary>Waits after a failed download: the first retry, then every later one.</summary>
    public static readonly TimeSpan[] RetryDelays = [TimeSpan.FromMinutes(15), TimeSpan.FromHours(1)];

    private readonly PolicyService _policyService;
    private readonly SchoolDnsPolicy _policy;
    private readonly ListRefreshStatus _status;
    private readonly DnsListOptions _options;
    private readonly DnsPolicyOptions _policyOptions;
    private readonly StateOptions _stateOptions;
    private readonly IServiceProvider _services;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger<ListRefreshService> _logger;
    private readonly bool _enabled;
    private StateStore? _ownStore;
    private (DateTimeOffset At, string Reason)? _reloadAlerted;
    private string? _loadedTarget;

    /// <summary>Creates the service.</summary>
    public ListRefreshService(
        PolicyService policyService, SchoolDnsPolicy policy, ListRefreshStatus status, IOptions<DnsListOptions> options, IOptions<DnsPolicyOptions> policyOptions,
        IOptions<StateOptions> stateOptions, IConfiguration configuration, IServiceProvider services, TimeProvider time, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(policyOptions);
        ArgumentNullException.ThrowIfNull(stateOptions);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _policyService = policyService;
        _policy = policy;
        _status = status;
        _options = options.Value;
        _policyOptions = policyOptions.Value;
        _stateOptions = stateOptions.Value;
        _services = services;
        _time = time;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<ListRefreshService>();
        _enabled = PolicyService.IsEnabled(policyOptions.Value, configuration) && Directory is not null;
        _status.Enabled = _enabled;
    }

    /// <summary>Downloads for tests (shorter timeouts); the defaults otherwise.</summary>
    public ListDownloader Downloader { get; init; } = new();

    private ListDirectory? Directory => ListDirectory.From(_options, _stateOptions.Path);

    /// <inheritdoc />
    public override void Dispose()
    {
        _ownStore?.Dispose();
        base.Dispose();
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_enabled)
        {
            return;
        }

        await Task.Yield(); // never hold up the host's start: the filter answers from what it has
        void OnFeedsChanged(IReadOnlyList<ListFeed> feeds) => _status.RequestCheck();
        _policyService.FeedsChanged += OnFeedsChanged;
        try
        {
            _loadedTarget = Ut1ArchiveFetcher.CurrentTarget(Directory!); // what the policy service loaded at its start
            WarnIfRequiredMissing();
            var forced = false;
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await RoundAsync(forced, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    FetchLog.RoundFailed(_logger, e);
                }
                finally
                {
                    _status.SetInProgress(false);
                }

                var next = NextDue();
                _status.Next = next;
                if (next is { } at)
                {
                    FetchLog.NextRefresh(_logger, at);
                }

                forced = await WaitAsync(next, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            _policyService.FeedsChanged -= OnFeedsChanged;
        }
    }

    /// <summary>One round: every due source fetched, then a reload if anything new is on disk or the feeds in force differ.</summary>
    private async Task RoundAsync(bool forced, CancellationToken cancellationToken)
    {
        var directory = Directory!;
        var now = _time.GetUtcNow();
        var changed = false;
        if (!string.IsNullOrWhiteSpace(_options.Ut1Url) && (forced || DueAt(Ut1ArchiveFetcher.State(directory), directory.HasUt1) <= now))
        {
            _status.SetInProgress(true);
            var result = await new Ut1ArchiveFetcher(_options, directory, _time, _loggerFactory.CreateLogger<Ut1ArchiveFetcher>(), Downloader).FetchAsync(cancellationToken);
            changed |= result.Published;
            if (!result.Succeeded)
            {
                await AlertAsync("UT1", ListAddress.Redact(_options.Ut1Url), result, Ut1ArchiveFetcher.State(directory), s => Ut1ArchiveFetcher.SaveState(directory, s), cancellationToken);
            }
        }

        foreach (var (name, url, format) in Feeds())
        {
            if (!forced && DueAt(FeedFetcher.State(directory, url), FeedFetcher.HasCopy(directory, url)) > now)
            {
                continue;
            }

            _status.SetInProgress(true);
            var result = await new FeedFetcher(_options, directory, _time, _loggerFactory.CreateLogger<FeedFetcher>(), Downloader).FetchAsync(name, url, format, cancellationToken);
            changed |= result.Published;
            if (!result.Succeeded)
            {
                await AlertAsync(name, ListAddress.Redact(url), result, FeedFetcher.State(directory, url), s => FeedFetcher.SaveState(directory, url, s), cancellationToken, FeedFetcher.HasCopy(directory, url));
            }
        }

        // Reload after a publish, when the feeds in force differ from the state's, or when another process (fetch-lists)
        // published a UT1 version since the last load.
        var target = Ut1ArchiveFetcher.CurrentTarget(directory);
        if (changed || SourcesDiffer(directory) || !string.Equals(target, _loadedTarget, StringComparison.Ordinal))
        {
            _status.SetInProgress(true);
            try
            {
                await _policyService.ReloadListsAsync(cancellationToken);
                _loadedTarget = target;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                FetchLog.ReloadFailed(_logger, e);
                await ReloadAlertAsync(e, cancellationToken);
            }

            WarnIfRequiredMissing();
        }
    }

    /// <summary>Feeds from the settings and the school's own (the state's, as compiled last), each URL once.</summary>
    private List<(string Name, string Url, ListFormat Format)> Feeds()
    {
        var feeds = new List<(string, string, ListFormat)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var feed in _options.Feeds)
        {
            if (!string.IsNullOrWhiteSpace(feed.Url) && seen.Add(feed.Url))
            {
                feeds.Add((feed.Name, feed.Url, feed.Format));
            }
        }

        foreach (var feed in StateFeeds())
        {
            if (seen.Add(feed.Url) && Enum.TryParse<ListFormat>(feed.Format, ignoreCase: true, out var format))
            {
                feeds.Add((feed.Name, feed.Url, format));
            }
        }

        return feeds;
    }

    private IReadOnlyList<ListFeed> StateFeeds() => _policy.Current?.Source?.ListFeeds ?? [];

    /// <summary>True when the sources in force are not those the files on disk and the state's feeds call for.</summary>
    private bool SourcesDiffer(ListDirectory directory)
    {
        var wanted = ListSources.EffectiveSources(_options, directory, StateFeeds()).Select(s => s.Path).Order(StringComparer.Ordinal);
        var loaded = (_policyService.Lists?.Sources ?? []).Select(s => s.Path).Order(StringComparer.Ordinal);
        return !wanted.SequenceEqual(loaded, StringComparer.Ordinal);
    }

    /// <summary>When a source is due: after a failure, its back-off; with no copy, now; else its last success plus <c>Refresh</c>.</summary>
    private DateTimeOffset DueAt(FetchState? state, bool hasCopy)
    {
        if (hasCopy && _options.Refresh <= TimeSpan.Zero)
        {
            return DateTimeOffset.MaxValue; // refreshing is off, and a copy is held
        }

        if (state is { Failures: > 0, LastAttempt: { } attempt })
        {
            return attempt + RetryDelays[Math.Min(state.Failures, RetryDelays.Length) - 1];
        }

        if (!hasCopy || state?.LastSuccess is null)
        {
            return DateTimeOffset.MinValue; // nothing held, or a copy of unknown age: now
        }

        return state.LastSuccess.Value + _options.Refresh;
    }

    private DateTimeOffset? NextDue()
    {
        var directory = Directory!;
        var due = new List<DateTimeOffset>();
        if (!string.IsNullOrWhiteSpace(_options.Ut1Url))
        {
            due.Add(DueAt(Ut1ArchiveFetcher.State(directory), directory.HasUt1));
        }

        due.AddRange(Feeds().Select(f => DueAt(FeedFetcher.State(directory, f.Url), FeedFetcher.HasCopy(directory, f.Url))));
        var next = due.Count == 0 ? DateTimeOffset.MaxValue : due.Min();
        var now = _time.GetUtcNow();
        return next == DateTimeOffset.MaxValue ? null : next < now ? now : next;
    }

    /// <summary>Waits until <paramref name="next"/> or a request; true when the request asks for a full refresh.</summary>
    private async Task<bool> WaitAsync(DateTimeOffset? next, CancellationToken cancellationToken)
    {
        var delay = next is { } at ? at - _time.GetUtcNow() : Timeout.InfiniteTimeSpan;
        if (delay != Timeout.InfiniteTimeSpan && delay <= TimeSpan.Zero)
        {
            return DrainRequests();
        }

        using var wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var timer = delay == Timeout.InfiniteTimeSpan ? Task.Delay(Timeout.Infinite, wake.Token) : Task.Delay(delay > TimeSpan.FromDays(1) ? TimeSpan.FromDays(1) : delay, _time, wake.Token);
        var request = _status.Requests.WaitToReadAsync(wake.Token).AsTask();
        await Task.WhenAny(timer, request);
        await wake.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
        return DrainRequests();
    }

    private bool DrainRequests()
    {
        var forced = false;
        while (_status.Requests.TryRead(out var full))
        {
            forced |= full;
        }

        if (forced)
        {
            FetchLog.RefreshRequested(_logger);
        }

        return forced;
    }

    /// <summary>A technician alert about a refused or failed download: once a day per source and kind of problem.</summary>
    private async Task AlertAsync(string source, string url, ListFetchResult result, FetchState? state, Action<FetchState> save, CancellationToken cancellationToken, bool held = true)
    {
        var now = _time.GetUtcNow();
        if (state is not null && state.AlertedKind == result.Problem && state.AlertedAt is { } last && now - last < TimeSpan.FromDays(1))
        {
            return;
        }

        var retry = RetryDelays[Math.Min(state?.Failures ?? 1, RetryDelays.Length) - 1];
        var what = source == "UT1" ? "The UT1 block-list download" : $"The block list '{source}'";
        var evidence = $"{what} from {url} was refused or failed: {result.Message}. The last good lists stay in force; the DNS filter tries again in {Words(retry)}. "
                       + (source == "UT1" && !(Directory?.HasUt1 ?? false)
                           ? "Adult, malware and phishing sites are NOT blocked until a download succeeds (see docs/lists.md)."
                           : held ? "See docs/lists.md for what to check." : "The names on it are NOT blocked until a download succeeds (see docs/lists.md).");
        try
        {
            var store = _services.GetService<StateStore>() ?? (_ownStore ??= StateStore.Open(_stateOptions, _time, _loggerFactory));
            await store.Alerts.RaiseAsync(new NewAlert(AlertKind.Appliance, now, evidence), cancellationToken);
            if (state is not null)
            {
                save(state with { AlertedAt = now, AlertedKind = result.Problem });
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            FetchLog.AlertFailed(_logger, source, result.Message, e);
        }
    }

    /// <summary>A technician alert that lists on disk could not be loaded: once a day per reason.</summary>
    private async Task ReloadAlertAsync(Exception failure, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (_reloadAlerted is { } last && last.Reason == failure.Message && now - last.At < TimeSpan.FromDays(1))
        {
            return;
        }

        var evidence = $"The new lists could not be loaded: {failure.Message}; the previous ones stay in force. The DNS filter tries again at its next refresh (see docs/lists.md).";
        try
        {
            var store = _services.GetService<StateStore>() ?? (_ownStore ??= StateStore.Open(_stateOptions, _time, _loggerFactory));
            await store.Alerts.RaiseAsync(new NewAlert(AlertKind.Appliance, now, evidence), cancellationToken);
            _reloadAlerted = (now, failure.Message);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            FetchLog.AlertFailed(_logger, "the lists' reload", failure.Message, e);
        }
    }

    private static string Words(TimeSpan span) => span >= TimeSpan.FromHours(1) ? $"{span.TotalHours:0} hour{(span.TotalHours >= 2 ? "s" : "")}" : $"{span.TotalMinutes:0} minutes";

    private void WarnIfRequiredMissing()
    {
        var sources = _policyService.Lists?.Sources ?? [];
        var missing = ListHealthReport.RequiredMissing(_options, sources, _policy.Current?.Source?.AlwaysOnCategories ?? (IEnumerable<string>)_policyOptions.AlwaysOnCategories);
        if (missing.Count > 0)
        {
            FetchLog.RequiredMissing(_logger, string.Join(", ", missing));
        }
        else
        {
            FetchLog.RequiredPresent(_logger, ListHealthReport.Version(sources, Directory));
        }
    }
}

using ClassroomGuard.Storage.State;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Reports.Delivery;

/// <summary>A scheduled report that could not be generated, for the technician's home.</summary>
/// <param name="Kind">Weekly or governors'.</param>
/// <param name="Period">The days it was to cover, as a person reads them.</param>
/// <param name="Since">When the first attempt failed.</param>
/// <param name="Attempts">Failed attempts so far.</param>
/// <param name="Reason">Why the last one failed.</param>
/// <param name="RetryAt">When it is tried again.</param>
public sealed record ReportFailure(ReportKind Kind, string Period, DateTimeOffset Since, int Attempts, string Reason, DateTimeOffset RetryAt);

/// <summary>
/// Generates each kind of report on its schedule (Reports:&lt;Kind&gt;:Schedule, Cronos, in the school's time zone):
/// weekly — the week before, one per site when there are several; governors' — the month before, or the term that ended
/// last (Reports:GovernorsPeriod=Term). A report the schedule kept already (same kind, site, period) is not made again,
/// so a restart repeats nothing; an occurrence missed while the console was down is caught up once at start (only the
/// latest). Each report is kept (<see cref="ReportArchive"/>) and e-mailed (<see cref="ReportMailer"/>). A failed
/// generation is logged and tried again after 1, 2, 4… minutes (at most an hour) until the next occurrence; it is
/// shown on the technician's home meanwhile. The retention sweep runs at most hourly. All times from the injected clock.
/// </summary>
public sealed class ReportScheduler(
    StateStore store, ReportArchive archive, ReportMailer mailer, IOptions<ReportOptions> options, TimeProvider time, ILogger<ReportScheduler> logger) : BackgroundService
{
    /// <summary>The first retry's delay after a failed generation (doubling).</summary>
    public static readonly TimeSpan FirstRetry = TimeSpan.FromMinutes(1);

    /// <summary>The longest delay between two attempts.</summary>
    public static readonly TimeSpan LongestRetry = TimeSpan.FromHours(1);

    /// <summary>Longest sleep between rounds (a clock change or a settings reload is noticed within it).</summary>
    public static readonly TimeSpan LongestSleep = TimeSpan.FromMinutes(15);

    /// <summary>How many failing occurrences of a kind are kept for retrying (the oldest is given up beyond).</summary>
    private const int MostPending = 8;

    private static readonly ReportKind[] Kinds = [ReportKind.Weekly, ReportKind.Governors];
    private readonly Dictionary<ReportKind, KindState> states = [];
    private readonly Lock gate = new();
    private DateTimeOffset lastSweep = DateTimeOffset.MinValue;

    /// <summary>Scheduled reports failing now (empty when all is well).</summary>
    public IReadOnlyList<ReportFailure> Failures
    {
        get
        {
            lock (gate)
            {
                return [.. states.Values.Where(s => s.Failure is not null).Select(s => s.Failure!)];
            }
        }
    }

    /// <summary>
    /// Reads where each kind's schedule stands. A new appliance (the schedule never kept a report) starts with the next
    /// occurrence rather than reports for before it was installed. Otherwise the first round runs again the latest
    /// occurrence at or before now (and any missed since the last kept report): a retry that was pending when the
    /// console stopped — one site's weekly report failed while another's was kept, or an e-mail not queued — lives in
    /// memory only, and the "already kept" check makes the repeat safe.
    /// </summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var o = options.Value;
        foreach (var kind in Kinds)
        {
            var last = await store.Reports.LastScheduledAtAsync(kind, cancellationToken);
            var anchor = now;
            if (last is { } kept)
            {
                anchor = kept < now ? kept : now;
                if (ReportSchedule.Of(o, kind).Enabled && LatestBefore(o, kind, now) is { } latest && latest.AddTicks(-1) < anchor)
                {
                    anchor = latest.AddTicks(-1);
                }
            }

            lock (gate)
            {
                states[kind] = new KindState { Anchor = anchor };
            }
        }
    }

    /// <summary>Generates, keeps and queues every report due now; sweeps expired ones. Returns how many reports were kept.</summary>
    public async Task<int> RunDueAsync(CancellationToken cancellationToken)
    {
        bool initialized;
        lock (gate)
        {
            initialized = states.Count > 0;
        }

        if (!initialized)
        {
            await InitializeAsync(cancellationToken);
        }

        var now = time.GetUtcNow();
        var kept = 0;
        var o = options.Value;
        foreach (var kind in Kinds)
        {
            KindState state;
            lock (gate)
            {
                state = states[kind];
            }

            if (!ReportSchedule.Of(o, kind).Enabled)
            {
                continue;
            }

            DateTimeOffset anchor;
            lock (gate)
            {
                anchor = state.Anchor;
            }

            var latest = ReportSchedule.Latest(o, kind, anchor, now, archive.Zone);
            List<DateTimeOffset> run;
            lock (gate)
            {
                if (latest is { } due)
                {
                    // A newer occurrence joins the ones still failing: an older period is retried too, never dropped
                    // (the "already kept" check makes a repeat safe); a fault that never clears keeps the last few.
                    state.Pending.Add(due);
                    while (state.Pending.Count > MostPending)
                    {
                        state.Pending.Remove(state.Pending.Min);
                    }

                    state.Anchor = due > state.Anchor ? due : state.Anchor;
                }
                else if (state.Pending.Count == 0 || now < state.RetryAt)
                {
                    continue;
                }

                run = [.. state.Pending];
            }

            if (latest is { } caught && caught < now - TimeSpan.FromMinutes(5))
            {
                ReportDeliveryLog.CatchingUp(logger, kind, caught);
            }

            DateTimeOffset retryAt;
            int attempt;
            lock (gate)
            {
                attempt = state.Attempts + 1;
                retryAt = now + Storage.State.MailOutboxRepository.Backoff(attempt, FirstRetry, LongestRetry);
            }

            Exception? fault = null;
            foreach (var occurrence in run)
            {
                try
                {
                    kept += await GenerateAsync(kind, occurrence, cancellationToken);
                    lock (gate)
                    {
                        state.Pending.Remove(occurrence);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    fault = e;
                    ReportDeliveryLog.GenerationFailed(logger, kind, PeriodWords(kind, occurrence), attempt, retryAt, e);
                }
            }

            lock (gate)
            {
                if (state.Pending.Count == 0)
                {
                    state.Attempts = 0;
                    state.Failure = null;
                }
                else if (fault is not null)
                {
                    state.Attempts = attempt;
                    state.RetryAt = retryAt;
                    state.Failure = new ReportFailure(
                        kind, string.Join("; ", state.Pending.Select(p => PeriodWords(kind, p))), state.Failure?.Since ?? now, state.Attempts, Reason(fault), state.RetryAt);
                }
            }
        }

        if (now - lastSweep >= TimeSpan.FromHours(1))
        {
            lastSweep = now;
            await archive.SweepAsync(now, cancellationToken);
        }

        return kept;
    }

    /// <summary>When a round is next needed: the next occurrence or retry of any kind, at most <see cref="LongestSleep"/> away.</summary>
    public DateTimeOffset NextWake()
    {
        var now = time.GetUtcNow();
        var next = now + LongestSleep;
        var o = options.Value;
        lock (gate)
        {
            foreach (var (kind, state) in states)
            {
                if (!ReportSchedule.Of(o, kind).Enabled)
                {
                    continue;
                }

                if (ReportSchedule.Next(o, kind, state.Anchor > now ? state.Anchor : now, archive.Zone) is { } at && at < next)
                {
                    next = at;
                }

                if (state.Pending.Count > 0 && state.RetryAt < next)
                {
                    next = state.RetryAt;
                }
            }
        }

        return next;
    }

    /// <inheritdoc/>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        archive.EnsureFolder(); // an unusable folder stops the start, naming Reports:Directory
        var o = options.Value;
        ReportDeliveryLog.Started(logger, archive.Directory,
            o.Weekly.Enabled ? ReportSchedule.Describe(o.Weekly.Schedule) : "off", o.Governors.Enabled ? ReportSchedule.Describe(o.Governors.Schedule) : "off");
        return base.StartAsync(cancellationToken);
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunDueAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                ReportDeliveryLog.RoundFailed(logger, e);
            }

            var wait = NextWake() - time.GetUtcNow();
            try
            {
                await Task.Delay(wait < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : wait, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<int> GenerateAsync(ReportKind kind, DateTimeOffset occurrence, CancellationToken cancellationToken)
    {
        var kept = 0;
        if (kind == ReportKind.Weekly)
        {
            var week = ReportSchedule.WeekFor(occurrence, archive.Zone);
            var period = ReportPeriod.OfWeek(week, archive.Zone);
            var sites = await store.Sites.ListSitesAsync(cancellationToken);
            IEnumerable<long?> targets = sites.Count > 1 ? sites.Select(s => (long?)s.Id) : [null];
            Exception? fault = null;
            foreach (var site in targets)
            {
                if (await store.Reports.FindScheduledAsync(kind, site, period.First, period.Last, cancellationToken) is { } existing)
                {
                    ReportDeliveryLog.AlreadyKept(logger, kind, week.ToString());
                    await QueueMissingMailAsync(existing, cancellationToken);
                    continue;
                }

                try
                {
                    var report = await archive.KeepWeeklyAsync(site, week, ReportTrigger.Schedule, null, cancellationToken);
                    await mailer.QueueAsync(report, cancellationToken);
                    kept++;
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    fault ??= e; // one site's failure does not hold back the others' reports; the occurrence is retried
                }
            }

            if (fault is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(fault);
            }

            return kept;
        }

        var calendar = await store.Policy.GetCalendarAsync(cancellationToken);
        if (ReportSchedule.GovernorsFor(occurrence, archive.Zone, options.Value.GovernorsPeriod, calendar) is not { } days)
        {
            ReportDeliveryLog.NoTerm(logger, DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(occurrence, archive.Zone).DateTime));
            return 0;
        }

        if (await store.Reports.FindScheduledAsync(kind, null, days.First, days.Last, cancellationToken) is { } keptBefore)
        {
            ReportDeliveryLog.AlreadyKept(logger, kind, $"{days.First:yyyy-MM-dd} to {days.Last:yyyy-MM-dd}");
            await QueueMissingMailAsync(keptBefore, cancellationToken);
            return 0;
        }

        var governors = await archive.KeepGovernorsAsync(days.First, days.Last, ReportTrigger.Schedule, null, cancellationToken);
        await mailer.QueueAsync(governors, cancellationToken);
        return 1;
    }

    /// <summary>A scheduled report kept without its e-mail (queuing failed after keeping it, or the console stopped between): queue it now.</summary>
    private async Task QueueMissingMailAsync(KeptReport report, CancellationToken cancellationToken)
    {
        if (report.MailState == ReportMailState.NotMailed && report.MailQueuedAt is null)
        {
            await mailer.QueueAsync(report, cancellationToken);
        }
    }

    private string PeriodWords(ReportKind kind, DateTimeOffset occurrence)
    {
        if (kind == ReportKind.Weekly)
        {
            return ReportPeriod.OfWeek(ReportSchedule.WeekFor(occurrence, archive.Zone), archive.Zone).Label;
        }

        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(occurrence, archive.Zone).DateTime);
        return options.Value.GovernorsPeriod == GovernorsPeriod.Month
            ? new DateOnly(day.Year, day.Month, 1).AddMonths(-1).ToString("MMMM yyyy", System.Globalization.CultureInfo.InvariantCulture)
            : "the term that ended last";
    }

    private static string Reason(Exception e) => ReportFailureWords.Of(e); // the detail is in the log (GenerationFailed)

    /// <summary>The latest occurrence at or before <paramref name="now"/>, looking back at most a year.</summary>
    private DateTimeOffset? LatestBefore(ReportOptions o, ReportKind kind, DateTimeOffset now)
    {
        foreach (var back in (ReadOnlySpan<TimeSpan>)[TimeSpan.FromDays(1), TimeSpan.FromDays(40), TimeSpan.FromDays(366)])
        {
            if (ReportSchedule.Latest(o, kind, now - back, now, archive.Zone) is { } latest)
            {
                return latest;
            }
        }

        return null;
    }

    private sealed class KindState
    {
        public DateTimeOffset Anchor { get; set; }

        /// <summary>Occurrences not made yet (failed, retried), oldest first.</summary>
        public SortedSet<DateTimeOffset> Pending { get; } = [];

        public int Attempts { get; set; }

        public DateTimeOffset RetryAt { get; set; }

        public ReportFailure? Failure { get; set; }
    }
}

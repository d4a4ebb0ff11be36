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
    /// Reads where each kind's schedule stands: the last report the schedule kept, or (none yet: a new appliance) now,
    /// so a new appliance starts with the next occurrence rather than reports for before it was installed.
    /// </summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var kind in Kinds)
        {
            var last = await store.Reports.LastScheduledAtAsync(kind, cancellationToken);
            lock (gate)
            {
                states[kind] = new KindState { Anchor = last ?? now };
            }
        }
    }

    /// <summary>Generates, keeps and queues every report due now; sweeps expired ones. Returns how many reports were kept.</summary>
    public async Task<int> RunDueAsync(CancellationToken cancellationToken)
    {
        if (states.Count == 0)
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

            var latest = ReportSchedule.Latest(o, kind, state.Anchor, now, archive.Zone);
            DateTimeOffset occurrence;
            if (latest is { } due)
            {
                if (due < now - TimeSpan.FromMinutes(5))
                {
                    ReportDeliveryLog.CatchingUp(logger, kind, due);
                }

                occurrence = due;
                state.Attempts = 0; // a newer occurrence replaces one still failing
                state.Failure = null;
            }
            else if (state.Pending is { } pending && now >= state.RetryAt)
            {
                occurrence = pending;
            }
            else
            {
                continue;
            }

            lock (gate)
            {
                state.Anchor = occurrence > state.Anchor ? occurrence : state.Anchor;
            }

            try
            {
                kept += await GenerateAsync(kind, occurrence, cancellationToken);
                lock (gate)
                {
                    state.Pending = null;
                    state.Attempts = 0;
                    state.Failure = null;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                lock (gate)
                {
                    state.Attempts++;
                    state.Pending = occurrence;
                    state.RetryAt = now + Storage.State.MailOutboxRepository.Backoff(state.Attempts, FirstRetry, LongestRetry);
                    state.Failure = new ReportFailure(kind, PeriodWords(kind, occurrence), state.Failure?.Since ?? now, state.Attempts, Reason(e), state.RetryAt);
                }

                ReportDeliveryLog.GenerationFailed(logger, kind, PeriodWords(kind, occurrence), state.Attempts, state.RetryAt, e);
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

                if (state.Pending is not null && state.RetryAt < next)
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
            foreach (var site in targets)
            {
                if (await store.Reports.FindScheduledAsync(kind, site, period.First, period.Last, cancellationToken) is not null)
                {
                    ReportDeliveryLog.AlreadyKept(logger, kind, week.ToString());
                    continue;
                }

                var report = await archive.KeepWeeklyAsync(site, week, ReportTrigger.Schedule, null, cancellationToken);
                await mailer.QueueAsync(report, cancellationToken);
                kept++;
            }

            return kept;
        }

        var calendar = await store.Policy.GetCalendarAsync(cancellationToken);
        if (ReportSchedule.GovernorsFor(occurrence, archive.Zone, options.Value.GovernorsPeriod, calendar) is not { } days)
        {
            ReportDeliveryLog.NoTerm(logger, DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(occurrence, archive.Zone).DateTime));
            return 0;
        }

        if (await store.Reports.FindScheduledAsync(kind, null, days.First, days.Last, cancellationToken) is not null)
        {
            ReportDeliveryLog.AlreadyKept(logger, kind, $"{days.First:yyyy-MM-dd} to {days.Last:yyyy-MM-dd}");
            return 0;
        }

        var governors = await archive.KeepGovernorsAsync(days.First, days.Last, ReportTrigger.Schedule, null, cancellationToken);
        await mailer.QueueAsync(governors, cancellationToken);
        return 1;
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

    private static string Reason(Exception e)
    {
        var text = e is OperationCanceledException ? "it took longer than Reports:Timeout allows" : e.Message;
        return text.Length > 300 ? text[..300] + "…" : text;
    }

    private sealed class KindState
    {
        public DateTimeOffset Anchor { get; set; }

        public DateTimeOffset? Pending { get; set; }

        public int Attempts { get; set; }

        public DateTimeOffset RetryAt { get; set; }

        public ReportFailure? Failure { get; set; }
    }
}

using System.Globalization;
using System.Threading.Channels;
using ClassroomGuard.Console.Classroom;
using ClassroomGuard.Storage.State;
using ClassroomGuard.Storage.TimeSeries;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Safeguarding.Incidents;

/// <summary>
/// Copies each incident's evidence from InfluxDB into the state database, because the raw series expire
/// (<c>Influx:RawRetention</c>) and the evidence must not: the device's per-second DNS activity (the names asked),
/// its blocked queries and its per-second traffic (the busiest sites), for the window
/// <c>Incidents:EvidenceBefore</c>/<c>EvidenceAfter</c> around the incident. What exists is copied at once, so the
/// safeguarding lead sees it straight away; the copy is completed once the window has ended and the writers have
/// flushed (<see cref="FlushMargin"/>). InfluxDB down: the row stays pending with a note and is retried every
/// <c>Incidents:EvidenceInterval</c>; InfluxDB refusing one incident's query holds up only that one. Raw data expired before
/// the copy was completed: what was copied earlier is kept ('copied', partial, with a note), else 'unavailable' with the reason.
/// </summary>
internal sealed class EvidenceCopier(
    StateStore store, InfluxReader influx, IOptions<InfluxOptions> influxOptions, IOptions<IncidentOptions> options, SchoolClock clock, TimeProvider time,
    ILogger<EvidenceCopier> logger) : BackgroundService
{
    /// <summary>How long after the window's end the copy is completed: the DNS filter and the sniffer flush within seconds, spooled points later.</summary>
    public static readonly TimeSpan FlushMargin = TimeSpan.FromMinutes(1);

    /// <summary>Pending rows handled per pass.</summary>
    public const int Batch = 100;

    private readonly Channel<bool> poke = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private bool influxDown;

    /// <summary>Copies at once rather than at the next interval (a new incident was raised).</summary>
    public void Poke() => poke.Writer.TryWrite(true);

    /// <summary>How many passes in a row InfluxDB may refuse one incident's query (a query limit on one busy device) before that copy is given up.</summary>
    public const int MaxRefusals = 5;

    private readonly Dictionary<long, int> refusals = [];

    /// <summary>
    /// One pass over the pending evidence. Returns how many rows were written (copied, unavailable or completed).
    /// InfluxDB unreachable (or its database missing): every row stays pending with a note and the pass stops. InfluxDB
    /// refusing one incident's query (a query limit on a busy device): that row is noted and the pass goes on; after
    /// <see cref="MaxRefusals"/> passes it is marked unavailable, keeping what was copied before.
    /// </summary>
    public async Task<int> CopyOnceAsync(CancellationToken cancellationToken)
    {
        var pending = await store.Incidents.PendingEvidenceAsync(Batch, cancellationToken);
        var written = 0;
        for (var i = 0; i < pending.Count; i++)
        {
            try
            {
                written += await CopyAsync(pending[i], cancellationToken) ? 1 : 0;
                refusals.Remove(pending[i].IncidentId);
            }
            catch (InfluxQueryException e) when (!WholeDatabase(e))
            {
                written += await RefusedAsync(pending[i], e, cancellationToken) ? 1 : 0;
            }
            catch (InfluxException e)
            {
                if (!influxDown)
                {
                    IncidentsLog.EvidenceInfluxDown(logger, pending.Count - i, e);
                }

                influxDown = true;
                var note = $"InfluxDB did not answer at {clock.Time(time.GetUtcNow())}, so the device's activity is not copied yet: it is tried again every "
                    + $"{Seconds(options.Value.EvidenceInterval)} until InfluxDB answers.";
                foreach (var row in pending.Skip(i))
                {
                    await store.Incidents.NoteEvidenceAsync(row.IncidentId, note, cancellationToken);
                }

                return written;
            }
        }

        if (influxDown && pending.Count > 0)
        {
            influxDown = false;
            IncidentsLog.EvidenceInfluxBack(logger);
        }

        return written;
    }

    /// <summary>A refusal that is not about this incident: the database or its retention policy is missing, so every copy would fail alike.</summary>
    private static bool WholeDatabase(InfluxQueryException e)
        => e.ServerError is { } error && (error.Contains("database not found", StringComparison.OrdinalIgnoreCase)
            || error.Contains("retention policy not found", StringComparison.OrdinalIgnoreCase));

    /// <summary>InfluxDB refused this incident's query: noted and tried again; given up (unavailable, keeping what was copied) after <see cref="MaxRefusals"/>.</summary>
    private async Task<bool> RefusedAsync(PendingEvidence pending, InfluxQueryException e, CancellationToken cancellationToken)
    {
        var count = refusals.GetValueOrDefault(pending.IncidentId) + 1;
        IncidentsLog.EvidenceRefused(logger, pending.IncidentId, count, MaxRefusals, e);
        if (count < MaxRefusals)
        {
            refusals[pending.IncidentId] = count;
            await store.Incidents.NoteEvidenceAsync(pending.IncidentId,
                $"InfluxDB refused to return this device's activity at {clock.Time(time.GetUtcNow())} (too much at once for its query limits; the console's log has the detail). "
                + $"It is tried again every {Seconds(options.Value.EvidenceInterval)}, {MaxRefusals - count} more times.", cancellationToken);
            return false;
        }

        refusals.Remove(pending.IncidentId);
        var kept = EvidenceRows.Parse(pending.Rows) ?? [];
        var (from, to) = options.Value.Window(pending.OccurredAt);
        return await SaveAsync(pending, from, to, EvidenceState.Unavailable,
            $"InfluxDB refused to return this device's activity {MaxRefusals} times (too much at once for its query limits; the console's log has the detail), so the copy was given up"
            + (kept.Count == 0 ? "." : "; what was copied before is kept."),
            kept, cancellationToken);
    }

    /// <summary>Copies one row as far as it can now; true when it is no longer pending.</summary>
    private async Task<bool> CopyAsync(PendingEvidence pending, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var o = options.Value;
        var (from, to) = o.Window(pending.OccurredAt);
        var kept = EvidenceRows.Parse(pending.Rows) ?? [];
        if (pending.DeviceId is not { } device)
        {
            // The device was removed from the inventory before the copy finished: keep what was copied.
            return await SaveAsync(pending, from, to, EvidenceState.Copied,
                "The device was removed from the inventory before its activity was copied" + (kept.Count == 0 ? "." : " in full; what was copied before is kept."),
                kept, cancellationToken);
        }

        var retention = influxOptions.Value.RawRetention;
        var expiredBefore = now - retention;
        var late = pending.CreatedAt - pending.OccurredAt;
        if (to <= expiredBefore)
        {
            // Everything left in InfluxDB has expired: what was copied earlier (at the raise) is all there will be.
            if (kept.Count > 0)
            {
                return await SaveAsync(pending, from, to, EvidenceState.Copied,
                    $"The device's activity is kept for {Days(retention)} and the rest of it was deleted before the copy could be completed; what was copied earlier is kept, so this is partial.",
                    kept, cancellationToken);
            }

            return await SaveAsync(pending, from, to, EvidenceState.Unavailable,
                late > retention
                    ? $"The device's activity is kept for {Days(retention)} and this incident was recorded {Days(late)} after it happened: "
                      + "the activity around it had already been deleted, so none could be copied."
                    : $"The device's activity is kept for {Days(retention)} and it was deleted before it could be copied (InfluxDB did not answer, or the console was not running, until then).",
                [], cancellationToken);
        }

        var complete = now >= to + FlushMargin;
        var readFrom = from < expiredBefore ? expiredBefore : from;
        var readTo = complete || to < now ? to : now;
        var (read, cut) = readTo > readFrom ? await ReadAsync(device, readFrom, readTo, o.EvidenceMaxRows, cancellationToken) : ([], false);

        // Rows copied earlier from the part that has since expired are kept; the part still in InfluxDB is read afresh.
        var readFromMs = readFrom.ToUnixTimeMilliseconds();
        var older = kept.Where(r => r.At < readFromMs).ToList();
        var rows = older.Count == 0 ? read : [.. older, .. read];
        if (rows.Count > o.EvidenceMaxRows)
        {
            rows = rows.Take(o.EvidenceMaxRows).ToList();
            cut = true;
        }

        var notes = new List<string>();
        if (from < expiredBefore)
        {
            notes.Add(older.Count > 0
                ? $"Activity before {clock.Time(expiredBefore)} has since been deleted from InfluxDB (it is kept for {Days(retention)}); what was copied of it earlier is kept, so the copy may be partial."
                : $"Activity before {clock.Time(expiredBefore)} had already been deleted (it is kept for {Days(retention)}).");
        }

        if (cut)
        {
            notes.Add($"Only the first {o.EvidenceMaxRows.ToString("N0", CultureInfo.InvariantCulture)} rows of activity were copied (the limit, Incidents:EvidenceMaxRows).");
        }

        return await SaveAsync(pending, from, to, complete || cut ? EvidenceState.Copied : EvidenceState.Pending, notes.Count == 0 ? null : string.Join(" ", notes), rows, cancellationToken);
    }

    private async Task<bool> SaveAsync(PendingEvidence pending, DateTimeOffset from, DateTimeOffset to, EvidenceState state, string? note, IReadOnlyList<EvidenceRow> rows,
        CancellationToken cancellationToken)
    {
        await store.Incidents.SaveEvidenceAsync(pending.IncidentId, from, to, state, note, EvidenceRows.Serialize(rows), cancellationToken);
        if (state != EvidenceState.Pending)
        {
            IncidentsLog.EvidenceSaved(logger, pending.IncidentId, state.ToString().ToLowerInvariant(), rows.Count);
        }

        return state != EvidenceState.Pending;
    }

    /// <summary>The device's rows in [from, to), oldest first, at most <paramref name="max"/> (and whether more were there).</summary>
    private async Task<(IReadOnlyList<EvidenceRow> Rows, bool Cut)> ReadAsync(long device, DateTimeOffset from, DateTimeOffset to, int max, CancellationToken cancellationToken)
    {
        var addresses = await store.Incidents.AddressesHeldAsync(device, from, to, cancellationToken);
        var result = await influx.QueryAsync(EvidenceQuery.Build(influxOptions.Value.RetentionPolicy, device, from, to, max + 1, addresses), cancellationToken);
        var rows = EvidenceQuery.Read(result);
        return rows.Count > max ? (rows.Take(max).ToList(), true) : (rows, false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await CopyOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is StateStoreException or Microsoft.Data.Sqlite.SqliteException or IOException or HttpRequestException)
            {
                IncidentsLog.EvidencePassFailed(logger, e);
            }

            try
            {
                using var wake = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                var delay = Task.Delay(options.Value.EvidenceInterval, time, wake.Token);
                await Task.WhenAny(delay, poke.Reader.WaitToReadAsync(wake.Token).AsTask());
                await wake.CancelAsync();
                poke.Reader.TryRead(out _);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private static string Days(TimeSpan span)
    {
        if (span < TimeSpan.FromMinutes(90))
        {
            return span < TimeSpan.FromMinutes(45) ? "less than an hour" : "an hour";
        }

        if (span < TimeSpan.FromDays(1))
        {
            var hours = (int)Math.Round(span.TotalHours);
            return hours == 1 ? "an hour" : $"{hours} hours";
        }

        var days = (int)Math.Round(span.TotalDays);
        return days == 1 ? "a day" : $"{days} days";
    }

    private static string Seconds(TimeSpan span) => span.TotalSeconds < 60 ? $"{(int)span.TotalSeconds} seconds" : $"{(int)Math.Round(span.TotalMinutes)} minutes";
}

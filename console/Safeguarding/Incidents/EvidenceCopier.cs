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
/// <c>Incidents:EvidenceInterval</c>. Raw data already expired (an incident recorded late): 'unavailable' with the reason.
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

    /// <summary>One pass over the pending evidence. Returns how many rows were written (copied, unavailable or completed).</summary>
    public async Task<int> CopyOnceAsync(CancellationToken cancellationToken)
    {
        var pending = await store.Incidents.PendingEvidenceAsync(Batch, cancellationToken);
        var written = 0;
        for (var i = 0; i < pending.Count; i++)
        {
            try
            {
                written += await CopyAsync(pending[i], cancellationToken) ? 1 : 0;
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

    /// <summary>Copies one row as far as it can now; true when it is no longer pending.</summary>
    private async Task<bool> CopyAsync(PendingEvidence pending, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var o = options.Value;
        var (from, to) = o.Window(pending.OccurredAt);
        if (pending.DeviceId is not { } device)
        {
            // The device was removed from the inventory before the copy finished: keep what was copied.
            var kept = EvidenceRows.Parse(pending.Rows) ?? [];
            return await SaveAsync(pending, from, to, EvidenceState.Copied,
                "The device was removed from the inventory before its activity was copied" + (kept.Count == 0 ? "." : " in full; what was copied before is kept."),
                kept, cancellationToken);
        }

        var retention = influxOptions.Value.RawRetention;
        var expiredBefore = now - retention;
        if (to <= expiredBefore)
        {
            return await SaveAsync(pending, from, to, EvidenceState.Unavailable,
                $"The device's activity is kept for {Days(retention)} and this incident was recorded {Days(pending.CreatedAt - pending.OccurredAt)} after it happened: "
                + "the activity around it had already been deleted, so none could be copied.",
                [], cancellationToken);
        }

        var complete = now >= to + FlushMargin;
        var readFrom = from < expiredBefore ? expiredBefore : from;
        var readTo = complete || to < now ? to : now;
        var (rows, cut) = readTo > readFrom ? await ReadAsync(device, readFrom, readTo, o.EvidenceMaxRows, cancellationToken) : ([], false);
        var notes = new List<string>();
        if (from < expiredBefore)
        {
            notes.Add($"Activity before {clock.Time(expiredBefore)} had already been deleted (it is kept for {Days(retention)}).");
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
        var result = await influx.QueryAsync(EvidenceQuery.Build(influxOptions.Value.RetentionPolicy, device, from, to, max + 1), cancellationToken);
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
        if (span < TimeSpan.FromDays(1))
        {
            var hours = Math.Max(1, (int)Math.Round(span.TotalHours));
            return hours == 1 ? "an hour" : $"{hours} hours";
        }

        var days = (int)Math.Round(span.TotalDays);
        return days == 1 ? "a day" : $"{days} days";
    }

    private static string Seconds(TimeSpan span) => span.TotalSeconds < 60 ? $"{(int)span.TotalSeconds} seconds" : $"{(int)Math.Round(span.TotalMinutes)} minutes";
}

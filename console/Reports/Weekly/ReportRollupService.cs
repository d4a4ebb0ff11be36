using ClassroomGuard.Storage.TimeSeries;

namespace ClassroomGuard.Console.Reports.Weekly;

/// <summary>
/// Runs the hourly report rollup (<see cref="ReportRollup"/>) a few minutes after each hour, catching up every complete
/// hour since the last one written (its watermark is the newest <c>report_top</c> marker in InfluxDB, so nothing is kept
/// here), limited to what <c>raw</c> still holds. Then it rolls up again the past hours whose raw points arrived late
/// (<see cref="RollupBackfill.ReconcileAsync"/>: a spool replayed after an InfluxDB outage longer than the continuous
/// query's 2 hours), so the report neither calls the services down nor undercounts them. A failure (InfluxDB down) is
/// logged and the next hour catches up.
/// </summary>
public sealed class ReportRollupService(ReportRollup rollup, RollupBackfill backfill, TimeProvider time, ILogger<ReportRollupService> logger) : BackgroundService
{
    /// <summary>Most hours rolled up again per pass for late raw points (oldest first; the next pass does the rest).</summary>
    public const int MaxLateHoursPerPass = 6;

    /// <summary>
    /// Most hours caught up per pass, oldest first (a first start has up to 168): a pass stays short on a 2-core appliance,
    /// and while hours remain the next pass follows after <see cref="PauseWhileBehind"/> instead of the next hour.
    /// </summary>
    public const int MaxHoursPerPass = 6;

    /// <summary>The pause between passes while the rollup is behind.</summary>
    public static readonly TimeSpan PauseWhileBehind = TimeSpan.FromMinutes(1);

    private bool behind;

    /// <summary>How long after the hour the rollup runs: late points of the hour (the writers' batching) have arrived.</summary>
    public static readonly TimeSpan AfterTheHour = TimeSpan.FromMinutes(3);

    /// <summary>
    /// Rolls up up to <see cref="MaxHoursPerPass"/> complete hours not yet rolled up, oldest first, then up to
    /// <see cref="MaxLateHoursPerPass"/> past hours whose raw points arrived late; returns how many hours were rolled up in all.
    /// </summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow() - AfterTheHour;
        var hours = await rollup.CatchUpAsync(now, cancellationToken, MaxHoursPerPass);
        if (hours > 0)
        {
            WeeklyReportLog.RolledUp(logger, hours);
        }

        var late = await backfill.ReconcileAsync(now, MaxLateHoursPerPass, cancellationToken);
        behind = hours == MaxHoursPerPass || late == MaxLateHoursPerPass;
        return hours + late;
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // A first catch-up shortly after start (InfluxDB may still be starting with the appliance).
            await Task.Delay(TimeSpan.FromSeconds(30), time, stoppingToken);
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await RunOnceAsync(stoppingToken);
                }
                catch (InfluxException e)
                {
                    WeeklyReportLog.RollupFailed(logger, e.Message);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    WeeklyReportLog.RollupCrashed(logger, e);
                }

                var now = time.GetUtcNow();
                var next = ReportRollup.HourOf(now).AddHours(1) + AfterTheHour;
                await Task.Delay(behind ? PauseWhileBehind : next - now, time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}

using ClassroomGuard.Storage.TimeSeries.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClassroomGuard.Storage.TimeSeries;

/// <summary>
/// A service's own counters for its once-a-minute <c>service_health</c> point (docs/timeseries.md): monotonic totals
/// since the service started, by stable field name. The reporter turns them into per-minute differences.
/// </summary>
public interface IServiceHealthSource
{
    /// <summary>The <c>component</c> tag: <c>dnsfilter</c>, <c>sniffer</c>.</summary>
    string Component { get; }

    /// <summary>Adds the current totals (never decreasing while the process runs). Called once a minute, off the hot path.</summary>
    void ReadTotals(IDictionary<string, long> totals);
}

/// <summary>
/// Writes one <c>service_health</c> point per minute for its service: the differences of the source's totals over
/// the minute (additive, so the generic rollups sum them correctly), plus the writer's own health: points it had to
/// drop in the minute, <c>reporting_minutes</c> = 1 (so an hour's sum is the minutes the service reported: its uptime),
/// and its spool backlog now (<c>spool_points</c>, <c>spool_bytes</c>: gauges, meaningful in raw
/// only). The point's arrival is the service's heartbeat: the console says a service is not reporting when none came
/// for a few minutes. Does nothing when the service has no InfluxDB writer. A minute whose report fails (the source or
/// the writer threw) is logged and skipped: the reporter must never stop the service it reports on.
/// </summary>
public sealed class ServiceHealthReporter(IServiceHealthSource source, TimeProvider time, InfluxWriter? writer = null, ILogger<ServiceHealthReporter>? logger = null) : BackgroundService
{
    private readonly ILogger log = logger ?? NullLogger<ServiceHealthReporter>.Instance;

    /// <summary>How often a point is written: once a minute.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    private readonly Dictionary<string, long> previous = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> current = new(StringComparer.Ordinal);
    private long previousWriterDropped;

    /// <summary>Writes the point for the interval ending at <paramref name="at"/>; returns whether the writer took it.</summary>
    public bool Report(DateTimeOffset at)
    {
        if (writer is null)
        {
            return false;
        }

        current.Clear();
        source.ReadTotals(current);
        var stats = writer.GetStatistics();
        var writerDropped = stats.PointsRejectedFull + stats.PointsDroppedByServer + stats.PointsDroppedSpoolFull + stats.PointsInvalid;
        var point = writer.CreatePoint(Measurements.ServiceHealth).Tag(Measurements.Tags.Component, source.Component)
            .Field(Measurements.Fields.ReportingMinutes, 1L)
            .Field("points_dropped", writerDropped - previousWriterDropped)
            .Field("spool_points", stats.SpoolPoints)
            .Field("spool_bytes", stats.SpoolBytes);
        previousWriterDropped = writerDropped;
        foreach (var (name, total) in current)
        {
            // A total that went down (a counter reset by a reopened capture) counts from zero again.
            var delta = total - previous.GetValueOrDefault(name);
            point = point.Field(name, delta < 0 ? total : delta);
            previous[name] = total;
        }

        return writer.TryWrite(point.Timestamp(at));
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (writer is null)
        {
            return;
        }

        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    Report(time.GetUtcNow());
                }
                catch (Exception e) when (!(e is OperationCanceledException && stoppingToken.IsCancellationRequested))
                {
                    // One bad minute must not fault the BackgroundService: by default that stops the whole host.
                    Log.HealthReportFailed(log, source.Component, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}

/// <summary>Registers a service's <see cref="ServiceHealthReporter"/>.</summary>
public static class ServiceHealthServiceCollectionExtensions
{
    /// <summary>
    /// Adds <typeparamref name="TSource"/> and the reporter that writes its <c>service_health</c> point once a minute
    /// (only when <see cref="InfluxServiceCollectionExtensions.AddInfluxTimeSeries"/> registered a writer).
    /// </summary>
    public static IServiceCollection AddServiceHealth<TSource>(this IServiceCollection services)
        where TSource : class, IServiceHealthSource
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IServiceHealthSource, TSource>();
        services.TryAddSingleton(sp => new ServiceHealthReporter(
            sp.GetRequiredService<IServiceHealthSource>(), sp.GetRequiredService<TimeProvider>(), sp.GetService<InfluxWriter>(),
            sp.GetService<ILogger<ServiceHealthReporter>>()));
        services.AddHostedService(sp => sp.GetRequiredService<ServiceHealthReporter>());
        return services;
    }
}

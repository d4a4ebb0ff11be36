using ClassroomGuard.Storage.TimeSeries;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ClassroomGuard.Console.Health;

/// <summary>
/// Healthy when InfluxDB answers <c>/ping</c>. Unreachable is only Degraded: writers spool to disk and
/// replay later, so the appliance keeps filtering and nothing is lost.
/// </summary>
internal sealed class TimeSeriesHealthCheck(InfluxConnection connection, ILogger<TimeSeriesHealthCheck> logger) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var ping = await connection.PingAsync(cancellationToken);
        if (ping.IsHealthy)
        {
            return HealthCheckResult.Healthy();
        }

        Log.InfluxUnreachable(logger, ping.Error ?? "no answer");
        return HealthCheckResult.Degraded("InfluxDB is unreachable; series are spooled.");
    }
}

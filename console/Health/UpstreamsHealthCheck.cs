using ClassroomGuard.Console.Upstreams;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ClassroomGuard.Console.Health;

/// <summary>
/// "upstreams": the DNS filter's upstream resolvers as the console last probed them (<see cref="UpstreamMonitor"/>):
/// Healthy while all answer, Degraded when some do not (the filter tries the others), Unhealthy when none answers (only
/// cached names still resolve). Healthy with nothing to check when the console's settings list no <c>Dns:Upstreams</c>.
/// The monitor logs each upstream that starts or stops failing; <c>/healthz</c> shows only the status.
/// </summary>
internal sealed class UpstreamsHealthCheck(UpstreamMonitor monitor) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var report = await monitor.CurrentAsync(TimeSpan.FromSeconds(10), cancellationToken);
        if (report is null)
        {
            return HealthCheckResult.Degraded("The first check of the upstream resolvers has not finished.");
        }

        if (report.Upstreams.Count == 0)
        {
            return HealthCheckResult.Healthy("Not checked: the console's settings list no Dns:Upstreams.");
        }

        var failing = report.Failing;
        var words = string.Join("; ", report.Upstreams.Where(u => !u.Answering).Select(u => $"{u.Upstream}: {u.Problem}"));
        return failing == 0 ? HealthCheckResult.Healthy($"All {report.Upstreams.Count} upstream resolvers answer.")
            : failing < report.Upstreams.Count ? HealthCheckResult.Degraded($"{failing} of {report.Upstreams.Count} upstream resolvers do not answer: {words}")
            : HealthCheckResult.Unhealthy($"No upstream resolver answers: {words}");
    }
}

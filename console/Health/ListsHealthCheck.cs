using ClassroomGuard.Console.Policy.Lists;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ClassroomGuard.Console.Health;

/// <summary>
/// "lists": Degraded while a list every school must have (UT1 adult, malware, phishing, a configured always-on feed) is
/// not loaded, when the last list download failed, or when the DNS filter's control socket exists but the filter does not
/// answer; Healthy otherwise. A machine without the filter's control socket (the console alone, as in development and the
/// console's own tests; set-up always installs both) has nothing to check: Healthy, said in the description. A filter
/// that does not report list health (older than this console) is Healthy too: nothing is known to be wrong.
/// <c>/healthz</c> shows only the status; the description (naming the missing lists) goes to the log.
/// </summary>
internal sealed class ListsHealthCheck(ListsProbe probe, ILogger<ListsHealthCheck> logger) : IHealthCheck
{
    // Probes come every few seconds: the same problem is logged once, again only when it changes.
    private static string? lastLogged;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var result = await probe.ReadAsync(cancellationToken);
        if (result.NoSocket)
        {
            return HealthCheckResult.Healthy("Not checked: there is no DNS filter control socket on this machine.");
        }

        string? problem = null;
        if (result.Unreachable is { } unreachable)
        {
            problem = "DNS filter not reachable: " + unreachable;
        }
        else if (result.RequiredMissing.Count > 0)
        {
            problem = $"Lists every school must block are not loaded: {ListsHealthWords.And(result.RequiredMissing)}."
                + (result.DownloadProblem is { } also ? $" The last download failed: {also}" : string.Empty);
        }
        else if (result.DownloadProblem is { } download)
        {
            problem = $"The last list download failed (the last good set stays in force): {download}";
        }

        if (problem is null)
        {
            Interlocked.Exchange(ref lastLogged, null);
            return HealthCheckResult.Healthy(result.Health is null ? "The DNS filter does not report its lists' health." : "The lists every school must have are loaded.");
        }

        if (Interlocked.Exchange(ref lastLogged, problem) != problem)
        {
            Log.ListsDegraded(logger, problem);
        }

        return HealthCheckResult.Degraded(problem);
    }
}

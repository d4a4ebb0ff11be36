using ClassroomGuard.Storage.State;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ClassroomGuard.Console.Health;

/// <summary>Healthy when the state database answers a read of its revision.</summary>
internal sealed class StateHealthCheck(StateStore store, ILogger<StateHealthCheck> logger) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.GetRevisionAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.StateUnreadable(logger, store.Path, ex);
            return HealthCheckResult.Unhealthy("The state database cannot be read.");
        }
    }
}

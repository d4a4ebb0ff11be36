using ClassroomGuard.Storage.State;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Hosting;

/// <summary>
/// Enforces the state database's retention (docs/data-protection.md): prunes once shortly after start,
/// then every <see cref="ConsoleOptions.PruneInterval"/>. The console owns this because it is the one
/// service that always runs where the state lives.
/// </summary>
internal sealed class StatePruningService(StateStore store, IOptions<ConsoleOptions> options, TimeProvider time, ILogger<StatePruningService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PruneInterval, time);
        do
        {
            try
            {
                // The store logs what it pruned.
                await store.PruneAsync(time.GetUtcNow(), stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.PruneFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}

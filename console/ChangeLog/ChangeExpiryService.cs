using ClassroomGuard.Storage.State;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.ChangeLog;

/// <summary>
/// Expires proposals nobody decided within <see cref="ChangeControlOptions.ChangeExpiry"/>: at start and then every
/// <see cref="CheckInterval"/>. The log records each expiry as written by the system, and an expired change can no
/// longer be approved (it would be approved against a policy that may have moved on).
/// </summary>
internal sealed class ChangeExpiryService(StateStore store, IOptions<ChangeControlOptions> options, TimeProvider time, ILogger<ChangeExpiryService> logger) : BackgroundService
{
    /// <summary>How often stale proposals are looked for. Expiry is by days, so an hour late is harmless.</summary>
    public static readonly TimeSpan CheckInterval = TimeSpan.FromHours(1);

    /// <summary>One pass: expires what is stale now; returns how many changes expired.</summary>
    public async Task<int> ExpireOnceAsync(CancellationToken cancellationToken)
    {
        var expired = await store.ChangeControl.ExpireStaleAsync(options.Value.ChangeExpiry, cancellationToken);
        if (expired.Count > 0)
        {
            Log.ChangesExpired(logger, expired.Count, options.Value.ChangeExpiry);
        }

        return expired.Count;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(CheckInterval, time);
        do
        {
            try
            {
                await ExpireOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is StateStoreException or Microsoft.Data.Sqlite.SqliteException or IOException)
            {
                Log.ChangeExpiryFailed(logger, e);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}

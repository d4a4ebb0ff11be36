using Microsoft.Extensions.Logging;

namespace ClassroomGuard.Agent.Blanking;

/// <summary>
/// The agent's blank state: applies the console's blank/unblank to the screen blanker, and releases a blank by itself
/// at its expiry even when the console cannot be reached then (the console also sends Unblank at expiry).
/// </summary>
public sealed class BlankController(IScreenBlanker blanker, TimeProvider time, ILogger<BlankController> logger) : IDisposable
{
    private readonly Lock gate = new();
    private ITimer? expiry;

    /// <summary>The expiry of the blank in force, or null.</summary>
    public DateTimeOffset? BlankedUntil { get; private set; }

    /// <summary>Blanks until <paramref name="expiresAt"/>; an expiry in the past releases instead.</summary>
    public void Blank(string message, DateTimeOffset expiresAt)
    {
        lock (gate)
        {
            var remaining = expiresAt - time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                ReleaseLocked();
                return;
            }

            Try(() => blanker.Blank(message));
            BlankedUntil = expiresAt;
            expiry?.Dispose();
            expiry = time.CreateTimer(_ => Unblank(), null, remaining, Timeout.InfiniteTimeSpan);
            Log.Blanked(logger, expiresAt);
        }
    }

    /// <summary>Releases the blank, if any.</summary>
    public void Unblank()
    {
        lock (gate)
        {
            ReleaseLocked();
        }
    }

    /// <summary>Stops the expiry timer and releases the screen.</summary>
    public void Dispose() => Unblank();

    private void ReleaseLocked()
    {
        expiry?.Dispose();
        expiry = null;
        if (BlankedUntil is not null || blanker.IsBlanked)
        {
            Try(blanker.Unblank);
            Log.Unblanked(logger);
        }

        BlankedUntil = null;
    }

    private void Try(Action action)
    {
        try
        {
            action();
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or InvalidOperationException or IOException)
        {
            Log.BlankerFailed(logger, e);
        }
    }
}

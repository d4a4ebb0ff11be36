namespace ClassroomGuard.Agent.Hosting;

/// <summary>
/// Exponential reconnect delays with jitter: min, 2·min, 4·min … up to max, each scaled by a random factor in
/// [0.8, 1.2] so that thirty pupils' agents do not all knock on the console at the same instant after it restarts.
/// </summary>
public sealed class Backoff(TimeSpan min, TimeSpan max, Random random)
{
    private readonly TimeSpan first = min;
    private TimeSpan next = min;

    /// <summary>The delay to wait now; the following one doubles.</summary>
    public TimeSpan Next()
    {
        var delay = next * (0.8 + (0.4 * random.NextDouble()));
        next = TimeSpan.FromTicks(Math.Min(next.Ticks * 2, max.Ticks));
        return delay;
    }

    /// <summary>After a connection succeeded: start again from the minimum.</summary>
    public void Reset() => next = first;
}

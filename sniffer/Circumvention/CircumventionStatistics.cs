namespace ClassroomGuard.Sniffer.Circumvention;

/// <summary>
/// Counters of circumvention detection. Each field is written by one thread only (detection by the capture thread,
/// writing by the alert writer) and read by anyone (64-bit reads are atomic).
/// </summary>
public sealed class CircumventionStatistics
{
    /// <summary>Attempts detected (every packet that matched a detector, before the rate limit).</summary>
    public long Detected;

    /// <summary>Attempts inside the rate limit's interval: counted into the next alert instead.</summary>
    public long Suppressed;

    /// <summary>Alerts queued for the state.</summary>
    public long Queued;

    /// <summary>Alerts dropped because the queue was full.</summary>
    public long QueueFull;

    /// <summary>Times the rate limit's table was full of unexpired entries and forgotten.</summary>
    public long RateLimitResets;

    /// <summary>Alerts written to the state.</summary>
    public long Raised;

    /// <summary>Alerts written without a device (the address is not in the inventory).</summary>
    public long Unattributed;

    /// <summary>Alerts the state refused (logged with the reason).</summary>
    public long Failed;
}

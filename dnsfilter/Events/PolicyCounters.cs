namespace ClassroomGuard.DnsFilter.Events;

/// <summary>Counters of the policy and its events (read by the status page; incremented with Interlocked).</summary>
public sealed class PolicyCounters
{
    /// <summary>Queries the policy decided.</summary>
    public long Evaluated;
    /// <summary>Queries blocked.</summary>
    public long Blocked;
    /// <summary>SafeSearch rewrites answered.</summary>
    public long Rewritten;
    /// <summary>Snapshots compiled and swapped in.</summary>
    public long Compiled;
    /// <summary>Compiles or state reads that failed (the previous policy stayed in force).</summary>
    public long CompileFailures;
    /// <summary>Alerts written to the state.</summary>
    public long AlertsRaised;
    /// <summary>Alerts suppressed by the per device+category interval.</summary>
    public long AlertsSuppressed;
    /// <summary>Alerts dropped (queue full or the state not writable).</summary>
    public long AlertsDropped;
    /// <summary>Time-series points the writer accepted.</summary>
    public long PointsWritten;
    /// <summary>Time-series points the writer refused (its buffer full).</summary>
    public long PointsDropped;
    /// <summary>Queries counted under the overflow client because <c>Dns:Policy:MaxTrackedClients</c> was reached.</summary>
    public long ClientOverflow;

    /// <summary>A copy of every counter by name.</summary>
    public IReadOnlyDictionary<string, long> Snapshot() => new Dictionary<string, long>(StringComparer.Ordinal)
    {
        ["policy_evaluated"] = Interlocked.Read(ref Evaluated),
        ["policy_blocked"] = Interlocked.Read(ref Blocked),
        ["policy_rewritten"] = Interlocked.Read(ref Rewritten),
        ["policy_compiled"] = Interlocked.Read(ref Compiled),
        ["policy_compile_failures"] = Interlocked.Read(ref CompileFailures),
        ["alerts_raised"] = Interlocked.Read(ref AlertsRaised),
        ["alerts_suppressed"] = Interlocked.Read(ref AlertsSuppressed),
        ["alerts_dropped"] = Interlocked.Read(ref AlertsDropped),
        ["points_written"] = Interlocked.Read(ref PointsWritten),
        ["points_dropped"] = Interlocked.Read(ref PointsDropped),
        ["client_overflow"] = Interlocked.Read(ref ClientOverflow),
    };
}

using System.Net;

namespace ClassroomGuard.DnsFilter.Upstream;

/// <summary>One upstream resolver and its health.</summary>
public sealed class UpstreamServer
{
    private long _downUntil;
    private long _consecutiveFailures;

    /// <summary>Creates an upstream entry.</summary>
    public UpstreamServer(IPEndPoint endpoint, int index)
    {
        EndPoint = endpoint;
        Index = index;
    }

    /// <summary>Where it listens.</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>Position in the configured list (the preference order among healthy upstreams).</summary>
    public int Index { get; }

    /// <summary>Failures since the last success.</summary>
    public long ConsecutiveFailures => Interlocked.Read(ref _consecutiveFailures);

    /// <summary>True when it has not failed recently (timestamp comparison against <see cref="TimeProvider.GetTimestamp"/>).</summary>
    public bool IsHealthy(long now) => Interlocked.Read(ref _downUntil) <= now;

    internal long DownUntil => Interlocked.Read(ref _downUntil);

    /// <summary>Records a success; returns true if it was marked down before.</summary>
    internal bool MarkSuccess()
    {
        Interlocked.Exchange(ref _consecutiveFailures, 0);
        return Interlocked.Exchange(ref _downUntil, 0) != 0;
    }

    /// <summary>Records a failure; the upstream is tried after the healthy ones until <paramref name="until"/>. Returns true if it was healthy before.</summary>
    internal bool MarkFailure(long until)
    {
        Interlocked.Increment(ref _consecutiveFailures);
        return Interlocked.Exchange(ref _downUntil, until) == 0;
    }
}

using ClassroomGuard.Console.Policy.Why;
using ClassroomGuard.Storage.Control;

namespace ClassroomGuard.Console.Policy.Lists;

/// <summary>What the DNS filter says about its lists, for the home page's alarm and <c>/healthz</c>.</summary>
/// <param name="NoSocket">No control socket on this machine (none configured, or the file does not exist): the filter cannot be asked.</param>
/// <param name="Unreachable">Why the filter could not be asked or answered nothing usable; null when it answered.</param>
/// <param name="Health">Its list health; null when it did not report one (an older filter) or could not be asked.</param>
public sealed record ListsProbeResult(bool NoSocket, string? Unreachable, ListsHealth? Health)
{
    /// <summary>The lists every school must have that are not loaded (empty when in force or not known).</summary>
    public IReadOnlyList<string> RequiredMissing => Health?.RequiredMissing ?? [];

    /// <summary>Why the last UT1 download failed, or null.</summary>
    public string? DownloadProblem => Health?.Refresh?.Problem is { Length: > 0 } problem ? problem : null;

    /// <summary>Required lists are missing or the last download failed.</summary>
    public bool Alarming => RequiredMissing.Count > 0 || DownloadProblem is not null;
}

/// <summary>
/// Asks the running DNS filter for its lists at most every <see cref="MaxAge"/> (the home pages of every technician and the
/// health probes share one answer), so nobody's page waits on the filter twice.
/// </summary>
internal sealed class ListsProbe(DnsFilterClient filter, TimeProvider time)
{
    /// <summary>How long one answer serves.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(15);

    private readonly SemaphoreSlim gate = new(1, 1);
    private (DateTimeOffset At, ListsProbeResult Result)? last;

    public async Task<ListsProbeResult> ReadAsync(CancellationToken cancellationToken)
    {
        if (Fresh() is { } cached)
        {
            return cached;
        }

        await gate.WaitAsync(cancellationToken);
        try
        {
            if (Fresh() is { } again)
            {
                return again;
            }

            var result = await AskAsync(cancellationToken);
            last = (time.GetUtcNow(), result);
            return result;
        }
        finally
        {
            gate.Release();
        }
    }

    private ListsProbeResult? Fresh() => last is { } l && time.GetUtcNow() - l.At < MaxAge ? l.Result : null;

    private async Task<ListsProbeResult> AskAsync(CancellationToken cancellationToken)
    {
        if (filter.SocketPath is not { } path || !File.Exists(path))
        {
            return new ListsProbeResult(true, "The DNS filter's control socket does not exist on this machine.", null);
        }

        var answer = await filter.AskAsync(new ControlRequest(ControlRequestKind.Lists), cancellationToken);
        return answer.Reply?.Lists is { } lists
            ? new ListsProbeResult(false, null, lists.Health)
            : new ListsProbeResult(false, answer.Unreachable ?? "The DNS filter could not answer: " + (answer.Reply?.Error ?? "no reason given."), null);
    }
}

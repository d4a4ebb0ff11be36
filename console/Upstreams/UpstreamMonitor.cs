using System.Globalization;
using System.Net;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Upstreams;

/// <summary>One upstream resolver as last probed.</summary>
/// <param name="Upstream">As written in <c>Dns:Upstreams</c>.</param>
/// <param name="EndPoint">Its address and port; null when the entry is not an address.</param>
/// <param name="RoundTrip">The last answer's round-trip time; null while it is not answering.</param>
/// <param name="Problem">Why it is not serving the appliance; null while it answers.</param>
/// <param name="FailingSince">When the current run of failed probes began; null while it answers.</param>
/// <param name="CheckedAt">When it was last asked.</param>
internal sealed record UpstreamState(string Upstream, IPEndPoint? EndPoint, TimeSpan? RoundTrip, string? Problem, DateTimeOffset? FailingSince, DateTimeOffset CheckedAt)
{
    public bool Answering => Problem is null;
}

/// <summary>Every upstream as last probed, with what was asked.</summary>
/// <param name="Upstreams">In <c>Dns:Upstreams</c> order; empty when none are configured.</param>
/// <param name="Name">The name asked for (NS).</param>
/// <param name="Interval">How often they are asked.</param>
internal sealed record UpstreamReport(IReadOnlyList<UpstreamState> Upstreams, string Name, TimeSpan Interval)
{
    public int Failing => Upstreams.Count(u => !u.Answering);
}

/// <summary>
/// Asks every upstream resolver of the DNS filter (<c>Dns:Upstreams</c>, read from the appliance settings the console
/// shares with the filter) the probe question every <see cref="UpstreamProbeOptions.Interval"/>, all at once, and keeps
/// the last answers for the technician's home and <c>/healthz</c>. In the console, not the filter: the console shows
/// them, and the filter's query path stays as it is (its own counters say only that some query found no upstream).
/// </summary>
internal sealed class UpstreamMonitor(IConfiguration configuration, IOptions<UpstreamProbeOptions> options, UpstreamProber prober, TimeProvider time,
    ILogger<UpstreamMonitor> logger) : BackgroundService
{
    private readonly TaskCompletionSource firstRound = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly IReadOnlyList<(string Text, IPEndPoint? EndPoint)> upstreams = Parse(configuration);
    private volatile UpstreamReport? latest;

    /// <summary>
    /// The last round's report; before the first round has finished, waits for it up to <paramref name="wait"/> (a round
    /// takes at most two probe timeouts) and then gives null rather than hold a page or a health probe longer.
    /// </summary>
    public async Task<UpstreamReport?> CurrentAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        try
        {
            await firstRound.Task.WaitAsync(wait, time, cancellationToken);
        }
        catch (TimeoutException)
        {
            return null;
        }

        return latest;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (upstreams.Count == 0)
        {
            Log.UpstreamProbeNothingToCheck(logger);
            Publish(new UpstreamReport([], settings.Name, settings.Interval));
            return;
        }

        await Task.Yield(); // the console's start never waits on a DNS question
        Log.UpstreamProbeStarted(logger, string.Join(", ", upstreams.Select(u => u.Text)), settings.Name, settings.Interval);
        foreach (var (text, _) in upstreams.Where(u => u.EndPoint is null))
        {
            Log.UpstreamInvalid(logger, text);
        }

        using var timer = new PeriodicTimer(settings.Interval, time);
        do
        {
            await ProbeOnceAsync(stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One round: every upstream asked at once, the report replaced. The service calls it every interval.</summary>
    internal async Task ProbeOnceAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        try
        {
            Publish(await RoundAsync(settings, cancellationToken));
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.UpstreamRoundFailed(logger, e);
            if (latest is null)
            {
                // Nobody waits for a first round that never comes: the page and /healthz say the check failed.
                var now = time.GetUtcNow();
                Publish(new UpstreamReport([.. upstreams.Select(u => new UpstreamState(u.Text, u.EndPoint, null,
                    "the console could not check it; its log says why", now, now))], settings.Name, settings.Interval));
            }
        }
    }

    private async Task<UpstreamReport> RoundAsync(UpstreamProbeOptions settings, CancellationToken cancellationToken)
    {
        var asked = time.GetUtcNow();
        var outcomes = await Task.WhenAll(upstreams.Select(u => u.EndPoint is { } endpoint
            ? prober.AskAsync(endpoint, settings.Name, settings.Timeout, cancellationToken)
            : Task.FromResult(new ProbeOutcome(null, "it is not an IP address with an optional port, such as 192.0.2.53 or [2001:db8::53]:53"))));
        if (latest is null)
        {
            // A fresh console's first question pays for loading and compiling the client (about 0.2 s seen here): the
            // upstreams that answered are asked once more, so the first round-trip shown is the network's.
            var again = await Task.WhenAll(upstreams.Select((u, i) => outcomes[i].Answered
                ? prober.AskAsync(u.EndPoint!, settings.Name, settings.Timeout, cancellationToken)
                : Task.FromResult(outcomes[i])));
            outcomes = again;
        }

        var before = latest?.Upstreams;
        var states = new List<UpstreamState>(upstreams.Count);
        for (var i = 0; i < upstreams.Count; i++)
        {
            var (text, endpoint) = upstreams[i];
            var outcome = outcomes[i];
            var previous = before?[i];
            if (outcome.Answered)
            {
                if (previous is { Answering: false })
                {
                    Log.UpstreamRecovered(logger, text, (long)outcome.RoundTrip!.Value.TotalMilliseconds);
                }

                states.Add(new UpstreamState(text, endpoint, outcome.RoundTrip, null, null, asked));
                continue;
            }

            if (previous is null || previous.Answering || previous.Problem != outcome.Problem)
            {
                Log.UpstreamFailing(logger, text, outcome.Problem!);
            }

            var since = previous is { Answering: false, FailingSince: { } earlier } ? earlier : asked;
            states.Add(new UpstreamState(text, endpoint, null, outcome.Problem, since, asked));
        }

        return new UpstreamReport(states, settings.Name, settings.Interval);
    }

    private void Publish(UpstreamReport report)
    {
        latest = report;
        firstRound.TrySetResult();
    }

    /// <summary><c>Dns:Upstreams</c> as the DNS filter reads them: an address (port 53), <c>address:port</c> or <c>[v6]:port</c>.</summary>
    internal static IReadOnlyList<(string Text, IPEndPoint? EndPoint)> Parse(IConfiguration configuration)
        => [.. configuration.GetSection("Dns:Upstreams").GetChildren()
            .OrderBy(c => int.TryParse(c.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : int.MaxValue)
            .Select(c => c.Value?.Trim())
            .Where(v => !string.IsNullOrEmpty(v))
            .Select(v => (v!, EndPointOf(v!)))];

    private static IPEndPoint? EndPointOf(string text)
    {
        if (IPAddress.TryParse(text, out var address) && !text.StartsWith('['))
        {
            return new IPEndPoint(address, 53);
        }

        return IPEndPoint.TryParse(text, out var endpoint) && endpoint.Port != 0 ? endpoint : null;
    }
}

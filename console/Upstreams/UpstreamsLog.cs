namespace ClassroomGuard.Console;

/// <summary>Log messages of the upstream resolvers' probe (EventIds 3500-3519).</summary>
internal static partial class Log
{
    [LoggerMessage(3500, LogLevel.Information, "Upstream resolvers: asking {Upstreams} for {Name} NS every {Interval}")]
    public static partial void UpstreamProbeStarted(ILogger logger, string upstreams, string name, TimeSpan interval);

    [LoggerMessage(3501, LogLevel.Information, "Upstream resolvers: none in Dns:Upstreams of the console's settings, nothing to check")]
    public static partial void UpstreamProbeNothingToCheck(ILogger logger);

    [LoggerMessage(3502, LogLevel.Warning, "Upstream resolver {Upstream} fails: {Problem}")]
    public static partial void UpstreamFailing(ILogger logger, string upstream, string problem);

    [LoggerMessage(3503, LogLevel.Information, "Upstream resolver {Upstream} answers again ({RoundTripMs} ms)")]
    public static partial void UpstreamRecovered(ILogger logger, string upstream, long roundTripMs);

    [LoggerMessage(3504, LogLevel.Warning, "Upstream resolver {Upstream} in Dns:Upstreams is not an IP address with an optional port")]
    public static partial void UpstreamInvalid(ILogger logger, string upstream);

    [LoggerMessage(3505, LogLevel.Error, "Upstream resolvers: a probe round failed; the next one comes at the interval")]
    public static partial void UpstreamRoundFailed(ILogger logger, Exception exception);
}

namespace ClassroomGuard.Console.Policy.Why;

/// <summary>Log lines of "why is this blocked?" and the lists page (EventIds 2700-2799).</summary>
internal static partial class WhyLog
{
    [LoggerMessage(2700, LogLevel.Warning, "The DNS filter's control socket {Path} did not answer: {Reason}")]
    public static partial void FilterUnreachable(ILogger logger, string path, string reason);

    [LoggerMessage(2701, LogLevel.Warning, "The DNS filter's control socket {Path} gave a reply the console cannot read ({Bytes} bytes)")]
    public static partial void FilterReplyUnreadable(ILogger logger, string path, int bytes);

    [LoggerMessage(2702, LogLevel.Information, "{User} asked why {Domain} is blocked for {Client}: {Outcome} by {Rule}")]
    public static partial void Explained(ILogger logger, string user, string domain, string client, string outcome, string rule);
}

namespace ClassroomGuard.Console.Safeguarding.Review;

/// <summary>Log lines of the annual review (EventIds 3250-3299).</summary>
internal static partial class ReviewLog
{
    [LoggerMessage(3250, LogLevel.Information, "{User} started the annual review of {HeldOn}")]
    public static partial void Started(ILogger logger, string user, string heldOn);

    [LoggerMessage(3251, LogLevel.Information, "{User} changed the annual review of {HeldOn}: {What}")]
    public static partial void Changed(ILogger logger, string user, string heldOn, string what);

    [LoggerMessage(3252, LogLevel.Information, "{User} ran the built-in filter check for the annual review of {HeldOn}: {Passed} passed, {Failed} failed")]
    public static partial void FilterCheckRun(ILogger logger, string user, string heldOn, int passed, int failed);

    [LoggerMessage(3253, LogLevel.Warning, "The built-in filter check could not ask the DNS filter: {Reason}")]
    public static partial void FilterCheckUnreachable(ILogger logger, string reason);

    [LoggerMessage(3254, LogLevel.Information, "{User} completed the annual review of {HeldOn}")]
    public static partial void Completed(ILogger logger, string user, string heldOn);

    [LoggerMessage(3255, LogLevel.Information, "{User} marked a significant change: the next annual review is due now")]
    public static partial void SignificantChange(ILogger logger, string user);

    [LoggerMessage(3256, LogLevel.Warning, "{User} was refused {Action} on the annual review: {Reason}")]
    public static partial void Refused(ILogger logger, string user, string action, string reason);

    [LoggerMessage(3257, LogLevel.Warning, "The built-in filter check could not read a sample from the list {Path}: {Reason}")]
    public static partial void SampleUnreadable(ILogger logger, string path, string reason);
}

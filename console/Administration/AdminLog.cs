namespace ClassroomGuard.Console;

/// <summary>Log messages of the administration pages (EventIds 2200-2299).</summary>
internal static partial class Log
{
    [LoggerMessage(2200, LogLevel.Information, "Administration: {Actor} was refused {Action}: {Reason}")]
    public static partial void AdminActionRefused(ILogger logger, string actor, string action, string reason);

    [LoggerMessage(2201, LogLevel.Warning, "Administration: the console certificate {Path} cannot be read, so the enrol command is shown without its --pin: {Reason}")]
    public static partial void EnrolmentPinUnavailable(ILogger logger, string? path, string reason);
}

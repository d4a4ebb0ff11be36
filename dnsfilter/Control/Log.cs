using Microsoft.Extensions.Logging;

namespace ClassroomGuard.DnsFilter.Control;

/// <summary>Log lines of the control socket (EventIds 320-339).</summary>
internal static partial class Log
{
    [LoggerMessage(320, LogLevel.Information, "Control socket listening on {Path} (owner only): the console asks here why a name is blocked")]
    public static partial void ControlListening(ILogger logger, string path);

    [LoggerMessage(321, LogLevel.Information, "No control socket: neither Dns:ControlSocket nor State:Path is set (the console cannot explain verdicts)")]
    public static partial void ControlOff(ILogger logger);

    [LoggerMessage(322, LogLevel.Error, "Control socket {Path} cannot be made; the DNS filter runs without it (the console cannot explain verdicts). Check Dns:ControlSocket and that its folder exists and is writable by the service user")]
    public static partial void ControlFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(323, LogLevel.Error, "Control socket {Path} is longer than {Max} bytes (a Unix socket's limit); set Dns:ControlSocket to a shorter path. The DNS filter runs without it")]
    public static partial void ControlPathTooLong(ILogger logger, string path, int max);

    [LoggerMessage(324, LogLevel.Error, "Control socket {Path}: another DNS filter already answers there; this one runs without a control socket")]
    public static partial void ControlInUse(ILogger logger, string path);

    [LoggerMessage(325, LogLevel.Error, "Control socket {Path}: the path is a folder or a file with content, not a socket; it is left alone and the DNS filter runs without a control socket (check Dns:ControlSocket)")]
    public static partial void ControlPathTaken(ILogger logger, string path);

    [LoggerMessage(326, LogLevel.Warning, "Control request refused: {Why}")]
    public static partial void ControlRefused(ILogger logger, string why);

    [LoggerMessage(327, LogLevel.Error, "Control request failed")]
    public static partial void ControlRequestFailed(ILogger logger, Exception exception);
}

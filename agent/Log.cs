using Microsoft.Extensions.Logging;

namespace ClassroomGuard.Agent;

/// <summary>Every log message of the agent, in one place.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Debug, "Hub: ignored a message of unknown type {Type}")]
    public static partial void UnknownMessageIgnored(ILogger logger, int type);

    [LoggerMessage(2, LogLevel.Warning, "TLS: refused the console's certificate {Subject} (SPKI SHA-256 {Pin}); the pinned one is {Expected}")]
    public static partial void PinMismatch(ILogger logger, string subject, string pin, string expected);

    [LoggerMessage(3, LogLevel.Information, "Enrolment: enrolled as agent {AgentId} in room {RoomId}; console certificate pinned ({Pin})")]
    public static partial void Enrolled(ILogger logger, long agentId, long roomId, string pin);

    [LoggerMessage(4, LogLevel.Information, "Hub: connected to {Url}")]
    public static partial void Connected(ILogger logger, Uri url);

    [LoggerMessage(5, LogLevel.Warning, "Hub: connection lost or refused ({Reason}); retrying in {Delay}")]
    public static partial void ConnectionLost(ILogger logger, string reason, TimeSpan delay);

    [LoggerMessage(6, LogLevel.Information, "Blank: screen blanked until {ExpiresAt:u}")]
    public static partial void Blanked(ILogger logger, DateTimeOffset expiresAt);

    [LoggerMessage(7, LogLevel.Information, "Blank: screen released")]
    public static partial void Unblanked(ILogger logger);

    [LoggerMessage(8, LogLevel.Warning, "Hub: ignored command {Target} (the agent only blanks and unblanks)")]
    public static partial void CommandRefused(ILogger logger, string target);

    [LoggerMessage(9, LogLevel.Error, "Blank: the screen blanker failed")]
    public static partial void BlankerFailed(ILogger logger, Exception exception);

    [LoggerMessage(10, LogLevel.Warning, "Hub: the server closed the connection: {Error}")]
    public static partial void ServerClosed(ILogger logger, string error);

    [LoggerMessage(11, LogLevel.Warning, "Blank: no X display could be opened ({Display}); the screen cannot be blanked")]
    public static partial void NoDisplay(ILogger logger, string display);

    [LoggerMessage(12, LogLevel.Warning, "Blank: could not grab the {Device} (status {Status}); the window still covers the screen")]
    public static partial void GrabFailed(ILogger logger, string device, int status);

    [LoggerMessage(13, LogLevel.Error, "Enrolment: not enrolled ({StatePath} missing) and no Agent:EnrolmentToken set; nothing to connect with")]
    public static partial void NotEnrolled(ILogger logger, string statePath);

    [LoggerMessage(14, LogLevel.Error, "Enrolment: {Reason}")]
    public static partial void EnrolmentRefused(ILogger logger, string reason);
}

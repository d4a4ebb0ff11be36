using System.Net;
using Microsoft.Extensions.Logging;

namespace ClassroomGuard.DnsFilter.Internal;

/// <summary>Every log line of the DNS filter. Nothing here runs per query unless something went wrong.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "DNS listening on {Protocol} {Endpoint} ({Sockets} socket(s))")]
    public static partial void Listening(ILogger logger, string protocol, EndPoint endpoint, int sockets);

    [LoggerMessage(2, LogLevel.Information, "DNS forwarding to {Upstreams}")]
    public static partial void Forwarding(ILogger logger, string upstreams);

    [LoggerMessage(3, LogLevel.Warning, "UDP receive failed on {Endpoint}")]
    public static partial void UdpReceiveFailed(ILogger logger, EndPoint? endpoint, Exception exception);

    [LoggerMessage(4, LogLevel.Warning, "TCP accept failed on {Endpoint}")]
    public static partial void TcpAcceptFailed(ILogger logger, EndPoint? endpoint, Exception exception);

    [LoggerMessage(5, LogLevel.Error, "Query processing failed unexpectedly; answered SERVFAIL")]
    public static partial void ProcessingFailed(ILogger logger, Exception exception);

    [LoggerMessage(6, LogLevel.Warning, "Upstream {Upstream} failed ({Reason}); trying it after healthy upstreams for {Interval}")]
    public static partial void UpstreamDown(ILogger logger, EndPoint upstream, string reason, TimeSpan interval);

    [LoggerMessage(7, LogLevel.Information, "Upstream {Upstream} answered again")]
    public static partial void UpstreamUp(ILogger logger, EndPoint upstream);

    [LoggerMessage(8, LogLevel.Debug, "TCP connection from {Client} ended: {Reason}")]
    public static partial void TcpClosed(ILogger logger, EndPoint? client, string reason);

    [LoggerMessage(9, LogLevel.Warning, "DNS not listening on the default {Endpoint}: {Reason} (IPv6 is off on this machine; set Dns:Listen to silence this)")]
    public static partial void DefaultIPv6Unavailable(ILogger logger, string endpoint, string reason);
}

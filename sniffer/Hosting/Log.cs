using ClassroomGuard.Sniffer.Capture;
using ClassroomGuard.Sniffer.Decoding;
using Microsoft.Extensions.Logging;

namespace ClassroomGuard.Sniffer.Hosting;

/// <summary>Every log message of the sniffer.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Capturing on {Source} (link type {LinkType}, snap length {SnapLength}, filter '{Filter}'), {Version}")]
    public static partial void CaptureOpened(ILogger logger, string source, LinkType linkType, int snapLength, string filter, string version);

    [LoggerMessage(2, LogLevel.Information, "Capture of {Source} ended: {Packets} packets, {Malformed} malformed, {ClientHellos} TLS ClientHellos, {Dns} DNS, {Dhcp} DHCP")]
    public static partial void CaptureEnded(ILogger logger, string source, long packets, long malformed, long clientHellos, long dns, long dhcp);

    [LoggerMessage(3, LogLevel.Information, "Capture statistics: received {Received}, dropped {Dropped}, interface dropped {InterfaceDropped}; decoded {Packets}, malformed {Malformed}")]
    public static partial void Statistics(ILogger logger, ulong received, ulong dropped, ulong interfaceDropped, long packets, long malformed);

    [LoggerMessage(4, LogLevel.Critical, "Capture failed: {Reason}")]
    public static partial void CaptureFailed(ILogger logger, string reason);

    [LoggerMessage(5, LogLevel.Information, "Final capture statistics of {Source}: received {Received}, dropped {Dropped}, interface dropped {InterfaceDropped}")]
    public static partial void FinalStatistics(ILogger logger, string source, ulong received, ulong dropped, ulong interfaceDropped);

    [LoggerMessage(6, LogLevel.Warning, "Final capture statistics of {Source} unavailable: {Reason}")]
    public static partial void FinalStatisticsUnavailable(ILogger logger, string source, string reason);

    [LoggerMessage(10, LogLevel.Debug, "TLS {Client}:{Port} -> {Server} SNI '{ServerName}' ALPN '{Alpn}' ({Transport})")]
    public static partial void ClientHello(ILogger logger, string client, ushort port, string server, string serverName, string alpn, HelloTransport transport);

    [LoggerMessage(11, LogLevel.Debug, "DNS {Client} -> {Server} {Kind} '{Name}' type {Type} ({Protocol})")]
    public static partial void Dns(ILogger logger, string client, string server, string kind, string name, ushort type, DnsProtocol protocol);

    [LoggerMessage(12, LogLevel.Debug, "DHCP type {Type} from {Mac}: host name '{HostName}', vendor '{Vendor}', assigned {Assigned}")]
    public static partial void Dhcp(ILogger logger, byte type, string mac, string hostName, string vendor, string assigned);

    [LoggerMessage(13, LogLevel.Debug, "HTTP {Client} {Method} Host '{Host}'")]
    public static partial void Http(ILogger logger, string client, string method, string host);

    [LoggerMessage(14, LogLevel.Debug, "NetBIOS {Client} name '{Name}' suffix {Suffix} opcode {Opcode}")]
    public static partial void NetBios(ILogger logger, string client, string name, byte suffix, int opcode);
}

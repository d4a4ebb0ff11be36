using System.Text;
using ClassroomGuard.Sniffer.Decoding;
using ClassroomGuard.Sniffer.Decoding.Application;
using Microsoft.Extensions.Logging;

namespace ClassroomGuard.Sniffer.Hosting;

/// <summary>
/// Logs each application fact at Debug level (enable with
/// <c>--Logging:LogLevel:ClassroomGuard.Sniffer=Debug</c>) and costs one level check per fact otherwise.
/// </summary>
internal sealed class LoggingPacketSink(ILogger<LoggingPacketSink> logger) : IPacketSink
{
    public void OnTlsClientHello(in PacketSummary packet, in TlsClientHello hello, HelloTransport transport)
    {
        if (!logger.IsEnabled(LogLevel.Debug))
        {
            return;
        }

        var alpn = new StringBuilder();
        foreach (var protocol in hello.AlpnProtocols)
        {
            alpn.Append(alpn.Length == 0 ? string.Empty : ",").Append(Encoding.ASCII.GetString(protocol));
        }

        Log.ClientHello(logger, packet.SourceIp.ToString(), packet.SourcePort, packet.DestinationIp.ToString(), Encoding.ASCII.GetString(hello.ServerName), alpn.ToString(), transport);
    }

    public void OnDns(in PacketSummary packet, in DnsMessage message, DnsProtocol protocol)
    {
        if (logger.IsEnabled(LogLevel.Debug))
        {
            Log.Dns(logger, packet.SourceIp.ToString(), packet.DestinationIp.ToString(), message.IsResponse ? "answer" : "query", Encoding.ASCII.GetString(message.QuestionName), message.QuestionType, protocol);
        }
    }

    public void OnDhcp(in PacketSummary packet, in DhcpMessage message)
    {
        if (logger.IsEnabled(LogLevel.Debug))
        {
            Log.Dhcp(logger, message.MessageType, message.ClientMac.ToString(), Encoding.ASCII.GetString(message.HostName), Encoding.ASCII.GetString(message.VendorClass), message.YourAddress.ToString());
        }
    }

    public void OnHttpRequest(in PacketSummary packet, in HttpRequestHead request)
    {
        if (logger.IsEnabled(LogLevel.Debug))
        {
            Log.Http(logger, packet.SourceIp.ToString(), Encoding.ASCII.GetString(request.Method), Encoding.ASCII.GetString(request.Host));
        }
    }

    public void OnNetBiosName(in PacketSummary packet, in NetBiosNamePacket name)
    {
        if (logger.IsEnabled(LogLevel.Debug))
        {
            Log.NetBios(logger, packet.SourceIp.ToString(), Encoding.ASCII.GetString(name.Name), name.Suffix, name.Opcode);
        }
    }
}

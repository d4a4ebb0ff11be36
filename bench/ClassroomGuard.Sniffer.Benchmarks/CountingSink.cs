using ClassroomGuard.Sniffer.Decoding;
using ClassroomGuard.Sniffer.Decoding.Application;

namespace ClassroomGuard.Sniffer.Benchmarks;

/// <summary>A sink that touches what accounting will touch (addresses, lengths, SNI and DNS names) without keeping it.</summary>
internal sealed class CountingSink : IPacketSink
{
    public long Bytes { get; private set; }

    public long NameBytes { get; private set; }

    public void OnPacket(in PacketSummary packet) => Bytes += packet.WireLength + (long)(packet.SourceIp.Low & 1);

    public void OnTlsClientHello(in PacketSummary packet, in TlsClientHello hello, HelloTransport transport) => NameBytes += hello.ServerName.Length;

    public void OnDns(in PacketSummary packet, in DnsMessage message, DnsProtocol protocol) => NameBytes += message.QuestionName.Length;
}

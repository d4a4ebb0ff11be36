using System.Text;
using ClassroomGuard.Sniffer.Decoding;
using ClassroomGuard.Sniffer.Decoding.Application;
using ClassroomGuard.Sniffer.Decoding.Link;

namespace ClassroomGuard.Sniffer.Tests.Support;

/// <summary>Records every fact the decoder reports as text, for assertions and oracle comparisons.</summary>
internal sealed class RecordingSink : IPacketSink
{
    public List<string> Packets { get; } = [];

    public List<(string Client, string ServerName, string Alpn, HelloTransport Transport)> ClientHellos { get; } = [];

    public List<(string Client, string Name, bool IsResponse, DnsProtocol Protocol)> Dns { get; } = [];

    public List<(string Mac, string HostName, byte Type, string Vendor, string Assigned)> Dhcp { get; } = [];

    public List<(string Ip, string Mac, int Operation)> Arp { get; } = [];

    public List<(string Client, string Method, string Host)> Http { get; } = [];

    public List<(string Name, byte Suffix, int Opcode)> NetBios { get; } = [];

    public List<PacketLayer> Malformed { get; } = [];

    public List<string> DnsAnswers { get; } = [];

    public bool RecordPackets { get; init; }

    public List<int> TransportPayloads { get; } = [];

    public void OnPacket(in PacketSummary packet)
    {
        if (RecordPackets)
        {
            Packets.Add($"{packet.SourceIp}:{packet.SourcePort}>{packet.DestinationIp}:{packet.DestinationPort} p{packet.Protocol} len{packet.PayloadLength} frag{packet.IsFragment} vlan{packet.VlanId}");
        }
    }

    public void OnTransportPayload(in PacketSummary packet, ReadOnlySpan<byte> payload) => TransportPayloads.Add(payload.Length);

    public void OnArp(in PacketSummary packet, in ArpPacket arp) => Arp.Add((arp.SenderIp.ToString(), arp.SenderMac.ToString(), arp.Operation));

    public void OnDhcp(in PacketSummary packet, in DhcpMessage message) =>
        Dhcp.Add((message.ClientMac.ToString(), Ascii(message.HostName), message.MessageType, Ascii(message.VendorClass), message.YourAddress.ToString()));

    public void OnDns(in PacketSummary packet, in DnsMessage message, DnsProtocol protocol)
    {
        Dns.Add((packet.SourceIp.ToString(), Ascii(message.QuestionName), message.IsResponse, protocol));
        Span<byte> name = stackalloc byte[256];
        var reader = message.ReadRecords(name);
        while (reader.TryReadNext(out var record))
        {
            DnsAnswers.Add($"{Ascii(record.Name)} {record.Type} {record.Address}");
        }
    }

    public void OnTlsClientHello(in PacketSummary packet, in TlsClientHello hello, HelloTransport transport)
    {
        var alpn = new List<string>();
        foreach (var protocol in hello.AlpnProtocols)
        {
            alpn.Add(Ascii(protocol));
        }

        ClientHellos.Add((packet.SourceIp.ToString(), Ascii(hello.ServerName), string.Join(",", alpn), transport));
    }

    public void OnHttpRequest(in PacketSummary packet, in HttpRequestHead request) =>
        Http.Add((packet.SourceIp.ToString(), Ascii(request.Method), Ascii(request.Host)));

    public void OnNetBiosName(in PacketSummary packet, in NetBiosNamePacket name) => NetBios.Add((Ascii(name.Name), name.Suffix, name.Opcode));

    public void OnMalformed(in PacketSummary packet, PacketLayer layer) => Malformed.Add(layer);

    private static string Ascii(ReadOnlySpan<byte> bytes) => Encoding.ASCII.GetString(bytes);
}

using System.Buffers.Binary;
using System.Net;
using System.Net.NetworkInformation;
using System.Text;
using PacketDotNet;

namespace ClassroomGuard.Sniffer.Tests.Support;

/// <summary>Ethernet frames with chosen MACs, addresses (IPv4 or IPv6) and ports, for the accounting and discovery tests.</summary>
internal static class Frames
{
    public const byte Syn = 0x02;
    public const byte Ack = 0x10;
    public const byte Fin = 0x01;
    public const byte Rst = 0x04;
    public const byte PshAck = 0x18;

    // TCP, UDP and ARP frames are built with PacketDotNet's constructors (it fills in lengths, types and protocols), which
    // reads better than bytes laid out by hand; the decoder is compared with PacketDotNet's own reading in Oracle/.
    public static byte[] Tcp(string sourceMac, string source, ushort sourcePort, string destinationMac, string destination, ushort destinationPort, byte flags = PshAck, byte[]? payload = null, uint sequence = 1000) =>
        Build(sourceMac, destinationMac, source, destination, new TcpPacket(sourcePort, destinationPort)
        {
            SequenceNumber = sequence,
            Flags = flags,
            WindowSize = 65535,
            PayloadData = payload ?? [],
        });

    public static byte[] Udp(string sourceMac, string source, ushort sourcePort, string destinationMac, string destination, ushort destinationPort, byte[]? payload = null) =>
        Build(sourceMac, destinationMac, source, destination, new UdpPacket(sourcePort, destinationPort) { PayloadData = payload ?? [] });

    public static byte[] Icmp(string sourceMac, string source, string destinationMac, string destination) =>
        Ip(sourceMac, source, destinationMac, destination, IPAddress.Parse(source).AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? (byte)1 : (byte)58, [8, 0, 0, 0, 0, 1, 0, 1]);

    public static byte[] Ip(string sourceMac, string source, string destinationMac, string destination, byte protocol, byte[] payload)
    {
        var s = IPAddress.Parse(source).GetAddressBytes();
        var d = IPAddress.Parse(destination).GetAddressBytes();
        if (s.Length == 4)
        {
            return Ethernet(sourceMac, destinationMac, 0x0800, Packets.IPv4(protocol, payload, source: s, destination: d));
        }

        var packet = new byte[40 + payload.Length];
        packet[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), (ushort)payload.Length);
        packet[6] = protocol;
        packet[7] = 64;
        s.CopyTo(packet, 8);
        d.CopyTo(packet, 24);
        payload.CopyTo(packet, 40);
        return Ethernet(sourceMac, destinationMac, 0x86DD, packet);
    }

    public static byte[] Ethernet(string sourceMac, string destinationMac, ushort etherType, byte[] payload) =>
        [.. Mac(destinationMac), .. Mac(sourceMac), .. Packets.U16(etherType), .. payload];

    public static byte[] Arp(string senderMac, string senderIp, string targetIp, ushort operation = 1)
    {
        var arp = new PacketDotNet.ArpPacket((ArpOperation)operation, new PhysicalAddress(new byte[6]), IPAddress.Parse(targetIp), Physical(senderMac), IPAddress.Parse(senderIp));
        return new EthernetPacket(Physical(senderMac), Physical("ff:ff:ff:ff:ff:ff"), EthernetType.Arp) { PayloadPacket = arp }.Bytes;
    }

    /// <summary>A DHCP message from the client (operation 1) or the server (2, with <paramref name="yourAddress"/>).</summary>
    public static byte[] Dhcp(byte operation, byte messageType, string clientMac, string? yourAddress = null, string? clientAddress = null, string? hostName = null, string? requested = null)
    {
        var message = new byte[240];
        message[0] = operation;
        message[1] = 1;
        message[2] = 6;
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(4), 0xCAFEF00D);
        IPAddress.Parse(clientAddress ?? "0.0.0.0").GetAddressBytes().CopyTo(message, 12);
        IPAddress.Parse(yourAddress ?? "0.0.0.0").GetAddressBytes().CopyTo(message, 16);
        Mac(clientMac).CopyTo(message, 28);
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(236), 0x63825363);
        var options = new List<byte> { 53, 1, messageType };
        if (requested is not null)
        {
            options.AddRange([50, 4, .. IPAddress.Parse(requested).GetAddressBytes()]);
        }

        if (hostName is not null)
        {
            options.AddRange([12, (byte)hostName.Length, .. Encoding.ASCII.GetBytes(hostName)]);
        }

        options.Add(255);
        byte[] dhcp = [.. message, .. options];
        return operation == 1
            ? Udp(clientMac, "0.0.0.0", 68, "ff:ff:ff:ff:ff:ff", "255.255.255.255", 67, dhcp)
            : Udp("02:00:00:00:00:fe", "10.99.0.1", 67, clientMac, yourAddress ?? "255.255.255.255", 68, dhcp);
    }

    public static byte[] Mac(string text) => Physical(text).GetAddressBytes();

    private static PhysicalAddress Physical(string text) => PhysicalAddress.Parse(text.ToUpperInvariant().Replace(':', '-'));

    private static byte[] Build(string sourceMac, string destinationMac, string source, string destination, TransportPacket transport)
    {
        var from = IPAddress.Parse(source);
        var to = IPAddress.Parse(destination);
        IPPacket ip = from.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? new IPv4Packet(from, to) : new IPv6Packet(from, to);
        ip.PayloadPacket = transport;
        var ethernet = new EthernetPacket(Physical(sourceMac), Physical(destinationMac), ip is IPv4Packet ? EthernetType.IPv4 : EthernetType.IPv6) { PayloadPacket = ip };
        ethernet.UpdateCalculatedValues();
        return ethernet.Bytes;
    }
}

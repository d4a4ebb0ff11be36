using System.Buffers.Binary;
using System.Text;

namespace ClassroomGuard.Sniffer.Tests.Support;

/// <summary>Hand-built packets, byte by byte, for the decoder corpora.</summary>
internal static class Packets
{
    public static readonly byte[] ClientMac = [0x02, 0x00, 0x00, 0x00, 0x00, 0x07];
    public static readonly byte[] ServerMac = [0x02, 0x00, 0x00, 0x00, 0x00, 0x01];
    public static readonly byte[] ClientIp = [10, 213, 0, 7];
    public static readonly byte[] ServerIp = [10, 213, 0, 1];

    public static byte[] Ethernet(ushort etherType, byte[] payload, params ushort[] vlanTags)
    {
        var frame = new List<byte>();
        frame.AddRange(ServerMac);
        frame.AddRange(ClientMac);
        for (var i = 0; i < vlanTags.Length; i++)
        {
            // The outer tag of a QinQ frame is an 802.1ad service tag.
            frame.AddRange(U16(i == 0 && vlanTags.Length > 1 ? (ushort)0x88A8 : (ushort)0x8100));
            frame.AddRange(U16(vlanTags[i]));
        }

        frame.AddRange(U16(etherType));
        frame.AddRange(payload);
        return [.. frame];
    }

    public static byte[] IPv4(byte protocol, byte[] payload, byte[]? options = null, ushort flagsAndOffset = 0x4000, byte[]? source = null, byte[]? destination = null)
    {
        options ??= [];
        var headerLength = 20 + options.Length;
        var packet = new byte[headerLength + payload.Length];
        packet[0] = (byte)(0x40 | (headerLength / 4));
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), 0x1234);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(6), flagsAndOffset);
        packet[8] = 64;
        packet[9] = protocol;
        (source ?? ClientIp).CopyTo(packet, 12);
        (destination ?? ServerIp).CopyTo(packet, 16);
        options.CopyTo(packet, 20);
        payload.CopyTo(packet, headerLength);
        return packet;
    }

    public static byte[] IPv6(byte nextHeader, byte[] payload, params (byte Type, byte[] Body)[] extensions)
    {
        var chain = new List<byte>();
        for (var i = 0; i < extensions.Length; i++)
        {
            var following = i + 1 < extensions.Length ? extensions[i + 1].Type : nextHeader;
            chain.Add(following);
            chain.AddRange(extensions[i].Body);
        }

        var first = extensions.Length > 0 ? extensions[0].Type : nextHeader;
        var packet = new byte[40 + chain.Count + payload.Length];
        packet[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), (ushort)(chain.Count + payload.Length));
        packet[6] = first;
        packet[7] = 64;
        packet[8] = 0xfd;
        packet[23] = 7;
        packet[24] = 0xfd;
        packet[39] = 1;
        chain.CopyTo(packet, 40);
        payload.CopyTo(packet, 40 + chain.Count);
        return packet;
    }

    /// <summary>An 8-byte extension header body after its next-header byte (hop-by-hop/destination options: length 0, PadN).</summary>
    public static byte[] OptionsHeaderBody() => [0, 1, 4, 0, 0, 0, 0];

    public static byte[] Tcp(ushort sourcePort, ushort destinationPort, byte[] payload, uint sequence = 1000, byte flags = 0x18)
    {
        var segment = new byte[20 + payload.Length];
        BinaryPrimitives.WriteUInt16BigEndian(segment, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), destinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(segment.AsSpan(4), sequence);
        segment[12] = 5 << 4;
        segment[13] = flags;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(14), 65535);
        payload.CopyTo(segment, 20);
        return segment;
    }

    public static byte[] Udp(ushort sourcePort, ushort destinationPort, byte[] payload)
    {
        var datagram = new byte[8 + payload.Length];
        BinaryPrimitives.WriteUInt16BigEndian(datagram, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(2), destinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(4), (ushort)datagram.Length);
        payload.CopyTo(datagram, 8);
        return datagram;
    }

    public static byte[] EthernetIPv4Tcp(ushort sourcePort, ushort destinationPort, byte[] payload, uint sequence = 1000) =>
        Ethernet(0x0800, IPv4(6, Tcp(sourcePort, destinationPort, payload, sequence)));

    public static byte[] EthernetIPv4Udp(ushort sourcePort, ushort destinationPort, byte[] payload) =>
        Ethernet(0x0800, IPv4(17, Udp(sourcePort, destinationPort, payload)));

    public static byte[] Arp(ushort operation = 1)
    {
        var arp = new byte[28];
        BinaryPrimitives.WriteUInt16BigEndian(arp, 1);
        BinaryPrimitives.WriteUInt16BigEndian(arp.AsSpan(2), 0x0800);
        arp[4] = 6;
        arp[5] = 4;
        BinaryPrimitives.WriteUInt16BigEndian(arp.AsSpan(6), operation);
        ClientMac.CopyTo(arp, 8);
        ClientIp.CopyTo(arp, 14);
        ServerIp.CopyTo(arp, 24);
        return arp;
    }

    /// <summary>A TLS ClientHello handshake message (type 1 …) with SNI, ALPN and optional padding extension.</summary>
    public static byte[] ClientHelloMessage(string? serverName, string[]? alpn = null, int padding = 0)
    {
        var extensions = new List<byte>();
        if (serverName is not null)
        {
            var name = Encoding.ASCII.GetBytes(serverName);
            extensions.AddRange(U16(0));
            extensions.AddRange(U16((ushort)(name.Length + 5)));
            extensions.AddRange(U16((ushort)(name.Length + 3)));
            extensions.Add(0);
            extensions.AddRange(U16((ushort)name.Length));
            extensions.AddRange(name);
        }

        if (alpn is not null)
        {
            var list = new List<byte>();
            foreach (var protocol in alpn)
            {
                list.Add((byte)protocol.Length);
                list.AddRange(Encoding.ASCII.GetBytes(protocol));
            }

            extensions.AddRange(U16(16));
            extensions.AddRange(U16((ushort)(list.Count + 2)));
            extensions.AddRange(U16((ushort)list.Count));
            extensions.AddRange(list);
        }

        if (padding > 0)
        {
            extensions.AddRange(U16(21));
            extensions.AddRange(U16((ushort)padding));
            extensions.AddRange(new byte[padding]);
        }

        var body = new List<byte>();
        body.AddRange(U16(0x0303));
        body.AddRange(Enumerable.Range(0, 32).Select(i => (byte)i));
        body.Add(32);
        body.AddRange(Enumerable.Repeat((byte)0xAB, 32));
        body.AddRange(U16(4));
        body.AddRange(U16(0x1301));
        body.AddRange(U16(0x1302));
        body.Add(1);
        body.Add(0);
        body.AddRange(U16((ushort)extensions.Count));
        body.AddRange(extensions);

        var message = new List<byte> { 1, (byte)(body.Count >> 16), (byte)(body.Count >> 8), (byte)body.Count };
        message.AddRange(body);
        return [.. message];
    }

    /// <summary>A TLS handshake record holding a ClientHello.</summary>
    public static byte[] ClientHelloRecord(string? serverName, string[]? alpn = null, int padding = 0)
    {
        var message = ClientHelloMessage(serverName, alpn, padding);
        var record = new List<byte> { 22, 3, 1 };
        record.AddRange(U16((ushort)message.Length));
        record.AddRange(message);
        return [.. record];
    }

    public static byte[] DnsQuery(string name, ushort type = 1, ushort id = 0x4242)
    {
        var message = new List<byte>();
        message.AddRange(U16(id));
        message.AddRange(U16(0x0100));
        message.AddRange(U16(1));
        message.AddRange(U16(0));
        message.AddRange(U16(0));
        message.AddRange(U16(0));
        message.AddRange(EncodeName(name));
        message.AddRange(U16(type));
        message.AddRange(U16(1));
        return [.. message];
    }

    /// <summary>A response to <see cref="DnsQuery"/> with a CNAME (compressed) and an A record.</summary>
    public static byte[] DnsResponse(string name, string alias, byte[] address)
    {
        var message = new List<byte>(DnsQuery(name));
        message[2] = 0x81;
        message[3] = 0x80;
        message[7] = 2;

        // CNAME: owner = pointer to the question name (offset 12), data = alias.
        message.AddRange([0xC0, 12]);
        message.AddRange(U16(5));
        message.AddRange(U16(1));
        message.AddRange([0, 0, 0, 60]);
        var aliasName = EncodeName(alias);
        var aliasOffset = message.Count + 2;
        message.AddRange(U16((ushort)aliasName.Length));
        message.AddRange(aliasName);

        // A: owner = pointer to the alias.
        message.AddRange([(byte)(0xC0 | (aliasOffset >> 8)), (byte)aliasOffset]);
        message.AddRange(U16(1));
        message.AddRange(U16(1));
        message.AddRange([0, 0, 0, 60]);
        message.AddRange(U16(4));
        message.AddRange(address);
        return [.. message];
    }

    public static byte[] EncodeName(string name)
    {
        var bytes = new List<byte>();
        foreach (var label in name.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            bytes.Add((byte)label.Length);
            bytes.AddRange(Encoding.ASCII.GetBytes(label));
        }

        bytes.Add(0);
        return [.. bytes];
    }

    public static byte[] Dhcp(byte messageType, string? hostName, byte operation = 1)
    {
        var message = new byte[240];
        message[0] = operation;
        message[1] = 1;
        message[2] = 6;
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(4), 0xCAFEF00D);
        if (operation == 2)
        {
            ClientIp.CopyTo(message, 16);
        }

        ClientMac.CopyTo(message, 28);
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(236), 0x63825363);
        var options = new List<byte> { 53, 1, messageType };
        options.AddRange([61, 7, 1, .. ClientMac]);
        options.AddRange([50, 4, .. ClientIp]);
        if (hostName is not null)
        {
            options.AddRange([12, (byte)hostName.Length, .. Encoding.ASCII.GetBytes(hostName)]);
        }

        options.AddRange([60, 8, .. "MSFT 5.0"u8.ToArray()]);
        options.AddRange([55, 4, 1, 3, 6, 15]);
        options.Add(0);
        options.Add(255);
        return [.. message, .. options];
    }

    public static byte[] NetBiosRegistration(string name, byte suffix = 0)
    {
        var padded = name.PadRight(15)[..15];
        var raw = Encoding.ASCII.GetBytes(padded).Append(suffix).ToArray();
        var message = new List<byte>();
        message.AddRange(U16(0x1111));
        message.AddRange(U16(0x2910));
        message.AddRange(U16(1));
        message.AddRange(U16(0));
        message.AddRange(U16(0));
        message.AddRange(U16(1));
        message.Add(32);
        foreach (var b in raw)
        {
            message.Add((byte)('A' + (b >> 4)));
            message.Add((byte)('A' + (b & 0x0F)));
        }

        message.Add(0);
        message.AddRange(U16(0x20));
        message.AddRange(U16(1));
        return [.. message];
    }

    public static byte[] HttpGet(string host) => Encoding.ASCII.GetBytes($"GET /index.html HTTP/1.1\r\nUser-Agent: test\r\nhOsT:  {host} \r\nAccept: */*\r\n\r\n");

    public static byte[] U16(ushort value) => [(byte)(value >> 8), (byte)value];
}

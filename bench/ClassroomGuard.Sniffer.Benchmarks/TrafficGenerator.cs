using System.Buffers.Binary;
using System.Text;
using ClassroomGuard.Sniffer.Tests.Support;

namespace ClassroomGuard.Sniffer.Benchmarks;

/// <summary>
/// Writes a synthetic but realistic school capture (classic pcap, Ethernet): bulk TCP downloads with ACKs, TLS connections
/// (handshake with a ClientHello carrying SNI + ALPN; a third of them "post-quantum" sized, spanning two segments), DNS
/// query/response pairs, QUIC on UDP 443 (real encrypted client Initials, half of them split over two, then short-header
/// data), and a little ARP/ICMP/mDNS.
/// Per connection: TLS 4-120 data segments after the handshake, QUIC 20-300 packets after the Initials, bulk 8-40
/// segments — so about one ClientHello (TCP or QUIC) per 200 packets, which is handshake-heavy next to a real network
/// (video flows run to thousands of packets). Seeded: the same arguments give the same file.
/// </summary>
internal sealed class TrafficGenerator
{
    private readonly Random _random = new(20261122);
    private readonly byte[] _packet = new byte[2048];
    private readonly BinaryWriter _writer;
    private readonly string[] _names;
    private readonly byte[] _pool = new byte[1 << 16];
    private long _time = 1_763_800_000L * 1_000_000;
    private uint _sequence = 1;

    private TrafficGenerator(BinaryWriter writer)
    {
        _writer = writer;
        _random.NextBytes(_pool);
        _names = Enumerable.Range(0, 2000).Select(i => $"site{i}.{(i % 5) switch { 0 => "example.org", 1 => "school.example", 2 => "cdn.example.net", 3 => "video.example.com", _ => "learn.example.ac.uk" }}").ToArray();
    }

    public long Packets { get; private set; }

    public long Bytes { get; private set; }

    public static (long Packets, long Bytes) Write(string path, long count)
    {
        using var stream = new BufferedStream(File.Create(path), 1 << 20);
        using var writer = new BinaryWriter(stream);
        writer.Write(0xa1b2c3d4u);
        writer.Write((ushort)2);
        writer.Write((ushort)4);
        writer.Write(0);
        writer.Write(0u);
        writer.Write(262144u);
        writer.Write(1u);
        var generator = new TrafficGenerator(writer);
        while (generator.Packets < count)
        {
            generator.Episode(count);
        }

        return (generator.Packets, generator.Bytes);
    }

    private void Episode(long limit)
    {
        var client = 0x0AD50000u | (uint)_random.Next(2, 1500);
        var server = 0xC6336400u | (uint)_random.Next(1, 250);
        var clientPort = (ushort)_random.Next(32768, 61000);
        var roll = _random.Next(100);
        if (roll < 14)
        {
            Tls(client, server, clientPort, limit);
        }
        else if (roll < 45)
        {
            Bulk(client, server, clientPort, _random.Next(8, 40), limit);
        }
        else if (roll < 68)
        {
            Dns(client, clientPort);
        }
        else if (roll < 97)
        {
            Quic(client, server, clientPort, limit);
        }
        else
        {
            Other(client);
        }
    }

    private void Tls(uint client, uint server, ushort port, long limit)
    {
        Tcp(client, server, port, 443, 0x02, []);
        Tcp(server, client, 443, port, 0x12, []);
        Tcp(client, server, port, 443, 0x10, []);
        var name = _names[_random.Next(_names.Length)];
        var postQuantum = _random.Next(3) == 0;
        // A post-quantum key share (X25519MLKEM768, 1216 bytes) plus GREASE/padding makes Chrome's ~1.8-2 KB ClientHello.
        var hello = ClientHelloRecord(name, postQuantum ? 1216 : 32, postQuantum ? _random.Next(400, 700) : _random.Next(0, 200));
        for (var offset = 0; offset < hello.Length; offset += 1448)
        {
            Tcp(client, server, port, 443, 0x18, hello.AsSpan(offset, Math.Min(1448, hello.Length - offset)));
        }

        Tcp(server, client, 443, port, 0x10, Filler(1448, 0x16));
        Tcp(server, client, 443, port, 0x18, Filler(900, 0x17));
        Tcp(client, server, port, 443, 0x18, Filler(80, 0x14));
        Bulk(client, server, port, _random.Next(4, 120), limit);
        Tcp(client, server, port, 443, 0x11, []);
        Tcp(server, client, 443, port, 0x11, []);
    }

    private void Bulk(uint client, uint server, ushort port, int segments, long limit)
    {
        for (var i = 0; i < segments && Packets < limit; i++)
        {
            Tcp(server, client, 443, port, 0x10, Filler(1448, 0x17));
            if (i % 2 == 1)
            {
                Tcp(client, server, port, 443, 0x10, []);
            }
        }
    }

    private void Dns(uint client, ushort port)
    {
        var resolver = 0x0AD50001u;
        var name = _names[_random.Next(_names.Length)];
        var query = DnsQuery(name, _random.Next(3) == 0 ? (ushort)28 : (ushort)1);
        Udp(client, resolver, port, 53, query);
        var response = new byte[query.Length + 16];
        query.CopyTo(response, 0);
        response[2] = 0x81;
        response[3] = 0x80;
        response[7] = 1;
        byte[] answer = [0xC0, 12, 0, 1, 0, 1, 0, 0, 1, 0, 0, 4, 198, 51, 100, (byte)_random.Next(256)];
        answer.CopyTo(response, query.Length);
        Udp(resolver, client, 53, port, response);
    }

    private void Quic(uint client, uint server, ushort port, long limit)
    {
        // Real client Initials (v1): the ClientHello in CRYPTO frames, encrypted as a browser does. Half are Chrome-like
        // post-quantum ClientHellos (~1.8 KB) split over two Initials. Then short-header data both ways.
        var postQuantum = _random.Next(2) == 0;
        var hello = ClientHelloRecord(_names[_random.Next(_names.Length)], postQuantum ? 1216 : 32, postQuantum ? _random.Next(300, 500) : 0).AsSpan(5);
        var id = new byte[8];
        _random.NextBytes(id);
        var first = Math.Min(hello.Length, 1100);
        Udp(client, server, port, 443, QuicInitialProtector.Protect(1, id, id[..4], 0, QuicInitialProtector.CryptoFrame(0, hello[..first])));
        if (first < hello.Length)
        {
            Udp(client, server, port, 443, QuicInitialProtector.Protect(1, id, id[..4], 1, QuicInitialProtector.CryptoFrame(first, hello[first..])));
        }

        var packets = _random.Next(20, 300);
        for (var i = 0; i < packets && Packets < limit; i++)
        {
            Udp(server, client, 443, port, Filler(_random.Next(1100, 1350), 0x43));
            if (i % 3 == 0)
            {
                Udp(client, server, port, 443, Filler(_random.Next(30, 60), 0x41));
            }
        }
    }

    private void Other(uint client)
    {
        switch (_random.Next(3))
        {
            case 0:
                var arp = new byte[28];
                BinaryPrimitives.WriteUInt16BigEndian(arp, 1);
                BinaryPrimitives.WriteUInt16BigEndian(arp.AsSpan(2), 0x0800);
                arp[4] = 6;
                arp[5] = 4;
                arp[7] = 1;
                BinaryPrimitives.WriteUInt32BigEndian(arp.AsSpan(14), client);
                BinaryPrimitives.WriteUInt32BigEndian(arp.AsSpan(24), 0x0AD50001u);
                Frame(0x0806, arp);
                break;
            case 1:
                var echo = Filler(64, 8);
                echo[1] = 0;
                Frame(0x0800, IPv4(client, 0x0AD50001u, 1, echo));
                break;
            default:
                Udp(client, 0xE00000FBu, 5353, 5353, DnsQuery($"pupil-{client & 0xFFFF}.local", 255));
                break;
        }
    }

    private void Tcp(uint source, uint destination, ushort sourcePort, ushort destinationPort, byte flags, ReadOnlySpan<byte> payload)
    {
        var segment = new byte[20 + payload.Length];
        BinaryPrimitives.WriteUInt16BigEndian(segment, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), destinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(segment.AsSpan(4), _sequence);
        segment[12] = 0x50;
        segment[13] = flags;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(14), 502);
        payload.CopyTo(segment.AsSpan(20));
        _sequence += (uint)payload.Length; // consecutive segments of one flow stay in sequence (split ClientHellos)
        Frame(0x0800, IPv4(source, destination, 6, segment));
    }

    private void Udp(uint source, uint destination, ushort sourcePort, ushort destinationPort, ReadOnlySpan<byte> payload)
    {
        var datagram = new byte[8 + payload.Length];
        BinaryPrimitives.WriteUInt16BigEndian(datagram, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(2), destinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(4), (ushort)datagram.Length);
        payload.CopyTo(datagram.AsSpan(8));
        Frame(0x0800, IPv4(source, destination, 17, datagram));
    }

    private static byte[] IPv4(uint source, uint destination, byte protocol, ReadOnlySpan<byte> payload)
    {
        var packet = new byte[20 + payload.Length];
        packet[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
        packet[6] = 0x40;
        packet[8] = 64;
        packet[9] = protocol;
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(12), source);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(16), destination);
        payload.CopyTo(packet.AsSpan(20));
        return packet;
    }

    private void Frame(ushort etherType, ReadOnlySpan<byte> payload)
    {
        var frame = _packet.AsSpan(0, 14 + payload.Length);
        frame.Clear();
        frame[0] = 0x02;
        frame[5] = 1;
        frame[6] = 0x02;
        frame[11] = 7;
        BinaryPrimitives.WriteUInt16BigEndian(frame[12..], etherType);
        payload.CopyTo(frame[14..]);
        var length = Math.Max(frame.Length, 60);
        _time += _random.Next(1, 20);
        _writer.Write((uint)(_time / 1_000_000));
        _writer.Write((uint)(_time % 1_000_000));
        _writer.Write((uint)length);
        _writer.Write((uint)length);
        _writer.Write(_packet, 0, length);
        Packets++;
        Bytes += length;
    }

    private byte[] Filler(int length, byte first)
    {
        // Encrypted-looking bytes: a slice of one random pool (random per call would make generation slow).
        var bytes = _pool.AsSpan(_random.Next(_pool.Length - length), length).ToArray();
        bytes[0] = first;
        return bytes;
    }

    private static byte[] DnsQuery(string name, ushort type)
    {
        var bytes = new List<byte> { 0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0 };
        foreach (var label in name.Split('.'))
        {
            bytes.Add((byte)label.Length);
            bytes.AddRange(Encoding.ASCII.GetBytes(label));
        }

        bytes.AddRange([0, (byte)(type >> 8), (byte)type, 0, 1]);
        return [.. bytes];
    }

    private byte[] ClientHelloRecord(string name, int keyShare, int padding)
    {
        var extensions = new List<byte>();
        var host = Encoding.ASCII.GetBytes(name);
        extensions.AddRange([0, 0, (byte)((host.Length + 5) >> 8), (byte)(host.Length + 5), (byte)((host.Length + 3) >> 8), (byte)(host.Length + 3), 0, (byte)(host.Length >> 8), (byte)host.Length]);
        extensions.AddRange(host);
        extensions.AddRange([0, 16, 0, 14, 0, 12, 2, (byte)'h', (byte)'2', 8, .. "http/1.1"u8.ToArray()]);
        var share = new byte[keyShare];
        _random.NextBytes(share);
        extensions.AddRange([0, 51, (byte)((keyShare + 6) >> 8), (byte)(keyShare + 6), (byte)((keyShare + 4) >> 8), (byte)(keyShare + 4), 0x11, 0xEC, (byte)(keyShare >> 8), (byte)keyShare]);
        extensions.AddRange(share);
        if (padding > 0)
        {
            extensions.AddRange([0, 21, (byte)(padding >> 8), (byte)padding]);
            extensions.AddRange(new byte[padding]);
        }

        var body = new List<byte> { 3, 3 };
        var random = new byte[32];
        _random.NextBytes(random);
        body.AddRange(random);
        body.Add(32);
        body.AddRange(random);
        body.AddRange([0, 6, 0x13, 0x01, 0x13, 0x02, 0x13, 0x03, 1, 0]);
        body.AddRange([(byte)(extensions.Count >> 8), (byte)extensions.Count]);
        body.AddRange(extensions);
        var record = new List<byte> { 22, 3, 1, (byte)((body.Count + 4) >> 8), (byte)(body.Count + 4), 1, 0, (byte)(body.Count >> 8), (byte)body.Count };
        record.AddRange(body);
        return [.. record];
    }
}

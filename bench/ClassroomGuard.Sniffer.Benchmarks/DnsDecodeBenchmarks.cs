using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using ClassroomGuard.Dns.Protocol;
using ClassroomGuard.Sniffer.Capture;
using ClassroomGuard.Sniffer.Decoding;

namespace ClassroomGuard.Sniffer.Benchmarks;

/// <summary>
/// DNS packets only, as resolvers write them (compressed names, a CNAME then two A and one AAAA answer) with their
/// queries and mDNS announcements: the path the sniffer's DNS view and the shared codec take (the mix has ~0.5 % DNS, too
/// little to see it). Built with the shared writer, seeded. Per packet (OperationsPerInvoke), with the memory diagnoser.
/// </summary>
[MemoryDiagnoser]
public class DnsDecodeBenchmarks
{
    private const int Count = 1024;
    private byte[][] _packets = [];
    private PacketDecoder _decoder = null!;
    private PacketDecoder _accountingDecoder = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(16);
        _packets = new byte[Count][];
        for (var i = 0; i < Count; i++)
        {
            _packets[i] = (i % 4) switch
            {
                0 => Frame(0x0AD50007u, 0x0AD50001u, 40000, 53, Message(random, response: false, i)),
                3 => Frame(0x0AD50000u | (uint)(i & 0xFF), 0xE00000FBu, 5353, 5353, Announcement(i)),
                _ => Frame(0x0AD50001u, 0x0AD50007u, 53, 40000, Message(random, response: true, i)),
            };
        }

        _decoder = new PacketDecoder(NullPacketSink.Instance);
        _accountingDecoder = new PacketDecoder(new AccountingSinks().Sink);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _decoder.Dispose();
        _accountingDecoder.Dispose();
    }

    /// <summary>Header and question of every message (the no-op sink reads no records).</summary>
    [Benchmark(OperationsPerInvoke = Count)]
    public void DecodeDns() => Run(_decoder);

    /// <summary>The same through the service's accounting and discovery sinks, which read every answer record.</summary>
    [Benchmark(OperationsPerInvoke = Count)]
    public void DecodeDnsAccounting() => Run(_accountingDecoder);

    private void Run(PacketDecoder decoder)
    {
        foreach (var packet in _packets)
        {
            decoder.Decode(LinkType.Ethernet, 1, packet.Length, packet);
        }
    }

    private static byte[] Message(Random random, bool response, int i)
    {
        var buffer = new byte[512];
        var writer = new DnsMessageWriter(buffer) { Id = (ushort)i, Flags = (ushort)(response ? 0x8180 : 0x0100) };
        var name = DnsName.FromText($"www.site-{i % 97}.example.org");
        var edge = DnsName.FromText($"edge-{i % 13}.cdn.example.net");
        writer.TryWriteQuestion(name, 1, 1);
        if (response)
        {
            writer.TryWriteNameRecord(DnsSection.Answer, DnsRecordType.CNAME, name, 300, edge);
            writer.TryWriteA(DnsSection.Answer, edge, 60, new byte[] { 198, 51, 100, (byte)random.Next(256) });
            writer.TryWriteA(DnsSection.Answer, edge, 60, new byte[] { 198, 51, 101, (byte)random.Next(256) });
            var v6 = new byte[16];
            random.NextBytes(v6);
            writer.TryWriteAaaa(DnsSection.Answer, edge, 60, v6);
        }

        writer.Complete();
        return buffer[..writer.Position];
    }

    private static byte[] Announcement(int i)
    {
        var buffer = new byte[512];
        var writer = new DnsMessageWriter(buffer) { Flags = 0x8400 };
        writer.TryWriteA(DnsSection.Answer, DnsName.FromText($"pupil-{i & 0xFF}.local"), 120, new byte[] { 10, 213, 0, (byte)i });
        writer.Complete();
        return buffer[..writer.Position];
    }

    // Ethernet + IPv4 (no options, checksum left zero: the decoder does not check it) + UDP.
    private static byte[] Frame(uint source, uint destination, ushort sourcePort, ushort destinationPort, byte[] payload)
    {
        var frame = new byte[14 + 20 + 8 + payload.Length];
        var multicast = destination >> 28 == 0xE;
        byte[] mac = multicast ? [0x01, 0x00, 0x5E, 0x00, 0x00, 0xFB] : [0x02, 0, 0, 0, 0, 1];
        mac.CopyTo(frame, 0);
        frame[6] = 0x02;
        frame[11] = (byte)source;
        frame[12] = 0x08;
        var ip = frame.AsSpan(14);
        ip[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)(20 + 8 + payload.Length));
        ip[8] = 64;
        ip[9] = 17;
        BinaryPrimitives.WriteUInt32BigEndian(ip[12..], source);
        BinaryPrimitives.WriteUInt32BigEndian(ip[16..], destination);
        var udp = ip[20..];
        BinaryPrimitives.WriteUInt16BigEndian(udp, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(udp[2..], destinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(udp[4..], (ushort)(8 + payload.Length));
        payload.CopyTo(udp[8..]);
        return frame;
    }
}

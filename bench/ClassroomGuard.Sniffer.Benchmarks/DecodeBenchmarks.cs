using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using ClassroomGuard.Sniffer.Capture;
using ClassroomGuard.Sniffer.Decoding;

namespace ClassroomGuard.Sniffer.Benchmarks;

/// <summary>
/// The decode path on the first 4096 packets of the generated workload, with the memory diagnoser. Each invocation
/// decodes every packet once (OperationsPerInvoke), so Mean and Allocated are per packet.
/// </summary>
[MemoryDiagnoser]
public class DecodeBenchmarks
{
    private byte[][] _mix = [];
    private byte[][] _withoutQuicInitials = [];
    private byte[][] _quicInitials = [];
    private PacketDecoder _decoder = null!;
    private PacketDecoder _countingDecoder = null!;
    private PacketDecoder _accountingDecoder = null!;
    private PacketDecoder _circumventionDecoder = null!;
    private AccountingSinks _secondsSinks = null!;
    private PacketDecoder _secondsDecoder = null!;
    private long _secondsClock;

    [GlobalSetup]
    public void Setup()
    {
        _mix = SamplePackets.Mix();
        _withoutQuicInitials = _mix.Where(p => !IsQuicInitial(p)).ToArray();
        _quicInitials = _mix.Where(IsQuicInitial).ToArray();
        _decoder = new PacketDecoder(NullPacketSink.Instance);
        _countingDecoder = new PacketDecoder(new CountingSink());
        _accountingDecoder = new PacketDecoder(new AccountingSinks().Sink);
        _circumventionDecoder = new PacketDecoder(CircumventionSinks.Create());
        _secondsSinks = new AccountingSinks();
        _secondsDecoder = new PacketDecoder(_secondsSinks.Sink);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _decoder.Dispose();
        _countingDecoder.Dispose();
        _accountingDecoder.Dispose();
        _circumventionDecoder.Dispose();
        _secondsDecoder.Dispose();
    }

    /// <summary>Everything: bulk TCP, TLS (with split ClientHellos), DNS, QUIC (with real Initials), ARP/ICMP/mDNS.</summary>
    [Benchmark(OperationsPerInvoke = SamplePackets.Count)]
    public void DecodeMix() => Run(_decoder, _mix);

    /// <summary>The same with a sink that reads addresses, lengths, SNI and DNS names.</summary>
    [Benchmark(OperationsPerInvoke = SamplePackets.Count)]
    public void DecodeMixCountingSink() => Run(_countingDecoder, _mix);

    /// <summary>The same through the service's sinks: flow table, per-address counters, site names, device discovery.</summary>
    [Benchmark(OperationsPerInvoke = SamplePackets.Count)]
    public void DecodeMixAccounting() => Run(_accountingDecoder, _mix);

    /// <summary>The accounting without QUIC client Initials (whose decryption allocates): must allocate nothing at all.</summary>
    [Benchmark]
    public void DecodeMixAccountingWithoutQuicInitials() => Run(_accountingDecoder, _withoutQuicInitials);

    /// <summary>The same with circumvention detection (UT1 doh/vpn/proxy lookups of every SNI, shapes, rate limit).</summary>
    [Benchmark(OperationsPerInvoke = SamplePackets.Count)]
    public void DecodeMixCircumvention() => Run(_circumventionDecoder, _mix);

    /// <summary>
    /// As <see cref="DecodeMixAccounting"/> with packets a millisecond apart, so each invocation opens four new seconds,
    /// then the flusher's work (without a writer): every sealed second taken, read and given back.
    /// </summary>
    [Benchmark(OperationsPerInvoke = SamplePackets.Count)]
    public void DecodeMixAccountingAcrossSeconds()
    {
        foreach (var packet in _mix)
        {
            _secondsDecoder.Decode(LinkType.Ethernet, _secondsClock += 1000, packet.Length, packet);
        }

        _secondsSinks.Flusher.Flush(null, sealOpen: true);
    }

    /// <summary>The mix without QUIC client Initials: the path every other packet takes.</summary>
    [Benchmark]
    public void DecodeMixWithoutQuicInitials() => Run(_decoder, _withoutQuicInitials);

    /// <summary>Only the QUIC client Initials of the mix (decryption + CRYPTO reassembly + ClientHello).</summary>
    [Benchmark]
    public void DecodeQuicInitials() => Run(_decoder, _quicInitials);

    private static void Run(PacketDecoder decoder, byte[][] packets)
    {
        foreach (var packet in packets)
        {
            decoder.Decode(LinkType.Ethernet, 1, packet.Length, packet);
        }
    }

    private static bool IsQuicInitial(byte[] p) =>
        p.Length >= 42 + 1200 && p[23] == 17 && BinaryPrimitives.ReadUInt16BigEndian(p.AsSpan(36)) == 443 && (p[42] & 0xC0) == 0xC0;
}

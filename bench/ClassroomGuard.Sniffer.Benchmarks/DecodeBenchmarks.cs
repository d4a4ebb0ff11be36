using BenchmarkDotNet.Attributes;
using ClassroomGuard.Sniffer.Capture;
using ClassroomGuard.Sniffer.Decoding;

namespace ClassroomGuard.Sniffer.Benchmarks;

/// <summary>
/// The decode path on a fixed realistic packet mix, with the memory diagnoser: Allocated must be 0 B. Each invocation
/// decodes every packet of the mix once (OperationsPerInvoke), so Mean is per packet.
/// </summary>
[MemoryDiagnoser]
public class DecodeBenchmarks
{
    private byte[][] _packets = [];
    private PacketDecoder _decoder = null!;

    [GlobalSetup]
    public void Setup()
    {
        _packets = SamplePackets.Mix();
        _decoder = new PacketDecoder(NullPacketSink.Instance);
    }

    [Benchmark(OperationsPerInvoke = SamplePackets.Count)]
    public void DecodeMix()
    {
        var decoder = _decoder;
        foreach (var packet in _packets)
        {
            decoder.Decode(LinkType.Ethernet, 1, packet.Length, packet);
        }
    }

    [Benchmark(OperationsPerInvoke = SamplePackets.Count)]
    public void DecodeMixCountingSink()
    {
        var decoder = _countingDecoder ??= new PacketDecoder(new CountingSink());
        foreach (var packet in _packets)
        {
            decoder.Decode(LinkType.Ethernet, 1, packet.Length, packet);
        }
    }

    private PacketDecoder? _countingDecoder;
}

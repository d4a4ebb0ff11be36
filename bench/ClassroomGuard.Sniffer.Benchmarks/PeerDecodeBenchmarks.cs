using BenchmarkDotNet.Attributes;
using ClassroomGuard.Sniffer.Capture;
using ClassroomGuard.Sniffer.Decoding;
using PacketDotNet;

namespace ClassroomGuard.Sniffer.Benchmarks;

/// <summary>
/// Why the hot path keeps our span decoders (issue #16): the same 4,096 packets of the generated mix decoded by ours
/// (a sink reading addresses, ports and lengths) and by PacketDotNet 1.4.8 (parse, then read the same fields), side by
/// side with the memory diagnoser. Mean and Allocated are per packet. PacketDotNet stays the tests' independent oracle.
/// </summary>
[MemoryDiagnoser]
public class PeerDecodeBenchmarks
{
    private byte[][] _mix = [];
    private PacketDecoder _ours = null!;
    private AddressSink _sink = null!;

    /// <summary>What both decoders read, summed so the work cannot be optimised away.</summary>
    public long Checksum { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        _mix = SamplePackets.Mix();
        _sink = new AddressSink();
        _ours = new PacketDecoder(_sink);
    }

    [GlobalCleanup]
    public void Cleanup() => _ours.Dispose();

    /// <summary>Ours: Ethernet, IP and transport headers read in place from the span.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = SamplePackets.Count)]
    public void OurDecoders()
    {
        foreach (var packet in _mix)
        {
            _ours.Decode(LinkType.Ethernet, 1, packet.Length, packet);
        }

        Checksum = _sink.Sum;
    }

    /// <summary>PacketDotNet: <c>Packet.ParsePacket</c> then the IP addresses, ports and lengths.</summary>
    [Benchmark(OperationsPerInvoke = SamplePackets.Count)]
    public void PacketDotNetDecoders()
    {
        long sum = 0;
        foreach (var bytes in _mix)
        {
            var packet = Packet.ParsePacket(LinkLayers.Ethernet, bytes);
            if (packet.Extract<IPPacket>() is { } ip)
            {
                sum += ip.SourceAddress.GetHashCode() ^ ip.DestinationAddress.GetHashCode();
                sum += ip.TotalLength;
                if (packet.Extract<TransportPacket>() is { } transport)
                {
                    sum += transport.SourcePort + transport.DestinationPort;
                }
            }
        }

        Checksum = sum;
    }

    private sealed class AddressSink : IPacketSink
    {
        public long Sum { get; private set; }

        public void OnPacket(in PacketSummary packet) =>
            Sum += (long)(packet.SourceIp.Low ^ packet.DestinationIp.Low) + packet.WireLength + packet.SourcePort + packet.DestinationPort;
    }
}

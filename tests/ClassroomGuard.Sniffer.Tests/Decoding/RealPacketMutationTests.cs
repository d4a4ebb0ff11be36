using ClassroomGuard.Sniffer.Capture;
using ClassroomGuard.Sniffer.Decoding;
using ClassroomGuard.Sniffer.Tests.Support;

namespace ClassroomGuard.Sniffer.Tests.Decoding;

/// <summary>Hostile input made from real packets: every truncated prefix and seeded random mutations of a real capture.</summary>
[Collection(LabCaptureCollection.Name)]
public sealed class RealPacketMutationTests(LabCaptureFixture lab)
{
    private List<byte[]> ReadPackets()
    {
        var packets = new List<byte[]>();
        using var capture = PacketCapture.OpenFile(lab.PcapPath);
        while (capture.ReadNext(out var packet) == CaptureReadResult.Packet)
        {
            packets.Add(packet.Data.ToArray());
        }

        return packets;
    }

    [Fact]
    public void Decode_SeededMutationsOfRealPackets_NeverThrowAndMalformedCounted()
    {
        var packets = ReadPackets();
        var random = new Random(4);
        var sink = new RecordingSink();
        var decoder = new PacketDecoder(sink, new DecoderOptions { MaxReassemblyFlows = 16 });
        foreach (var original in packets)
        {
            for (var round = 0; round < 300; round++)
            {
                var mutated = (byte[])original.Clone();
                var flips = random.Next(1, 9);
                for (var i = 0; i < flips; i++)
                {
                    // Bias towards the headers, where the lengths and offsets live.
                    var index = random.Next(2) == 0 ? random.Next(Math.Min(mutated.Length, 80)) : random.Next(mutated.Length);
                    mutated[index] = (byte)random.Next(256);
                }

                decoder.Decode(LinkType.Ethernet, round, mutated.Length, mutated);
            }
        }

        Assert.Equal(300L * packets.Count, decoder.Statistics.Packets);
        Assert.True(decoder.Statistics.Malformed > 0);
        Assert.Equal(decoder.Statistics.Malformed, sink.Malformed.Count);
    }

    [Fact]
    public void Decode_EveryPrefixOfEveryRealPacket_NeverThrows()
    {
        var decoder = new PacketDecoder(NullPacketSink.Instance);
        foreach (var packet in ReadPackets())
        {
            for (var length = 0; length < packet.Length; length++)
            {
                decoder.Decode(LinkType.Ethernet, 0, packet.Length, packet.AsSpan(0, length));
            }
        }

        Assert.True(decoder.Statistics.Truncated > 0);
    }
}

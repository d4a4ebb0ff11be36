using ClassroomGuard.Sniffer.Capture;

namespace ClassroomGuard.Sniffer.Benchmarks;

/// <summary>The first packets of the generated capture, held in memory for the micro-benchmark.</summary>
internal static class SamplePackets
{
    public const int Count = 4096;

    public static byte[][] Mix()
    {
        var path = Path.Combine(Path.GetTempPath(), $"cg-sniffer-sample-{Environment.ProcessId}.pcap");
        try
        {
            TrafficGenerator.Write(path, Count);
            var packets = new List<byte[]>(Count);
            using var capture = PacketCapture.OpenFile(path);
            while (packets.Count < Count && capture.ReadNext(out var packet) == CaptureReadResult.Packet)
            {
                packets.Add(packet.Data.ToArray());
            }

            return [.. packets];
        }
        finally
        {
            File.Delete(path);
        }
    }

}

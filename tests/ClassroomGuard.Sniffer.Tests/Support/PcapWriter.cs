using System.Buffers.Binary;

namespace ClassroomGuard.Sniffer.Tests.Support;

/// <summary>Writes a classic pcap file (little-endian, microseconds, Ethernet) of hand-built frames, for tshark to read.</summary>
internal static class PcapWriter
{
    /// <summary>Writes <paramref name="frames"/> one second apart.</summary>
    public static void Write(string path, IEnumerable<byte[]> frames) =>
        Write(path, frames.Select((frame, i) => ((1_763_800_000L + i) * 1_000_000, frame)));

    /// <summary>Writes each frame at its own capture time (µs since the Unix epoch).</summary>
    public static void Write(string path, IEnumerable<(long Micros, byte[] Frame)> frames)
    {
        using var stream = File.Create(path);
        Span<byte> header = stackalloc byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(header, 0xa1b2c3d4);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], 4);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], 262144);
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], 1);
        stream.Write(header);
        Span<byte> record = stackalloc byte[16];
        foreach (var (micros, frame) in frames)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)(micros / 1_000_000));
            BinaryPrimitives.WriteUInt32LittleEndian(record[4..], (uint)(micros % 1_000_000));
            BinaryPrimitives.WriteUInt32LittleEndian(record[8..], (uint)frame.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(record[12..], (uint)frame.Length);
            stream.Write(record);
            stream.Write(frame);
        }
    }
}

using System.Buffers.Binary;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using SharpPcap;
using SharpPcap.LibPcap;

namespace ClassroomGuard.Sniffer.Benchmarks;

/// <summary>
/// Why the capture reads with SharpPcap's <c>GetNextPacketPointers</c> and not its <c>GetNextPacket</c>: both read the same
/// 1,000-packet pcap file through <see cref="CaptureFileReaderDevice"/> (opened and closed in each invocation, so that
/// cost is spread over the 1,000 packets in both), with the memory diagnoser. <c>GetNextPacket</c>'s
/// <see cref="PacketCapture"/> is a ref struct, but its header is a <c>PcapHeader</c> object with a <c>PosixTimeval</c>
/// object inside, made for every packet.
/// </summary>
[MemoryDiagnoser]
public class SharpPcapReadBenchmarks
{
    private const int Packets = 1000;
    private string _path = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        _path = Path.Combine(Path.GetTempPath(), "cg-sharppcap-read-" + Guid.NewGuid().ToString("N") + ".pcap");
        using var file = File.Create(_path);
        Span<byte> header = stackalloc byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(header, 0xa1b2c3d4);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], 4);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], 65535);
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], 1);
        file.Write(header);
        Span<byte> record = stackalloc byte[16 + 60];
        for (var i = 0; i < Packets; i++)
        {
            record.Clear();
            BinaryPrimitives.WriteUInt32LittleEndian(record, 1_765_000_000u + (uint)i);
            BinaryPrimitives.WriteUInt32LittleEndian(record[8..], 60);
            BinaryPrimitives.WriteUInt32LittleEndian(record[12..], 60);
            record[16 + 12] = 0x08; // EtherType IPv4 (the bytes after it are zero: a malformed packet, which is fine here)
            file.Write(record);
        }
    }

    [GlobalCleanup]
    public void Cleanup() => File.Delete(_path);

    /// <summary>SharpPcap's ordinary one-packet read: a <see cref="PacketCapture"/> with a header object per packet.</summary>
    [Benchmark(OperationsPerInvoke = Packets)]
    public long GetNextPacket()
    {
        using var device = new CaptureFileReaderDevice(_path);
        device.Open();
        long bytes = 0;
        while (device.GetNextPacket(out var packet) == GetPacketStatus.PacketRead)
        {
            bytes += packet.Data.Length;
        }

        return bytes;
    }

    /// <summary>What the sniffer uses: libpcap's own header and data pointers.</summary>
    [Benchmark(OperationsPerInvoke = Packets, Baseline = true)]
    public long GetNextPacketPointers()
    {
        using var device = new CaptureFileReaderDevice(_path);
        device.Open();
        long bytes = 0;
        nint header = 0;
        nint data = 0;
        while (device.GetNextPacketPointers(ref header, ref data) == 1)
        {
            bytes += Marshal.ReadInt32(header, 16); // caplen, after the 16-byte timeval of 64-bit Linux
        }

        return bytes;
    }
}

using ClassroomGuard.Sniffer.Capture;
using ClassroomGuard.Sniffer.Decoding;
using ClassroomGuard.Sniffer.Tests.Support;

namespace ClassroomGuard.Sniffer.Tests.Capture;

/// <summary>
/// Damaged pcapng files through SharpPcap's file reader (the path for every file that is not classic pcap): each ends
/// the read with a <see cref="PcapException"/> naming the file, or at its end, after the packets that were whole — never
/// a crash, a hang or a packet longer than its block.
/// </summary>
[Collection(LabCaptureCollection.Name)]
public sealed class PcapngHostileFileTests(LabCaptureFixture lab) : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "cg-hostile-" + Guid.NewGuid().ToString("N") + ".pcapng");

    public void Dispose() => File.Delete(_path);

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.9)]
    public async Task ReadNext_TruncatedPcapng_WholePacketsThenErrorNamingFile(double keep)
    {
        var whole = await Pcapng();
        File.WriteAllBytes(_path, whole[..((int)(whole.Length * keep) - 3)]);

        using var capture = PacketCapture.OpenFile(_path);
        var (count, failure) = ReadAll(capture);

        Assert.InRange(count, 1, lab.OurStatistics.Packets - 1);
        var ex = Assert.IsType<PcapException>(failure);
        Assert.Contains(_path, ex.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ReadNext_BlockLengthCorrupted_StopsWithErrorNotCrash()
    {
        var bytes = await Pcapng();

        // The first Enhanced Packet Block (type 6): its total length set far beyond the file.
        var block = FindBlock(bytes, 6);
        BitConverter.GetBytes(0x7FFFFFF0u).CopyTo(bytes, block + 4);
        File.WriteAllBytes(_path, bytes);

        using var capture = PacketCapture.OpenFile(_path);
        var (count, failure) = ReadAll(capture);

        Assert.Equal(0, count);
        Assert.IsType<PcapException>(failure);
        Assert.Contains(_path, failure!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OpenFile_PcapngHeaderThenGarbage_RefusedNamingFile()
    {
        // A Section Header Block type with a byte-order magic that is neither order.
        File.WriteAllBytes(_path, [0x0A, 0x0D, 0x0D, 0x0A, 28, 0, 0, 0, 0xDE, 0xAD, 0xBE, 0xEF, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 28, 0, 0, 0]);
        var ex = Assert.Throws<PcapException>(() => PacketCapture.OpenFile(_path));
        Assert.Equal(PcapErrorKind.BadFile, ex.Kind);
        Assert.Contains(_path, ex.Message, StringComparison.Ordinal);
    }

    private static (int Count, Exception? Failure) ReadAll(PacketCapture capture)
    {
        var decoder = new PacketDecoder(NullPacketSink.Instance);
        var count = 0;
        try
        {
            while (capture.ReadNext(out var packet) == CaptureReadResult.Packet)
            {
                Assert.True(packet.Data.Length <= packet.OriginalLength && packet.Data.Length <= 262_144);
                decoder.Decode(capture.LinkType, packet);
                count++;
            }

            return (count, null);
        }
        catch (PcapException ex)
        {
            return (count, ex);
        }
    }

    private async Task<byte[]> Pcapng()
    {
        await Tool.CheckAsync("editcap", "-F", "pcapng", lab.PcapPath, _path);
        return File.ReadAllBytes(_path);
    }

    private static int FindBlock(byte[] bytes, uint type)
    {
        var offset = 0;
        while (offset + 8 <= bytes.Length)
        {
            if (BitConverter.ToUInt32(bytes, offset) == type)
            {
                return offset;
            }

            offset += (int)BitConverter.ToUInt32(bytes, offset + 4);
        }

        throw new InvalidOperationException("no block of type " + type);
    }
}

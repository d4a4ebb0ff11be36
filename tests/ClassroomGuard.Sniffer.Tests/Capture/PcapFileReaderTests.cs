using System.Buffers.Binary;
using ClassroomGuard.Sniffer.Capture;
using ClassroomGuard.Sniffer.Decoding;
using ClassroomGuard.Sniffer.Tests.Support;

namespace ClassroomGuard.Sniffer.Tests.Capture;

/// <summary>The memory-mapped pcap reader against libpcap on the same tcpdump file, and on hand-made hostile files.</summary>
[Collection(LabCaptureCollection.Name)]
public sealed class PcapFileReaderTests(LabCaptureFixture lab)
{
    private static List<(long Micros, int Length, byte[] Data)> ReadAll(IPacketSource source)
    {
        var packets = new List<(long, int, byte[])>();
        while (source.ReadNext(out var packet) == CaptureReadResult.Packet)
        {
            packets.Add((packet.TimestampMicroseconds, packet.OriginalLength, packet.Data.ToArray()));
        }

        return packets;
    }

    [Fact]
    public void ReadNext_TcpdumpFile_SamePacketsAsLibpcap()
    {
        using var mapped = PcapFileReader.Open(lab.PcapPath);
        using var libpcap = PacketCapture.OpenFile(lab.PcapPath);
        Assert.Equal(libpcap.LinkType, mapped.LinkType);
        Assert.Equal(libpcap.SnapLength, mapped.SnapLength);
        var ours = ReadAll(mapped);
        var theirs = ReadAll(libpcap);
        Assert.Equal(theirs.Count, ours.Count);
        for (var i = 0; i < ours.Count; i++)
        {
            Assert.Equal(theirs[i].Micros, ours[i].Micros);
            Assert.Equal(theirs[i].Length, ours[i].Length);
            Assert.Equal(theirs[i].Data, ours[i].Data);
        }

        Assert.Equal(CaptureReadResult.EndOfFile, mapped.ReadNext(out _));
        Assert.Equal(0, mapped.TruncatedRecords);
    }

    [Fact]
    public void SetFilter_Bpf_SameCountAsLibpcap()
    {
        using var mapped = PcapFileReader.Open(lab.PcapPath);
        using var libpcap = PacketCapture.OpenFile(lab.PcapPath);
        mapped.SetFilter("tcp port 443 and tcp[tcpflags] & tcp-syn != 0");
        libpcap.SetFilter("tcp port 443 and tcp[tcpflags] & tcp-syn != 0");
        var count = ReadAll(mapped).Count;
        Assert.Equal(ReadAll(libpcap).Count, count);
        Assert.Equal(2 * LabCaptureFixture.SniNames.Length, count);
    }

    [Fact]
    public void SetFilter_BadExpression_MessageQuotesFilter()
    {
        using var mapped = PcapFileReader.Open(lab.PcapPath);
        var ex = Assert.Throws<PcapException>(() => mapped.SetFilter("tcp port"));
        Assert.Equal(PcapErrorKind.BadFilter, ex.Kind);
        Assert.Contains("'tcp port'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenFile_ClassicPcapMapped_PcapngThroughLibpcap()
    {
        using (var source = PacketSources.OpenFile(lab.PcapPath))
        {
            Assert.IsType<PcapFileReader>(source);
        }

        var pcapng = Path.Combine(lab.Directory, "sources.pcapng");
        await Tool.CheckAsync("editcap", "-F", "pcapng", lab.PcapPath, pcapng);
        using (var source = PacketSources.OpenFile(pcapng))
        {
            Assert.IsType<PacketCapture>(source);
        }
    }
}

public sealed class PcapFileReaderHostileFileTests : IDisposable
{
    private readonly string _path = Path.GetTempFileName();

    public void Dispose() => File.Delete(_path);

    private static byte[] PcapBytes(bool bigEndian, bool nanoseconds, params byte[][] packets)
    {
        var bytes = new List<byte>();
        void U32(uint v)
        {
            var b = new byte[4];
            if (bigEndian)
            {
                BinaryPrimitives.WriteUInt32BigEndian(b, v);
            }
            else
            {
                BinaryPrimitives.WriteUInt32LittleEndian(b, v);
            }

            bytes.AddRange(b);
        }

        U32(nanoseconds ? 0xa1b23c4du : 0xa1b2c3d4u);
        bytes.AddRange(bigEndian ? [0, 2, 0, 4] : [2, 0, 4, 0]); // version 2.4
        U32(0);
        U32(0);
        U32(65535);
        U32(1);
        foreach (var packet in packets)
        {
            U32(1_763_800_000);
            U32(nanoseconds ? 123_456_789u : 123_456u);
            U32((uint)packet.Length);
            U32((uint)packet.Length + 10);
            bytes.AddRange(packet);
        }

        return [.. bytes];
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void ReadNext_EitherByteOrderAndPrecision_ReadsPackets(bool bigEndian, bool nanoseconds)
    {
        var frame = Packets.EthernetIPv4Udp(51000, 53, Packets.DnsQuery("order.example"));
        File.WriteAllBytes(_path, PcapBytes(bigEndian, nanoseconds, frame, frame));
        using var reader = PcapFileReader.Open(_path);
        Assert.Equal(LinkType.Ethernet, reader.LinkType);
        Assert.Equal(65535, reader.SnapLength);
        Assert.Equal(CaptureReadResult.Packet, reader.ReadNext(out var packet));
        Assert.Equal((1_763_800_000L * 1_000_000) + 123_456, packet.TimestampMicroseconds);
        Assert.Equal(frame.Length + 10, packet.OriginalLength);
        Assert.Equal(frame, packet.Data.ToArray());
        Assert.Equal(CaptureReadResult.Packet, reader.ReadNext(out _));
        Assert.Equal(CaptureReadResult.EndOfFile, reader.ReadNext(out _));
    }

    [Fact]
    public void ReadNext_EveryTruncatedPrefixOfAFile_CompleteRecordsThenEndNoException()
    {
        var frame = Packets.EthernetIPv4Tcp(51000, 443, Packets.ClientHelloRecord("prefix.example"));
        var whole = PcapBytes(false, false, frame, frame, frame);
        var sink = new RecordingSink();
        for (var length = 24; length <= whole.Length; length++)
        {
            File.WriteAllBytes(_path, whole[..length]);
            using var reader = PcapFileReader.Open(_path);
            var count = new PacketDecoder(sink).DecodeAll(reader, CancellationToken.None);
            var complete = (length - 24) / (16 + frame.Length);
            Assert.Equal(complete, count);
            Assert.Equal((length - 24) % (16 + frame.Length) == 0 ? 0 : 1, reader.TruncatedRecords);
        }
    }

    [Fact]
    public void ReadNext_ImpossibleRecordLength_EndsFileCounted()
    {
        var bytes = PcapBytes(false, false, [1, 2, 3]);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(24 + 8), 0x7FFFFFF0);
        File.WriteAllBytes(_path, bytes);
        using var reader = PcapFileReader.Open(_path);
        Assert.Equal(CaptureReadResult.EndOfFile, reader.ReadNext(out _));
        Assert.Equal(1, reader.TruncatedRecords);
    }

    [Fact]
    public void Open_NotPcap_MessageNamesFile()
    {
        File.WriteAllText(_path, "definitely not a capture file");
        Assert.False(PcapFileReader.IsClassicPcap(_path));
        var ex = Assert.Throws<PcapException>(() => PcapFileReader.Open(_path));
        Assert.Contains(_path, ex.Message, StringComparison.Ordinal);
        Assert.Equal(PcapErrorKind.BadFile, ex.Kind);
    }

    [Fact]
    public void Open_Missing_MessageNamesFile()
    {
        var ex = Assert.Throws<PcapException>(() => PcapFileReader.Open("/nonexistent/x.pcap"));
        Assert.Contains("'/nonexistent/x.pcap'", ex.Message, StringComparison.Ordinal);
    }
}

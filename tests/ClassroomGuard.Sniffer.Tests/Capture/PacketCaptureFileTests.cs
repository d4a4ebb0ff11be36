using ClassroomGuard.Sniffer.Capture;
using ClassroomGuard.Sniffer.Decoding;
using ClassroomGuard.Sniffer.Tests.Support;

namespace ClassroomGuard.Sniffer.Tests.Capture;

/// <summary>Reading capture files written by tcpdump (pcap) and editcap (pcapng) through SharpPcap (libpcap).</summary>
[Collection(LabCaptureCollection.Name)]
public sealed class PacketCaptureFileTests(LabCaptureFixture lab)
{
    [Fact]
    public async Task OpenFile_TcpdumpPcap_ReadsEveryPacketWithLengthsAndTimes()
    {
        var tshark = await lab.TsharkAsync("frame", "frame.len", "frame.cap_len", "frame.time_epoch");
        using var capture = PacketCapture.OpenFile(lab.PcapPath);
        Assert.Equal(LinkType.Ethernet, capture.LinkType);
        Assert.True(capture.IsFile);

        var ours = new List<(int Length, int Captured, long Micros)>();
        while (capture.ReadNext(out var packet) == CaptureReadResult.Packet)
        {
            ours.Add((packet.OriginalLength, packet.Data.Length, packet.TimestampMicroseconds));
        }

        Assert.Equal(CaptureReadResult.EndOfFile, capture.ReadNext(out _));
        Assert.Equal(tshark.Count, ours.Count);
        for (var i = 0; i < ours.Count; i++)
        {
            Assert.Equal(int.Parse(tshark[i][0]), ours[i].Length);
            Assert.Equal(int.Parse(tshark[i][1]), ours[i].Captured);
            Assert.Equal(long.Parse(tshark[i][2].Replace(".", string.Empty)[..16]), ours[i].Micros);
        }

        Assert.Equal(default, capture.GetStatistics());
    }

    [Fact]
    public async Task OpenFile_Pcapng_SameFactsAsPcap()
    {
        var pcapng = Path.Combine(lab.Directory, "lab.pcapng");
        await Tool.CheckAsync("editcap", "-F", "pcapng", lab.PcapPath, pcapng);
        var sink = new RecordingSink();
        using var capture = PacketCapture.OpenFile(pcapng);
        var count = new PacketDecoder(sink).DecodeAll(capture, CancellationToken.None);

        Assert.Equal(lab.OurStatistics.Packets, count);
        Assert.Equal(lab.Ours.ClientHellos, sink.ClientHellos);
        Assert.Equal(lab.Ours.Dns, sink.Dns);
    }

    [Fact]
    public async Task SetFilter_Bpf_OnlyMatchingPacketsAsTcpdumpCounts()
    {
        var tcpdump = await Tool.CheckAsync("tcpdump", "-r", lab.PcapPath, "-n", "udp port 53 or udp port 67");
        using var capture = PacketCapture.OpenFile(lab.PcapPath);
        capture.SetFilter("udp port 53 or udp port 67");
        var count = new PacketDecoder(NullPacketSink.Instance).DecodeAll(capture, CancellationToken.None);
        Assert.Equal(tcpdump.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length, count);
        Assert.True(count >= 6);
    }

    [Fact]
    public void SetFilter_BadExpression_MessageQuotesFilter()
    {
        using var capture = PacketCapture.OpenFile(lab.PcapPath);
        var ex = Assert.Throws<PcapException>(() => capture.SetFilter("port nonsense-port"));
        Assert.Equal(PcapErrorKind.BadFilter, ex.Kind);
        Assert.Contains("'port nonsense-port'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("does not compile", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DecodeAll_CancelledToken_StopsAtOnce()
    {
        using var capture = PacketCapture.OpenFile(lab.PcapPath);
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();
        Assert.Equal(0, new PacketDecoder(NullPacketSink.Instance).DecodeAll(capture, cancellation.Token));
        Assert.Equal(CaptureReadResult.Stopped, capture.ReadNext(out _));
    }
}

public sealed class PacketCaptureErrorTests
{
    [Fact]
    public void OpenFile_Missing_MessageNamesFile()
    {
        var ex = Assert.Throws<PcapException>(() => PacketCapture.OpenFile("/nonexistent/school.pcap"));
        Assert.Equal(PcapErrorKind.BadFile, ex.Kind);
        Assert.Contains("'/nonexistent/school.pcap'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("No such file", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OpenFile_NotACapture_MessageNamesFileAndFormat()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "this is not a capture file, it is a note about one");
            var ex = Assert.Throws<PcapException>(() => PacketCapture.OpenFile(path));
            Assert.Contains(path, ex.Message, StringComparison.Ordinal);
            Assert.Contains("format", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void OpenLive_MissingInterface_MessageNamesInterface()
    {
        var ex = Assert.Throws<PcapException>(() => PacketCapture.OpenLive(new LiveCaptureSettings { Interface = "cgnosuch0" }));
        Assert.Equal(PcapErrorKind.NoSuchInterface, ex.Kind);
        Assert.Contains("'cgnosuch0'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LibraryVersion_Debian_Is110()
    {
        Assert.StartsWith("libpcap version 1.10", PacketCapture.LibraryVersion, StringComparison.Ordinal);
    }
}

using ClassroomGuard.Sniffer.Capture;
using ClassroomGuard.Sniffer.Decoding;
using ClassroomGuard.Sniffer.Tests.Support;

namespace ClassroomGuard.Sniffer.Tests.Capture;

/// <summary>Live capture through SharpPcap on a veth inside a test namespace, while ping runs between two namespaces.</summary>
public sealed class LiveCaptureTests
{
    [Fact]
    public async Task OpenLive_VethWithTraffic_ReadsPacketsStatisticsAndStopsOnBreakLoop()
    {
        await using var lab = await NetworkLab.CreateAsync();
        using var capture = NetworkLab.RunInNamespace(lab.ClientNamespace, () => PacketCapture.OpenLive(new LiveCaptureSettings
        {
            Interface = lab.ClientInterface,
            SnapLength = 65535,
            BufferSize = 4 * 1024 * 1024,
            ImmediateMode = true,
            ReadTimeout = TimeSpan.FromMilliseconds(50),
        }));
        capture.SetFilter("icmp");
        Assert.Equal(LinkType.Ethernet, capture.LinkType);
        Assert.False(capture.IsFile);

        var sink = new RecordingSink { RecordPackets = true };
        var decoder = new PacketDecoder(sink);
        var reading = Task.Factory.StartNew(() => decoder.DecodeAll(capture, CancellationToken.None), TaskCreationOptions.LongRunning);

        var ping = await lab.InClientAsync("ping", "-c", "5", "-i", "0.2", "-W", "2", lab.ServerIp);
        Assert.True(ping.ExitCode == 0, ping.Output + ping.Error);

        // Wait (bounded) until the capture has handed over all ten echo packets, then stop it from this thread.
        for (var i = 0; i < 200 && decoder.Statistics.Packets < 10; i++)
        {
            await Task.Delay(50);
        }

        var statistics = capture.GetStatistics();
        capture.BreakLoop();
        var count = await reading.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(10, count);
        Assert.Equal(5, sink.Packets.Count(p => p.StartsWith(lab.ClientIp + ":0>" + lab.ServerIp, StringComparison.Ordinal)));
        Assert.Equal(5, sink.Packets.Count(p => p.StartsWith(lab.ServerIp + ":0>" + lab.ClientIp, StringComparison.Ordinal)));
        Assert.True(statistics.Received >= 10, $"pcap_stats received {statistics.Received}");
        Assert.Equal(0UL, statistics.Dropped);
        Assert.Equal(CaptureReadResult.Stopped, capture.ReadNext(out _));
    }

    [Fact]
    public async Task OpenLive_AnyInterface_CookedHeadersDecoded()
    {
        await using var lab = await NetworkLab.CreateAsync();
        using var capture = NetworkLab.RunInNamespace(lab.ClientNamespace, () => PacketCapture.OpenLive(new LiveCaptureSettings
        {
            Interface = "any",
            ImmediateMode = true,
            BufferSize = 4 * 1024 * 1024,
            ReadTimeout = TimeSpan.FromMilliseconds(50),
        }));
        capture.SetFilter("icmp");
        Assert.True(capture.LinkType is LinkType.LinuxSll or LinkType.LinuxSll2, capture.LinkType.ToString());

        var sink = new RecordingSink { RecordPackets = true };
        var decoder = new PacketDecoder(sink);
        var reading = Task.Factory.StartNew(() => decoder.DecodeAll(capture, CancellationToken.None), TaskCreationOptions.LongRunning);
        var ping = await lab.InClientAsync("ping", "-c", "3", "-i", "0.2", "-W", "2", lab.ServerIp);
        Assert.True(ping.ExitCode == 0, ping.Output + ping.Error);
        for (var i = 0; i < 200 && decoder.Statistics.Packets < 6; i++)
        {
            await Task.Delay(50);
        }

        capture.BreakLoop();
        await reading.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(3, sink.Packets.Count(p => p.StartsWith(lab.ClientIp + ":0>" + lab.ServerIp, StringComparison.Ordinal)));
        Assert.Equal(3, sink.Packets.Count(p => p.StartsWith(lab.ServerIp + ":0>" + lab.ClientIp, StringComparison.Ordinal)));
        Assert.Equal(0, decoder.Statistics.Malformed);
    }

    [Fact]
    public async Task BreakLoop_IdleLiveCapture_UnblocksReader()
    {
        await using var lab = await NetworkLab.CreateAsync();
        using var capture = NetworkLab.RunInNamespace(lab.ClientNamespace, () => PacketCapture.OpenLive(new LiveCaptureSettings
        {
            Interface = lab.ClientInterface,
            ReadTimeout = TimeSpan.FromSeconds(10),
        }));

        // A filter nothing matches: the reader sits in libpcap's poll until pcap_breakloop wakes it.
        capture.SetFilter("udp port 9");
        using var cancellation = new CancellationTokenSource();
        var reading = Task.Factory.StartNew(() => new PacketDecoder(NullPacketSink.Instance).DecodeAll(capture, cancellation.Token), TaskCreationOptions.LongRunning);
        await Task.Delay(300);
        Assert.False(reading.IsCompleted);

        await cancellation.CancelAsync();
        Assert.Equal(0, await reading.WaitAsync(TimeSpan.FromSeconds(30)));
    }
}

using ClassroomGuard.Sniffer.Capture;
using ClassroomGuard.Sniffer.Hosting;
using ClassroomGuard.Sniffer.Tests.Support;
using DeviceConfiguration = SharpPcap.DeviceConfiguration;
using SharpPcap.LibPcap;

namespace ClassroomGuard.Sniffer.Tests.Capture;

/// <summary>
/// Kernel drops, made for real: a live capture with the smallest ring nobody reads while a ping flood crosses the veth.
/// SharpPcap 6.3.1's own statistics read <c>struct pcap_stat</c> with 64-bit fields and report ps_ifdrop as the drops on
/// 64-bit Linux (0 here), so this is the test that keeps our <c>pcap_stats</c> call honest.
/// </summary>
public sealed class CaptureDropTests
{
    [Fact]
    public async Task GetStatistics_RingOverflows_ReportsKernelDropsToServiceHealth()
    {
        await using var lab = await NetworkLab.CreateAsync();
        using var capture = NetworkLab.RunInNamespace(lab.ClientNamespace, () => PacketCapture.OpenLive(new LiveCaptureSettings
        {
            Interface = lab.ClientInterface,
            SnapLength = 65535,
            BufferSize = 1024 * 1024,
            ReadTimeout = TimeSpan.FromMilliseconds(50),
        }));
        capture.SetFilter("icmp");

        // SharpPcap's own counters on a second capture beside ours, with the same ring, filter and (lack of) reader.
        using var sharpPcap = NetworkLab.RunInNamespace(lab.ClientNamespace, () =>
        {
            var device = new LibPcapLiveDevice(PcapInterface.GetAllPcapInterfaces().Single(i => i.Name == lab.ClientInterface));
            device.Open(new DeviceConfiguration { Snaplen = 65535, BufferSize = 1024 * 1024, ReadTimeout = 50 });
            device.Filter = "icmp";
            return device;
        });

        // 20,000 echo requests and their replies of ~1,400 bytes each: ~56 MB through a 1 MiB ring nobody reads.
        var ping = await Tool.RunAsync("ip", ["netns", "exec", lab.ServerNamespace, "ping", "-f", "-q", "-c", "20000", "-s", "1372", "-W", "1", lab.ClientIp], timeout: TimeSpan.FromSeconds(60));
        Assert.True(ping.ExitCode == 0, ping.Output + ping.Error);

        var statistics = capture.GetStatistics();
        Assert.True(statistics.Dropped > 1000, $"pcap_stats: received {statistics.Received}, dropped {statistics.Dropped}, interface dropped {statistics.InterfaceDropped}");
        Assert.True(statistics.Received >= statistics.Dropped, $"received {statistics.Received} < dropped {statistics.Dropped}");
        Assert.Equal(0UL, statistics.InterfaceDropped); // a veth drops nothing itself

        // When this fails, SharpPcap reads pcap_stat right: use its Statistics and drop LibPcapGaps.Stats.
        var theirs = sharpPcap.Statistics;
        Assert.True(theirs.ReceivedPackets > 1000, theirs.ToString());
        Assert.Equal(0u, theirs.DroppedPackets);

        var health = new SnifferHealthSource();
        health.Attach(capture);
        var totals = new Dictionary<string, long>();
        health.ReadTotals(totals);
        Assert.True(totals["dropped"] >= (long)statistics.Dropped, $"service health dropped {totals["dropped"]}");
        Assert.True(totals["packets"] >= (long)statistics.Received);
        Assert.Equal(0, totals["if_dropped"]);

        // The ring still hands over what it kept: the capture is usable after an overflow.
        Assert.Equal(CaptureReadResult.Packet, capture.ReadNext(out var packet));
        Assert.True(packet.Data.Length > 1400);
    }
}

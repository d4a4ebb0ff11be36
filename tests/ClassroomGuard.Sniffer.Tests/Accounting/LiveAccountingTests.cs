using System.Globalization;
using ClassroomGuard.Sniffer.Accounting;
using ClassroomGuard.Sniffer.Capture;
using ClassroomGuard.Sniffer.Decoding;
using ClassroomGuard.Sniffer.Hosting;
using ClassroomGuard.Sniffer.Tests.Support;
using ClassroomGuard.Storage.Tests.TimeSeries.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Sniffer.Tests.Accounting;

/// <summary>
/// The live test: our capture, decoder, accounting and discovery on a veth while curl fetches a file over TLS
/// (a chosen SNI) from openssl s_server in another namespace; the accounting service flushes every second into the real
/// influxd and writes the device into a real SQLite state. tcpdump captures the same veth with the same filter, and tshark
/// reads its file: the oracle for the packets and bytes the device's points must add up to.
/// </summary>
[Collection(InfluxdCollection.Name)]
public sealed class LiveAccountingTests(InfluxdFixture influxd)
{
    private const string ServerName = "live.example.test";
    private const int FileBytes = 300_000;

    [Fact]
    public async Task LiveCapture_TlsDownload_DeviceInStateAndNetActivityMatchesTcpdump()
    {
        using var directory = new TempFolder();
        await using var lab = await NetworkLab.CreateAsync();
        using var state = new TempState();
        await using var influx = await InfluxRig.StartAsync(influxd, "live");
        var dir = directory.Path;
        await Tool.CheckAsync("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", Path.Combine(dir, "key.pem"), "-out", Path.Combine(dir, "cert.pem"), "-days", "1", "-subj", "/CN=" + ServerName);
        await File.WriteAllBytesAsync(Path.Combine(dir, "file.bin"), new byte[FileBytes]);
        var clientMac = (await Tool.CheckAsync("ip", "netns", "exec", lab.ClientNamespace, "cat", $"/sys/class/net/{lab.ClientInterface}/address")).Trim();

        // Our side: capture in the client's namespace (IPv4 only, as tcpdump below), decode on a thread of its own.
        var options = Options.Create(new AccountingOptions());
        var accountant = new TrafficAccountant(options);
        var discovery = new DeviceDiscovery(options);
        var map = new DeviceMap();
        var discoveryWriter = new DiscoveryWriter(discovery, map);
        using var services = new ServiceCollection().AddSingleton(influx.Writer).AddSingleton(state.Store).BuildServiceProvider();
        var service = new AccountingService(accountant, new NetActivityFlusher(accountant, map), discovery, discoveryWriter, services,
            Options.Create(new SnifferOptions { Interface = lab.ClientInterface }), TimeProvider.System, NullLogger<AccountingService>.Instance);
        using var capture = NetworkLab.RunInNamespace(lab.ClientNamespace, () => PacketCapture.OpenLive(new LiveCaptureSettings
        {
            Interface = lab.ClientInterface,
            ImmediateMode = true,
            BufferSize = 8 * 1024 * 1024,
            ReadTimeout = TimeSpan.FromMilliseconds(50),
        }));
        capture.SetFilter("ip");
        using var decoder = new PacketDecoder(new CompositePacketSink([accountant, discovery]));
        await service.StartAsync(CancellationToken.None);
        var reading = Task.Factory.StartNew(() => decoder.DecodeAll(capture, CancellationToken.None), TaskCreationOptions.LongRunning);

        var pcap = Path.Combine(dir, "oracle.pcap");
        await using (var tcpdump = NetworkLab.StartIn(lab.ClientNamespace, "tcpdump", "-i", lab.ClientInterface, "-w", pcap, "-U", "-s", "0", "--immediate-mode", "-Z", "root", "ip"))
        {
            await tcpdump.WaitForAsync("listening on", TimeSpan.FromSeconds(10));
            // A few pings first, and wait until discovery has written the device and the map knows its address, so
            // the download's seconds are tagged with the device (seconds before that are tagged with the address).
            var ping = await lab.InClientAsync("ping", "-c", "2", "-i", "0.2", "-W", "2", lab.ServerIp);
            Assert.True(ping.ExitCode == 0, ping.Output + ping.Error);
            var clientAddress = NetAddress.FromIPAddress(System.Net.IPAddress.Parse(lab.ClientIp));
            for (var i = 0; i < 100 && !map.TryGet(clientAddress, out _); i++)
            {
                await Task.Delay(100);
            }

            Assert.True(map.TryGet(clientAddress, out _), "discovery wrote the device within 10 s");
            await using (var server = NetworkLab.StartIn(lab.ServerNamespace, "sh", "-c",
                $"cd '{dir}' && exec openssl s_server -accept {lab.ServerIp}:443 -cert cert.pem -key key.pem -WWW -quiet"))
            {
                var curl = await lab.InClientAsync("curl", "-sk", "--max-time", "15", "--retry", "10", "--retry-connrefused", "--retry-delay", "1",
                    "-o", "/dev/null", "-w", "%{size_download}", "--resolve", $"{ServerName}:443:{lab.ServerIp}", $"https://{ServerName}/file.bin");
                Assert.True(curl.ExitCode == 0, curl.Error + curl.Output);
                Assert.Equal(FileBytes.ToString(CultureInfo.InvariantCulture), curl.Output.Trim());
                await Task.Delay(500); // the last FIN/ACKs
            }

            await Task.Delay(300);
            await tcpdump.InterruptAsync();
        }

        // The oracle: every frame tcpdump saw, from tshark.
        var frames = (await Tool.CheckAsync("tshark", "-r", pcap, "-T", "fields", "-E", "separator=/t", "-e", "frame.len", "-e", "ip.src", "-e", "ip.dst", "-e", "tcp.stream", "-e", "frame.time_epoch"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split('\t')).ToList();
        var sent = frames.Where(f => f[1] == lab.ClientIp).ToList();
        var received = frames.Where(f => f[2] == lab.ClientIp).ToList();
        var icmp = (await Tool.CheckAsync("tshark", "-r", pcap, "-Y", "icmp", "-T", "fields", "-e", "frame.number")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        var streams = frames.Where(f => f[3].Length > 0).Select(f => f[3]).Distinct().Count() + (icmp > 0 ? 1 : 0); // the pings: one ICMP flow

        for (var i = 0; i < 200 && decoder.Statistics.Packets < frames.Count; i++)
        {
            await Task.Delay(50);
        }

        capture.BreakLoop();
        await reading.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(frames.Count, decoder.Statistics.Packets); // the same packets on the same veth
        Assert.Equal(0UL, capture.GetStatistics().Dropped);
        await service.StopAsync(CancellationToken.None); // the last flush and the last batch of sightings

        // The device is in the state with its MAC and address.
        var device = await state.Store.Devices.FindByMacAsync(clientMac, CancellationToken.None);
        Assert.NotNull(device);
        Assert.Contains(lab.ClientIp, device.Ips);
        Assert.Equal(Storage.State.DeviceSource.Sniffer, device.Source);

        // Its points (tagged by address for any second before the state knew it) add up to what tcpdump saw.
        var deviceTag = device.Id.ToString(CultureInfo.InvariantCulture);
        var points = (await influx.NetActivityAsync())
            .Where(p => (string?)p["device"] == deviceTag || (string?)p["client"] == lab.ClientIp).ToList();
        Assert.NotEmpty(points);
        Assert.Contains(points, p => (string?)p["device"] == deviceTag);
        Assert.Equal(sent.Count, points.Sum(p => (long)p["packets_out"]!));
        Assert.Equal(received.Count, points.Sum(p => (long)p["packets_in"]!));
        Assert.Equal(sent.Sum(f => long.Parse(f[0], CultureInfo.InvariantCulture)), points.Sum(p => (long)p["bytes_out"]!));
        Assert.Equal(received.Sum(f => long.Parse(f[0], CultureInfo.InvariantCulture)), points.Sum(p => (long)p["bytes_in"]!));
        Assert.Equal(streams, points.Sum(p => (long)p["flows_new"]!));
        Assert.True(points.Sum(p => (long)p["bytes_in"]!) > FileBytes);

        // Each point holds the whole clock second it is stamped with: per second, the bytes the client sent are
        // tcpdump's for that second (the kernel stamps each frame once for both captures), give or take frames within
        // 10 ms of the second's edges (the oracle sits on the same link, not the same socket).
        var frameTimes = sent.Select(f => (Bytes: long.Parse(f[0], CultureInfo.InvariantCulture), At: decimal.Parse(f[4], CultureInfo.InvariantCulture))).ToList();
        foreach (var second in points.GroupBy(p => (DateTimeOffset)p["time"]!))
        {
            Assert.Equal(0, second.Key.UtcTicks % TimeSpan.TicksPerSecond);
            var start = (decimal)second.Key.ToUnixTimeSeconds();
            var ours = second.Sum(p => (long)p["bytes_out"]!);
            var oracle = frameTimes.Where(f => f.At >= start && f.At < start + 1).Sum(f => f.Bytes);
            var edges = frameTimes.Where(f => Math.Abs(f.At - start) < 0.01m || Math.Abs(f.At - (start + 1)) < 0.01m).Sum(f => f.Bytes);
            Assert.True(Math.Abs(ours - oracle) <= edges, $"second {second.Key:O}: ours {ours} bytes out, tcpdump {oracle} (±{edges} at the edges)");
        }

        // The SNI names the download: in the top sites with at least the file's bytes over the seconds it took.
        var siteBytes = points.Select(p => (string?)p["top_sites"] ?? "").SelectMany(t => t.Split(',', StringSplitOptions.RemoveEmptyEntries))
            .Where(t => t.StartsWith(ServerName + "=", StringComparison.Ordinal)).Sum(t => long.Parse(t[(ServerName.Length + 1)..], CultureInfo.InvariantCulture));
        Assert.True(siteBytes > FileBytes, $"{ServerName} counted {siteBytes} bytes");
    }

    private sealed class TempFolder : IDisposable
    {
        private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("cg-sniffer-live-");

        public string Path => _directory.FullName;

        public void Dispose() => _directory.Delete(recursive: true);
    }
}

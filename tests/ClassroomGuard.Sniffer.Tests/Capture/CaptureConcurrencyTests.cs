using System.Globalization;
using ClassroomGuard.Sniffer.Capture;
using ClassroomGuard.Sniffer.Tests.Support;

namespace ClassroomGuard.Sniffer.Tests.Capture;

/// <summary>
/// The calls PacketCapture allows from other threads, made from other threads for real: statistics read by the service's
/// log and its health timer at once while packets arrive, and Dispose while a reader is inside libpcap.
/// </summary>
public sealed class CaptureConcurrencyTests
{
    [Fact]
    public async Task GetStatistics_TwoThreadsWhilePacketsArrive_CountersNeverJumpByAWraparound()
    {
        var ns = "cgfxc" + Random.Shared.Next(0x100000, 0xFFFFFF).ToString("x6", CultureInfo.InvariantCulture);
        await Tool.CheckAsync("ip", "netns", "add", ns);
        try
        {
            await Tool.CheckAsync("ip", "-n", ns, "link", "set", "lo", "up");
            using var capture = NetworkLab.RunInNamespace(ns, () => PacketCapture.OpenLive(new LiveCaptureSettings
            {
                Interface = "lo",
                BufferSize = 1024 * 1024,
                ReadTimeout = TimeSpan.FromMilliseconds(50),
            }));

            // Nobody reads: the counters move on every packet (received, then dropped once the ring is full).
            await using var flood = NetworkLab.StartIn(ns, "ping", "-f", "-q", "-s", "1000", "127.0.0.1");
            var first = capture.GetStatistics();
            for (var i = 0; i < 200 && capture.GetStatistics().Received == first.Received; i++)
            {
                await Task.Delay(10);
            }

            const int Calls = 20_000;
            var seen = new CaptureStatistics[2][];
            using var start = new Barrier(2);
            var threads = Enumerable.Range(0, 2).Select(t => new Thread(() =>
            {
                var mine = new CaptureStatistics[Calls];
                start.SignalAndWait();
                for (var i = 0; i < Calls; i++)
                {
                    mine[i] = capture.GetStatistics();
                }

                seen[t] = mine;
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());

            var last = capture.GetStatistics();
            Assert.True(last.Received > first.Received, $"no packets arrived: {last.Received}");
            Assert.True(last.Received < 1UL << 31, $"received jumped to {last.Received}, dropped {last.Dropped}");
            Assert.True(last.Dropped < 1UL << 31, $"dropped jumped to {last.Dropped}");
            foreach (var mine in seen)
            {
                for (var i = 1; i < mine.Length; i++)
                {
                    Assert.True(mine[i].Received >= mine[i - 1].Received && mine[i].Received <= last.Received, $"received {mine[i - 1].Received} then {mine[i].Received}");
                    Assert.True(mine[i].Dropped >= mine[i - 1].Dropped && mine[i].Dropped <= last.Dropped, $"dropped {mine[i - 1].Dropped} then {mine[i].Dropped}");
                }
            }
        }
        finally
        {
            await Tool.RunAsync("ip", ["netns", "del", ns]);
        }
    }

    [Fact]
    public void Dispose_WhileAnotherThreadReads_ReaderEndsAndProcessSurvives()
    {
        // A small file read over and over past its end: the reader is nearly always inside pcap_next_ex when Dispose comes.
        var path = Path.Combine(Path.GetTempPath(), "cgfxc-dispose-" + Guid.NewGuid().ToString("N") + ".pcap");
        var frame = Frames.Udp("02:00:00:00:00:07", "10.213.0.7", 40000, "02:00:00:00:00:01", "10.213.0.1", 9, new byte[64]);
        PcapWriter.Write(path, Enumerable.Repeat(frame, 16));
        try
        {
            for (var round = 0; round < 2000; round++)
            {
                var capture = PacketCapture.OpenFile(path);
                string? ending = null;
                using var started = new ManualResetEventSlim();
                var reader = new Thread(() =>
                {
                    try
                    {
                        started.Set();
                        while (capture.ReadNext(out _) is CaptureReadResult.Packet or CaptureReadResult.EndOfFile)
                        {
                        }

                        ending = "stopped";
                    }
                    catch (ObjectDisposedException)
                    {
                        ending = "disposed";
                    }
                });
                reader.Start();
                started.Wait();
                Thread.SpinWait(Random.Shared.Next(0, 20_000));
                capture.Dispose();
                Assert.True(reader.Join(TimeSpan.FromSeconds(30)), $"round {round}: the reader never ended");
                Assert.NotNull(ending);
                Assert.Equal(CaptureReadResult.Stopped, LateRead(capture));
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    // A read after Dispose ends the reader one of the two documented ways; ObjectDisposedException is told as Stopped.
    private static CaptureReadResult LateRead(PacketCapture capture)
    {
        try
        {
            return capture.ReadNext(out _);
        }
        catch (ObjectDisposedException)
        {
            return CaptureReadResult.Stopped;
        }
    }
}

using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Running;
using ClassroomGuard.Sniffer.Accounting;
using ClassroomGuard.Sniffer.Benchmarks;
using ClassroomGuard.Sniffer.Capture;
using ClassroomGuard.Sniffer.Decoding;

// bench/sniffer.sh drives this:
//   --generate FILE COUNT     write the synthetic capture (COUNT packets), print packets and bytes
//   --decode FILE [accounting|counting|circumvention] [sharppcap]   read FILE (mapped, or through SharpPcap) and decode every
//                             packet on this thread; "accounting": through the service's accounting and discovery sinks,
//                             flushed once a second by another thread (without an InfluxDB writer); print pps
//   --inmemory FILE COUNT     the first COUNT packets in memory: ns per packet of decode alone and decode + accounting
//   --live IFACE SECONDS      capture live on IFACE for SECONDS (or until idle 3 s after traffic), print pcap_stats and
//                             the bytes the capture thread allocated
//   --bdn [BenchmarkDotNet args]      DecodeBenchmarks / LiveCaptureBenchmarks (loopback, needs CAP_NET_RAW) with the memory diagnoser
if (args.Length > 0 && args[0] == "--bdn")
{
    BenchmarkSwitcher.FromAssembly(typeof(DecodeBenchmarks).Assembly).Run(args[1..]);
    return 0;
}

if (args.Length >= 3 && args[0] == "--generate")
{
    var watch = Stopwatch.StartNew();
    var (packets, bytes) = TrafficGenerator.Write(args[1], long.Parse(args[2], CultureInfo.InvariantCulture));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"generated packets={packets} bytes={bytes} average={bytes / packets} seconds={watch.Elapsed.TotalSeconds:F1}"));
    return 0;
}

if (args.Length >= 2 && args[0] == "--decode")
{
    // "accounting-only" / "discovery-only": one of the two service sinks, to see what each costs.
    var accounting = args.Any(a => a.StartsWith("accounting", StringComparison.Ordinal) || a == "discovery-only");
    AccountingSinks NewAccounting() => new(!args.Contains("discovery-only"), !args.Contains("accounting-only"));
    IPacketSink NewSink() => accounting ? NewAccounting().Sink
        : args.Contains("counting") ? new CountingSink()
        : args.Contains("circumvention") ? CircumventionSinks.Create()
        : NullPacketSink.Instance;

    // "sharppcap" (or "libpcap"): every packet through SharpPcap's CaptureFileReaderDevice and GetNextPacketPointers
    // (libpcap's pcap_next_ex, which freads each packet into its buffer); default: what the service uses for a classic
    // pcap file, the memory-mapped reader (no copy).
    var throughSharpPcap = args.Contains("sharppcap") || args.Contains("libpcap");
    Func<IPacketSource> open = throughSharpPcap ? () => PacketCapture.OpenFile(args[1]) : () => PacketSources.OpenFile(args[1]);

    // Warm-up: ten passes over the first 200k packets with pauses, so the tiered JIT has compiled the hot methods at
    // tier 1 (tier 0, then instrumented for PGO, then optimised) before the measured pass; otherwise its background
    // compiles (slow with W^X on), pinned to the same core, are measured as decode time (perf showed a third of a
    // 1 M-packet run in the JIT). Then the measured pass over the whole file.
    var warmSink = NewSink();
    for (var pass = 0; pass < 10; pass++)
    {
        using var warm = open();
        var warmDecoder = new PacketDecoder(warmSink);
        for (var i = 0; i < 200_000 && warm.ReadNext(out var packet) == CaptureReadResult.Packet; i++)
        {
            warmDecoder.Decode(warm.LinkType, packet);
        }

        warmDecoder.Dispose();
        Thread.Sleep(300);
    }

    using var capture = open();
    var sinks = accounting ? NewAccounting() : null;
    var decoder = new PacketDecoder(sinks?.Sink ?? NewSink());
    warmSink = null;
    GC.Collect(); // the warm-up's tables are garbage: not the measured pass's to collect
    GC.WaitForPendingFinalizers();

    // The service's flusher takes the counters once a second on another thread (here without a writer).
    using var stopFlushing = new CancellationTokenSource();
    var flushes = sinks is null ? Task.CompletedTask : Task.Run(async () =>
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var spare = new List<Sighting>(1024); // as DiscoveryWriter does: the capture thread fills a list with room
        try
        {
            while (await timer.WaitForNextTickAsync(stopFlushing.Token))
            {
                sinks.Flusher.Flush(null);
                spare = sinks.Discovery.TakePending(spare);
            }
        }
        catch (OperationCanceledException)
        {
            // The measured pass is over.
        }
    });
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var watch = Stopwatch.StartNew();
    var allocated = GC.GetAllocatedBytesForCurrentThread();
    var count = decoder.DecodeAll(capture, CancellationToken.None);
    allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
    watch.Stop();
    cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
    await stopFlushing.CancelAsync();
    await flushes;
    var s = decoder.Statistics;
    var a = sinks?.Accountant;
    a?.RefreshStatistics();
    var extra = a is null ? "" : string.Create(CultureInfo.InvariantCulture,
        $" counted={a.Statistics.Packets} flows_created={a.Statistics.FlowsCreated} flows_expired={a.Statistics.FlowsExpired} flows_evicted={a.Statistics.FlowsEvicted} flows_held={a.Flows.Count} named_flows={a.Statistics.NamedFlows} dns_addresses={a.Statistics.DnsAddresses} flushes={a.Statistics.Flushes} sightings={sinks!.Discovery.Queued}");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"decoded packets={count} seconds={watch.Elapsed.TotalSeconds:F3} pps={count / watch.Elapsed.TotalSeconds:F0} cpu_seconds={cpu.TotalSeconds:F3} cpu_pps={count / cpu.TotalSeconds:F0} allocated_bytes={allocated} gen0={GC.CollectionCount(0)} hellos={s.TlsClientHellos} reassembled={s.TlsReassembled} quic_initials={s.QuicInitials} dns={s.Dns} malformed={s.Malformed}{extra}"));
    return 0;
}

if (args.Length >= 3 && args[0] == "--inmemory")
{
    // The first COUNT packets of FILE held in memory, decoded in turns with the no-op sink and through the accounting
    // sinks (fresh tables each round): ns per packet of each, without the file's page faults in the way.
    var count = int.Parse(args[2], CultureInfo.InvariantCulture);
    var packets = new List<(long Time, byte[] Data)>(count);
    using (var source = PacketSources.OpenFile(args[1]))
    {
        while (packets.Count < count && source.ReadNext(out var packet) == CaptureReadResult.Packet)
        {
            packets.Add((packet.TimestampMicroseconds, packet.Data.ToArray()));
        }
    }

    double Round(IPacketSink sink)
    {
        using var decoder = new PacketDecoder(sink);
        var watch = Stopwatch.StartNew();
        foreach (var (time, data) in packets)
        {
            decoder.Decode(LinkType.Ethernet, time, data.Length, data);
        }

        return watch.Elapsed.TotalNanoseconds / packets.Count;
    }

    for (var round = 0; round < 12; round++)
    {
        var plain = Round(NullPacketSink.Instance);
        var accounted = Round(new AccountingSinks().Sink);
        if (round >= 6)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"inmemory packets={packets.Count} decode_ns={plain:F1} accounting_ns={accounted:F1} difference_ns={accounted - plain:F1}"));
        }
    }

    return 0;
}

if (args.Length >= 2 && args[0] == "--read")
{
    // Baseline: libpcap reading alone, no decoding.
    using var capture = PacketCapture.OpenFile(args[1]);
    var watch = Stopwatch.StartNew();
    long count = 0, bytes = 0;
    while (capture.ReadNext(out var packet) == CaptureReadResult.Packet)
    {
        count++;
        bytes += packet.Data.Length;
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"read packets={count} bytes={bytes} seconds={watch.Elapsed.TotalSeconds:F3} pps={count / watch.Elapsed.TotalSeconds:F0}"));
    return 0;
}

if (args.Length >= 3 && args[0] == "--live")
{
    using var capture = PacketCapture.OpenLive(new LiveCaptureSettings { Interface = args[1], BufferSize = 256 * 1024 * 1024, SnapLength = 262_144 });
    var decoder = new PacketDecoder(NullPacketSink.Instance);
    using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(double.Parse(args[2], CultureInfo.InvariantCulture)));
    var allocated = 0L;
    var reader = Task.Factory.StartNew(
        () =>
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            var decoded = decoder.DecodeAll(capture, stop.Token);
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            return decoded;
        },
        TaskCreationOptions.LongRunning);
    Console.WriteLine("live: capturing");
    var last = 0L;
    var idle = 0;
    while (!reader.IsCompleted)
    {
        await Task.Delay(500);
        var now = decoder.Statistics.Packets;
        idle = now > 0 && now == last ? idle + 1 : 0;
        last = now;
        if (idle >= 6)
        {
            await stop.CancelAsync();
        }
    }

    var count = await reader;
    var stats = capture.GetStatistics();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"live packets={count} received={stats.Received} dropped={stats.Dropped} ifdropped={stats.InterfaceDropped} capture_thread_allocated_bytes={allocated}"));
    return 0;
}

Console.Error.WriteLine("usage: --generate FILE COUNT | --decode FILE [accounting|counting|circumvention] [sharppcap] | --inmemory FILE COUNT | --read FILE | --live IFACE SECONDS | --bdn [args]");
return 64;

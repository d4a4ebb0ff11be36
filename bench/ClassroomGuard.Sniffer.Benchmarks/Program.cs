using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Running;
using ClassroomGuard.Sniffer.Benchmarks;
using ClassroomGuard.Sniffer.Capture;
using ClassroomGuard.Sniffer.Decoding;

// bench/sniffer.sh drives this:
//   --generate FILE COUNT     write the synthetic capture (COUNT packets), print packets and bytes
//   --decode FILE [counting|circumvention] [libpcap]   read FILE (mapped, or through libpcap) and decode every packet on this thread; print pps
//   --live IFACE SECONDS      capture live on IFACE for SECONDS (or until idle 3 s after traffic), print pps and pcap_stats
//   --bdn [BenchmarkDotNet args]      DecodeBenchmarks with the memory diagnoser
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
    IPacketSink sink = args.Contains("counting") ? new CountingSink() : args.Contains("circumvention") ? CircumventionSinks.Create() : NullPacketSink.Instance;

    // "libpcap": every packet through pcap_next_ex (fread copies it into libpcap's buffer); default: what the service
    // uses for a classic pcap file, the memory-mapped reader (no copy).
    Func<IPacketSource> open = args.Contains("libpcap") ? () => PacketCapture.OpenFile(args[1]) : () => PacketSources.OpenFile(args[1]);

    // Warm-up on the first 200k packets (tiering, PGO), then the measured pass over the whole file.
    using (var warm = open())
    {
        var warmDecoder = new PacketDecoder(sink);
        for (var i = 0; i < 200_000 && warm.ReadNext(out var packet) == CaptureReadResult.Packet; i++)
        {
            warmDecoder.Decode(warm.LinkType, packet);
        }
    }

    using var capture = open();
    var decoder = new PacketDecoder(sink);
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var watch = Stopwatch.StartNew();
    var allocated = GC.GetAllocatedBytesForCurrentThread();
    var count = decoder.DecodeAll(capture, CancellationToken.None);
    allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
    watch.Stop();
    cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
    var s = decoder.Statistics;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"decoded packets={count} seconds={watch.Elapsed.TotalSeconds:F3} pps={count / watch.Elapsed.TotalSeconds:F0} cpu_seconds={cpu.TotalSeconds:F3} cpu_pps={count / cpu.TotalSeconds:F0} allocated_bytes={allocated} gen0={GC.CollectionCount(0)} hellos={s.TlsClientHellos} reassembled={s.TlsReassembled} quic_initials={s.QuicInitials} dns={s.Dns} malformed={s.Malformed}"));
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
    var reader = Task.Factory.StartNew(() => decoder.DecodeAll(capture, stop.Token), TaskCreationOptions.LongRunning);
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
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"live packets={count} received={stats.Received} dropped={stats.Dropped} ifdropped={stats.InterfaceDropped}"));
    return 0;
}

Console.Error.WriteLine("usage: --generate FILE COUNT | --decode FILE [counting|circumvention] [libpcap] | --read FILE | --live IFACE SECONDS | --bdn [args]");
return 64;

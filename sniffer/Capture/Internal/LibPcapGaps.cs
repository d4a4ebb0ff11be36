using System.Runtime.InteropServices;
using SharpPcap.LibPcap;

namespace ClassroomGuard.Sniffer.Capture.Internal;

/// <summary>
/// The three libpcap calls SharpPcap 6.3.1 does not give us correctly, made on SharpPcap's own handle (its
/// <see cref="PcapHandle"/>, so its reference counting still guards against a close while we call):
/// <list type="bullet">
/// <item><c>pcap_stats</c>: SharpPcap reads <c>struct pcap_stat</c> as three pointer-sized fields, but on Linux it is three
/// 32-bit <c>u_int</c>s, so on 64-bit Linux its <c>DroppedPackets</c> is really <c>ps_ifdrop</c> and its
/// <c>InterfaceDroppedPackets</c> is always 0 — the ring's drops, the figure service health exists for, are lost.</item>
/// <item><c>pcap_breakloop</c>: SharpPcap calls it only for its own background capture thread; our reader blocks in
/// <c>pcap_next_ex</c> and must be woken from another thread (libpcap 1.10 wakes a reader blocked in <c>poll</c>).</item>
/// <item><c>pcap_snapshot</c>: not public in SharpPcap (the snap length a file was written with).</item>
/// </list>
/// Bound to Debian's runtime soname <c>libpcap.so.0.8</c> (package <c>libpcap0.8</c>), the same library SharpPcap loads.
/// </summary>
internal static partial class LibPcapGaps
{
    private const string Library = "libpcap.so.0.8";

    /// <summary><c>struct pcap_stat</c> on Linux: three 32-bit counters that wrap around.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Statistics
    {
        public uint Received;
        public uint Dropped;
        public uint InterfaceDropped;
    }

    /// <summary><c>struct pcap_pkthdr</c> on 64-bit Linux: <c>struct timeval ts</c> (two 64-bit longs), caplen, len — 24 bytes.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PacketHeader
    {
        public long Seconds;
        public long Microseconds;
        public uint CapturedLength;
        public uint Length;
    }

    [LibraryImport(Library, EntryPoint = "pcap_stats")]
    public static partial int Stats(PcapHandle pcap, out Statistics statistics);

    [LibraryImport(Library, EntryPoint = "pcap_breakloop")]
    public static partial void BreakLoop(PcapHandle pcap);

    [LibraryImport(Library, EntryPoint = "pcap_snapshot")]
    public static partial int Snapshot(PcapHandle pcap);
}

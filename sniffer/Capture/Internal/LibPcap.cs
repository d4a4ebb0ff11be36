using System.Runtime.InteropServices;

namespace ClassroomGuard.Sniffer.Capture.Internal;

/// <summary>
/// The slice of libpcap 1.10 the sniffer uses, bound to Debian's runtime soname <c>libpcap.so.0.8</c>
/// (package <c>libpcap0.8</c>; the <c>-dev</c> package with the unversioned <c>libpcap.so</c> is not needed).
/// Layouts are those of 64-bit Linux.
/// </summary>
internal static unsafe partial class LibPcap
{
    private const string Library = "libpcap.so.0.8";

    /// <summary>PCAP_ERRBUF_SIZE.</summary>
    public const int ErrorBufferSize = 256;

    /// <summary>PCAP_NETMASK_UNKNOWN: the filter compiler is told nothing about the netmask.</summary>
    public const uint NetmaskUnknown = 0xffffffff;

    // Return codes of pcap_activate / pcap_next_ex (pcap/pcap.h).
    public const int Error = -1;
    public const int ErrorBreak = -2;
    public const int ErrorNoSuchDevice = -5;
    public const int ErrorPermissionDenied = -8;
    public const int ErrorInterfaceNotUp = -9;
    public const int ErrorPromiscuousPermissionDenied = -11;

    /// <summary><c>struct pcap_pkthdr</c>: <c>struct timeval ts</c> (two 64-bit longs), caplen, len — 24 bytes.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PacketHeader
    {
        public long Seconds;
        public long Microseconds;
        public uint CapturedLength;
        public uint Length;
    }

    /// <summary><c>struct pcap_stat</c> on Linux: three 32-bit <c>u_int</c> counters that wrap around.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Statistics
    {
        public uint Received;
        public uint Dropped;
        public uint InterfaceDropped;
    }

    /// <summary><c>struct bpf_program</c>: instruction count and a pointer to them — 16 bytes.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct BpfProgram
    {
        public uint Length;
        public nint Instructions;
    }

    [LibraryImport(Library, EntryPoint = "pcap_create", StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint Create(string source, byte* errorBuffer);

    [LibraryImport(Library, EntryPoint = "pcap_open_offline", StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint OpenOffline(string path, byte* errorBuffer);

    [LibraryImport(Library, EntryPoint = "pcap_open_dead")]
    public static partial nint OpenDead(int linkType, int snapLength);

    [LibraryImport(Library, EntryPoint = "pcap_offline_filter")]
    public static partial int OfflineFilter(BpfProgram* program, PacketHeader* header, byte* data);

    [LibraryImport(Library, EntryPoint = "pcap_set_snaplen")]
    public static partial int SetSnapLength(nint pcap, int snapLength);

    [LibraryImport(Library, EntryPoint = "pcap_set_promisc")]
    public static partial int SetPromiscuous(nint pcap, int on);

    [LibraryImport(Library, EntryPoint = "pcap_set_timeout")]
    public static partial int SetTimeout(nint pcap, int milliseconds);

    [LibraryImport(Library, EntryPoint = "pcap_set_immediate_mode")]
    public static partial int SetImmediateMode(nint pcap, int on);

    [LibraryImport(Library, EntryPoint = "pcap_set_buffer_size")]
    public static partial int SetBufferSize(nint pcap, int bytes);

    [LibraryImport(Library, EntryPoint = "pcap_activate")]
    public static partial int Activate(nint pcap);

    [LibraryImport(Library, EntryPoint = "pcap_compile", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Compile(nint pcap, BpfProgram* program, string filter, int optimize, uint netmask);

    [LibraryImport(Library, EntryPoint = "pcap_setfilter")]
    public static partial int SetFilter(nint pcap, BpfProgram* program);

    [LibraryImport(Library, EntryPoint = "pcap_freecode")]
    public static partial void FreeCode(BpfProgram* program);

    [LibraryImport(Library, EntryPoint = "pcap_next_ex")]
    public static partial int NextEx(nint pcap, PacketHeader** header, byte** data);

    [LibraryImport(Library, EntryPoint = "pcap_stats")]
    public static partial int Stats(nint pcap, Statistics* statistics);

    [LibraryImport(Library, EntryPoint = "pcap_breakloop")]
    public static partial void BreakLoop(nint pcap);

    [LibraryImport(Library, EntryPoint = "pcap_close")]
    public static partial void Close(nint pcap);

    [LibraryImport(Library, EntryPoint = "pcap_datalink")]
    public static partial int DataLink(nint pcap);

    [LibraryImport(Library, EntryPoint = "pcap_snapshot")]
    public static partial int Snapshot(nint pcap);

    [LibraryImport(Library, EntryPoint = "pcap_geterr")]
    public static partial byte* GetError(nint pcap);

    [LibraryImport(Library, EntryPoint = "pcap_statustostr")]
    public static partial byte* StatusToString(int status);

    [LibraryImport(Library, EntryPoint = "pcap_lib_version")]
    public static partial byte* LibraryVersion();

    public static string Text(byte* text) => text is null ? string.Empty : Marshal.PtrToStringUTF8((nint)text) ?? string.Empty;
}

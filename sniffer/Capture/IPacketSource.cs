namespace ClassroomGuard.Sniffer.Capture;

/// <summary>
/// Where packets come from: a live interface or a capture file. One thread reads; <see cref="BreakLoop"/> and
/// <see cref="GetStatistics"/> may be called from any thread.
/// </summary>
public interface IPacketSource : IDisposable
{
    /// <summary>The interface name or file path.</summary>
    string Source { get; }

    /// <summary>Whether this source is a file (it ends; no kernel statistics).</summary>
    bool IsFile { get; }

    /// <summary>Link-layer header type of every packet.</summary>
    LinkType LinkType { get; }

    /// <summary>Bytes kept of each packet (the file's or the interface's snap length).</summary>
    int SnapLength { get; }

    /// <summary>Installs a BPF filter (tcpdump syntax); empty installs none.</summary>
    /// <exception cref="PcapException">The expression does not compile.</exception>
    void SetFilter(string filter);

    /// <summary>Reads the next packet; <paramref name="packet"/> is valid until the next call.</summary>
    CaptureReadResult ReadNext(out CapturedPacket packet);

    /// <summary>Makes the current or next <see cref="ReadNext"/> return <see cref="CaptureReadResult.Stopped"/>.</summary>
    void BreakLoop();

    /// <summary>Kernel counters since open (zero for files).</summary>
    CaptureStatistics GetStatistics();
}

/// <summary>Opens the right <see cref="IPacketSource"/> for a capture file.</summary>
public static class PacketSources
{
    /// <summary>
    /// Opens a capture file: classic pcap files are memory-mapped and read in place (<see cref="PcapFileReader"/>, no copy
    /// per packet, faster than libpcap's fread: docs/benchmarks.md); pcapng and anything else go through SharpPcap's file reader
    /// (<see cref="PacketCapture.OpenFile"/>).
    /// </summary>
    /// <exception cref="PcapException">The file is missing or not a capture file; the message names it.</exception>
    public static IPacketSource OpenFile(string path) =>
        PcapFileReader.IsClassicPcap(path) ? PcapFileReader.Open(path) : PacketCapture.OpenFile(path);
}

using System.Globalization;
using ClassroomGuard.Sniffer.Capture.Internal;
using SharpPcap;
using SharpPcap.LibPcap;

namespace ClassroomGuard.Sniffer.Capture;

/// <summary>
/// A libpcap capture through SharpPcap: a live interface (<see cref="OpenLive"/>, SharpPcap's
/// <see cref="LibPcapLiveDevice"/>) or a pcap/pcapng file (<see cref="OpenFile"/>, its <see cref="CaptureFileReaderDevice"/>),
/// read one packet at a time with <see cref="ReadNext"/> over SharpPcap's zero-allocation path
/// (<see cref="PcapDevice.GetNextPacketPointers"/>: <c>pcap_next_ex</c>'s own pointers, no header object, no copy).
/// One thread reads; any thread may call <see cref="BreakLoop"/> or <see cref="GetStatistics"/>. Dispose only after the
/// reading thread has stopped.
/// </summary>
public sealed unsafe class PacketCapture : IPacketSource
{
    private readonly PcapDevice _device;

    // The device's handle as opened: after Close the device swaps in an invalid (NULL) handle, which libpcap would
    // dereference; this one is closed instead, so a late BreakLoop or GetStatistics meets ObjectDisposedException.
    private readonly PcapHandle _handle;
    private readonly Lock _statisticsLock = new();
    private LibPcapGaps.Statistics _lastRaw;
    private CaptureStatistics _statistics;
    private volatile bool _stopRequested;
    private volatile bool _disposed;

    private PacketCapture(PcapDevice device, string source, bool isFile)
    {
        _device = device;
        _handle = device.Handle;
        Source = source;
        IsFile = isFile;
        LinkType = (LinkType)(int)device.LinkType;
        SnapLength = LibPcapGaps.Snapshot(_handle);
    }

    /// <inheritdoc />
    public string Source { get; }

    /// <summary>Whether this capture reads a file (no statistics, ends).</summary>
    public bool IsFile { get; }

    /// <summary>Link-layer header type of every packet (<c>pcap_datalink</c>).</summary>
    public LinkType LinkType { get; }

    /// <inheritdoc />
    public int SnapLength { get; }

    /// <summary>The libpcap version string, e.g. <c>libpcap version 1.10.3 (with TPACKET_V3)</c>.</summary>
    public static string LibraryVersion => Pcap.Version;

    /// <summary>What reads packets: libpcap's version and SharpPcap's, for the start-up log.</summary>
    public static string Libraries => string.Create(CultureInfo.InvariantCulture, $"{Pcap.Version}, SharpPcap {Pcap.SharpPcapVersion.ToString(3)}");

    /// <summary>Opens and activates a live interface. Needs CAP_NET_RAW (see docs/sniffer.md).</summary>
    /// <exception cref="PcapException">The interface is missing, not permitted, or libpcap refused a setting; the message names it.</exception>
    public static PacketCapture OpenLive(LiveCaptureSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var pcapInterface = CaptureInterfaces.Find(settings.Interface) ?? throw new PcapException(
            $"Interface '{settings.Interface}' does not exist. Check Sniffer:Interface against 'ClassroomGuard.Sniffer interfaces' or 'ip link'.")
        { Kind = PcapErrorKind.NoSuchInterface };
        var device = new LibPcapLiveDevice(pcapInterface);
        try
        {
            device.Open(new DeviceConfiguration
            {
                Snaplen = settings.SnapLength,
                Mode = settings.Promiscuous ? DeviceModes.Promiscuous : DeviceModes.None,
                ReadTimeout = (int)Math.Clamp(settings.ReadTimeout.TotalMilliseconds, 1, int.MaxValue),
                Immediate = settings.ImmediateMode,
                BufferSize = settings.BufferSize,
            });
            return new PacketCapture(device, settings.Interface, isFile: false);
        }
        catch (SharpPcap.PcapException ex)
        {
            var detail = device.Opened ? device.LastError : string.Empty;
            device.Close();
            throw ActivationError(settings.Interface, ex, detail);
        }
        catch
        {
            device.Close();
            throw;
        }
    }

    /// <summary>Opens a pcap or pcapng capture file (e.g. written by <c>tcpdump -w</c>).</summary>
    /// <exception cref="PcapException">The file is missing, unreadable or not a capture file; the message names it.</exception>
    public static PacketCapture OpenFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var device = new CaptureFileReaderDevice(path);
        try
        {
            device.Open();
            return new PacketCapture(device, path, isFile: true);
        }
        catch (SharpPcap.PcapException ex)
        {
            device.Close();

            // SharpPcap prefixes libpcap's reason ("<path>: No such file or directory", "unknown file format") with its own words.
            const string prefix = "Unable to open offline adapter: ";
            var reason = ex.Message.StartsWith(prefix, StringComparison.Ordinal) ? ex.Message[prefix.Length..] : ex.Message;
            throw new PcapException($"Cannot read capture file '{path}': {reason}", ex) { Kind = PcapErrorKind.BadFile };
        }
    }

    /// <summary>Installs a BPF filter (tcpdump syntax, e.g. <c>not port 22</c>); empty installs none.</summary>
    /// <exception cref="PcapException">The expression does not compile; the message quotes it and libpcap's reason.</exception>
    public void SetFilter(string filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (filter.Length == 0)
        {
            return;
        }

        // Compiled once on its own first, so a typo is told apart from a kernel that refuses the program.
        using (var program = BpfProgram.TryCreate(_handle, filter))
        {
            if (program is null)
            {
                throw new PcapException($"Filter '{filter}' does not compile: {_device.LastError}. Check Sniffer:Filter (tcpdump syntax, 'man pcap-filter').")
                {
                    Kind = PcapErrorKind.BadFilter,
                };
            }
        }

        try
        {
            _device.Filter = filter;
        }
        catch (SharpPcap.PcapException ex)
        {
            throw new PcapException($"Filter '{filter}' cannot be installed on '{Source}': {ex.Message}. Check Sniffer:Filter.", ex)
            {
                Kind = PcapErrorKind.BadFilter,
            };
        }
    }

    /// <summary>
    /// Reads the next packet. <paramref name="packet"/> is valid until the next call. Blocks for at most the read timeout
    /// on a live interface.
    /// </summary>
    /// <exception cref="PcapException">libpcap reported a read error (e.g. the interface went away).</exception>
    public CaptureReadResult ReadNext(out CapturedPacket packet)
    {
        packet = default;
        if (_stopRequested)
        {
            return CaptureReadResult.Stopped;
        }

        ObjectDisposedException.ThrowIf(_disposed, this);
        nint header = 0;
        nint data = 0;
        var status = _device.GetNextPacketPointers(ref header, ref data);
        if (status == 1)
        {
            var h = (LibPcapGaps.PacketHeader*)header;
            packet = new CapturedPacket(
                (h->Seconds * 1_000_000) + h->Microseconds,
                (int)h->Length,
                new ReadOnlySpan<byte>((void*)data, (int)h->CapturedLength));
            return CaptureReadResult.Packet;
        }

        return status switch
        {
            0 => CaptureReadResult.Timeout,
            (int)PcapError.Break => _stopRequested || !IsFile ? CaptureReadResult.Stopped : CaptureReadResult.EndOfFile,
            _ => throw new PcapException($"Reading from '{Source}' failed: {_device.LastError}"),
        };
    }

    /// <summary>Makes a blocked or the next <see cref="ReadNext"/> return <see cref="CaptureReadResult.Stopped"/> (<c>pcap_breakloop</c>). Any thread.</summary>
    public void BreakLoop()
    {
        _stopRequested = true;
        try
        {
            LibPcapGaps.BreakLoop(_handle);
        }
        catch (ObjectDisposedException)
        {
            // Already closed: nothing is reading.
        }
    }

    /// <summary>Counters since open, 32-bit wraparound handled (<c>pcap_stats</c>). Zero for files. Any thread.</summary>
    /// <exception cref="PcapException">libpcap could not read the counters.</exception>
    /// <exception cref="ObjectDisposedException">The capture is closed.</exception>
    public CaptureStatistics GetStatistics()
    {
        if (IsFile)
        {
            return default;
        }

        if (LibPcapGaps.Stats(_handle, out var raw) < 0)
        {
            throw new PcapException($"Cannot read capture statistics of '{Source}': {_device.LastError}");
        }

        lock (_statisticsLock)
        {
            _statistics = _statistics.Advance(
                _lastRaw.Received, _lastRaw.Dropped, _lastRaw.InterfaceDropped, raw.Received, raw.Dropped, raw.InterfaceDropped);
            _lastRaw = raw;
            return _statistics;
        }
    }

    /// <summary>Closes the capture (<c>pcap_close</c>).</summary>
    public void Dispose()
    {
        _disposed = true;
        _device.Close();
    }

    private static PcapException ActivationError(string name, SharpPcap.PcapException ex, string detail)
    {
        var reason = detail.Length > 0 ? detail : ex.Message;
        return ex.Error switch
        {
            PcapError.NoSuchDevice => new PcapException(
                $"Interface '{name}' does not exist ({reason}). Check Sniffer:Interface against 'ClassroomGuard.Sniffer interfaces' or 'ip link'.", ex)
            { Kind = PcapErrorKind.NoSuchInterface },
            PcapError.PermissionDenied or PcapError.PromiscuousPermissionDenied => new PcapException(
                $"No permission to capture on interface '{name}' ({reason}). Grant CAP_NET_RAW: 'setcap cap_net_raw+ep' on the program, or AmbientCapabilities=CAP_NET_RAW in the systemd unit.", ex)
            { Kind = PcapErrorKind.PermissionDenied },
            PcapError.InterfaceNotUp => new PcapException($"Interface '{name}' is not up: 'ip link set {name} up'.", ex)
            { Kind = PcapErrorKind.NoSuchInterface },
            _ => new PcapException(string.Create(CultureInfo.InvariantCulture, $"Cannot activate capture on '{name}' (Sniffer:Interface): {reason}"), ex),
        };
    }
}

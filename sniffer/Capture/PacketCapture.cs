using System.Globalization;
using ClassroomGuard.Sniffer.Capture.Internal;

namespace ClassroomGuard.Sniffer.Capture;

/// <summary>
/// A libpcap capture: a live interface (<see cref="OpenLive"/>) or a pcap/pcapng file (<see cref="OpenFile"/>), read one
/// packet at a time with <see cref="ReadNext"/>. One thread reads; any thread may call <see cref="BreakLoop"/> or
/// <see cref="GetStatistics"/>. Dispose only after the reading thread has stopped.
/// </summary>
public sealed unsafe class PacketCapture : IPacketSource
{
    private readonly PcapSafeHandle _handle;
    private readonly nint _pcap;
    private readonly Lock _statisticsLock = new();
    private LibPcap.Statistics _lastRaw;
    private CaptureStatistics _statistics;
    private volatile bool _stopRequested;

    private PacketCapture(PcapSafeHandle handle, string source, bool isFile)
    {
        _handle = handle;
        _pcap = handle.DangerousGetHandle();
        Source = source;
        IsFile = isFile;
        LinkType = (LinkType)LibPcap.DataLink(_pcap);
        SnapLength = LibPcap.Snapshot(_pcap);
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
    public static string LibraryVersion => LibPcap.Text(LibPcap.LibraryVersion());

    /// <summary>Opens and activates a live interface. Needs CAP_NET_RAW (see docs/sniffer.md).</summary>
    /// <exception cref="PcapException">The interface is missing, not permitted, or libpcap refused a setting; the message names it.</exception>
    public static PacketCapture OpenLive(LiveCaptureSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        byte* error = stackalloc byte[LibPcap.ErrorBufferSize];
        error[0] = 0;
        var pcap = LibPcap.Create(settings.Interface, error);
        if (pcap == 0)
        {
            throw new PcapException($"Cannot open interface '{settings.Interface}': {LibPcap.Text(error)}");
        }

        var handle = new PcapSafeHandle(pcap);
        try
        {
            LibPcap.SetSnapLength(pcap, settings.SnapLength);
            LibPcap.SetPromiscuous(pcap, settings.Promiscuous ? 1 : 0);
            LibPcap.SetTimeout(pcap, (int)Math.Clamp(settings.ReadTimeout.TotalMilliseconds, 1, int.MaxValue));
            LibPcap.SetImmediateMode(pcap, settings.ImmediateMode ? 1 : 0);
            LibPcap.SetBufferSize(pcap, settings.BufferSize);
            var status = LibPcap.Activate(pcap);
            if (status < 0)
            {
                throw ActivationError(settings.Interface, status, LibPcap.Text(LibPcap.GetError(pcap)));
            }

            return new PacketCapture(handle, settings.Interface, isFile: false);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Opens a pcap or pcapng capture file (e.g. written by <c>tcpdump -w</c>).</summary>
    /// <exception cref="PcapException">The file is missing, unreadable or not a capture file; the message names it.</exception>
    public static PacketCapture OpenFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte* error = stackalloc byte[LibPcap.ErrorBufferSize];
        error[0] = 0;
        var pcap = LibPcap.OpenOffline(path, error);
        if (pcap == 0)
        {
            throw new PcapException($"Cannot read capture file '{path}': {LibPcap.Text(error)}") { Kind = PcapErrorKind.BadFile };
        }

        return new PacketCapture(new PcapSafeHandle(pcap), path, isFile: true);
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

        LibPcap.BpfProgram program;
        if (LibPcap.Compile(_pcap, &program, filter, optimize: 1, LibPcap.NetmaskUnknown) < 0)
        {
            throw new PcapException($"Filter '{filter}' does not compile: {LibPcap.Text(LibPcap.GetError(_pcap))}") { Kind = PcapErrorKind.BadFilter };
        }

        try
        {
            if (LibPcap.SetFilter(_pcap, &program) < 0)
            {
                throw new PcapException($"Filter '{filter}' cannot be installed on '{Source}': {LibPcap.Text(LibPcap.GetError(_pcap))}")
                {
                    Kind = PcapErrorKind.BadFilter,
                };
            }
        }
        finally
        {
            LibPcap.FreeCode(&program);
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

        LibPcap.PacketHeader* header;
        byte* data;
        var status = LibPcap.NextEx(_pcap, &header, &data);
        if (status == 1)
        {
            packet = new CapturedPacket(
                (header->Seconds * 1_000_000) + header->Microseconds,
                (int)header->Length,
                new ReadOnlySpan<byte>(data, (int)header->CapturedLength));
            return CaptureReadResult.Packet;
        }

        return status switch
        {
            0 => CaptureReadResult.Timeout,
            LibPcap.ErrorBreak => _stopRequested || !IsFile ? CaptureReadResult.Stopped : CaptureReadResult.EndOfFile,
            _ => throw new PcapException($"Reading from '{Source}' failed: {LibPcap.Text(LibPcap.GetError(_pcap))}"),
        };
    }

    /// <summary>Makes a blocked or the next <see cref="ReadNext"/> return <see cref="CaptureReadResult.Stopped"/> (<c>pcap_breakloop</c>). Any thread.</summary>
    public void BreakLoop()
    {
        _stopRequested = true;
        var added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
            LibPcap.BreakLoop(_pcap);
        }
        catch (ObjectDisposedException)
        {
            // Already closed: nothing is reading.
        }
        finally
        {
            if (added)
            {
                _handle.DangerousRelease();
            }
        }
    }

    /// <summary>Counters since open, 32-bit wraparound handled (<c>pcap_stats</c>). Zero for files. Any thread.</summary>
    /// <exception cref="PcapException">libpcap could not read the counters.</exception>
    public CaptureStatistics GetStatistics()
    {
        if (IsFile)
        {
            return default;
        }

        LibPcap.Statistics raw;
        if (LibPcap.Stats(_pcap, &raw) < 0)
        {
            throw new PcapException($"Cannot read capture statistics of '{Source}': {LibPcap.Text(LibPcap.GetError(_pcap))}");
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
    public void Dispose() => _handle.Dispose();

    private static PcapException ActivationError(string name, int status, string detail)
    {
        var reason = LibPcap.Text(LibPcap.StatusToString(status));
        return status switch
        {
            LibPcap.ErrorNoSuchDevice => new PcapException(
                $"Interface '{name}' does not exist ({detail}). Check Sniffer:Interface against 'ip link'.")
            { Kind = PcapErrorKind.NoSuchInterface },
            LibPcap.ErrorPermissionDenied or LibPcap.ErrorPromiscuousPermissionDenied => new PcapException(
                $"No permission to capture on interface '{name}' ({detail}). Grant CAP_NET_RAW: 'setcap cap_net_raw+ep' on the program, or AmbientCapabilities=CAP_NET_RAW in the systemd unit.")
            { Kind = PcapErrorKind.PermissionDenied },
            LibPcap.ErrorInterfaceNotUp => new PcapException($"Interface '{name}' is not up: 'ip link set {name} up'.")
            { Kind = PcapErrorKind.NoSuchInterface },
            _ => new PcapException(string.Create(CultureInfo.InvariantCulture, $"Cannot activate capture on '{name}': {reason} ({status}): {detail}")),
        };
    }
}

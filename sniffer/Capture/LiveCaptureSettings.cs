namespace ClassroomGuard.Sniffer.Capture;

/// <summary>How to open a live interface (the arguments of <c>pcap_set_*</c> before <c>pcap_activate</c>).</summary>
public sealed record LiveCaptureSettings
{
    /// <summary>Interface name, e.g. <c>eth1</c> (the mirror port) or <c>any</c>.</summary>
    public required string Interface { get; init; }

    /// <summary>Bytes kept of each packet. Default 262,144 (tcpdump's default: whole packets).</summary>
    public int SnapLength { get; init; } = 262_144;

    /// <summary>Receive every frame on the wire, not only those addressed to this host. Default <see langword="true"/>.</summary>
    public bool Promiscuous { get; init; } = true;

    /// <summary>Kernel ring buffer size in bytes; a larger buffer absorbs bursts. Default 32 MiB.</summary>
    public int BufferSize { get; init; } = 32 * 1024 * 1024;

    /// <summary>Deliver each packet at once instead of when a buffer block fills. Default <see langword="false"/> (batching is cheaper).</summary>
    public bool ImmediateMode { get; init; }

    /// <summary>Longest wait for a buffer block before a read returns what it has. Default 100 ms.</summary>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromMilliseconds(100);
}

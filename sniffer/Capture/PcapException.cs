namespace ClassroomGuard.Sniffer.Capture;

/// <summary>
/// libpcap refused something: an interface that does not exist or may not be opened, a capture file that cannot be read,
/// a filter that does not compile. The message names the interface, file or filter and says what to do.
/// </summary>
public sealed class PcapException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PcapException()
    {
    }

    /// <summary>Creates the exception with a message that names the problem.</summary>
    public PcapException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    public PcapException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>What went wrong, for callers that react differently (e.g. exit codes).</summary>
    public PcapErrorKind Kind { get; init; } = PcapErrorKind.Other;
}

/// <summary>Kinds of <see cref="PcapException"/>.</summary>
public enum PcapErrorKind
{
    /// <summary>Anything else libpcap reported.</summary>
    Other,

    /// <summary>The interface does not exist.</summary>
    NoSuchInterface,

    /// <summary>The process lacks CAP_NET_RAW (or root) for live capture.</summary>
    PermissionDenied,

    /// <summary>The capture file is missing or not a pcap/pcapng file.</summary>
    BadFile,

    /// <summary>The BPF filter expression does not compile or cannot be installed.</summary>
    BadFilter,
}

using System.ComponentModel.DataAnnotations;

namespace ClassroomGuard.Sniffer.Hosting;

/// <summary>
/// Settings of the sniffer, bound from the configuration section <c>Sniffer</c> (e.g. <c>ClassroomGuard__Sniffer__Interface</c>,
/// <c>--Sniffer:ReadFile=capture.pcap</c>). Exactly one of <see cref="Interface"/> and <see cref="ReadFile"/> must be set.
/// </summary>
public sealed class SnifferOptions : IValidatableObject
{
    /// <summary>The configuration section these options are bound from: <c>Sniffer</c>.</summary>
    public const string SectionName = "Sniffer";

    /// <summary>Interface to capture on live (the switch's mirror port, e.g. <c>eth1</c>; <c>any</c> for all). Default none.</summary>
    public string? Interface { get; set; }

    /// <summary>A pcap/pcapng file to read instead of an interface (development, replay); the service stops at its end. Default none.</summary>
    public string? ReadFile { get; set; }

    /// <summary>BPF filter in tcpdump syntax applied in the kernel (e.g. <c>not port 22</c>). Default empty: every packet.</summary>
    public string Filter { get; set; } = string.Empty;

    /// <summary>Bytes kept of each packet. Default 262,144 (whole packets). Range 64-262,144.</summary>
    [Range(64, 262_144, ErrorMessage = "Sniffer:SnapLength must be between 64 and 262144.")]
    public int SnapLength { get; set; } = 262_144;

    /// <summary>Kernel capture buffer in bytes; larger absorbs bursts without drops. Default 32 MiB. Range 1 MiB-1 GiB.</summary>
    [Range(1024 * 1024, 1024 * 1024 * 1024, ErrorMessage = "Sniffer:BufferSize must be between 1048576 (1 MiB) and 1073741824 (1 GiB).")]
    public int BufferSize { get; set; } = 32 * 1024 * 1024;

    /// <summary>Promiscuous mode: see every frame on the mirror port, not just those for this host. Default <see langword="true"/>.</summary>
    public bool Promiscuous { get; set; } = true;

    /// <summary>Deliver packets one by one instead of per filled buffer block (lower latency, more CPU). Default <see langword="false"/>.</summary>
    public bool ImmediateMode { get; set; }

    /// <summary>Longest wait for a buffer block before the capture hands over what it has. Default 100 ms. Range 1 ms-10 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:10", ErrorMessage = "Sniffer:ReadTimeout must be between 00:00:00.001 and 00:00:10.")]
    public TimeSpan ReadTimeout { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Most TCP flows holding a partial TLS ClientHello at once (oldest dropped beyond). Default 1024. Range 1-1,000,000.
    /// Security: bounds the memory a host can tie up with half-sent ClientHellos to this × <see cref="MaxClientHelloLength"/>.
    /// </summary>
    [Range(1, 1_000_000, ErrorMessage = "Sniffer:MaxReassemblyFlows must be between 1 and 1000000.")]
    public int MaxReassemblyFlows { get; set; } = 1024;

    /// <summary>Longest TLS ClientHello record reassembled, header included. Default 16,389 (one full record). Range 512-65,536.</summary>
    [Range(512, 65_536, ErrorMessage = "Sniffer:MaxClientHelloLength must be between 512 and 65536.")]
    public int MaxClientHelloLength { get; set; } = 16_389;

    /// <summary>Longest gap between two segments of one ClientHello before it is given up. Default 10 s. Range 100 ms-5 min.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00", ErrorMessage = "Sniffer:ReassemblyTimeout must be between 00:00:00.100 and 00:05:00.")]
    public TimeSpan ReassemblyTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Most QUIC Initials per second whose decryption may fail before more are skipped (counted). Default 1000.
    /// Range 0-1,000,000. Security: bounds the CPU a flood of fake Initials costs (each failure is an AEAD check + exception).
    /// </summary>
    [Range(0, 1_000_000, ErrorMessage = "Sniffer:MaxQuicDecryptFailuresPerSecond must be between 0 and 1000000.")]
    public int MaxQuicDecryptFailuresPerSecond { get; set; } = 1000;

    /// <summary>How often capture and decoder counters are logged. Default 60 s. Range 1 s-1 h.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "Sniffer:StatisticsInterval must be between 00:00:01 and 01:00:00.")]
    public TimeSpan StatisticsInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var hasInterface = !string.IsNullOrWhiteSpace(Interface);
        var hasFile = !string.IsNullOrWhiteSpace(ReadFile);
        if (hasInterface == hasFile)
        {
            yield return new ValidationResult(
                hasInterface
                    ? "Sniffer:Interface and Sniffer:ReadFile are both set; set only one."
                    : "Sniffer:Interface (e.g. eth1) or Sniffer:ReadFile (a pcap file) must be set.",
                [nameof(Interface), nameof(ReadFile)]);
        }

        if (hasFile && !File.Exists(ReadFile))
        {
            yield return new ValidationResult($"Sniffer:ReadFile '{ReadFile}' does not exist.", [nameof(ReadFile)]);
        }
    }
}

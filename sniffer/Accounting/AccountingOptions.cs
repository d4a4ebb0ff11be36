using System.ComponentModel.DataAnnotations;

namespace ClassroomGuard.Sniffer.Accounting;

/// <summary>
/// Settings of the sniffer's accounting and device discovery, bound from the same section as the capture's
/// (<c>Sniffer</c>): <c>--Sniffer:MaxFlows=131072</c>, <c>ClassroomGuard__Sniffer__LocalNetworks__0=10.0.0.0/8</c>.
/// Every table is allocated once at start at its full size, so memory is bounded and nothing is allocated per packet.
/// </summary>
public sealed class AccountingOptions : IValidatableObject
{
    /// <summary>The configuration section: <c>Sniffer</c>.</summary>
    public const string SectionName = "Sniffer";

    /// <summary>
    /// The school's address ranges in CIDR form: an address inside is a device, anything else a site. Default (unset):
    /// <see cref="Accounting.LocalNetworks.Defaults"/> — 10/8, 172.16/12, 192.168/16, 100.64/10, 169.254/16, fc00::/7,
    /// fe80::/10. Setting it replaces the whole list (add the school's global IPv6 prefix here).
    /// </summary>
    public List<string>? LocalNetworks { get; set; }

    /// <summary>
    /// Most flows (5-tuples, both directions one flow) tracked at once. Default 65,536 (~10 MB). Range 1,024-4,194,304.
    /// Security: a host opening flows faster than they time out evicts the least recently seen (counted), it cannot grow memory.
    /// </summary>
    [Range(1024, 4_194_304, ErrorMessage = "Sniffer:MaxFlows must be between 1024 and 4194304.")]
    public int MaxFlows { get; set; } = 65_536;

    /// <summary>An open TCP flow is forgotten after this long without a packet. Default 5 min. Range 10 s-2 h.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "02:00:00", ErrorMessage = "Sniffer:TcpIdleTimeout must be between 00:00:10 and 02:00:00.")]
    public TimeSpan TcpIdleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A TCP flow that has sent FIN or RST is forgotten after this long without a packet. Default 10 s. Range 1 s-5 min.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00", ErrorMessage = "Sniffer:TcpClosedTimeout must be between 00:00:01 and 00:05:00.")]
    public TimeSpan TcpClosedTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A UDP flow (QUIC, DNS, …) is forgotten after this long without a packet. Default 60 s. Range 1 s-1 h.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "Sniffer:UdpIdleTimeout must be between 00:00:01 and 01:00:00.")]
    public TimeSpan UdpIdleTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Any other flow (ICMP, ESP, GRE, …) is forgotten after this long without a packet. Default 30 s. Range 1 s-1 h.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "Sniffer:OtherIdleTimeout must be between 00:00:01 and 01:00:00.")]
    public TimeSpan OtherIdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Most local addresses counted at once (a device may have several: IPv4, IPv6 link-local, …). Default 16,384.
    /// Range 16-1,048,576. Beyond it, traffic is counted under <c>client=overflow</c>; addresses idle 10 minutes are forgotten.
    /// </summary>
    [Range(16, 1_048_576, ErrorMessage = "Sniffer:MaxDeviceAddresses must be between 16 and 1048576.")]
    public int MaxDeviceAddresses { get; set; } = 16_384;

    /// <summary>Most site names (SNI, HTTP Host, DNS answers) held at once; the least recently used is replaced. Default 16,384 (4 MiB). Range 256-1,048,576.</summary>
    [Range(256, 1_048_576, ErrorMessage = "Sniffer:MaxSiteNames must be between 256 and 1048576.")]
    public int MaxSiteNames { get; set; } = 16_384;

    /// <summary>
    /// Most (client, server address) pairs remembered from the DNS answers clients received (a client's unnamed flows to
    /// that server are counted as probably that name: inferred). Default 65,536. Range 256-4,194,304. Security: a host
    /// flooding answers pushes out older pairs (that traffic is then unnamed), it never names another client's traffic.
    /// </summary>
    [Range(256, 4_194_304, ErrorMessage = "Sniffer:MaxDnsAddresses must be between 256 and 4194304.")]
    public int MaxDnsAddresses { get; set; } = 65_536;

    /// <summary>
    /// Longest a DNS answer may name its client's later flows, whatever its TTL (which applies when shorter; at least
    /// 5 s). Default 15 min. Range 1 min-1 day.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00", ErrorMessage = "Sniffer:MaxDnsNameLifetime must be between 00:01:00 and 1.00:00:00.")]
    public TimeSpan MaxDnsNameLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>A device seen again is written to the state (its last-seen time) at most this often. Default 5 min. Range 1 s-1 day.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "Sniffer:DeviceRefreshInterval must be between 00:00:01 and 1.00:00:00.")]
    public TimeSpan DeviceRefreshInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Most device sightings queued for the state per second (each batch is one transaction). Default 1024. Range 16-100,000.
    /// Security: a host spoofing ARP or DHCP cannot make the state write without bound; the rest are dropped and counted.
    /// </summary>
    [Range(16, 100_000, ErrorMessage = "Sniffer:MaxObservationsPerSecond must be between 16 and 100000.")]
    public int MaxObservationsPerSecond { get; set; } = 1024;

    /// <summary>The local ranges in force: <see cref="LocalNetworks"/>, or the defaults when unset.</summary>
    public IReadOnlyList<string> EffectiveLocalNetworks => LocalNetworks is { Count: > 0 } list ? list : Accounting.LocalNetworks.Defaults;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var errors = new List<string>();
        Accounting.LocalNetworks.TryParse(EffectiveLocalNetworks, Accounting.LocalNetworks.Setting, errors);
        return errors.Select(e => new ValidationResult(e, [nameof(LocalNetworks)]));
    }
}

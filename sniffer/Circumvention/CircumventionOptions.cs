using System.ComponentModel.DataAnnotations;

namespace ClassroomGuard.Sniffer.Circumvention;

/// <summary>
/// Settings of circumvention detection, bound from <c>Sniffer:Circumvention</c> and checked at start (a bad value stops
/// the sniffer with a message naming the setting, exit code 78). Lists of addresses take IPv4/IPv6 addresses and, where
/// said, networks in CIDR form (<c>10.0.0.0/8</c>, <c>fd00::/8</c>).
/// </summary>
public sealed class CircumventionOptions
{
    /// <summary>The configuration section: <c>Sniffer:Circumvention</c>.</summary>
    public const string SectionName = "Sniffer:Circumvention";

    /// <summary>The default of <see cref="Ut1Directory"/>: where set-up installs the UT1 lists the DNS filter reads.</summary>
    public const string DefaultUt1Directory = "/var/lib/classroomguard/lists/ut1";

    /// <summary>The setting <see cref="LocalNetworks"/> is read from, shared with the rest of the sniffer.</summary>
    public const string LocalNetworksKey = "Sniffer:LocalNetworks";

    /// <summary>
    /// The default of <see cref="LocalNetworks"/>: private IPv4 (RFC 1918), carrier-grade NAT (RFC 6598), IPv4 link-local,
    /// IPv6 unique-local and link-local.
    /// </summary>
    public static readonly IReadOnlyList<string> DefaultLocalNetworks =
        ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16", "fc00::/7", "fe80::/10"];

    /// <summary>Whether circumvention attempts become alerts at all. Default <see langword="true"/>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The UT1 blocklists (one folder per category, as the DNS filter reads them): the folders the DNS filter maps to
    /// <c>doh</c>, <c>vpn</c> and <c>proxy</c> are loaded at start. Default <see cref="DefaultUt1Directory"/>. Empty: no
    /// detection by server name or HTTP Host (the other detectors still run). A directory that does not exist, or that
    /// holds none of those folders, stops start-up.
    /// </summary>
    public string Ut1Directory { get; set; } = DefaultUt1Directory;

    /// <summary>
    /// The appliance's own addresses: its DNS filter is the resolver devices should use, and its own traffic (forwarding
    /// to upstream resolvers) is never an attempt. Default: every address of this host's interfaces, read at start.
    /// </summary>
    public List<string>? ApplianceAddresses { get; set; }

    /// <summary>Other resolvers devices may use (e.g. a domain controller's DNS); addresses. Default none.</summary>
    public List<string>? AllowedResolvers { get; set; }

    /// <summary>
    /// Networks (CIDR) of the school's devices: only traffic from these raises alerts (so replies from the internet and the
    /// uplink's own traffic do not). Read from <c>Sniffer:LocalNetworks</c> (<see cref="LocalNetworksKey"/>), the one
    /// setting every part of the sniffer uses, not from this section (hence the internal setter: the binder skips it).
    /// Default <see cref="DefaultLocalNetworks"/>; a school whose devices have public addresses (IPv6 global, or public
    /// IPv4) lists its prefixes there.
    /// </summary>
    public List<string>? LocalNetworks { get; internal set; }

    /// <summary>Devices or networks (addresses or CIDR) never alerted on, e.g. the school's own DNS server or VPN gateway. Default none.</summary>
    public List<string>? ExemptClients { get; set; }

    /// <summary>
    /// At most one alert per client address, kind and listed name in this interval; attempts in between are counted and
    /// the count goes into the next alert. Default 10 min, as the DNS filter's <c>Dns:Policy:AlertInterval</c>. Range 1 s-1 day.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "Sniffer:Circumvention:AlertInterval must be between 00:00:01 and 1.00:00:00.")]
    public TimeSpan AlertInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Alerts waiting to be written to the state; beyond this they are dropped and counted. Default 1024. Range 1-1,000,000.</summary>
    [Range(1, 1_000_000, ErrorMessage = "Sniffer:Circumvention:AlertQueueCapacity must be between 1 and 1000000.")]
    public int AlertQueueCapacity { get; set; } = 1024;

    /// <summary>
    /// (address, kind, name) entries the rate limit remembers. Default 65,536 (about 5 MB). Range 16-10,000,000. Security:
    /// bounds the memory a flood of spoofed sources can use; when full, expired entries are dropped, and if none has
    /// expired all are forgotten (worst case: an extra alert per device).
    /// </summary>
    [Range(16, 10_000_000, ErrorMessage = "Sniffer:Circumvention:MaxTrackedAttempts must be between 16 and 10000000.")]
    public int MaxTrackedAttempts { get; set; } = 65_536;
}

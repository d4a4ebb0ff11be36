using System.ComponentModel.DataAnnotations;
using ClassroomGuard.Dns.Protocol;

namespace ClassroomGuard.DnsFilter.Policy;

/// <summary>How a blocked name is answered.</summary>
public enum BlockAnswerMode
{
    /// <summary>NXDOMAIN (with a synthetic SOA whose minimum is the block TTL).</summary>
    NxDomain,
    /// <summary>A → 0.0.0.0, AAAA → ::, other types NODATA.</summary>
    NullAddress,
    /// <summary>A/AAAA → <see cref="DnsPolicyOptions.BlockPageAddresses"/> (the console's block page), other types NODATA.</summary>
    BlockPage,
}

/// <summary>
/// The school policy's settings, bound from <c>Dns:Policy</c>. The policy itself (groups, categories, rules,
/// schedules, teacher actions) lives in the state database and changes only through change control.
/// </summary>
public sealed class DnsPolicyOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Dns:Policy";

    /// <summary>
    /// Use the school policy. Default: null = on when <c>State:Path</c> is configured, otherwise the pass-through
    /// policy (development without a state database).
    /// </summary>
    public bool? Enabled { get; set; }

    /// <summary>How blocked names are answered. Default <see cref="BlockAnswerMode.NullAddress"/>.</summary>
    public BlockAnswerMode BlockAnswer { get; set; } = BlockAnswerMode.NullAddress;

    /// <summary>Block-page addresses (IPv4 and/or IPv6) for <see cref="BlockAnswerMode.BlockPage"/>. Default: none (required in that mode).</summary>
    public List<string> BlockPageAddresses { get; set; } = [];

    /// <summary>TTL of block answers, seconds: short, so an unblock takes effect quickly in clients' caches. Default 10.</summary>
    [Range(0, 3600, ErrorMessage = "Dns:Policy:BlockTtl must be between {1} and {2} seconds.")]
    public int BlockTtl { get; set; } = 10;

    /// <summary>Extended DNS Error code on blocks (RFC 8914): <c>Blocked</c> (15) or <c>Filtered</c> (17). Default Blocked.</summary>
    public DnsExtendedError ExtendedError { get; set; } = DnsExtendedError.Blocked;

    /// <summary>Google SafeSearch target (www.google.* and google.* for every country domain). Default <c>forcesafesearch.google.com</c>.</summary>
    public string GoogleSafeSearchTarget { get; set; } = "forcesafesearch.google.com";

    /// <summary>YouTube target for groups with strict YouTube restricted mode. Default <c>restrict.youtube.com</c>.</summary>
    public string YouTubeStrictTarget { get; set; } = "restrict.youtube.com";

    /// <summary>YouTube target for groups with moderate YouTube restricted mode. Default <c>restrictmoderate.youtube.com</c>.</summary>
    public string YouTubeModerateTarget { get; set; } = "restrictmoderate.youtube.com";

    /// <summary>Bing target. Default <c>strict.bing.com</c>.</summary>
    public string BingSafeSearchTarget { get; set; } = "strict.bing.com";

    /// <summary>DuckDuckGo target. Default <c>safe.duckduckgo.com</c>.</summary>
    public string DuckDuckGoSafeSearchTarget { get; set; } = "safe.duckduckgo.com";

    /// <summary>TTL of the synthetic CNAME of a SafeSearch rewrite, seconds. Default 300.</summary>
    [Range(0, 86400, ErrorMessage = "Dns:Policy:RewriteTtl must be between {1} and {2} seconds.")]
    public int RewriteTtl { get; set; } = 300;

    /// <summary>
    /// Names answered NXDOMAIN for every client, always: the Firefox DoH canary and iCloud Private Relay.
    /// Default <c>use-application-dns.net</c>, <c>mask.icloud.com</c>, <c>mask-h2.icloud.com</c>.
    /// </summary>
    public List<string> CircumventionNames { get; set; } = ["use-application-dns.net", "mask.icloud.com", "mask-h2.icloud.com"];

    /// <summary>
    /// Domains (and subdomains) still reachable while a device is paused or in focus mode: the school's own
    /// services (VLE, the appliance, OS updates). Category blocks still apply to them. Default: none.
    /// </summary>
    public List<string> PauseAllowList { get; set; } = [];

    /// <summary>
    /// Categories blocked for every client while the state database cannot be read (fail closed). Always-on
    /// categories (<see cref="AlwaysOnCategories"/>) are added. Default: null = every category the lists carry.
    /// </summary>
    public List<string>? FallbackBlockedCategories { get; set; }

    /// <summary>
    /// Categories treated as always-on while the state database cannot be read (the state's <c>always_on</c> flag
    /// decides otherwise). Default <c>child_abuse</c>, <c>terrorism</c>.
    /// </summary>
    public List<string> AlwaysOnCategories { get; set; } = ["child_abuse", "terrorism"];

    /// <summary>
    /// Blocked attempts on these categories raise an alert for the safeguarding lead (always-on categories always do).
    /// Default adult, self_harm, extremism, violence, drugs, circumvention, doh, vpn, proxy.
    /// </summary>
    public List<string> HighRiskCategories { get; set; } = ["adult", "self_harm", "extremism", "violence", "drugs", "circumvention", "doh", "vpn", "proxy"];

    /// <summary>At most one alert per device (or unknown client address) and category in this interval. Default 10 min.</summary>
    public TimeSpan AlertInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Alerts waiting to be written to the state; beyond this they are dropped and counted. Default 1024.</summary>
    [Range(1, 1_000_000)]
    public int AlertQueueCapacity { get; set; } = 1024;

    /// <summary>
    /// Clients aggregated per second for the time series (devices and unknown addresses). Beyond this, queries are still
    /// answered but counted under one overflow client. Default 4096. Security: bounds memory a LAN flood can use.
    /// </summary>
    [Range(16, 1_000_000)]
    public int MaxTrackedClients { get; set; } = 4096;

    /// <summary>Most-queried domains kept per client per second (string field <c>top_domains</c>). Default 5.</summary>
    [Range(0, 32)]
    public int TopDomainsPerClient { get; set; } = 5;

    /// <summary>How often the state is re-read after a failure (open or compile) while the last good snapshot stays in force. Default 5 s.</summary>
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(5);
}

using System.ComponentModel.DataAnnotations;

namespace ClassroomGuard.Console.Upstreams;

/// <summary>
/// <c>Dns:UpstreamProbe</c>: how the console checks the DNS filter's upstream resolvers (<c>Dns:Upstreams</c>, which
/// it reads from the same appliance settings). Beside the filter's own settings because a technician changes both
/// together; the DNS filter ignores this section.
/// </summary>
internal sealed class UpstreamProbeOptions
{
    public const string Section = "Dns:UpstreamProbe";

    /// <summary>
    /// The name asked for (type NS). Default <c>.</c>, the root: every recursive resolver answers it from its cache
    /// (it primes it at start), the answer is small and the same for every school, and it names no site a pupil or
    /// teacher visits. A school whose upstream answers only its own names sets one of those.
    /// </summary>
    [Required]
    public string Name { get; set; } = ".";

    /// <summary>How often every upstream is asked. Default 30 s (the DNS filter's own re-check interval).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one upstream has to answer (one UDP try, no retry). Default 2 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(2);
}

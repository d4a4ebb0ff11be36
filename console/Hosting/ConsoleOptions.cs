using System.ComponentModel.DataAnnotations;

namespace ClassroomGuard.Console.Hosting;

/// <summary>Settings of the console service (configuration section <c>Console</c>).</summary>
public sealed class ConsoleOptions : IValidatableObject
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string Section = "Console";

    /// <summary>
    /// Where the console listens. Default <c>https://0.0.0.0:8443</c>. Plain <c>http</c> is accepted only
    /// on a loopback address (behind a local reverse proxy, or in development), never on the LAN.
    /// </summary>
    [Required]
    public string Listen { get; set; } = "https://0.0.0.0:8443";

    /// <summary>PEM certificate for HTTPS. Default none; set-up generates <c>/etc/classroomguard/tls/console.crt</c>.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>PEM private key for <see cref="CertificatePath"/>. Default none; set-up generates <c>console.key</c> beside it.</summary>
    public string? CertificateKeyPath { get; set; }

    /// <summary>How often expired state is pruned (docs/data-protection.md). Default 1 day (1 minute to 7 days).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00", ErrorMessage = "Console:PruneInterval must be between 00:01:00 and 7.00:00:00.")]
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// Folder for the ASP.NET Core data-protection keys that protect sign-in and antiforgery cookies, so sessions
    /// survive a restart. Default <c>/var/lib/classroomguard/keys</c>; created at start if missing. Security: readable
    /// only by the service user; anyone who reads it can forge a session.
    /// </summary>
    [Required(ErrorMessage = "Console:DataProtectionKeysPath is required.")]
    public string DataProtectionKeysPath { get; set; } = "/var/lib/classroomguard/keys";

    /// <summary>A session ends after this long without a request (sliding). Default 8 hours (5 minutes to 24 hours).</summary>
    [Range(typeof(TimeSpan), "00:05:00", "1.00:00:00", ErrorMessage = "Console:SessionIdleTimeout must be between 00:05:00 and 1.00:00:00.")]
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromHours(8);

    /// <summary>
    /// A session ends this long after sign-in however active it is (a kiosk signs in again each school day).
    /// Default 12 hours (5 minutes to 7 days).
    /// </summary>
    [Range(typeof(TimeSpan), "00:05:00", "7.00:00:00", ErrorMessage = "Console:SessionAbsoluteLimit must be between 00:05:00 and 7.00:00:00.")]
    public TimeSpan SessionAbsoluteLimit { get; set; } = TimeSpan.FromHours(12);

    /// <summary>
    /// Sign-in attempts accepted per client IP address per minute; more are answered 429. Default 10 (1 to 1000).
    /// Security: together with the account lockout (State:LockoutThreshold) this bounds password guessing.
    /// </summary>
    [Range(1, 1000, ErrorMessage = "Console:SignInAttemptsPerMinute must be between 1 and 1000.")]
    public int SignInAttemptsPerMinute { get; set; } = 10;

    /// <summary>How long a new agent enrolment token stays usable. Default 7 days (10 minutes to 90 days).</summary>
    [Range(typeof(TimeSpan), "00:10:00", "90.00:00:00", ErrorMessage = "Console:EnrolmentTokenLifetime must be between 00:10:00 and 90.00:00:00.")]
    public TimeSpan EnrolmentTokenLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Agent enrolments accepted per client IP address per minute (POST /api/agents/enrol); more are answered 429.
    /// Default 10 (1 to 1000). Security: bounds guessing of enrolment tokens (which have 256 random bits anyway).
    /// </summary>
    [Range(1, 1000, ErrorMessage = "Console:AgentEnrolmentsPerMinute must be between 1 and 1000.")]
    public int AgentEnrolmentsPerMinute { get; set; } = 10;

    /// <summary>
    /// How often the live classroom view reads a watched room's state and activity and pushes it to the pages watching
    /// it (one read per room, shared by all its pages). Default 500 ms (250 ms to 10 seconds): the DNS filter writes
    /// each second once, at its own phase; reading twice a second keeps a query's way to its tile within about 1.5 s
    /// whatever the two phases (docs/benchmarks.md).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.250", "00:00:10", ErrorMessage = "Console:LiveInterval must be between 00:00:00.250 and 00:00:10.")]
    public TimeSpan LiveInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// A device counts as online when it was seen this recently: a DNS query, traffic the sniffer saw, an agent
    /// heartbeat or sighting (or an agent connected now). Default 2 minutes (10 seconds to 1 hour).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:10", "01:00:00", ErrorMessage = "Console:OnlineWindow must be between 00:00:10 and 01:00:00.")]
    public TimeSpan OnlineWindow { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The console's address as staff reach it, for links in e-mails (e.g. <c>https://classroomguard.school.example:8443</c>).
    /// Default: this machine's host name with <see cref="Listen"/>'s scheme and port. https, or http on a loopback host only;
    /// no path, query or credentials.
    /// </summary>
    public string? PublicUrl { get; set; }

    /// <summary>The base of links in e-mails, without a trailing slash.</summary>
    public string PublicBase()
    {
        if (!string.IsNullOrWhiteSpace(PublicUrl))
        {
            return PublicUrl.TrimEnd('/');
        }

        var listen = Uri.TryCreate(Listen, UriKind.Absolute, out var uri) ? uri : new Uri("https://0.0.0.0:8443");
        var host = ListenEndpoint.TryParseAddress(listen) is { } address && System.Net.IPAddress.IsLoopback(address) ? listen.Host : System.Net.Dns.GetHostName();
        return $"{listen.Scheme}://{host}{(listen.IsDefaultPort ? "" : ":" + listen.Port.ToString(System.Globalization.CultureInfo.InvariantCulture))}";
    }

    /// <inheritdoc/>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(PublicUrl)
            && (!Uri.TryCreate(PublicUrl, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && !(url.Scheme == Uri.UriSchemeHttp && url.IsLoopback))
                || url.AbsolutePath.TrimEnd('/').Length > 0 || url.Query.Length > 0 || url.Fragment.Length > 0 || url.UserInfo.Length > 0))
        {
            yield return new ValidationResult(
                $"Console:PublicUrl '{PublicUrl}' must look like https://classroomguard.school.example:8443 (https, or http on this machine only; no path, query or user).", [nameof(PublicUrl)]);
        }

        if (!Uri.TryCreate(Listen, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || uri.AbsolutePath != "/" || ListenEndpoint.TryParseAddress(uri) is null)
        {
            yield return new ValidationResult($"Console:Listen '{Listen}' must look like https://0.0.0.0:8443 (scheme, IP address or localhost, port; no path).", [nameof(Listen)]);
            yield break;
        }

        if (!Path.IsPathFullyQualified(DataProtectionKeysPath ?? string.Empty))
        {
            yield return new ValidationResult($"Console:DataProtectionKeysPath '{DataProtectionKeysPath}' must be an absolute folder path.", [nameof(DataProtectionKeysPath)]);
        }

        if (SessionAbsoluteLimit < SessionIdleTimeout)
        {
            yield return new ValidationResult("Console:SessionAbsoluteLimit must not be shorter than Console:SessionIdleTimeout.", [nameof(SessionAbsoluteLimit)]);
        }

        if (uri.Scheme == Uri.UriSchemeHttp && !System.Net.IPAddress.IsLoopback(ListenEndpoint.TryParseAddress(uri)!))
        {
            yield return new ValidationResult($"Console:Listen '{Listen}' is plain http on a non-loopback address: the console must use https on the network.", [nameof(Listen)]);
        }

        if (uri.Scheme == Uri.UriSchemeHttps)
        {
            if (string.IsNullOrWhiteSpace(CertificatePath) || !File.Exists(CertificatePath))
            {
                yield return new ValidationResult($"Console:CertificatePath '{CertificatePath}' does not name a readable PEM certificate (https needs one; image/setup.sh makes one).", [nameof(CertificatePath)]);
            }

            if (string.IsNullOrWhiteSpace(CertificateKeyPath) || !File.Exists(CertificateKeyPath))
            {
                yield return new ValidationResult($"Console:CertificateKeyPath '{CertificateKeyPath}' does not name a readable PEM private key.", [nameof(CertificateKeyPath)]);
            }
        }
    }
}

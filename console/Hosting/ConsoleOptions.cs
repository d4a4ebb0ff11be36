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

    /// <inheritdoc/>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Uri.TryCreate(Listen, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || uri.AbsolutePath != "/" || ListenEndpoint.TryParseAddress(uri) is null)
        {
            yield return new ValidationResult($"Console:Listen '{Listen}' must look like https://0.0.0.0:8443 (scheme, IP address or localhost, port; no path).", [nameof(Listen)]);
            yield break;
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

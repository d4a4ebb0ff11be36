using System.ComponentModel.DataAnnotations;
using System.Net;
using ClassroomGuard.Console.Safeguarding.Alerts;

namespace ClassroomGuard.Console.Mail;

/// <summary>How the connection to the SMTP server is protected.</summary>
public enum MailSecurity
{
    /// <summary>Plain connection upgraded with STARTTLS (port 587); refused if the server does not offer it.</summary>
    StartTls,

    /// <summary>TLS from the first byte (port 465).</summary>
    Tls,

    /// <summary>No encryption: only to a relay on this machine (a loopback host).</summary>
    None,
}

/// <summary>The school's SMTP server (configuration section <c>Mail</c>). An empty <see cref="Host"/> turns e-mail off.</summary>
public sealed class MailOptions : IValidatableObject
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string Section = "Mail";

    /// <summary>The SMTP server's name or address. Default empty: e-mail is off (alerts are still on the alerts page).</summary>
    public string? Host { get; set; }

    /// <summary>Its port. Default 587 (submission with STARTTLS); 465 for <see cref="MailSecurity.Tls"/>.</summary>
    [Range(1, 65535, ErrorMessage = "Mail:Port must be between 1 and 65535.")]
    public int Port { get; set; } = 587;

    /// <summary>
    /// STARTTLS (default), Tls, or None. None is refused unless <see cref="Host"/> is a loopback address or
    /// <c>localhost</c>: credentials and pupils' alerts never cross the network in clear.
    /// </summary>
    public MailSecurity Security { get; set; } = MailSecurity.StartTls;

    /// <summary>User name for SMTP authentication. Default none (no authentication).</summary>
    public string? Username { get; set; }

    /// <summary>Password for <see cref="Username"/>: put it in <c>/etc/classroomguard/secrets.json</c>. Never logged nor shown.</summary>
    public string? Password { get; set; }

    /// <summary>The sender address, e.g. <c>classroomguard@school.example</c>. Required when <see cref="Host"/> is set.</summary>
    public string? From { get; set; }

    /// <summary>Longest wait for the server per connection or command. Default 30 seconds (1 second to 5 minutes).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00", ErrorMessage = "Mail:Timeout must be between 00:00:01 and 00:05:00.")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The SHA-256 (or SHA-1) fingerprint, in hex, of a server certificate to accept although the system's trusted
    /// authorities do not vouch for it (a school's self-signed relay). Default none: the system store decides.
    /// </summary>
    public string? AcceptCertificateThumbprint { get; set; }

    /// <summary>The first wait after a failed send; it doubles per failure. Default 1 minute (1 second to 1 hour).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "Mail:RetryDelay must be between 00:00:01 and 01:00:00.")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The longest wait between two attempts at one message. Default 1 hour (1 second to 1 day). A message is never given up.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "Mail:RetryMaxDelay must be between 00:00:01 and 1.00:00:00.")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Sent messages are deleted from the outbox after this many days (they name pupils). Default 30 (1 to 3650). Unsent ones are kept.</summary>
    [Range(1, 3650, ErrorMessage = "Mail:SentRetentionDays must be between 1 and 3650.")]
    public int SentRetentionDays { get; set; } = 30;

    /// <summary>Whether e-mail is on.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(Host);

    /// <summary>The settings without the password, for logs and the home page.</summary>
    public override string ToString()
        => Enabled ? $"{Host}:{Port} ({Security}{(string.IsNullOrEmpty(Username) ? "" : ", as " + Username)})" : "off";

    /// <inheritdoc/>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enabled)
        {
            yield break;
        }

        var host = Host!.Trim();
        if (host != Host || Uri.CheckHostName(host) == UriHostNameType.Unknown)
        {
            yield return new ValidationResult($"Mail:Host '{Host}' is not a host name or address (e.g. smtp.school.example).", [nameof(Host)]);
        }

        if (!MailAddresses.IsValid(From))
        {
            yield return new ValidationResult($"Mail:From '{From}' must be one e-mail address (e.g. classroomguard@school.example) when Mail:Host is set.", [nameof(From)]);
        }

        if (Security == MailSecurity.None && !IsLoopback(host))
        {
            yield return new ValidationResult(
                $"Mail:Security None is allowed only for a relay on this machine (Mail:Host localhost or 127.0.0.1), not '{Host}': use StartTls or Tls.", [nameof(Security)]);
        }

        if (string.IsNullOrEmpty(Username) != string.IsNullOrEmpty(Password))
        {
            yield return new ValidationResult("Mail:Username and Mail:Password must be set together (the password in secrets.json).", [nameof(Username), nameof(Password)]);
        }

        if (AcceptCertificateThumbprint is { Length: > 0 } print && (print.Length is not (40 or 64) || !print.All(Uri.IsHexDigit)))
        {
            yield return new ValidationResult("Mail:AcceptCertificateThumbprint must be a SHA-256 (64) or SHA-1 (40) fingerprint in hex digits.", [nameof(AcceptCertificateThumbprint)]);
        }

        if (RetryMaxDelay < RetryDelay)
        {
            yield return new ValidationResult("Mail:RetryMaxDelay must not be shorter than Mail:RetryDelay.", [nameof(RetryMaxDelay)]);
        }
    }

    /// <summary>Whether <paramref name="host"/> is this machine.</summary>
    public static bool IsLoopback(string host)
        => string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
}

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ClassroomGuard.Console.Hosting;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Administration;

/// <summary>
/// The command a technician pastes on a pupil device to enrol it (docs/agent.md, "Steps for a technician"):
/// <c>sudo classroomguard-agent-enrol --console https://&lt;appliance&gt;:8443 --token &lt;token&gt; --pin &lt;pin&gt;</c>.
/// The pin is what the agent's <c>--pin</c> takes: the base64 SHA-256 of the console certificate's
/// SubjectPublicKeyInfo, read from <c>Console:CertificatePath</c> (a renewed certificate with the same key keeps it).
/// </summary>
internal sealed class EnrolmentCommand(IOptions<ConsoleOptions> options, ILogger<EnrolmentCommand> logger)
{
    private readonly Lock gate = new();
    private (string Path, DateTime Written, string? Pin)? cached;

    /// <summary>The enrol command for <paramref name="token"/>, run against the console at <paramref name="consoleUrl"/>.</summary>
    public EnrolCommandText For(Uri consoleUrl, string token)
    {
        ArgumentNullException.ThrowIfNull(consoleUrl);
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        var console = consoleUrl.GetLeftPart(UriPartial.Authority);
        var pin = Pin();
        var command = $"sudo classroomguard-agent-enrol --console {console} --token {token}" + (pin is null ? string.Empty : $" --pin {pin}");
        var loopback = consoleUrl.IsLoopback;
        return new EnrolCommandText(command, pin, loopback);
    }

    /// <summary>The console certificate's pin, or null when there is no readable certificate (plain http in tests).</summary>
    public string? Pin()
    {
        var path = options.Value.CertificatePath;
        if (string.IsNullOrWhiteSpace(path))
        {
            return null;
        }

        lock (gate)
        {
            try
            {
                var written = File.GetLastWriteTimeUtc(path);
                if (cached is { } c && c.Path == path && c.Written == written)
                {
                    return c.Pin;
                }

                using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(path));
                var pin = Of(certificate);
                cached = (path, written, pin);
                return pin;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
            {
                Log.EnrolmentPinUnavailable(logger, path, ex.Message);
                return null;
            }
        }
    }

    /// <summary>The pin of <paramref name="certificate"/>, exactly as the agent computes it (agent/Enrolment/CertificatePin.cs).</summary>
    public static string Of(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Convert.ToBase64String(SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo()));
    }
}

/// <summary>The enrol command as shown.</summary>
/// <param name="Command">The full command line.</param>
/// <param name="Pin">The certificate pin in it; null when the certificate could not be read (the command then omits --pin).</param>
/// <param name="ConsoleIsLoopback">The console address in it is this machine's loopback, which a pupil device cannot reach.</param>
internal sealed record EnrolCommandText(string Command, string? Pin, bool ConsoleIsLoopback);

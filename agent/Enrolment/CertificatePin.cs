using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace ClassroomGuard.Agent.Enrolment;

/// <summary>
/// Pinning of the console's TLS certificate: the pin is the base64 SHA-256 of the certificate's SubjectPublicKeyInfo
/// (as in HPKP), so a renewed certificate with the same key still matches. The console's certificate is self-signed,
/// so chain errors are expected and ignored: the pin alone decides.
/// </summary>
public static class CertificatePin
{
    /// <summary>The pin of <paramref name="certificate"/>.</summary>
    public static string Of(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Convert.ToBase64String(SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo()));
    }

    /// <summary>A validator that accepts only a certificate whose pin is <paramref name="pin"/>, logging any other.</summary>
    public static RemoteCertificateValidationCallback Require(string pin, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(pin);
        return (_, certificate, _, _) =>
        {
            if (certificate is null)
            {
                return false;
            }

            using var cert = new X509Certificate2(certificate);
            var seen = Of(cert);
            if (CryptographicOperations.FixedTimeEquals(Convert.FromBase64String(seen), Convert.FromBase64String(pin)))
            {
                return true;
            }

            Log.PinMismatch(logger, cert.Subject, seen, pin);
            return false;
        };
    }
}

using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ClassroomGuard.Browser.Tests.Support;

/// <summary>A self-signed certificate for 127.0.0.1 as set-up makes one, as PEM files, with its SPKI SHA-256 pin.</summary>
public sealed record ConsoleCertificate(string CertificatePath, string KeyPath, string Pin)
{
    public static ConsoleCertificate Write(string folder)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=classroomguard-test", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var certificatePath = Path.Combine(folder, "console.crt");
        var keyPath = Path.Combine(folder, "console.key");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return new ConsoleCertificate(certificatePath, keyPath, Convert.ToBase64String(SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo())));
    }

    /// <summary>True when <paramref name="certificate"/> has this key (the check a pinned client makes).</summary>
    public bool Matches(X509Certificate2? certificate) =>
        certificate is not null && Convert.ToBase64String(SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo())) == Pin;
}

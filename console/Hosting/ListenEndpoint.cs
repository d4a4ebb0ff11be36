using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace ClassroomGuard.Console.Hosting;

/// <summary>Turns <see cref="ConsoleOptions.Listen"/> into a Kestrel endpoint with the configured certificate.</summary>
internal static class ListenEndpoint
{
    /// <summary>The IP address a listen URI names (<c>localhost</c> is loopback), or null if it names a host name.</summary>
    public static IPAddress? TryParseAddress(Uri uri) =>
        uri.IsLoopback && uri.HostNameType == UriHostNameType.Dns ? IPAddress.Loopback
        : IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) ? address
        : null;

    /// <summary>Configures Kestrel to listen where the (validated) options say.</summary>
    public static void Configure(KestrelServerOptions kestrel, ConsoleOptions options)
    {
        var uri = new Uri(options.Listen);
        var address = TryParseAddress(uri)!;
        kestrel.AddServerHeader = false;
        kestrel.Listen(address, uri.Port, listen =>
        {
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            if (uri.Scheme == Uri.UriSchemeHttps)
            {
                listen.UseHttps(LoadCertificate(options.CertificatePath!, options.CertificateKeyPath!));
            }
        });
    }

    private static X509Certificate2 LoadCertificate(string certificatePath, string keyPath)
    {
        try
        {
            return X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException(
                $"Console:CertificatePath/CertificateKeyPath: cannot load the certificate '{certificatePath}' with key '{keyPath}': {ex.Message}", ex);
        }
    }
}

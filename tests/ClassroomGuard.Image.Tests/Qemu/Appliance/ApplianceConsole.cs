using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ClassroomGuard.Image.Tests.Qemu.Appliance;

/// <summary>
/// The appliance's console over its forwarded HTTPS port, trusting exactly the certificate the appliance made (read
/// from its disk through the guest agent), as a technician comparing fingerprints would.
/// </summary>
internal sealed partial class ApplianceConsole(int port, X509Certificate2 certificate)
{
    public const string CertificatePath = "/etc/classroomguard/tls/console.crt";

    // A TLS handshake with a guest under software emulation takes seconds of its CPU.
    private static readonly TimeSpan RequestTimeout = Acceleration.Scaled(TimeSpan.FromSeconds(30));

    public Uri BaseAddress { get; } = new($"https://127.0.0.1:{port}");

    /// <summary>The certificate's SHA-256 as the forwarded port presents it (a TLS handshake of our own).</summary>
    public async Task<string> PresentedFingerprintAsync()
    {
        using var tcp = new TcpClient();
        using var timeout = new CancellationTokenSource(RequestTimeout);
        await tcp.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
        await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "classroomguard" }, timeout.Token);
        return tls.RemoteCertificate is { } presented
            ? Convert.ToHexString(presented.GetCertHash(System.Security.Cryptography.HashAlgorithmName.SHA256))
            : throw new InvalidOperationException("the console presented no certificate");
    }

    /// <summary>
    /// <c>GET /healthz</c> until the console answers at all (it starts after the banner), then its status code and
    /// JSON (<c>{"status":…,"checks":{"state":…,"timeseries":…}}</c>).
    /// </summary>
    public async Task<(HttpStatusCode Status, JsonDocument Body)> HealthAsync(TimeSpan timeout)
    {
        using var client = Client();
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative));
                return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()));
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException && DateTime.UtcNow < deadline)
            {
                await Task.Delay(2000);
            }
        }
    }

    /// <summary>
    /// Signs in through the sign-in page as a browser does (the page's antiforgery token, the form POST) and returns where
    /// the console sends the user next (<c>/account/password</c> first for a password someone else set), or null when
    /// it did not sign in (the page again, with its error).
    /// </summary>
    public async Task<string?> SignInAsync(string user, string password)
    {
        using var client = Client();
        var page = await client.GetStringAsync(new Uri("/signin", UriKind.Relative));
        var token = AntiforgeryToken().Match(page);
        if (!token.Success)
        {
            throw new InvalidOperationException("the sign-in page has no antiforgery token:\n" + page);
        }

        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "signin",
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups["v"].Value),
            ["Input.UserName"] = user,
            ["Input.Password"] = password,
        });
        using var response = await client.PostAsync(new Uri("/signin", UriKind.Relative), form);
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            return null;
        }

        var location = response.Headers.Location!;
        return location.IsAbsoluteUri ? location.AbsolutePath : location.OriginalString;
    }

    private HttpClient Client()
    {
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented is not null && presented.Thumbprint == certificate.Thumbprint,
            AllowAutoRedirect = false,
            CookieContainer = new CookieContainer(),
        };
        return new HttpClient(handler, disposeHandler: true) { BaseAddress = BaseAddress, Timeout = RequestTimeout };
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"(?<v>[^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}

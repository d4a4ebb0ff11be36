using Microsoft.Playwright;

namespace ClassroomGuard.Browser.Tests.Support;

/// <summary>
/// Debian's Chromium (/usr/bin/chromium, package <c>chromium</c>) launched through Playwright's bundled driver. No
/// browser is ever downloaded, and the flags keep Chromium from any connection of its own (updates, safe browsing,
/// metrics, field trials): the only traffic is to the console on loopback.
/// </summary>
public static class Chromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    /// <summary>The console's screen size on a classroom display.</summary>
    public static readonly ViewportSize ClassroomDisplay = new() { Width = 1920, Height = 1080 };

    /// <summary>Starts Playwright's driver and a headless Chromium that trusts exactly the certificate with <paramref name="spkiPins"/>.</summary>
    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync(params string[] spkiPins)
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException($"{ExecutablePath} is missing: the browser tests need Debian's Chromium (apt-get install chromium).");
        }

        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                Args = Flags(spkiPins),
                Timeout = 60_000,
            });
            return (playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>Command-line flags: sandbox off as root, nothing contacted but the pages we open, the console's key trusted.</summary>
    public static List<string> Flags(IEnumerable<string> spkiPins)
    {
        var flags = new List<string>
        {
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-default-apps",
            "--disable-domain-reliability",
            "--disable-sync",
            "--disable-breakpad",
            "--disable-client-side-phishing-detection",
            "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication,CertificateTransparencyComponentUpdater",
            "--metrics-recording-only",
            "--no-first-run",
            "--no-default-browser-check",
            "--no-pings",
            "--password-store=basic",
            "--use-mock-keychain",
            "--disable-dev-shm-usage",
        };
        if (Environment.UserName == "root" || Environment.GetEnvironmentVariable("USER") == "root")
        {
            flags.Add("--no-sandbox"); // Chromium refuses to start its sandbox as root
        }

        // The console's certificate is self-signed (set-up makes one): trust exactly its key, as a technician
        // comparing the fingerprint would, rather than ignoring every certificate error.
        var pins = string.Join(',', spkiPins);
        if (pins.Length > 0)
        {
            flags.Add("--ignore-certificate-errors-spki-list=" + pins);
        }

        return flags;
    }
}

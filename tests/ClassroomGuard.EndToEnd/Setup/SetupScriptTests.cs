using System.Net;
using System.Runtime.Versioning;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.RegularExpressions;
using ClassroomGuard.EndToEnd.Support;

namespace ClassroomGuard.EndToEnd.Setup;

/// <summary>
/// The README's first command, run for real into a temporary prefix: real influxd, real SQLite,
/// the console over real HTTPS with the certificate set-up generated, the services run as an
/// unprivileged user, and the sniffer on a veth standing in for the switch's mirror port.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed partial class SetupScriptTests
{
    private static readonly TimeSpan SetUpHangGuard = TimeSpan.FromMinutes(20);

    [Fact]
    public async Task Setup_WithoutDotnet_SaysHowToGetItAndStops()
    {
        // A PATH with only the few tools the script needs before its SDK check.
        var bin = Directory.CreateTempSubdirectory("cg-nodotnet-");
        try
        {
            foreach (var tool in new[] { "dirname", "cat", "id" })
            {
                File.CreateSymbolicLink(Path.Combine(bin.FullName, tool), "/usr/bin/" + tool);
            }

            var result = await ScriptRunner.RunAsync("image/setup.sh", new Dictionary<string, string?>
            {
                ["PATH"] = bin.FullName,
                ["DOTNET_ROOT"] = "/nonexistent",
            }, TimeSpan.FromSeconds(30));

            Assert.Equal(1, result.ExitCode);
            Assert.Contains(".NET 10 SDK is not installed", result.Stderr, StringComparison.Ordinal);
            Assert.Contains("dotnet-sdk-10.0", result.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("==> ", result.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            bin.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Setup_FreshPrefix_StartsEverythingAndShowsThePasswordOnlyOnce()
    {
        const string serviceUser = "nobody";
        await using var mirror = await MirrorPort.CreateAsync();
        var prefix = Directory.CreateTempSubdirectory("cg-setup-");
        // rwxr-xr-x: the service user must reach its files below.
        File.SetUnixFileMode(prefix.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
            UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var consolePort = ScriptRunner.FreeLoopbackPort();
        var dnsPort = ScriptRunner.FreeUdpLoopbackPort();
        var environment = new Dictionary<string, string?>
        {
            ["CG_PREFIX"] = prefix.FullName,
            ["CG_SKIP_PACKAGES"] = "1",
            ["CG_NO_SYSTEMD"] = "1",
            ["CG_CONSOLE_PORT"] = consolePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["CG_INFLUX_PORT"] = ScriptRunner.FreeLoopbackPort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["CG_INFLUX_RPC_PORT"] = ScriptRunner.FreeLoopbackPort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["CG_DNS_LISTEN"] = $"127.0.0.1:{dnsPort}",
            // Nothing listens there: blocked names are answered without an upstream.
            ["CG_DNS_UPSTREAMS"] = $"127.0.0.1:{ScriptRunner.FreeLoopbackPort()}",
            ["CG_RUN_AS"] = serviceUser,
            ["CG_SNIFF_INTERFACE"] = mirror.Interface,
            // The full UT1 collection from a local archive (tests reach only loopback): the seed plus adult, malware, phishing.
            ["CG_UT1_ARCHIVE"] = await WriteUt1ArchiveAsync(prefix.FullName),
        };
        try
        {
            // A hang guard, not a speed check: set-up publishes three services, which took over 6 minutes while the whole
            // suite (and the image tests' release builds) shared the machine's two cores.
            var first = await ScriptRunner.RunAsync("image/setup.sh", environment, SetUpHangGuard);
            Assert.True(first.ExitCode == 0, $"set-up failed ({first.ExitCode}):\n{first.Stdout}\n{first.Stderr}");
            var password = PasswordLine().Match(first.Stdout);
            Assert.True(password.Success, "no generated password printed:\n" + first.Stdout);
            Assert.True(password.Groups["pw"].Value.Length >= 20, "generated password is too short");
            Assert.Contains($":{consolePort}/", first.Stdout, StringComparison.Ordinal);
            // Set-up's own lines only: the commands' and services' log lines go to its log folder.
            Assert.False(LogLine().IsMatch(first.Stdout + first.Stderr), "a log line leaked into set-up's output:\n" + first.Stdout + first.Stderr);

            // The pin printed is the one the agent's --pin takes (SPKI SHA-256, base64), in a complete enrol command.
            using (var certificate = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(prefix.FullName, "etc/classroomguard/tls/console.crt"))))
            {
                var pin = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo()));
                Assert.Contains("classroomguard-agent-enrol --console https://", first.Stdout, StringComparison.Ordinal);
                Assert.Contains($":{consolePort} --token <room token> --pin {pin}", first.Stdout, StringComparison.Ordinal);
            }


            var etc = Path.Combine(prefix.FullName, "etc/classroomguard");
            // Set-up writes dns.json before it starts the console, so the console checks the upstream from its first start:
            // the only one is the dead port above, so none answers (a technician sees that on the home page at once).
            await AssertConsoleHealthyAsync(consolePort, Path.Combine(etc, "tls/console.crt"), upstreams: "Unhealthy");
            await AssertFirstSignInAsync(consolePort, Path.Combine(etc, "tls/console.crt"), password.Groups["pw"].Value);
            Assert.NotEmpty(Directory.GetFiles(Path.Combine(prefix.FullName, "var/lib/classroomguard/keys"), "key-*.xml"));
            await AssertInfluxProvisionedAsync(environment["CG_INFLUX_PORT"]!, Path.Combine(etc, "secrets.json"));
            await AssertDnsFilterBlocksUt1GamblingAsync(dnsPort);
            Assert.Contains("every required list is loaded", first.Stdout, StringComparison.Ordinal);
            Assert.Contains("Block lists:  UT1 of ", first.Stdout, StringComparison.Ordinal);
            await AssertDnsFilterBlocksAdultAsync(dnsPort);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead,
                File.GetUnixFileMode(Path.Combine(etc, "secrets.json")));
            Assert.DoesNotContain(password.Groups["pw"].Value, await File.ReadAllTextAsync(Path.Combine(prefix.FullName, "var/log/classroomguard/console.log")), StringComparison.Ordinal);
            await AssertSnifferRunsWithOnlyNetRawAsync(prefix.FullName, serviceUser, mirror, first.Stdout);
            const int datagrams = 20;
            await mirror.SendTrafficAsync(datagrams);
            await AssertDeviceDiscoveredWithActivityAsync(prefix.FullName, environment["CG_INFLUX_PORT"]!, mirror, datagrams);

            // Again: everything kept, nothing regenerated, and no password shown a second time. This time the list
            // download fails (no such archive): set-up still succeeds, keeps the lists in force and says so.
            var certificateBefore = await File.ReadAllBytesAsync(Path.Combine(etc, "tls/console.crt"));
            environment["CG_UT1_ARCHIVE"] = Path.Combine(prefix.FullName, "no-such-archive.tar.gz");
            var second = await ScriptRunner.RunAsync("image/setup.sh", environment, SetUpHangGuard);
            Assert.True(second.ExitCode == 0, $"second set-up failed ({second.ExitCode}):\n{second.Stdout}\n{second.Stderr}");
            Assert.Contains("is in force, but the last download failed", second.Stdout, StringComparison.Ordinal);
            Assert.Contains($"The download from {environment["CG_UT1_ARCHIVE"]} failed: there is no file", second.Stdout, StringComparison.Ordinal);
            await AssertDnsFilterBlocksAdultAsync(dnsPort);
            Assert.False(PasswordLine().IsMatch(second.Stdout), "a password was printed twice");
            Assert.Contains("already exists", second.Stdout, StringComparison.Ordinal);
            Assert.Equal(certificateBefore, await File.ReadAllBytesAsync(Path.Combine(etc, "tls/console.crt")));
            // Restarted, the console reads dns.json: its only upstream is the dead port above, so none answers.
            await AssertConsoleHealthyAsync(consolePort, Path.Combine(etc, "tls/console.crt"), upstreams: "Unhealthy");

            // stop.sh stops every service set-up started: nothing from this install keeps running.
            Assert.NotEmpty(ProcessesMentioning(prefix.FullName));
            var stopped = await ScriptRunner.RunAsync("image/stop.sh", environment, TimeSpan.FromSeconds(60));
            Assert.True(stopped.ExitCode == 0, stopped.Stderr);
            Assert.Empty(ProcessesMentioning(prefix.FullName));
            await AssertSnifferCapturedAsync(prefix.FullName, mirror, datagrams);
        }
        finally
        {
            await ScriptRunner.RunAsync("image/stop.sh", environment, TimeSpan.FromSeconds(60));
            prefix.Delete(recursive: true);
        }
    }

    private static async Task AssertConsoleHealthyAsync(int port, string certificatePath, string upstreams)
    {
        // Trust exactly the certificate set-up made, as a technician comparing the fingerprint would.
        using var expected = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(certificatePath));
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate is not null && certificate.Thumbprint == expected.Thumbprint,
        };
        using var client = new HttpClient(handler);
        using var response = await client.GetAsync(new Uri($"https://127.0.0.1:{port}/healthz"));
        var body = await response.Content.ReadAsStringAsync();
        using var json = JsonDocument.Parse(body);
        var checks = json.RootElement.GetProperty("checks");
        Assert.Equal("Healthy", checks.GetProperty("state").GetString());
        Assert.Equal("Healthy", checks.GetProperty("timeseries").GetString());
        // "lists" is Degraded while adult, malware and phishing are not loaded (set-up could not fetch the full UT1
        // collection, e.g. without internet): then, and only then, the whole is Degraded.
        var lists = checks.GetProperty("lists").GetString();
        Assert.Contains(lists, (string[])["Healthy", "Degraded"]);
        Assert.Equal(upstreams, checks.GetProperty("upstreams").GetString());
        // The whole is its worst check; only Unhealthy answers 503.
        string?[] all = [lists, upstreams];
        var worst = all.Contains("Unhealthy") ? "Unhealthy" : all.Contains("Degraded") ? "Degraded" : "Healthy";
        Assert.Equal(worst, json.RootElement.GetProperty("status").GetString());
        Assert.True(response.StatusCode == (worst == "Unhealthy" ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.OK), $"/healthz answered {response.StatusCode}: {body}");
    }

    /// <summary>UT1's layout as a tar.gz: set-up's seed copy plus generated adult, malware and phishing folders (over 4 MiB, as UT1's is).</summary>
    private static async Task<string> WriteUt1ArchiveAsync(string folder)
    {
        var staging = Path.Combine(folder, "ut1-archive", "blacklists");
        foreach (var source in Directory.EnumerateFileSystemEntries(Path.Combine(ScriptRunner.RepoRoot, "../shared/data/ut1")))
        {
            var target = Path.Combine(staging, Path.GetFileName(source));
            Directory.CreateDirectory(staging);
            if (new FileInfo(source).LinkTarget is { } link)
            {
                File.CreateSymbolicLink(target, link);
            }
            else if (File.Exists(Path.Combine(source, "domains")))
            {
                Directory.CreateDirectory(target);
                File.Copy(Path.Combine(source, "domains"), Path.Combine(target, "domains"));
            }
        }

        var random = new Random(11);
        foreach (var (name, count) in new[] { ("adult", 250_000), ("malware", 2_000), ("phishing", 2_000) })
        {
            Directory.CreateDirectory(Path.Combine(staging, name));
            var names = Enumerable.Range(0, count).Select(i => i == 0 ? $"{name}-listed.example" : $"{Convert.ToHexStringLower(BitConverter.GetBytes(random.NextInt64()))}.example");
            await File.WriteAllLinesAsync(Path.Combine(staging, name, "domains"), names);
        }

        var archive = Path.Combine(folder, "blacklists.tar.gz");
        await using (var file = File.Create(archive))
        await using (var gzip = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionLevel.Fastest))
        {
            await System.Formats.Tar.TarFile.CreateFromDirectoryAsync(staging, gzip, includeBaseDirectory: true);
        }

        Directory.Delete(Path.Combine(folder, "ut1-archive"), recursive: true);
        File.SetUnixFileMode(archive, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead); // the service user reads it
        return archive;
    }

    private static async Task AssertDnsFilterBlocksAdultAsync(int port)
    {
        var dig = await ScriptRunner.RunProcessAsync("dig", ["+time=3", "+tries=2", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "@127.0.0.1", "www.adult-listed.example", "A"]);

        Assert.Contains("EDE: 15 (Blocked)", dig, StringComparison.Ordinal);
        Assert.Contains("adult", dig, StringComparison.Ordinal);
    }

    private static async Task AssertDnsFilterBlocksUt1GamblingAsync(int port)
    {
        // A name from the UT1 gambling list that set-up installed; the unknown client (127.0.0.1) is in the
        // default group (guests), for which every category is blocked.
        var listed = File.ReadLines(Path.Combine(ScriptRunner.RepoRoot, "../shared/data/ut1/gambling/domains"))
            .First(line => line.Length > 0 && char.IsAsciiLetter(line[0]) && line.Contains('.', StringComparison.Ordinal));

        var dig = await ScriptRunner.RunProcessAsync("dig", ["+time=3", "+tries=2", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "@127.0.0.1", "www." + listed, "A"]);

        Assert.Contains("status: NOERROR", dig, StringComparison.Ordinal);
        Assert.Contains("0.0.0.0", dig, StringComparison.Ordinal);
        Assert.Contains("EDE: 15 (Blocked)", dig, StringComparison.Ordinal);
        Assert.Contains("gambling", dig, StringComparison.Ordinal);
    }

    /// <summary>The printed password signs in over real HTTPS, and the console asks for a new one first.</summary>
    private static async Task AssertFirstSignInAsync(int port, string certificatePath, string password)
    {
        using var expected = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(certificatePath));
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate is not null && certificate.Thumbprint == expected.Thumbprint,
            AllowAutoRedirect = false,
            CookieContainer = new CookieContainer(),
        };
        using var client = new HttpClient(handler) { BaseAddress = new Uri($"https://127.0.0.1:{port}") };
        var page = await client.GetStringAsync(new Uri("/signin", UriKind.Relative));
        Assert.Contains("This system is monitored.", page, StringComparison.Ordinal);
        var token = WebUtility.HtmlDecode(AntiforgeryField().Match(page).Groups["v"].Value);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "signin",
            ["__RequestVerificationToken"] = token,
            ["Input.UserName"] = "admin",
            ["Input.Password"] = password,
        });

        using var response = await client.PostAsync(new Uri("/signin", UriKind.Relative), form);

        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"sign-in answered {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("/account/password", response.Headers.Location!.IsAbsoluteUri ? response.Headers.Location.AbsolutePath : response.Headers.Location.OriginalString);
    }

    private static async Task AssertInfluxProvisionedAsync(string port, string secretsPath)
    {
        using var secrets = JsonDocument.Parse(await File.ReadAllTextAsync(secretsPath));
        var influx = secrets.RootElement.GetProperty("Influx");
        var user = influx.GetProperty("Username").GetString()!;
        var pass = influx.GetProperty("Password").GetString()!;
        using var client = new HttpClient();
        var query = Uri.EscapeDataString("SHOW RETENTION POLICIES ON classroomguard");
        var url = new Uri($"http://127.0.0.1:{port}/query?u={Uri.EscapeDataString(user)}&p={Uri.EscapeDataString(pass)}&q={query}");
        var body = await client.GetStringAsync(url);
        Assert.DoesNotContain("\"error\"", body, StringComparison.Ordinal);
        Assert.Contains("raw", body, StringComparison.Ordinal);

        // Authentication is on: no credentials, no answer.
        using var anonymous = await client.GetAsync(new Uri($"http://127.0.0.1:{port}/query?q=SHOW%20DATABASES"));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"(?<v>[^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    /// <summary>Running processes whose command line names <paramref name="path"/> (their program lives there).</summary>
    private static List<string> ProcessesMentioning(string path)
    {
        var found = new List<string>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out _))
            {
                continue;
            }

            try
            {
                var commandLine = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (commandLine.Contains(path, StringComparison.Ordinal))
                {
                    found.Add(commandLine);
                }
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
        }

        return found;
    }

    [GeneratedRegex(@"shown only this once: (?<pw>\S+)")]
    private static partial Regex PasswordLine();

    [GeneratedRegex(@"(?m)^(trce|dbug|info|warn|fail|crit): ")]
    private static partial Regex LogLine();
}

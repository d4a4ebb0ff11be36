using System.Globalization;
using System.Runtime.Versioning;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace ClassroomGuard.Image.Tests.Upgrade;

/// <summary>
/// An appliance installed by the real set-up (<c>CG_PUBLISHED</c>, <c>CG_PREFIX</c>: background processes, loopback
/// ports, the services as nobody) from the <see cref="OlderRelease"/>, with a site, room, users and an approved change
/// written through that release's own storage library. The upgrade tests share it, each leaving it healthy.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class OlderAppliance : IAsyncLifetime
{
    /// <summary>The services' user (set-up's CG_RUN_AS), as on an appliance: not the one running the scripts.</summary>
    public const string ServiceUser = "nobody";

    private readonly Dictionary<string, string?> _environment = [];

    /// <summary>The releases installed and upgraded to.</summary>
    public UpgradeReleases Releases { get; } = new();

    /// <summary>The install's root (CG_PREFIX).</summary>
    public string Prefix => Path.Combine(Releases.Root, "prefix");

    /// <summary>/etc/classroomguard of the install.</summary>
    public string Etc => Path.Combine(Prefix, "etc/classroomguard");

    /// <summary>/opt/classroomguard of the install.</summary>
    public string Opt => Path.Combine(Prefix, "opt/classroomguard");

    /// <summary>The state database.</summary>
    public string StateDb => Path.Combine(Prefix, "var/lib/classroomguard/state.db");

    /// <summary>The version <c>current</c> points at.</summary>
    public string CurrentVersion => File.ReadAllText(Path.Combine(Opt, "current/VERSION")).Trim();

    /// <summary>The DNS filter's port on 127.0.0.1.</summary>
    public int DnsPort { get; } = LoopbackPorts.FreeUdpAndTcp();

    private int ConsolePort { get; } = LoopbackPorts.FreeTcp();

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        await Releases.InitializeAsync();
        Directory.CreateDirectory(Prefix);
        File.SetUnixFileMode(Prefix, (UnixFileMode)0b111_101_101); // the service user reaches its files below
        _environment["CG_PREFIX"] = Prefix;
        _environment["CG_SKIP_PACKAGES"] = "1";
        _environment["CG_NO_SYSTEMD"] = "1";
        _environment["CG_RUN_AS"] = ServiceUser;
        _environment["CG_CONSOLE_PORT"] = ConsolePort.ToString(CultureInfo.InvariantCulture);
        _environment["CG_INFLUX_PORT"] = LoopbackPorts.FreeTcp().ToString(CultureInfo.InvariantCulture);
        _environment["CG_INFLUX_RPC_PORT"] = LoopbackPorts.FreeTcp().ToString(CultureInfo.InvariantCulture);
        _environment["CG_DNS_LISTEN"] = $"127.0.0.1:{DnsPort}";
        // Nothing listens there: the canary and blocked names are answered without an upstream.
        _environment["CG_DNS_UPSTREAMS"] = $"127.0.0.1:{LoopbackPorts.FreeTcp()}";
        _environment["CG_UT1_DIR"] = Path.Combine(UpgradeReleases.Repo, "../shared/data/ut1");
        // Tests reach only loopback: the full-list download fails at once (set-up goes on, as it does offline).
        _environment["CG_UT1_ARCHIVE"] = Path.Combine(Releases.Root, "no-ut1-archive.tar.gz");
        _environment["CG_PUBLISHED"] = Releases.OldRelease;
        var setup = await ProcessRunner.RunAsync("/bin/bash", [Path.Combine(UpgradeReleases.Repo, "image/setup.sh")], timeout: TimeSpan.FromMinutes(10), environment: _environment);
        if (setup.ExitCode != 0)
        {
            throw new InvalidOperationException($"set-up of the older release failed ({setup.ExitCode}):\n{setup.Output}\n{setup.Error}");
        }

        _environment.Remove("CG_PUBLISHED");
        await AsServiceUser(TimeSpan.FromMinutes(2), "dotnet", Releases.SeedDll, StateDb);
    }

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        await ProcessRunner.RunAsync("/bin/bash", [Path.Combine(UpgradeReleases.Repo, "image/stop.sh")], timeout: TimeSpan.FromMinutes(1), environment: _environment);
        await Releases.DisposeAsync();
    }

    /// <summary>Runs the installed release's own upgrade script, as a technician does (docs/image.md).</summary>
    public Task<ProcessRunner.Result> UpgradeAsync(params string[] arguments) =>
        ProcessRunner.RunAsync("/bin/bash", [Path.Combine(Opt, "current/image/upgrade.sh"), .. arguments], timeout: TimeSpan.FromMinutes(12), environment: _environment);

    /// <summary>The process id set-up's background service NAME runs as (console, dnsfilter).</summary>
    public int Pid(string service) => int.Parse(File.ReadAllText(Path.Combine(Prefix, "run/classroomguard", service + ".pid")).Trim(), CultureInfo.InvariantCulture);

    /// <summary>The release whose files the running service has loaded (from its memory maps), or null if it is not running.</summary>
    public string? RunningRelease(string service)
    {
        var maps = Path.Combine("/proc", Pid(service).ToString(CultureInfo.InvariantCulture), "maps");
        if (!File.Exists(maps))
        {
            return null;
        }

        var marker = Path.Combine(Opt, "releases") + "/";
        var line = File.ReadLines(maps).FirstOrDefault(l => l.Contains(marker, StringComparison.Ordinal));
        return line?[(line.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..].Split('/')[0];
    }

    /// <summary>The console's <c>/healthz</c> "state" check over HTTPS, trusting exactly the certificate set-up made.</summary>
    public async Task<string?> ConsoleStateAsync()
    {
        using var expected = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(Etc, "tls/console.crt")));
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate is not null && certificate.Thumbprint == expected.Thumbprint,
        };
        using var client = new HttpClient(handler);
        // 503 too while no upstream resolver answers (none does here): the body still holds every check.
        using var response = await client.GetAsync(new Uri($"https://127.0.0.1:{ConsolePort}/healthz"));
        var body = await response.Content.ReadAsStringAsync();
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("checks").GetProperty("state").GetString();
    }

    /// <summary>The DNS filter's answer to its readiness canary (NXDOMAIN once its policy is loaded).</summary>
    public async Task<bool> DnsFilterReadyAsync() =>
        (await ProcessRunner.RunAsync("dig", ["+time=2", "+tries=2", "-p", DnsPort.ToString(CultureInfo.InvariantCulture), "@127.0.0.1", "use-application-dns.net", "A"]))
        .Output.Contains("status: NXDOMAIN", StringComparison.Ordinal);

    /// <summary>What SQL prints from the state database, read-only.</summary>
    public Task<string> QueryAsync(string sql) => ProcessRunner.CheckAsync("sqlite3", "-readonly", StateDb, sql);

    /// <summary>Runs a program as the services' user (files it makes stay theirs).</summary>
    public static Task<string> AsServiceUser(TimeSpan timeout, params string[] command) =>
        ProcessRunner.CheckAsync(timeout, "setpriv", ["--reuid=" + ServiceUser, "--regid=nogroup", "--init-groups", "--", .. command]);
}

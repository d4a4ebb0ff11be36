using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text.Json;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Image.Tests.Backup;

/// <summary>
/// A temporary folder laid out as image/setup.sh leaves an install under CG_PREFIX: settings, secrets.json, a
/// certificate and key made by openssl, the state database made by the storage library, the console's key folder, and
/// opt/classroomguard/current → releases/&lt;version&gt;/ whose console/ is this build's real ClassroomGuard.Console.dll.
/// Made without running set-up (which builds a release: minutes), so the backup tests stay fast; the services are not
/// running in it.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class InstalledPrefix : IDisposable
{
    /// <summary>The passphrase the tests give the scripts (in a file, as a script would).</summary>
    public const string Passphrase = "backup tests passphrase, not a real one";

    private InstalledPrefix(string root, string version, int influxPort)
    {
        Root = root;
        Version = version;
        InfluxUrl = $"http://127.0.0.1:{influxPort}";
    }

    public string Root { get; }

    public string Version { get; }

    /// <summary>The console's HTTPS port in this install's settings (a restore brings the archive's).</summary>
    public int ConsolePort { get; } = LoopbackPorts.FreeTcp();

    /// <summary>The local InfluxDB's HTTP address in this install's settings.</summary>
    public string InfluxUrl { get; }

    public string Run => Path.Combine(Root, "run/classroomguard");

    public string Etc => Path.Combine(Root, "etc/classroomguard");

    public string Lib => Path.Combine(Root, "var/lib/classroomguard");

    public string StatePath => Path.Combine(Lib, "state.db");

    public string Backups => Path.Combine(Root, "var/backups/classroomguard");

    /// <summary>A file holding <see cref="Passphrase"/>, inside the prefix (never part of a backup).</summary>
    public string PassphraseFile => Path.Combine(Root, "passphrase");

    /// <summary>
    /// Makes a fresh install of release <paramref name="version"/> with an empty, migrated state database; with
    /// <paramref name="influx"/> (its HTTP and RPC ports), a local influxd of its own started and provisioned as set-up
    /// does it.
    /// </summary>
    public static async Task<InstalledPrefix> CreateAsync(string version, (int Http, int Rpc)? influx = null)
    {
        var prefix = new InstalledPrefix(Directory.CreateTempSubdirectory("cg-backup-").FullName, version, influx?.Http ?? LoopbackPorts.FreeTcp());
        var release = Path.Combine(prefix.Root, "opt/classroomguard/releases", version);
        Directory.CreateDirectory(release);
        await File.WriteAllTextAsync(Path.Combine(release, "VERSION"), version + "\n");
        Directory.CreateSymbolicLink(Path.Combine(release, "console"), AppContext.BaseDirectory);
        Directory.CreateSymbolicLink(Path.Combine(prefix.Root, "opt/classroomguard/current"), "releases/" + version);

        Directory.CreateDirectory(Path.Combine(prefix.Etc, "tls"));
        Directory.CreateDirectory(Path.Combine(prefix.Lib, "keys"));
        await File.WriteAllTextAsync(prefix.PassphraseFile, Passphrase + "\n");
        await File.WriteAllTextAsync(Path.Combine(prefix.Etc, "appliance.json"), JsonSerializer.Serialize(new
        {
            State = new { Path = prefix.StatePath },
            Reports = new { Directory = Path.Combine(prefix.Lib, "reports") },
            // Without influx nothing listens there: migrate's InfluxDB step fails fast (exit 69), which restore reports as a warning.
            Influx = new { Url = prefix.InfluxUrl, SpoolDirectory = Path.Combine(prefix.Lib, "spool") },
            Console = new
            {
                Listen = $"https://127.0.0.1:{prefix.ConsolePort}",
                CertificatePath = Path.Combine(prefix.Etc, "tls/console.crt"),
                CertificateKeyPath = Path.Combine(prefix.Etc, "tls/console.key"),
                DataProtectionKeysPath = Path.Combine(prefix.Lib, "keys"),
                BlockPageListen = $"http://127.0.0.1:{LoopbackPorts.FreeTcp()}",
            },
        }));
        await File.WriteAllTextAsync(
            Path.Combine(prefix.Etc, "secrets.json"),
            $$"""{ "Influx": { "Username": "classroomguard", "Password": "{{Convert.ToHexString(RandomNumberGenerator.GetBytes(16))}}" } }""");
        await ProcessRunner.CheckAsync(
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=cg-backup-test",
            "-keyout", Path.Combine(prefix.Etc, "tls/console.key"), "-out", Path.Combine(prefix.Etc, "tls/console.crt"));
        // The console's data-protection key ring: opaque to backup and restore, which carry it byte for byte.
        await File.WriteAllBytesAsync(Path.Combine(prefix.Lib, "keys", $"key-{Guid.NewGuid()}.xml"), RandomNumberGenerator.GetBytes(512));
        using (prefix.OpenStore())
        {
        }

        if (influx is { } ports)
        {
            await prefix.StartInfluxAsync(ports.Rpc);
        }

        return prefix;
    }

    /// <summary>
    /// Starts the console as set-up does where systemd does not run (lib.sh's start_background: a pid file in
    /// run/classroomguard, its log in var/log/classroomguard) and returns its pid.
    /// </summary>
    public async Task<int> StartConsoleAsync()
    {
        Directory.CreateDirectory(Run);
        Directory.CreateDirectory(Path.Combine(Root, "var/log/classroomguard"));
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        await ProcessRunner.CheckAsync("bash", "-c",
            """source "$1/image/lib.sh" && start_background console "$2/run/classroomguard" "$2/var/log/classroomguard" "$(id -un)" """ +
            """env CLASSROOMGUARD_CONFIG_DIR="$2/etc/classroomguard" ClassroomGuard__Influx__SpoolDirectory="$2/var/lib/classroomguard/spool-console" "$3" "$2/opt/classroomguard/current/console/ClassroomGuard.Console.dll" """,
            "start", RepositoryRoot.Find(), Root, dotnet);
        return ConsolePid() ?? throw new InvalidOperationException("start_background wrote no pid file");
    }

    /// <summary>The pid in the console's pid file, when there is one.</summary>
    public int? ConsolePid() => Pid("console");

    /// <summary>The InfluxDB credentials in this install's secrets.json.</summary>
    public async Task<string> InfluxPasswordAsync() =>
        JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Etc, "secrets.json"))).RootElement.GetProperty("Influx").GetProperty("Password").GetString()!;

    private int? Pid(string service) => File.Exists(Path.Combine(Run, service + ".pid"))
        ? int.Parse(File.ReadAllText(Path.Combine(Run, service + ".pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture)
        : null;

    /// <summary>
    /// Set-up's step 7 with set-up's own functions (lib.sh): influxdb.conf (loopback HTTP and RPC ports), influxd as a
    /// background process, the admin user of secrets.json; then the console's migrate provisions the database.
    /// </summary>
    private async Task StartInfluxAsync(int rpcPort)
    {
        var port = new Uri(InfluxUrl).Port;
        Directory.CreateDirectory(Run);
        Directory.CreateDirectory(Path.Combine(Root, "var/log/classroomguard"));
        await ProcessRunner.CheckAsync("bash", "-c",
            """set -e; source "$1/image/lib.sh"; etc=$2/etc/classroomguard; log=$2/var/log/classroomguard; """ +
            """write_influx_config "$etc/influxdb.conf" "$2/var/lib/classroomguard/influxdb" "$3" "$4"; """ +
            """start_background influxd "$2/run/classroomguard" "$log" "$(id -un)" /usr/bin/influxd -config "$etc/influxdb.conf"; """ +
            """wait_for InfluxDB 30 curl -sf "http://127.0.0.1:$3/ping"; ensure_influx_admin "http://127.0.0.1:$3" classroomguard "$5" """,
            "start", RepositoryRoot.Find(), Root, port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            rpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture), await InfluxPasswordAsync());
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        await ProcessRunner.CheckAsync("/usr/bin/env", "CLASSROOMGUARD_CONFIG_DIR=" + Etc, dotnet, Path.Combine(AppContext.BaseDirectory, "ClassroomGuard.Console.dll"), "migrate");
    }

    public StateStore OpenStore() => StateStore.Open(new StateOptions { Path = StatePath, BusyTimeout = TimeSpan.FromSeconds(10) });

    /// <summary>Runs image/backup.sh or image/restore.sh (<paramref name="script"/>) on this install, as a technician would.</summary>
    public Task<ProcessRunner.Result> RunScriptAsync(string script, params string[] arguments)
    {
        // env(1) sets the variables: the shared runner starts processes as they are, without an environment of their own.
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? Path.GetDirectoryName(host) + ":" : string.Empty;
        string[] command = ["CG_PREFIX=" + Root, "PATH=" + dotnet + Environment.GetEnvironmentVariable("PATH"), "bash", Path.Combine(RepositoryRoot.Find(), "image", script)];
        return ProcessRunner.RunAsync("/usr/bin/env", [.. command, .. arguments], timeout: TimeSpan.FromSeconds(60));
    }

    /// <summary>Every file and folder under etc/ and var/lib/ with its mode and SHA-256: what a refused restore must leave as it was.</summary>
    public IReadOnlyDictionary<string, string> Snapshot()
    {
        var entries = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var top in new[] { Etc, Lib })
        {
            foreach (var path in Directory.EnumerateFileSystemEntries(top, "*", SearchOption.AllDirectories))
            {
                var mode = File.GetUnixFileMode(path).ToString();
                entries[path] = File.Exists(path) ? mode + " " + Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))) : mode;
            }
        }

        return entries;
    }

    /// <summary>
    /// Hands the install to a service user other than the caller, with set-up's owners and modes: the data folder
    /// theirs, settings and secrets root's with their group, 0640 (the tests run as root, as on an appliance).
    /// </summary>
    public async Task GiveToServiceUserAsync(string user, string group)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools(); // the test's own connections closed: no -wal left as root's
        await ProcessRunner.CheckAsync("bash", "-c",
            """set -e; chmod 0755 "$1"; chown -R "$2:$3" "$1/var/lib/classroomguard"; chmod 0750 "$1/var/lib/classroomguard"; """ +
            """cd "$1/etc/classroomguard"; chgrp -R "$3" .; chmod 0750 . tls; chmod 0640 ./*.json tls/console.key""",
            "give", Root, user, group);
    }

    /// <summary>Owner, group and octal mode of a path under the install (stat's "%U:%G %a").</summary>
    public async Task<string> OwnerAndModeAsync(string relativePath) =>
        (await ProcessRunner.CheckAsync("stat", "-c", "%U:%G %a", Path.Combine(Root, relativePath))).Trim();

    /// <summary>Stops this install's influxd (so another install can take its ports, as a new appliance would have them).</summary>
    public void StopInflux() => Stop("influxd");

    public void Dispose()
    {
        Stop("console");
        Stop("influxd");

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // best effort: a temp folder left behind is harmless
        }
    }

    private void Stop(string service)
    {
        if (Pid(service) is not { } pid)
        {
            return;
        }

        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            process.Kill();
            process.WaitForExit(10_000);
        }
        catch (ArgumentException)
        {
            // not running
        }

        File.Delete(Path.Combine(Run, service + ".pid"));
    }
}

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

    private InstalledPrefix(string root, string version)
    {
        Root = root;
        Version = version;
    }

    public string Root { get; }

    public string Version { get; }

    /// <summary>The console's HTTPS port in this install's settings (a restore brings the archive's).</summary>
    public int ConsolePort { get; } = LoopbackPorts.FreeTcp();

    public string Run => Path.Combine(Root, "run/classroomguard");

    public string Etc => Path.Combine(Root, "etc/classroomguard");

    public string Lib => Path.Combine(Root, "var/lib/classroomguard");

    public string StatePath => Path.Combine(Lib, "state.db");

    public string Backups => Path.Combine(Root, "var/backups/classroomguard");

    /// <summary>A file holding <see cref="Passphrase"/>, inside the prefix (never part of a backup).</summary>
    public string PassphraseFile => Path.Combine(Root, "passphrase");

    /// <summary>Makes a fresh install of release <paramref name="version"/> with an empty, migrated state database.</summary>
    public static async Task<InstalledPrefix> CreateAsync(string version)
    {
        var prefix = new InstalledPrefix(Directory.CreateTempSubdirectory("cg-backup-").FullName, version);
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
            // Nothing listens there: migrate's InfluxDB step fails fast (exit 69), which restore reports as a warning.
            Influx = new { Url = $"http://127.0.0.1:{LoopbackPorts.FreeTcp()}", SpoolDirectory = Path.Combine(prefix.Lib, "spool") },
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
    public int? ConsolePid() => File.Exists(Path.Combine(Run, "console.pid"))
        ? int.Parse(File.ReadAllText(Path.Combine(Run, "console.pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture)
        : null;

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

    public void Dispose()
    {
        if (ConsolePid() is { } pid)
        {
            try
            {
                using var console = System.Diagnostics.Process.GetProcessById(pid);
                console.Kill();
                console.WaitForExit(10_000);
            }
            catch (ArgumentException)
            {
                // not running
            }
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // best effort: a temp folder left behind is harmless
        }
    }
}

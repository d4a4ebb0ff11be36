using System.Globalization;
using System.Runtime.Versioning;
using System.Text.RegularExpressions;
using ClassroomGuard.Sniffer.Tests.Support;
using ClassroomGuard.Tests;

namespace ClassroomGuard.Sniffer.Tests.Hosting;

/// <summary>
/// The service run the way the appliance runs it: as an unprivileged user (<c>nobody</c>) inside a test namespace, with
/// CAP_NET_RAW as the only capability (ambient, as systemd's AmbientCapabilities= and set-up's setpriv give it, or as a
/// file capability from <c>setcap</c>), or with none. Each failure names its cause and exits with its code; with the
/// capability alone it captures, and reports the kernel's counters when stopped.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed partial class SnifferPrivilegeTests(SnifferPrivilegeTests.Lab lab) : IClassFixture<SnifferPrivilegeTests.Lab>
{
    [Fact]
    public async Task NoCapability_Exit77NamingPermissionAndCapability()
    {
        var result = await lab.RunAsync(withNetRaw: false, "--Sniffer:Interface=" + lab.Network.ClientInterface);

        Assert.True(result.ExitCode == 77, $"exit {result.ExitCode}: {result.Error}");
        Assert.Contains($"No permission to capture on interface '{lab.Network.ClientInterface}'", result.Error, StringComparison.Ordinal);
        Assert.Contains("CAP_NET_RAW", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingInterface_Exit66NamingIt()
    {
        var result = await lab.RunAsync(withNetRaw: true, "--Sniffer:Interface=cgnosuch0");

        Assert.True(result.ExitCode == 66, $"exit {result.ExitCode}: {result.Error}");
        Assert.Contains("Interface 'cgnosuch0' does not exist", result.Error, StringComparison.Ordinal);
        Assert.Contains("Sniffer:Interface", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadFilterOnLiveInterface_Exit78QuotingFilter()
    {
        var result = await lab.RunAsync(withNetRaw: true, "--Sniffer:Interface=" + lab.Network.ClientInterface, "--Sniffer:Filter=port banana");

        Assert.True(result.ExitCode == 78, $"exit {result.ExitCode}: {result.Error}");
        Assert.Contains("Filter 'port banana' does not compile", result.Error, StringComparison.Ordinal);
        Assert.Contains("Sniffer:Filter", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnreadableConfigFolder_Exit78NamingIt()
    {
        // As on an appliance whose /etc/classroomguard is root's alone (0700): not an unhandled exception (exit 134).
        var config = Directory.CreateTempSubdirectory("cg-sniffer-unreadable-config-");
        try
        {
            var result = await lab.RunWithConfigAsync(withNetRaw: true, config.FullName, "--Sniffer:Interface=" + lab.Network.ClientInterface);

            Assert.True(result.ExitCode == 78, $"exit {result.ExitCode}: {result.Error}");
            Assert.Contains($"cannot read the configuration folder {config.FullName}", result.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("Unhandled exception", result.Error, StringComparison.Ordinal);
        }
        finally
        {
            config.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task OnlyAmbientNetRaw_CapturesAndReportsKernelCountersAtStop()
    {
        await using var sniffer = lab.Start(withNetRaw: true, "--Sniffer:Interface=" + lab.Network.ClientInterface, "--Sniffer:Filter=icmp");

        await AssertCapturesAsUnprivilegedWithOnlyNetRawAsync(sniffer);
    }

    [Fact]
    public async Task SetcapOnProgram_CapturesWithoutAmbientCapability()
    {
        await using var sniffer = lab.StartWithFileCapability("--Sniffer:Interface=" + lab.Network.ClientInterface, "--Sniffer:Filter=icmp");

        await AssertCapturesAsUnprivilegedWithOnlyNetRawAsync(sniffer);
    }

    private async Task AssertCapturesAsUnprivilegedWithOnlyNetRawAsync(BackgroundTool sniffer)
    {
        var iface = lab.Network.ClientInterface;
        await sniffer.WaitForAsync($"Capturing on {iface} (", TimeSpan.FromSeconds(60));
        var status = await File.ReadAllTextAsync($"/proc/{sniffer.Id}/status");
        Assert.Matches($@"(?m)^Uid:\s+{lab.NobodyUid}\s", status);
        Assert.Matches(@"(?m)^CapEff:\s+0000000000002000$", status); // bit 13: CAP_NET_RAW, nothing else

        var ping = await lab.Network.InClientAsync("ping", "-c", "5", "-i", "0.2", "-W", "2", lab.Network.ServerIp);
        Assert.True(ping.ExitCode == 0, ping.Output + ping.Error);
        await sniffer.InterruptAsync();

        Assert.True(sniffer.ExitCode == 0, $"exit {sniffer.ExitCode}: {sniffer.Error}{sniffer.Output}");
        var final = FinalStatistics().Match(sniffer.Output);
        Assert.True(final.Success, "no final statistics line: " + sniffer.Output);
        Assert.Equal(iface, final.Groups["iface"].Value);
        Assert.True(long.Parse(final.Groups["received"].Value, CultureInfo.InvariantCulture) >= 10, final.Value);
        Assert.Equal("0", final.Groups["dropped"].Value);
        Assert.Contains($"Capture of {iface} ended: ", sniffer.Output, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"Final capture statistics of (?<iface>\S+): received (?<received>\d+), dropped (?<dropped>\d+), interface dropped \d+")]
    private static partial Regex FinalStatistics();

    /// <summary>
    /// A test namespace pair, and a copy of the built sniffer in a folder every user can read (the build output may sit in
    /// a home folder <c>nobody</c> cannot enter), whose apphost carries <c>cap_net_raw+ep</c>.
    /// </summary>
    [SupportedOSPlatform("linux")]
    public sealed class Lab : IAsyncLifetime
    {
        private DirectoryInfo? _copy;
        private NetworkLab? _network;

        internal NetworkLab Network => _network!;

        internal string NobodyUid { get; private set; } = string.Empty;

        private static string Dotnet { get; } = FindDotnet();

        public async Task InitializeAsync()
        {
            _network = await NetworkLab.CreateAsync();
            NobodyUid = (await Tool.CheckAsync("id", "-u", "nobody")).Trim();
            _copy = Directory.CreateTempSubdirectory("cg-sniffer-program-");
            var readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead |
                UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
            File.SetUnixFileMode(_copy.FullName, readable);
            var source = AppContext.BaseDirectory;
            foreach (var file in Directory.EnumerateFiles(source))
            {
                var name = Path.GetFileName(file);
                if (name.EndsWith(".dll", StringComparison.Ordinal) || name.StartsWith("ClassroomGuard.Sniffer", StringComparison.Ordinal))
                {
                    File.Copy(file, Path.Combine(_copy.FullName, name));
                }
            }

            var native = Path.Combine(source, "runtimes", "linux-x64");
            if (Directory.Exists(native))
            {
                await Tool.CheckAsync("cp", "-r", native, Directory.CreateDirectory(Path.Combine(_copy.FullName, "runtimes")).FullName);
                await Tool.CheckAsync("chmod", "-R", "a+rX", Path.Combine(_copy.FullName, "runtimes"));
            }

            await Tool.CheckAsync("setcap", "cap_net_raw+ep", Path.Combine(_copy.FullName, "ClassroomGuard.Sniffer"));
        }

        public async Task DisposeAsync()
        {
            _copy?.Delete(recursive: true);
            if (_network is not null)
            {
                await _network.DisposeAsync();
            }
        }

        /// <summary>Runs the sniffer to its end as nobody in the client namespace.</summary>
        internal Task<Tool.Result> RunAsync(bool withNetRaw, params string[] arguments) =>
            RunWithConfigAsync(withNetRaw, HermeticTestEnvironment.ConfigDirectory, arguments);

        /// <summary>Runs the sniffer to its end as nobody in the client namespace, reading its settings from <paramref name="configDirectory"/>.</summary>
        internal Task<Tool.Result> RunWithConfigAsync(bool withNetRaw, string configDirectory, params string[] arguments) =>
            Tool.RunAsync("ip", ["netns", "exec", Network.ClientNamespace, .. AsNobody(withNetRaw), .. ConfigEnvironment(configDirectory), Dotnet, SnifferDll, NoCircumvention, .. arguments],
                timeout: TimeSpan.FromSeconds(90));

        /// <summary>Starts the sniffer as nobody in the client namespace, with CAP_NET_RAW as its only capability or with none.</summary>
        internal BackgroundTool Start(bool withNetRaw, params string[] arguments) =>
            NetworkLab.StartIn(Network.ClientNamespace, "setpriv", [.. AsNobody(withNetRaw).Skip(1), .. ConfigEnvironment(HermeticTestEnvironment.ConfigDirectory), Dotnet, SnifferDll,
                NoCircumvention, .. arguments]);

        /// <summary>Starts the apphost that carries the file capability, as nobody with no capability of its own.</summary>
        internal BackgroundTool StartWithFileCapability(params string[] arguments) =>
            NetworkLab.StartIn(Network.ClientNamespace, "setpriv", [.. AsNobody(withNetRaw: false, noNewPrivileges: false).Skip(1),
                .. ConfigEnvironment(HermeticTestEnvironment.ConfigDirectory), "DOTNET_ROOT=" + Path.GetDirectoryName(Dotnet),
                Path.Combine(_copy!.FullName, "ClassroomGuard.Sniffer"), NoCircumvention, .. arguments]);

        // setpriv --reset-env drops the test run's CLASSROOMGUARD_CONFIG_DIR: without it the service would read the
        // machine's /etc/classroomguard (an installed appliance's mirror port), so it is passed again explicitly.
        private static string[] ConfigEnvironment(string configDirectory) => ["env", HermeticTestEnvironment.ConfigDirectoryVariable + "=" + configDirectory];

        // Capture is what is tested here: circumvention detection would want the UT1 lists and a state database.
        private const string NoCircumvention = "--Sniffer:Circumvention:Enabled=false";

        private string SnifferDll => Path.Combine(_copy!.FullName, "ClassroomGuard.Sniffer.dll");

        // What image/lib.sh's as_user_argv runs: a new uid and a clean environment; with caps, exactly CAP_NET_RAW
        // (inheritable + ambient, and the bounding set), the way the unit's AmbientCapabilities= and
        // CapabilityBoundingSet= do. no_new_privs would also block file capabilities, so the setcap case goes without.
        private static string[] AsNobody(bool withNetRaw, bool noNewPrivileges = true) =>
        [
            "setpriv", "--reuid=nobody", "--regid=nogroup", "--init-groups", "--reset-env",
            .. withNetRaw ? new[] { "--inh-caps=+net_raw", "--ambient-caps=+net_raw", "--bounding-set=-all,+net_raw" } : [],
            .. noNewPrivileges ? new[] { "--no-new-privs" } : [],
            "--",
        ];

        // setpriv --reset-env leaves a minimal PATH: pass the SDK's own muxer by its full path.
        private static string FindDotnet()
        {
            foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries))
            {
                var candidate = Path.Combine(dir, "dotnet");
                if (File.Exists(candidate))
                {
                    return new FileInfo(candidate).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? candidate;
                }
            }

            return Path.Combine(Environment.GetEnvironmentVariable("DOTNET_ROOT") ?? "/usr/share/dotnet", "dotnet");
        }
    }
}

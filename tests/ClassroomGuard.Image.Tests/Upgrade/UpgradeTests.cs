using System.Runtime.Versioning;
using System.Security.Cryptography;
using Xunit.Abstractions;

namespace ClassroomGuard.Image.Tests.Upgrade;

/// <summary>
/// image/upgrade.sh on a real install of an older release (see <see cref="OlderAppliance"/>), in steps: bad bundles
/// refused, a broken release rolled back (the appliance stays on the older release, its database as it was), then the
/// real upgrade to this tree's release.
/// </summary>
[SupportedOSPlatform("linux")]
[TestCaseOrderer(StepOrderer.TypeName, StepOrderer.AssemblyName)]
public sealed class UpgradeTests(OlderAppliance appliance, ITestOutputHelper output) : IClassFixture<OlderAppliance>
{
    private const string BrokenVersion = "2026.12.09.000000-broken";

    // The tables an upgrade must never lose (the people, the rooms, the change-control log) and the schema's own record.
    private const string KeptRows = "PRAGMA user_version; SELECT * FROM schema_version ORDER BY version; SELECT * FROM users ORDER BY id; " +
        "SELECT * FROM user_roles ORDER BY 1, 2; SELECT * FROM sites ORDER BY id; SELECT * FROM rooms ORDER BY id; SELECT * FROM change_log ORDER BY seq;";

    [Fact]
    public async Task Step3_OlderRelease_UpgradesToThisTree_MigratingTheDatabaseAndKeepingDataAndSettings()
    {
        Assert.Equal(OlderRelease.Version, appliance.CurrentVersion);
        Assert.Equal(OlderRelease.SchemaVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), (await appliance.QueryAsync("PRAGMA user_version")).Trim());
        var settings = HashSettings();

        var result = await appliance.UpgradeAsync(appliance.Releases.NewBundle);

        output.WriteLine(result.Output + result.Error);
        Assert.True(result.ExitCode == 0, $"upgrade failed ({result.ExitCode}):\n{result.Output}\n{result.Error}");
        Assert.Contains($"ClassroomGuard upgraded: {OlderRelease.Version} -> {UpgradeReleases.NewVersion}", result.Output, StringComparison.Ordinal);
        Assert.Equal(UpgradeReleases.NewVersion, appliance.CurrentVersion);
        Assert.Equal("releases/" + UpgradeReleases.NewVersion, new FileInfo(Path.Combine(appliance.Opt, "current")).LinkTarget);
        Assert.Equal(UpgradeReleases.NewVersion, appliance.RunningRelease("console"));
        Assert.Equal(UpgradeReleases.NewVersion, appliance.RunningRelease("dnsfilter"));
        Assert.Equal("Healthy", await appliance.ConsoleStateAsync());
        Assert.True(await appliance.DnsFilterReadyAsync(), "the DNS filter does not answer after the upgrade");

        // Migrated: past the older schema, as far as this tree's storage library goes, and said so.
        var schema = int.Parse((await appliance.QueryAsync("PRAGMA user_version")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(schema > OlderRelease.SchemaVersion, $"schema still {schema}");
        Assert.Contains($"schema {OlderRelease.SchemaVersion} -> {schema}", result.Output, StringComparison.Ordinal);
        Assert.Contains("Reports", await appliance.QueryAsync("SELECT description FROM schema_version WHERE version = 10"), StringComparison.Ordinal);

        // What was made before is there, and the change-control chain still verifies with the new console's own verifier.
        Assert.Contains(OlderRelease.Room, await appliance.QueryAsync("SELECT name FROM rooms"), StringComparison.Ordinal);
        var users = await appliance.QueryAsync("SELECT user_name FROM users");
        Assert.Contains("admin", users, StringComparison.Ordinal);
        Assert.Contains(OlderRelease.Technician, users, StringComparison.Ordinal);
        Assert.Contains(OlderRelease.DeniedDomain, await appliance.QueryAsync("SELECT domain FROM domain_rules"), StringComparison.Ordinal);
        var verify = await OlderAppliance.AsServiceUser(TimeSpan.FromMinutes(2), "env", "CLASSROOMGUARD_CONFIG_DIR=" + appliance.Etc, "dotnet",
            Path.Combine(appliance.Opt, "current/console/ClassroomGuard.Console.dll"), "verify-log");
        Assert.Contains("change log intact: entries=2 ", verify, StringComparison.Ordinal);

        Assert.Equal(settings, HashSettings());
        Assert.True(File.Exists(Path.Combine(appliance.Opt, "releases", OlderRelease.Version, "console/ClassroomGuard.Console.dll")), "the older release was not kept");
        var log = Directory.GetFiles(Path.Combine(appliance.Prefix, "var/log/classroomguard"), "upgrade-*.log").Select(File.ReadAllText);
        Assert.Contains(log, text => text.Contains($"ClassroomGuard upgraded: {OlderRelease.Version} -> {UpgradeReleases.NewVersion}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Step2_BrokenRelease_IsRolledBack_ToTheOlderReleaseAndItsDatabase()
    {
        var before = appliance.CurrentVersion;
        Assert.Equal(OlderRelease.Version, before);
        var rows = await appliance.QueryAsync(KeptRows);
        var broken = Path.Combine(appliance.Releases.Root, "broken-" + Guid.NewGuid().ToString("N"));
        await ProcessRunner.CheckAsync("cp", "-a", appliance.Releases.NewRelease, broken);
        await File.WriteAllTextAsync(Path.Combine(broken, "VERSION"), BrokenVersion + "\n");
        // The console starts and migrates the database; the DNS filter cannot start: only a rollback puts the old schema back.
        using (var dll = new FileStream(Path.Combine(broken, "dnsfilter/ClassroomGuard.DnsFilter.dll"), FileMode.Open))
        {
            dll.SetLength(dll.Length / 2);
        }

        var result = await appliance.UpgradeAsync(broken, "--timeout", "120");

        output.WriteLine($"from {before}:\n{result.Output}{result.Error}");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"error: the upgrade to {BrokenVersion} failed: the DNS filter did not answer", result.Error, StringComparison.Ordinal);
        Assert.Contains($"ClassroomGuard is back on {before}", result.Error, StringComparison.Ordinal);
        Assert.Equal(before, appliance.CurrentVersion);
        Assert.Equal(before, appliance.RunningRelease("console"));
        Assert.Equal(before, appliance.RunningRelease("dnsfilter"));
        Assert.Equal("Healthy", await appliance.ConsoleStateAsync());
        Assert.True(await appliance.DnsFilterReadyAsync(), "the DNS filter does not answer after the rollback");
        // The migration ran on the database (to this tree's schema), and the copy from before it was put back.
        Assert.Contains($"is at schema version {LatestSchema()}.", await LatestUpgradeLogAsync(), StringComparison.Ordinal);
        Assert.Equal(rows, await appliance.QueryAsync(KeptRows));
        Assert.Equal(OlderRelease.SchemaVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), (await appliance.QueryAsync("PRAGMA user_version")).Trim());
        Assert.True(Directory.Exists(Path.Combine(appliance.Opt, "releases", BrokenVersion)), "the failed release is not kept for diagnosis");
    }

    [Fact]
    public async Task Step1_BadBundles_AreRefused_BeforeAnythingStops()
    {
        var before = appliance.CurrentVersion;
        var pids = (appliance.Pid("console"), appliance.Pid("dnsfilter"));
        var releases = Directory.GetFileSystemEntries(Path.Combine(appliance.Opt, "releases")).Order().ToList();
        var folder = Directory.CreateTempSubdirectory("cg-bad-bundles-").FullName;
        try
        {
            var notTar = Path.Combine(folder, "notes-upgrade.tar");
            await File.WriteAllTextAsync(notTar, "not an archive\n");
            // A copy that stopped half-way (a USB stick pulled out).
            var truncated = Path.Combine(folder, "truncated-upgrade.tar");
            await using (var source = File.OpenRead(appliance.Releases.NewBundle))
            await using (var target = File.Create(truncated))
            {
                var half = new byte[source.Length / 2];
                await source.ReadExactlyAsync(half);
                await target.WriteAsync(half);
            }

            var notRelease = Path.Combine(folder, "other-upgrade.tar");
            Directory.CreateDirectory(Path.Combine(folder, "releases/2099.01.01.000000-other"));
            await File.WriteAllTextAsync(Path.Combine(folder, "releases/2099.01.01.000000-other/VERSION"), "2099.01.01.000000-other\n");
            await ProcessRunner.CheckAsync("tar", "-C", folder, "-cf", notRelease, "releases");

            await AssertRefused(notTar, "is not a complete tar archive (tar: This does not look like a tar archive)");
            await AssertRefused(truncated, "is not a complete tar archive (tar: Unexpected EOF in archive)");
            await AssertRefused(notRelease, "is not a ClassroomGuard release: it is not a whole release: console/ClassroomGuard.Console.dll");
            await AssertRefused(Path.Combine(appliance.Opt, "current"), $"ClassroomGuard {before} is already installed");
            var usage = await appliance.UpgradeAsync();
            Assert.Equal(64, usage.ExitCode);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        Assert.Equal(before, appliance.CurrentVersion);
        Assert.Equal(pids, (appliance.Pid("console"), appliance.Pid("dnsfilter")));
        Assert.Equal(before, appliance.RunningRelease("console"));
        Assert.Equal(releases, Directory.GetFileSystemEntries(Path.Combine(appliance.Opt, "releases")).Order().ToList());

        async Task AssertRefused(string bundle, string why)
        {
            var result = await appliance.UpgradeAsync(bundle);
            output.WriteLine($"{Path.GetFileName(bundle)}: exit {result.ExitCode}\n{result.Error}");
            Assert.Equal(65, result.ExitCode);
            Assert.Contains(why, result.Error, StringComparison.Ordinal);
            Assert.Contains($"Nothing was changed: ClassroomGuard still runs {before}.", result.Error, StringComparison.Ordinal);
        }
    }

    private Dictionary<string, string> HashSettings() =>
        Directory.GetFiles(appliance.Etc, "*", SearchOption.AllDirectories)
            .ToDictionary(file => Path.GetRelativePath(appliance.Etc, file), file => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file))));

    /// <summary>This tree's newest state schema version (its newest migration script, V0010_Reports.sql = 10).</summary>
    private static int LatestSchema() =>
        Directory.GetFiles(Path.Combine(UpgradeReleases.Repo, "storage/State/Internal/Migrations"), "V*.sql")
            .Max(file => int.Parse(Path.GetFileName(file).AsSpan(1, 4), System.Globalization.CultureInfo.InvariantCulture));

    private async Task<string> LatestUpgradeLogAsync() =>
        await File.ReadAllTextAsync(Directory.GetFiles(Path.Combine(appliance.Prefix, "var/log/classroomguard"), "upgrade-*.log").Order().Last());
}

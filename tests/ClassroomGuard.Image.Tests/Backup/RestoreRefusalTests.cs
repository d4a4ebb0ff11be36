using System.Runtime.Versioning;
using ClassroomGuard.Storage.State;
using Xunit.Abstractions;

namespace ClassroomGuard.Image.Tests.Backup;

/// <summary>One school's install and a good archive of it, shared by the refusal tests (each restores onto its own fresh install).</summary>
[SupportedOSPlatform("linux")]
public sealed class SchoolArchive : IAsyncLifetime
{
    public const string Version = "20261201.0900-aaaaaaa";

    private InstalledPrefix? school;

    public InstalledPrefix School => school!;

    public string Archive => Path.Combine(School.Root, "school.tar.gz");

    public async Task InitializeAsync()
    {
        school = await InstalledPrefix.CreateAsync(Version);
        using (var store = school.OpenStore())
        {
            await store.Users.CreateUserAsync("alice", "Alice", [Role.Administrator], "correct horse battery staple", CancellationToken.None);
        }

        var backup = await school.RunScriptAsync("backup.sh", "--out", Archive, "--passphrase-file", school.PassphraseFile);
        Assert.True(backup.ExitCode == 0, backup.Output + backup.Error);
    }

    public Task DisposeAsync()
    {
        school?.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>
/// What restore.sh refuses, and that a refusal changes nothing on the appliance: a wrong passphrase, a truncated
/// archive, a member altered after the backup, an archive from a newer release, a missing passphrase file.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class RestoreRefusalTests(SchoolArchive archive, ITestOutputHelper output) : IClassFixture<SchoolArchive>
{
    [Fact]
    public async Task Restore_WrongPassphrase_ChangesNothingAndSaysSo()
    {
        using var fresh = await InstalledPrefix.CreateAsync("20261207.1000-bbbbbbb");
        var wrong = Path.Combine(fresh.Root, "wrong-passphrase");
        await File.WriteAllTextAsync(wrong, "not the passphrase of that backup\n");

        await AssertRefusedAsync(fresh, 65, "wrong passphrase", archive.Archive, "--passphrase-file", wrong);
    }

    [Fact]
    public async Task Restore_TruncatedArchive_ChangesNothingAndSaysSo()
    {
        using var fresh = await InstalledPrefix.CreateAsync("20261207.1000-bbbbbbb");
        var bytes = await File.ReadAllBytesAsync(archive.Archive);
        var truncated = Path.Combine(fresh.Root, "truncated.tar.gz");
        await File.WriteAllBytesAsync(truncated, bytes[..(bytes.Length / 2)]);

        await AssertRefusedAsync(fresh, 65, "damaged or truncated", truncated, "--passphrase-file", fresh.PassphraseFile);
    }

    [Fact]
    public async Task Restore_MemberAlteredAfterTheBackup_ChangesNothingAndNamesTheMember()
    {
        using var fresh = await InstalledPrefix.CreateAsync("20261207.1000-bbbbbbb");
        var unpacked = Directory.CreateDirectory(Path.Combine(fresh.Root, "unpacked")).FullName;
        await ProcessRunner.CheckAsync("tar", "-xzf", archive.Archive, "-C", unpacked);
        await File.AppendAllTextAsync(Path.Combine(unpacked, "classroomguard-backup/settings/appliance.json"), " ");
        var altered = Path.Combine(fresh.Root, "altered.tar.gz");
        await ProcessRunner.CheckAsync("tar", "-czf", altered, "-C", unpacked, "classroomguard-backup");

        await AssertRefusedAsync(fresh, 65, "settings/appliance.json differs from the SHA-256", altered, "--passphrase-file", fresh.PassphraseFile);
    }

    [Fact]
    public async Task Restore_ArchiveFromANewerRelease_ChangesNothingAndSaysToUpgradeFirst()
    {
        using var older = await InstalledPrefix.CreateAsync("20261101.0800-ccccccc");

        await AssertRefusedAsync(older, 65, $"newer than the 20261101.0800-ccccccc installed here; nothing was changed. Upgrade this appliance to {SchoolArchive.Version}", archive.Archive, "--passphrase-file", older.PassphraseFile);
    }

    [Fact]
    public async Task Restore_MissingPassphraseFile_ChangesNothingAndNamesIt()
    {
        using var fresh = await InstalledPrefix.CreateAsync("20261207.1000-bbbbbbb");
        var missing = Path.Combine(fresh.Root, "no-such-passphrase");

        await AssertRefusedAsync(fresh, 66, $"the passphrase file {missing} does not exist", archive.Archive, "--passphrase-file", missing);
    }

    [Fact]
    public async Task Backup_MissingPassphraseFile_WritesNoArchive()
    {
        var missing = Path.Combine(archive.School.Root, "no-such-passphrase");
        var archiveFile = Path.Combine(archive.School.Root, "never.tar.gz");

        var result = await archive.School.RunScriptAsync("backup.sh", "--out", archiveFile, "--passphrase-file", missing);

        Assert.Equal(66, result.ExitCode);
        Assert.Contains(missing, result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(archiveFile));
    }

    private async Task AssertRefusedAsync(InstalledPrefix fresh, int exitCode, string message, params string[] arguments)
    {
        var before = fresh.Snapshot();

        var result = await fresh.RunScriptAsync("restore.sh", arguments);

        output.WriteLine($"restore.sh exit {result.ExitCode}:\n{result.Output}{result.Error}");
        Assert.Equal(exitCode, result.ExitCode);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
        Assert.Equal(before, fresh.Snapshot());
        Assert.False(Directory.Exists(fresh.Backups), "a refused restore kept 'replaced' files: it had begun to replace them");
    }
}

using System.Runtime.Versioning;
using ClassroomGuard.Storage.State;
using Xunit.Abstractions;

namespace ClassroomGuard.Image.Tests.Backup;

/// <summary>
/// As on an appliance: root runs backup and restore, and the services' own user (here nobody:nogroup) owns the data.
/// The online copy runs as that user (a root-owned -wal or -shm beside the database would lock the console out of it),
/// and restore leaves every file with set-up's owner and mode, then migrates and verifies as that user.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class ServiceUserTests(ITestOutputHelper output)
{
    [Fact]
    public async Task BackupAndRestore_AsRoot_LeaveTheServiceUserOwningItsFiles()
    {
        Assert.True(Environment.UserName == "root", "the image tests run as root (README, Image tests)");
        using var school = await InstalledPrefix.CreateAsync("20261201.0900-aaaaaaa");
        using var fresh = await InstalledPrefix.CreateAsync("20261207.1000-bbbbbbb");
        using (var store = school.OpenStore())
        {
            await store.Users.CreateUserAsync("alice", "Alice", [Role.Administrator], "correct horse battery staple", CancellationToken.None);
        }

        await school.GiveToServiceUserAsync("nobody", "nogroup");
        await fresh.GiveToServiceUserAsync("nobody", "nogroup");
        var archive = Path.Combine(school.Root, "school.tar.gz");

        var backup = await school.RunScriptAsync("backup.sh", "--out", archive, "--passphrase-file", school.PassphraseFile);

        output.WriteLine($"backup.sh exit {backup.ExitCode}:\n{backup.Output}{backup.Error}");
        Assert.Equal(0, backup.ExitCode);
        var rootOwned = await ProcessRunner.CheckAsync("find", school.Lib, "-user", "root");
        Assert.Equal(string.Empty, rootOwned);

        var restore = await fresh.RunScriptAsync("restore.sh", archive, "--passphrase-file", fresh.PassphraseFile);

        output.WriteLine($"restore.sh exit {restore.ExitCode}:\n{restore.Output}{restore.Error}");
        Assert.Equal(0, restore.ExitCode);
        Assert.Contains("Change-control log: change log intact", restore.Output, StringComparison.Ordinal);
        Assert.Contains($"State database {fresh.StatePath} is at schema version", restore.Output, StringComparison.Ordinal);
        Assert.Equal("nobody:nogroup 600", await fresh.OwnerAndModeAsync("var/lib/classroomguard/state.db"));
        Assert.Equal("nobody:nogroup 700", await fresh.OwnerAndModeAsync("var/lib/classroomguard/keys"));
        var key = Path.GetRelativePath(fresh.Root, Assert.Single(Directory.GetFiles(Path.Combine(fresh.Lib, "keys"))));
        Assert.Equal("nobody:nogroup 600", await fresh.OwnerAndModeAsync(key));
        foreach (var secret in (string[])["etc/classroomguard/secrets.json", "etc/classroomguard/tls/console.key", "etc/classroomguard/appliance.json"])
        {
            Assert.Equal("root:nogroup 640", await fresh.OwnerAndModeAsync(secret));
        }

        Assert.Equal("root:nogroup 644", await fresh.OwnerAndModeAsync("etc/classroomguard/tls/console.crt"));
        Assert.Equal(string.Empty, await ProcessRunner.CheckAsync("find", fresh.Lib, "-user", "root"));
    }
}

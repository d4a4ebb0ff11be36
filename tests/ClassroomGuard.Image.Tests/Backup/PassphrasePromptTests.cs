using System.Runtime.Versioning;
using Xunit.Abstractions;

namespace ClassroomGuard.Image.Tests.Backup;

/// <summary>
/// Without --passphrase-file, backup.sh asks for the passphrase twice on the terminal (a real pseudo-terminal, from
/// util-linux's script): the typed one encrypts the secrets, and two that differ write nothing.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class PassphrasePromptTests(SchoolArchive archive, ITestOutputHelper output) : IClassFixture<SchoolArchive>
{
    private const string Typed = "typed at the prompt, twice";

    [Fact]
    public async Task Backup_PassphraseTypedTwice_EncryptsWithIt()
    {
        var typedArchive = Path.Combine(archive.School.Root, "typed.tar.gz");

        var backup = await TypeAsync($"{Typed}\n{Typed}\n", typedArchive);

        Assert.Equal(0, backup.ExitCode);
        Assert.Contains("The same passphrase again: ", backup.Output, StringComparison.Ordinal);
        using var fresh = await InstalledPrefix.CreateAsync("20261207.1000-bbbbbbb");
        var typedFile = Path.Combine(fresh.Root, "typed-passphrase");
        await File.WriteAllTextAsync(typedFile, Typed + "\n");
        var restore = await fresh.RunScriptAsync("restore.sh", typedArchive, "--passphrase-file", typedFile);
        output.WriteLine($"restore.sh exit {restore.ExitCode}:\n{restore.Output}{restore.Error}");
        Assert.Equal(0, restore.ExitCode);
    }

    [Fact]
    public async Task Backup_TwoDifferentPassphrasesTyped_WritesNothing()
    {
        var never = Path.Combine(archive.School.Root, "mistyped.tar.gz");

        var backup = await TypeAsync($"{Typed}\n{Typed}, mistyped\n", never);

        Assert.Equal(64, backup.ExitCode);
        Assert.Contains("the two passphrases differ; nothing was written", backup.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(never));
    }

    /// <summary>Runs backup.sh --out <paramref name="out"/> on a pseudo-terminal, typing <paramref name="keys"/> (script's output holds both streams).</summary>
    private async Task<ProcessRunner.Result> TypeAsync(string keys, string @out)
    {
        var command = $"env CG_PREFIX='{archive.School.Root}' bash '{Path.Combine(RepositoryRoot.Find(), "image/backup.sh")}' --out '{@out}'";
        var result = await ProcessRunner.RunAsync("script", ["--quiet", "--return", "--command", command, "/dev/null"], input: keys);
        output.WriteLine($"backup.sh on a terminal, exit {result.ExitCode}:\n{result.Output}{result.Error}");
        return result;
    }
}

using System.Runtime.Versioning;

namespace ClassroomGuard.Image.Tests.Upgrade;

/// <summary>
/// The releases the upgrade tests install and upgrade to (publishing is the slow part): the <see cref="OlderRelease"/>
/// and its seed program, published once per machine and SDK, and this tree's release, published once per run (or
/// taken from <c>CG_TEST_RELEASE</c>, a folder <c>image/release.sh</c> made, when iterating on the scripts), as an
/// upgrade bundle the way <c>image/build.sh</c> makes one (<c>tar -C DIR -cf classroomguard-&lt;v&gt;-upgrade.tar
/// releases/&lt;v&gt;</c>). Both get this tree's <c>image/</c>: the scripts under test.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class UpgradeReleases : IAsyncLifetime
{
    /// <summary>This tree's release's version (newer than <see cref="OlderRelease.Version"/>).</summary>
    public const string NewVersion = "2026.12.08.000000-newer";

    // A guard against a hung build, not a speed test: three publishes took over 20 minutes at a load of 60 on 2 cores.
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(45);

    /// <summary>A folder everything here lives in, readable by the services' user (nobody).</summary>
    public string Root { get; } = Directory.CreateTempSubdirectory("cg-upgrade-").FullName;

    /// <summary>The older release folder.</summary>
    public string OldRelease => Path.Combine(Root, "older");

    /// <summary>The seed program (dll), built against the older release's storage library.</summary>
    public string SeedDll => Path.Combine(Root, "seed", "UpgradeSeed.dll");

    /// <summary>This tree's release folder (inside the bundle's staging folder).</summary>
    public string NewRelease => Path.Combine(Root, "bundle", "releases", NewVersion);

    /// <summary>The upgrade bundle of <see cref="NewRelease"/>.</summary>
    public string NewBundle => Path.Combine(Root, $"classroomguard-{NewVersion}-upgrade.tar");

    /// <summary>The repository the tests run from.</summary>
    public static string Repo { get; } = RepositoryRoot.Find();

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        File.SetUnixFileMode(Root, (UnixFileMode)0b111_101_101);
        // The older services with today's scripts (the older commit had no release.sh or upgrade.sh yet).
        var older = await OlderBuildAsync();
        await AssembleAsync(Path.Combine(older, "release"), OldRelease, OlderRelease.Version);
        await Run("cp", "-a", Path.Combine(older, "seed"), Path.GetDirectoryName(SeedDll)!);

        var given = Environment.GetEnvironmentVariable("CG_TEST_RELEASE");
        if (string.IsNullOrEmpty(given))
        {
            await Run("/bin/bash", Path.Combine(Repo, "image/release.sh"), NewRelease, "--version", NewVersion);
        }
        else
        {
            // A release this tree's image/release.sh made earlier: its services, today's scripts (for iterating on them).
            await AssembleAsync(given, NewRelease, NewVersion);
        }

        await Run("tar", "-C", Path.Combine(Root, "bundle"), "-cf", NewBundle, "releases/" + NewVersion);
        await Bash("chmod -R go+rX \"$1\"", Root);
    }

    /// <inheritdoc/>
    public Task DisposeAsync()
    {
        Directory.Delete(Root, recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>
    /// The older release's services (release/) and seed program (seed/), published once per machine and SDK: their
    /// inputs are a fixed commit, so a later run reuses them (kept in the temporary folder, made under another name and
    /// renamed when whole).
    /// </summary>
    private static async Task<string> OlderBuildAsync()
    {
        var sdk = (await ProcessRunner.CheckAsync("dotnet", "--version")).Trim();
        var cache = Path.Combine(Path.GetTempPath(), $"classroomguard-upgrade-older-{OlderRelease.Commit}-{sdk}");
        if (Directory.Exists(cache))
        {
            return cache;
        }

        var building = Directory.CreateTempSubdirectory("classroomguard-upgrade-older-").FullName;
        var source = Path.Combine(building, "src");
        Directory.CreateDirectory(source);
        var history = await ProcessRunner.RunAsync("git", ["-C", Repo, "cat-file", "-e", OlderRelease.Commit + "^{commit}"]);
        Assert.True(history.ExitCode == 0, $"the upgrade tests build the older release from commit {OlderRelease.Commit}, which this checkout lacks (a shallow clone?): git fetch --unshallow");
        await Bash($"git -C \"$1\" archive {OlderRelease.Commit} | tar -C \"$2\" -xf - && rm -rf \"$2/image\" && cp -a \"$1/image\" \"$2/image\"", Repo, source);
        var seed = Path.Combine(source, "tests", "UpgradeSeed");
        Directory.CreateDirectory(seed);
        await File.WriteAllTextAsync(Path.Combine(seed, "UpgradeSeed.csproj"), OlderRelease.SeedProject);
        await File.WriteAllTextAsync(Path.Combine(seed, "Program.cs"), OlderRelease.SeedProgram);
        await Run("/bin/bash", Path.Combine(source, "image/release.sh"), Path.Combine(building, "release"), "--version", OlderRelease.Version);
        await Run("dotnet", "build", seed, "-c", "Release", "-o", Path.Combine(building, "seed"), "--nologo", "-v", "quiet");
        Directory.Delete(source, recursive: true);
        try
        {
            Directory.Move(building, cache);
        }
        catch (IOException) when (Directory.Exists(cache))
        {
            Directory.Delete(building, recursive: true); // another run finished first
        }

        return cache;
    }

    /// <summary>A release folder at <paramref name="target"/>: the services of <paramref name="release"/>, this tree's scripts and units, <paramref name="version"/>.</summary>
    private static Task AssembleAsync(string release, string target, string version) =>
        Bash("mkdir -p \"$(dirname \"$2\")\" && cp -a \"$1\" \"$2\" && rm -rf \"$2/image\" && cp -a \"$3/image\" \"$2/image\" && rm -rf \"$2/image/out\" && echo \"$4\" >\"$2/VERSION\"",
            release, target, Repo, version);

    private static Task Bash(string script, params string[] arguments) => Run("/bin/bash", ["-c", script, "bash", .. arguments]);

    private static Task Run(string file, params string[] arguments) => ProcessRunner.CheckAsync(PublishTimeout, file, arguments);
}

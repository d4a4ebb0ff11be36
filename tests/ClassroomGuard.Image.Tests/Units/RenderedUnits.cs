namespace ClassroomGuard.Image.Tests.Units;

/// <summary>
/// Every <c>*.service</c> under <c>image/</c> (the services', the appliance image's and the kiosk's, whoever wrote
/// them), rendered the way <c>install_unit</c> in <c>image/lib.sh</c> renders them on an appliance, into a temp folder.
/// </summary>
public sealed class RenderedUnits : IDisposable
{
    /// <summary>The placeholders <c>install_unit</c> fills in, with an appliance's values.</summary>
    public static readonly IReadOnlyDictionary<string, string> Placeholders = new Dictionary<string, string>
    {
        ["@USER@"] = "classroomguard",
        ["@ETC@"] = "/etc/classroomguard",
        ["@OPT@"] = "/opt/classroomguard/current",
        ["@DOTNET@"] = "/opt/classroomguard/current/dotnet/dotnet",
    };

    private readonly string _folder = Directory.CreateTempSubdirectory("cg-units-").FullName;

    public RenderedUnits()
    {
        var repo = RepositoryRoot.Find();
        foreach (var source in SourceFiles(repo))
        {
            var relative = Path.GetRelativePath(repo, source);
            var target = Path.Combine(_folder, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            var text = File.ReadAllText(source);
            foreach (var (placeholder, value) in Placeholders)
            {
                text = text.Replace(placeholder, value, StringComparison.Ordinal);
            }

            File.WriteAllText(target, text);
            Units.Add((relative, UnitFile.Read(target)));
        }
    }

    /// <summary>Each unit: its path in the repository and the rendered file.</summary>
    internal List<(string Source, UnitFile Unit)> Units { get; } = [];

    /// <summary>systemd-analyze's report of each unit (by file name), made once for all the tests.</summary>
    internal Task<Dictionary<string, SecurityReport>> Reports => _reports ??= RateAsync();

    private Task<Dictionary<string, SecurityReport>>? _reports;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private async Task<Dictionary<string, SecurityReport>> RateAsync()
    {
        var reports = new Dictionary<string, SecurityReport>();
        foreach (var (_, unit) in Units)
        {
            reports[unit.Name] = await SecurityReport.OfAsync(unit.Path);
        }

        return reports;
    }

    // The units in the source tree: what git tracks or would track under image/ (so a build's output, git-ignored under
    // image/out/ and full of Debian's own units, is not read), or, outside a checkout, every one but under out/.
    private static IEnumerable<string> SourceFiles(string repo)
    {
        if (Directory.Exists(Path.Combine(repo, ".git")) || File.Exists(Path.Combine(repo, ".git")))
        {
            var listed = ProcessRunner.CheckAsync("git", "-C", repo, "ls-files", "--cached", "--others", "--exclude-standard", "--", "image/*.service")
                .GetAwaiter().GetResult();
            return listed.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(p => Path.Combine(repo, p)).Where(File.Exists).Order(StringComparer.Ordinal);
        }

        var image = Path.Combine(repo, "image");
        return Directory.EnumerateFiles(image, "*.service", SearchOption.AllDirectories)
            .Where(p => !Path.GetRelativePath(image, p).StartsWith("out" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
    }
}

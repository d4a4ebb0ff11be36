using System.Globalization;
using System.Text.RegularExpressions;

namespace ClassroomGuard.Image.Tests.Units;

/// <summary>
/// What <c>systemd-analyze security --offline=true</c> (systemd's own unit parser and scoring) says of one unit file:
/// the overall exposure, the settings that cost exposure, and the lines of the file it could not parse.
/// </summary>
/// <param name="Exposure">The overall exposure, 0.0 (safe) to 10.0.</param>
/// <param name="Weaknesses">Each setting that costs exposure, with its cost, costliest first.</param>
/// <param name="ParseProblems">Lines systemd ignores ("Unknown key", "Failed to parse ..."): a misspelt setting that
/// would silently not sandbox anything.</param>
internal sealed partial record SecurityReport(double Exposure, IReadOnlyList<(string Setting, double Cost)> Weaknesses, IReadOnlyList<string> ParseProblems)
{
    /// <summary>Runs systemd-analyze on <paramref name="unitPath"/>.</summary>
    public static async Task<SecurityReport> OfAsync(string unitPath)
    {
        var result = await ProcessRunner.RunAsync("systemd-analyze", ["security", "--offline=true", "--no-pager", unitPath]);
        var overall = OverallLine().Match(result.Output);
        if (result.ExitCode != 0 || !overall.Success)
        {
            throw new InvalidOperationException($"systemd-analyze security could not rate {unitPath} (exit {result.ExitCode}): {result.Error}{result.Output}");
        }

        var weaknesses = result.Output.Split('\n')
            .Select(l => WeaknessLine().Match(l))
            .Where(m => m.Success)
            .Select(m => (m.Groups["setting"].Value, double.Parse(m.Groups["cost"].Value, CultureInfo.InvariantCulture)))
            .OrderByDescending(w => w.Item2)
            .ToList();
        var problems = result.Error.Split('\n').Where(l => l.Contains("ignoring", StringComparison.OrdinalIgnoreCase)).ToList();
        return new SecurityReport(double.Parse(overall.Groups[1].Value, CultureInfo.InvariantCulture), weaknesses, problems);
    }

    /// <summary>The costliest settings, e.g. "PrivateNetwork= 0.5, IPAddressDeny= 0.2".</summary>
    public string Worst(int count) => string.Join(", ", Weaknesses.Take(count).Select(w => $"{w.Setting} {w.Cost.ToString("0.0", CultureInfo.InvariantCulture)}"));

    [GeneratedRegex(@"Overall exposure level for \S+: (\d+\.\d+)")]
    private static partial Regex OverallLine();

    // "✗ PrivateNetwork=      Service has access to the host's network      0.5"
    [GeneratedRegex(@"^\S*✗\s+(?<setting>\S+)\s.*\s(?<cost>\d+\.\d+)\s*$")]
    private static partial Regex WeaknessLine();
}

using System.Reflection;
using System.Text.RegularExpressions;
using ClassroomGuard.Storage.TimeSeries;

namespace ClassroomGuard.Storage.Tests.TimeSeries;

/// <summary>The one definition of the measurement names agrees with the documented table, both ways.</summary>
public sealed partial class MeasurementsTests
{
    [Fact]
    public void EveryConstant_IsInTheDocumentedTable_AndEveryRowIsAConstant()
    {
        var constants = typeof(Measurements).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .ToDictionary(f => "Measurements." + f.Name, f => (string)f.GetRawConstantValue()!, StringComparer.Ordinal);
        var documented = Row().Matches(File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "timeseries.md")))
            .ToDictionary(m => m.Groups["constant"].Value, m => m.Groups["name"].Value, StringComparer.Ordinal);

        Assert.Equal(constants.OrderBy(p => p.Key, StringComparer.Ordinal), documented.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Equal(constants.Values.Order(StringComparer.Ordinal), Measurements.All.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Names_AreDistinctAndNeedNoEscaping()
    {
        var names = typeof(Measurements).GetNestedTypes().Append(typeof(Measurements))
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).Select(f => (Type: t, Value: (string)f.GetRawConstantValue()!)))
            .ToList();
        Assert.NotEmpty(names);
        foreach (var group in names.GroupBy(n => n.Type))
        {
            Assert.Equal(group.Count(), group.Select(n => n.Value).Distinct(StringComparer.Ordinal).Count());
        }

        // Lower-case identifiers: the same text in line protocol, InfluxQL and the docs, no quoting rules to get wrong.
        Assert.All(names, n => Assert.Matches("^[a-z][a-z0-9_]*$", n.Value));
    }

    [GeneratedRegex(@"^\| `(?<constant>Measurements\.[A-Za-z]+)` \| `(?<name>[^`]+)` \|", RegexOptions.Multiline)]
    private static partial Regex Row();

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ClassroomGuard.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("ClassroomGuard.sln not found above " + AppContext.BaseDirectory);
    }
}

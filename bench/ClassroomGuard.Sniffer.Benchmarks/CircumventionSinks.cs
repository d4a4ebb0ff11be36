using ClassroomGuard.Sniffer.Circumvention;

namespace ClassroomGuard.Sniffer.Benchmarks;

/// <summary>The circumvention detector as the service builds it, with the UT1 snapshot beside the repository when present.</summary>
internal static class CircumventionSinks
{
    public static CircumventionDetector Create()
    {
        var options = Microsoft.Extensions.Options.Options.Create(new CircumventionOptions { ApplianceAddresses = ["10.0.0.1"] });
        var rules = AddressRules.TryCreate(options.Value, []) ?? throw new InvalidOperationException("bad rules");
        var ut1 = FindUt1();
        return new CircumventionDetector(rules, ut1 is null ? ServiceLists.Empty : ServiceLists.Load(ut1), options, new CircumventionQueue(options));
    }

    private static string? FindUt1()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "..", "shared", "data", "ut1");
            if (File.Exists(Path.Combine(dir.FullName, "ClassroomGuard.sln")) && Directory.Exists(candidate))
            {
                return Path.GetFullPath(candidate);
            }
        }

        return null;
    }
}

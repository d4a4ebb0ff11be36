using ClassroomGuard.Dns.Lists;
using ClassroomGuard.Dns.Protocol;

namespace ClassroomGuard.Dns.Tests.Lists;

public sealed class Ut1LoaderTests
{
    public const string Ut1Root = "/work/shared/data/ut1";

    [Fact]
    public void Load_RealUt1Snapshot_LoadsMappedFoldersWithCounts()
    {
        var categories = new CategoryMap();
        var lists = LoadedLists.Load(new DnsListOptions { Sources = [new ListSource { Path = Ut1Root, Format = ListFormat.Ut1 }] }, categories);

        // ~240k distinct names come from the mapped folders (redirector alone has 132k); junk is counted, not fatal.
        Assert.InRange(lists.Table.Count, 200_000, 300_000);
        var total = new ListLoadStatistics();
        foreach (var (_, s) in lists.Statistics)
        {
            if (s is not null)
            {
                total.Add(s);
            }
        }

        Assert.True(total.Addresses > 0);
        Assert.True(total.Names >= lists.Table.Count);
        Assert.Contains(lists.Statistics, s => s.Source.EndsWith("/adult", StringComparison.Ordinal) && s.Statistics is null); // missing from the snapshot
        Assert.DoesNotContain(lists.Statistics, s => s.Source.EndsWith("/child", StringComparison.Ordinal));

        // proxy/redirector names are in both proxy and circumvention; drugs came through the drogue folder.
        var redirector = File.ReadLines(Path.Combine(Ut1Root, "redirector", "domains")).First(l => DomainText.TryNormalize(l, stackalloc byte[256]) > 0);
        var mask = lists.Table.MatchSuffixes(DnsName.FromText("www." + redirector.Trim()), out _);
        Assert.NotEqual(0UL, mask & categories.BitOf("proxy"));
        Assert.NotEqual(0UL, mask & categories.BitOf("circumvention"));
        Assert.NotEqual(0UL, categories.BitOf("drugs"));
        Assert.Equal(0UL, categories.BitOf("child"));
    }

    [Fact]
    public void Load_SymlinkAsFileAndOverride_FollowsAliasAndAppliesMapping()
    {
        var root = Directory.CreateTempSubdirectory("cg-ut1-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "redirector"));
            File.WriteAllText(Path.Combine(root, "redirector", "domains"), "proxy.test\n10.0.0.1\n");
            File.WriteAllText(Path.Combine(root, "proxy"), "redirector\n"); // a git symlink checked out as a file
            Directory.CreateDirectory(Path.Combine(root, "sect"));
            File.WriteAllText(Path.Combine(root, "sect", "domains"), "cult.test\n");
            var categories = new CategoryMap();
            var options = new DnsListOptions
            {
                Sources = [new ListSource { Path = root, Format = ListFormat.Ut1 }],
                Ut1Categories = { ["proxy"] = "proxy", ["sect"] = "extremism", ["redirector"] = "" },
            };

            var lists = LoadedLists.Load(options, categories);

            Assert.Equal(categories.BitOf("proxy"), lists.Table.MatchSuffixes(DnsName.FromText("proxy.test"), out _));
            Assert.Equal(categories.BitOf("extremism"), lists.Table.MatchSuffixes(DnsName.FromText("cult.test"), out _));
            Assert.Equal(1, lists.Statistics.Single(s => s.Source.EndsWith("/redirector", StringComparison.Ordinal)).Statistics!.Addresses);
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }

    [Fact]
    public void Load_MissingFile_ThrowsNamingTheSetting()
    {
        var error = Assert.Throws<IOException>(() => LoadedLists.Load(
            new DnsListOptions { Sources = [new ListSource { Path = "/nonexistent/iwf.txt", Category = "child_abuse" }] }, new CategoryMap()));

        Assert.Contains("Dns:Lists:Sources:0:Path", error.Message, StringComparison.Ordinal);
    }
}

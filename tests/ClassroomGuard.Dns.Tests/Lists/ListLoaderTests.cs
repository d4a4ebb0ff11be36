using System.Text;
using ClassroomGuard.Dns.Lists;
using ClassroomGuard.Dns.Protocol;

namespace ClassroomGuard.Dns.Tests.Lists;

public sealed class ListLoaderTests
{
    [Fact]
    public void LoadText_PlainCorpus_CountsEveryKindOfBadLine()
    {
        var text = """
            # comment
            Example.ORG.
            *.wild.test
            .dot.test
            10.0.0.1
            2001:db8::1
            bad_char!.test
            a..b.test
            localhost
            trailing.test # comment after

            CRLF.test\r
            """.Replace("\\r", "\r", StringComparison.Ordinal) + "\n" + new string('a', 64) + ".test\n" + string.Join('.', Enumerable.Repeat("abcdefghij", 26)) + "\n";

        var (table, stats) = Load(text, ListFormat.Plain);

        Assert.Equal(5, stats.Names);
        Assert.Equal(2, stats.Addresses);
        Assert.Equal(3, stats.Invalid); // bad char, empty label, single label
        Assert.Equal(2, stats.TooLong);
        Assert.Equal(2, stats.Comments);
        AssertListed(table, "example.org", "x.wild.test", "dot.test", "trailing.test", "crlf.test");
    }

    [Fact]
    public void LoadText_HostsCorpus_TakesNamesAndSkipsBoilerplate()
    {
        var text = """
            127.0.0.1 localhost
            ::1 localhost ip6-localhost ip6-loopback
            0.0.0.0 ads.test tracker.test # two names
            127.0.0.1	tab.test
            0.0.0.0
            0.0.0.0 1.2.3.4
            justaname.test
            """;

        var (table, stats) = Load(text, ListFormat.Hosts);

        Assert.Equal(3, stats.Names);
        Assert.Equal(1, stats.Addresses);
        Assert.Equal(2, stats.Invalid); // address alone, name alone
        AssertListed(table, "ads.test", "tracker.test", "tab.test");
        Assert.Equal(0UL, table.MatchSuffixes(DnsName.FromText("justaname.test"), out _));
    }

    [Fact]
    public void LoadText_AdBlockCorpus_UsesOnlyDomainRules()
    {
        var text = """
            [Adblock Plus 2.0]
            ! comment
            ||ads.test^
            ||Tracker.TEST^
            @@||allowed.test^
            ||path.test/banner^
            ##.cosmetic
            ||opts.test^$third-party
            /regex/
            ||10.0.0.1^
            """;

        var (table, stats) = Load(text, ListFormat.AdBlock);

        Assert.Equal(2, stats.Names);
        Assert.Equal(5, stats.UnsupportedRules);
        Assert.Equal(1, stats.Addresses);
        AssertListed(table, "ads.test", "x.tracker.test");
    }

    [Fact]
    public void LoadText_BinaryJunk_NeverThrows()
    {
        var random = new Random(42);
        var bytes = new byte[200_000];
        random.NextBytes(bytes);
        var builder = new DomainTableBuilder();
        foreach (var format in new[] { ListFormat.Plain, ListFormat.Hosts, ListFormat.AdBlock })
        {
            var stats = ListLoader.LoadText(bytes, format, 1, builder);
            Assert.True(stats.Lines > 0);
        }
    }

    /// <summary>Files are read in 1 MiB pieces: names across every piece boundary, a 3 MiB line without a break, CRLF, no final newline.</summary>
    [Fact]
    public void LoadFile_LargerThanOnePiece_ReadsEveryLineAcrossTheBoundaries()
    {
        var path = Path.Combine(Path.GetTempPath(), "cg-listloader-" + Guid.NewGuid().ToString("N") + ".txt");
        try
        {
            var text = new StringBuilder();
            var names = 0;
            for (; text.Length < 2_500_000; names++)
            {
                text.Append(DomainTableTests.GeneratedName(names)).Append(names % 3 == 0 ? "\r\n" : "\n");
            }

            text.Append('x', 3 * 1024 * 1024).Append('\n'); // one absurd line, skipped as too long
            text.Append("after-the-long-line.example\n");
            text.Append("last-without-newline.example");
            File.WriteAllText(path, text.ToString(), Encoding.ASCII);
            var builder = new HashedDomainTableBuilder();

            var stats = ListLoader.LoadFile(path, ListFormat.Plain, 1, builder);
            var table = builder.Build();

            Assert.Equal(names + 2, stats.Names);
            Assert.Equal(1, stats.TooLong);
            Assert.Equal(0, stats.Invalid);
            for (var i = 0; i < names; i += 11)
            {
                Assert.True(table.TryGetExact(DnsName.FromText(DomainTableTests.GeneratedName(i)), out _), DomainTableTests.GeneratedName(i));
            }

            Assert.True(table.TryGetExact(DnsName.FromText("after-the-long-line.example"), out _));
            Assert.True(table.TryGetExact(DnsName.FromText("last-without-newline.example"), out _));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(ListFormat.Plain, "first.example\nsecond.example\n", 2)]
    [InlineData(ListFormat.Hosts, "0.0.0.0 first.example\n0.0.0.0 second.example\n", 2)]
    [InlineData(ListFormat.Plain, "first.example", 1)]
    public void Load_Utf8ByteOrderMark_FirstNameKeptFromFileAndText(ListFormat format, string text, int names)
    {
        byte[] content = [0xEF, 0xBB, 0xBF, .. Encoding.ASCII.GetBytes(text)];
        var path = Path.Combine(Path.GetTempPath(), "cg-listloader-bom-" + Guid.NewGuid().ToString("N") + ".txt");
        try
        {
            File.WriteAllBytes(path, content);
            var fromFile = new DomainTableBuilder();
            var fileStats = ListLoader.LoadFile(path, format, 1, fromFile);
            var fromText = new DomainTableBuilder();
            var textStats = ListLoader.LoadText(content, format, 1, fromText);

            Assert.Equal((names, 0), (fileStats.Names, fileStats.Invalid));
            Assert.Equal((fileStats.Names, 0), (textStats.Names, textStats.Invalid));
            AssertListed(fromFile.Build(), "first.example");
            AssertListed(fromText.Build(), "first.example");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Load_ByteOrderMarkOnlyOrPartial_NoNameAndNoCrash()
    {
        foreach (var content in new byte[][] { [0xEF, 0xBB, 0xBF], [0xEF, 0xBB], [0xEF], [0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF, (byte)'a', (byte)'.', (byte)'b'] })
        {
            var path = Path.Combine(Path.GetTempPath(), "cg-listloader-bom-" + Guid.NewGuid().ToString("N") + ".txt");
            try
            {
                File.WriteAllBytes(path, content);
                Assert.Equal(0, ListLoader.LoadFile(path, ListFormat.Plain, 1, new DomainTableBuilder()).Names);
                Assert.Equal(0, ListLoader.LoadText(content, ListFormat.Plain, 1, new DomainTableBuilder()).Names);
            }
            finally
            {
                File.Delete(path);
            }
        }
    }

    private static (DomainTable Table, ListLoadStatistics Stats) Load(string text, ListFormat format)
    {
        var builder = new DomainTableBuilder();
        var stats = ListLoader.LoadText(Encoding.ASCII.GetBytes(text), format, 1, builder);
        return (builder.Build(), stats);
    }

    private static void AssertListed(DomainTable table, params string[] names)
    {
        foreach (var name in names)
        {
            Assert.True(table.MatchSuffixes(DnsName.FromText(name), out _) != 0, name);
        }
    }
}

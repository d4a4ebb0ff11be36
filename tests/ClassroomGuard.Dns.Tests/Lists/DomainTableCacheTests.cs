using ClassroomGuard.Dns.Lists;
using ClassroomGuard.Dns.Protocol;

namespace ClassroomGuard.Dns.Tests.Lists;

public sealed class DomainTableCacheTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cg-listcache-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void TryRead_AfterWrite_SameNamesValuesAndCategories()
    {
        var table = Build(2000);
        var path = Path.Combine(_directory, "lists.cache");

        DomainTableCache.Write(path, "fp", table, ["adult", "games"]);
        var read = DomainTableCache.TryRead(path, "fp");

        Assert.NotNull(read);
        Assert.Equal(["adult", "games"], read.Value.Categories);
        Assert.Equal(table.Count, read.Value.Table.Count);
        Assert.Equal(table.CountPerBit(), read.Value.Table.CountPerBit());
        for (var i = 0; i < 2000; i++)
        {
            Assert.True(read.Value.Table.TryGetExact(DnsName.FromText($"n{i}.example"), out var value));
            Assert.Equal((ulong)(i % 8), value);
        }

        Assert.Equal(7UL, read.Value.Table.MatchSuffixes(DnsName.FromText("www.n1999.example"), out _));
        Assert.Equal(0UL, read.Value.Table.MatchSuffixes(DnsName.FromText("n2000.example"), out _));
        Assert.Empty(Directory.GetFiles(_directory, "*.tmp-*"));
    }

    [Fact]
    public void TryRead_OtherFingerprint_ReturnsNull()
    {
        var path = Path.Combine(_directory, "lists.cache");
        DomainTableCache.Write(path, "fp", Build(10), ["adult"]);

        Assert.Null(DomainTableCache.TryRead(path, "fp2"));
    }

    [Fact]
    public void TryRead_Missing_ReturnsNull()
        => Assert.Null(DomainTableCache.TryRead(Path.Combine(_directory, "none.cache"), "fp"));

    [Fact]
    public void TryRead_AnyByteOfTheTablesFlipped_ReturnsNull()
    {
        var path = Path.Combine(_directory, "lists.cache");
        DomainTableCache.Write(path, "fp", Build(100), ["adult"]);
        var bytes = File.ReadAllBytes(path);
        for (var at = 0; at < bytes.Length; at += 97)
        {
            var copy = (byte[])bytes.Clone();
            copy[at] ^= 0x10;
            File.WriteAllBytes(path, copy);

            Assert.Null(DomainTableCache.TryRead(path, "fp"));
        }
    }

    [Fact]
    public void TryRead_EveryTruncation_ReturnsNull()
    {
        var path = Path.Combine(_directory, "lists.cache");
        DomainTableCache.Write(path, "fp", Build(20), ["adult"]);
        var bytes = File.ReadAllBytes(path);
        for (var length = 0; length < bytes.Length; length += 7)
        {
            File.WriteAllBytes(path, bytes.AsSpan(0, length).ToArray());

            Assert.Null(DomainTableCache.TryRead(path, "fp"));
        }
    }

    [Fact]
    public void Fingerprint_SourceFileChanged_Differs()
    {
        var list = Path.Combine(_directory, "list.txt");
        File.WriteAllText(list, "a.example\n");
        var options = new DnsListOptions { Sources = [new ListSource { Path = list, Category = "adult" }] };
        var before = DomainTableCache.Fingerprint(options, ["child_abuse"]);

        File.AppendAllText(list, "b.example\n");

        Assert.NotEqual(before, DomainTableCache.Fingerprint(options, ["child_abuse"]));
    }

    [Fact]
    public void Fingerprint_Ut1FolderChangedOrMappingChanged_Differs()
    {
        var root = Directory.CreateDirectory(Path.Combine(_directory, "ut1")).FullName;
        Directory.CreateDirectory(Path.Combine(root, "games"));
        File.WriteAllText(Path.Combine(root, "games", "domains"), "game.example\n");
        var options = new DnsListOptions { Sources = [new ListSource { Path = root, Format = ListFormat.Ut1 }] };
        var before = DomainTableCache.Fingerprint(options, []);

        Assert.Equal(before, DomainTableCache.Fingerprint(options, []));
        File.AppendAllText(Path.Combine(root, "games", "domains"), "other.example\n");
        var changed = DomainTableCache.Fingerprint(options, []);
        options.Ut1Categories["games"] = "";

        Assert.NotEqual(before, changed);
        Assert.NotEqual(changed, DomainTableCache.Fingerprint(options, []));
        Assert.NotEqual(changed, DomainTableCache.Fingerprint(new DnsListOptions { Sources = options.Sources }, ["terrorism"]));
    }

    private static HashedDomainTable Build(int names)
    {
        var builder = new HashedDomainTableBuilder(16);
        for (var i = 0; i < names; i++)
        {
            builder.Add($"n{i}.example", (ulong)(i % 8));
        }

        return builder.Build();
    }
}

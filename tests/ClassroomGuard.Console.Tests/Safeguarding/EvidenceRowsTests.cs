using ClassroomGuard.Console.Safeguarding.Incidents;

namespace ClassroomGuard.Console.Tests.Safeguarding;

/// <summary>The evidence's two parsers: the writers' "name=count" top lists and the stored JSON rows. Bad input never throws.</summary>
public sealed class EvidenceRowsTests
{
    [Theory]
    [InlineData("a.example=3,b.example=1", "a.example:3|b.example:1")]
    [InlineData("b.example=1,a.example=3", "a.example:3|b.example:1")]
    [InlineData(" a.example = 3 , ", "a.example:3")]
    [InlineData(null, "")]
    [InlineData("", "")]
    [InlineData(",,,", "")]
    [InlineData("=3", "")]
    [InlineData("a.example", "")]
    [InlineData("a.example=", "")]
    [InlineData("a.example=-1", "")]
    [InlineData("a.example=1x", "")]
    [InlineData("a.example=99999999999999999999999", "")]
    [InlineData("a=b=2", "a=b:2")]
    [InlineData("a.example=3,b.exa", "a.example:3")]
    public void TopList_WellFormedMalformedAndTruncated_KeepsOnlyWhatIsWhole(string? list, string expected)
        => Assert.Equal(expected, string.Join("|", EvidenceRows.TopList(list).Select(n => $"{n.Name}:{n.Count}")));

    [Fact]
    public void TopList_ManyNames_BiggestTenOnly()
    {
        var list = string.Join(",", Enumerable.Range(1, 50).Select(i => $"n{i}.example={i}"));

        var top = EvidenceRows.TopList(list);

        Assert.Equal(EvidenceRows.MaxNames, top.Count);
        Assert.Equal("n50.example", top[0].Name);
    }

    [Fact]
    public void TopList_HugeName_LeftOut()
        => Assert.Empty(EvidenceRows.TopList(new string('a', 300) + "=1"));

    [Fact]
    public void Serialize_ThenParse_SameRows()
    {
        EvidenceRow[] rows =
        [
            new(1000, EvidenceRow.Dns, Queries: 3, Blocked: 1, Top: [new EvidenceName("a.example", 2)]),
            new(2000, EvidenceRow.Block, Domain: "bad.example", Category: "adult", Rule: "list:bad.example", Reason: "Category"),
            new(3000, EvidenceRow.Net, Bytes: 9000, Top: [new EvidenceName("docs.google.com", 9000)]),
        ];

        var parsed = EvidenceRows.Parse(EvidenceRows.Serialize(rows))!;

        Assert.Equal(rows.Select(r => (r.At, r.Kind, r.Domain, r.Bytes)), parsed.Select(r => (r.At, r.Kind, r.Domain, r.Bytes)));
        Assert.Equal("a.example", parsed[0].Top![0].Name);
        Assert.DoesNotContain("null", EvidenceRows.Serialize(rows), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("{}")]
    [InlineData("[")]
    [InlineData("[{\"at\":1,\"kind\":\"dns\"}")]
    [InlineData("[null]")]
    [InlineData("[{\"at\":1}]")]
    [InlineData("[{\"at\":\"soon\",\"kind\":\"dns\"}]")]
    [InlineData("\"text\"")]
    public void Parse_MalformedOrTruncated_NullNeverThrows(string? json)
        => Assert.Null(EvidenceRows.Parse(json));

    [Fact]
    public void Parse_Empty_NoRows()
        => Assert.Empty(EvidenceRows.Parse("[]")!);

    [Theory]
    [InlineData("list:tiktok.com", "Category", "on a blocklist (as tiktok.com)")]
    [InlineData("deny:games.example", "Deny", "on the school's deny list (as games.example)")]
    [InlineData("pause:action 4", "Pause", "internet paused by a teacher")]
    [InlineData("focus:action 9", "Focus", "not on the lesson focus list")]
    [InlineData("circumvention:doh", "Circumvention", "a way around the filter (doh)")]
    [InlineData(null, "Category", "in a blocked category")]
    [InlineData(null, null, "blocked by the filter")]
    [InlineData(":", null, "blocked by the filter")]
    [InlineData("weird", "Strange", "blocked by the filter")]
    public void Rule_InWords(string? rule, string? reason, string expected)
        => Assert.Equal(expected, IncidentWords.Rule(rule, reason));
}

using ClassroomGuard.Console.Classroom;

namespace ClassroomGuard.Console.Tests.Classroom;

public sealed class RoomActivityQueryTests
{
    public static TheoryData<string?, string?> TopLists => new()
    {
        { "www.bbc.co.uk=5,ocsp.example=2", "www.bbc.co.uk" },
        { "a.example=1,b.example=9,c.example=3", "b.example" }, // the sniffer's list need not be sorted
        { "only.example=1", "only.example" },
        { "no-count.example", "no-count.example" },
        { "=4,x.example=1", "x.example" }, // a nameless entry is skipped
        { "", null },
        { null, null },
        { "bad.example=x", "bad.example" },
    };

    [Theory]
    [MemberData(nameof(TopLists))]
    public void TopName_DnsFilterAndSnifferLists_NameWithTheLargestCount(string? list, string? expected)
        => Assert.Equal(expected, RoomActivityQuery.TopName(list));

    [Fact]
    public void Build_DeviceIds_QuotedAsTagValuesInOneRequestOfSevenStatements()
    {
        var now = new DateTimeOffset(2025, 3, 4, 10, 0, 5, TimeSpan.Zero);

        var query = RoomActivityQuery.Build("raw", [7, 12], now, now.AddSeconds(5), 60, 10, TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10), TimeSpan.FromHours(1));

        Assert.Equal(7, query.Split(";\n").Length);
        Assert.Contains("last(\"inferred_sites\")", query, StringComparison.Ordinal);
        Assert.Contains("(\"device\" = '7' OR \"device\" = '12')", query, StringComparison.Ordinal);
        Assert.Contains("FROM \"raw\".\"net_activity\"", query, StringComparison.Ordinal);
        Assert.Contains("GROUP BY time(10s), \"device\" fill(0)", query, StringComparison.Ordinal);
    }
}

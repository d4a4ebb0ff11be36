using System.Net;
using ClassroomGuard.Sniffer.Accounting.Internal;
using ClassroomGuard.Sniffer.Decoding;

namespace ClassroomGuard.Sniffer.Tests.Accounting;

/// <summary>The pending-query table: bounded whatever is sent, one answer per query, and a flood only forgets.</summary>
public sealed class PendingQueriesTests
{
    private static readonly NetAddress Client = Address("10.0.0.10");
    private static readonly NetAddress Server = Address("8.8.8.8");

    [Fact]
    public void Flood_ManyMoreQueriesThanRoom_BoundedAndTheNewestStillAnswered()
    {
        var table = new PendingQueries(64);
        Assert.Equal(64, table.Capacity);
        for (var i = 0; i < 10_000; i++)
        {
            table.Add(Client, (ushort)(1024 + (i % 60_000)), Server, 53, (ushort)i, nameHash: i, now: i);
        }

        Assert.Equal(64, table.Capacity);
        Assert.InRange(table.Evicted, 10_000 - 64, 10_000);
        Assert.True(table.TryTake(Client, 1024 + 9_999, Server, 53, 9_999, 9_999, 10_000));
        Assert.False(table.TryTake(Client, 1024 + 9_999, Server, 53, 9_999, 9_999, 10_000)); // used up
        Assert.False(table.TryTake(Client, 1024, Server, 53, 0, 0, 10_000)); // long since forgotten
    }

    [Fact]
    public void Take_EmptyTable_NothingMatchesEvenAnAllZeroAnswer()
    {
        var table = new PendingQueries(16);
        Assert.False(table.TryTake(default, 0, default, 0, 0, 0, 0));
        Assert.False(table.TryTake(Client, 40000, Server, 53, 0x4242, 0, 0));
    }

    private static NetAddress Address(string text) => NetAddress.FromIPAddress(IPAddress.Parse(text));
}

using System.Net;
using ClassroomGuard.Sniffer.Accounting;
using ClassroomGuard.Sniffer.Accounting.Internal;
using ClassroomGuard.Sniffer.Decoding;

namespace ClassroomGuard.Sniffer.Tests.Accounting;

/// <summary>The (client, server) → name table's two generations: a newer answer replaces an older one in both.</summary>
public sealed class ClientNamesTests
{
    private static readonly NetAddress Client = Address("10.0.0.10");
    private const long Second = 1_000_000;

    [Fact]
    public void Get_NewerShortAnswerExpired_OlderLongAnswerNotRevived()
    {
        var names = new ClientNames(capacity: 4, TimeSpan.FromMinutes(15));
        names.Set(Client, Address("203.0.113.5"), nameId: 1, now: 0, ttlSeconds: 900);
        names.Set(Client, Address("203.0.113.6"), nameId: 2, now: 0, ttlSeconds: 900);
        names.Set(Client, Address("203.0.113.7"), nameId: 3, now: 0, ttlSeconds: 900); // rotates: the first two are now older
        Assert.Equal(1, names.Rotations);

        names.Set(Client, Address("203.0.113.5"), nameId: 4, now: Second, ttlSeconds: 5);
        Assert.Equal(4, names.Get(Client, Address("203.0.113.5"), 2 * Second));
        Assert.Equal(NameTable.None, names.Get(Client, Address("203.0.113.5"), Second + ClientNames.MinLifetimeMicroseconds + 1));
        Assert.Equal(2, names.Get(Client, Address("203.0.113.6"), 10 * Second)); // others untouched
    }

    private static NetAddress Address(string text) => NetAddress.FromIPAddress(IPAddress.Parse(text));
}

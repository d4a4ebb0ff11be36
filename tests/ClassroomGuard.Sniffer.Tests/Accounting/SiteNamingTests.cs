using System.Text;
using ClassroomGuard.Sniffer.Accounting;
using ClassroomGuard.Sniffer.Tests.Support;

namespace ClassroomGuard.Sniffer.Tests.Accounting;

/// <summary>
/// How flows are named: by their own SNI or Host; else inferred only from the same client's own, still-live DNS answer
/// for the server's address (never another client's); else not at all. Frames through the real decoder and accountant.
/// </summary>
public sealed class SiteNamingTests
{
    private const string Router = "02:aa:00:00:00:01";
    private const string MacA = "02:aa:00:00:00:0a";
    private const string MacB = "02:aa:00:00:00:0b";
    private const string PupilA = "10.0.0.10";
    private const string PupilB = "10.0.0.11";
    private const string Bypass = "8.8.8.8";
    private const string Shared = "203.0.113.5";
    private const string Adult = "adult-videos.example";

    [Fact]
    public void Flows_AnotherClientsAnswer_NeverNameThem()
    {
        using var rig = new AccountingRig();
        rig.Feed(Frames.Udp(Router, Bypass, 53, MacA, PupilA, 40000, NamingPackets.DnsAnswer(Adult, Shared, 300)));
        rig.Feed(Frames.Tcp(MacB, PupilB, 50000, Router, Shared, 443, payload: Packets.ClientHelloRecord(null)));
        rig.Feed(Frames.Udp(MacB, PupilB, 50001, Router, Shared, 443, NamingPackets.UndecodableQuicInitial(1)));
        rig.Feed(Frames.Icmp(MacB, PupilB, Router, Shared));

        var sites = Sites(rig);
        Assert.DoesNotContain(sites.Keys, k => k.Client == PupilB);
        Assert.Equal(4, rig.Accountant.Statistics.Packets); // B's traffic is counted, unnamed
    }

    [Fact]
    public void Flows_OwnAnswer_InferredApartFromFactsAndHandshakeNotBooked()
    {
        using var rig = new AccountingRig();
        rig.Feed(Frames.Udp(Router, Bypass, 53, MacA, PupilA, 40000, NamingPackets.DnsAnswer(Adult, Shared, 300)));
        rig.Feed(Frames.Tcp(MacA, PupilA, 50000, Router, Shared, 443, Frames.Syn));
        rig.Feed(Frames.Tcp(Router, Shared, 443, MacA, PupilA, 50000, Frames.Syn | Frames.Ack));
        var hello = rig.Feed(Frames.Tcp(MacA, PupilA, 50000, Router, Shared, 443, payload: Packets.ClientHelloRecord(null)));
        var data = rig.Feed(Frames.Tcp(Router, Shared, 443, MacA, PupilA, 50000, payload: new byte[1400]));
        var quic = rig.Feed(Frames.Udp(MacA, PupilA, 50001, Router, Shared, 443, NamingPackets.UndecodableQuicInitial(2)));
        var ping = rig.Feed(Frames.Icmp(MacA, PupilA, Router, Shared));

        // A flow to the same address with its own SNI carries that name as a fact, from its ClientHello on.
        rig.Feed(Frames.Tcp(MacA, PupilA, 50002, Router, Shared, 443, Frames.Syn));
        var named = rig.Feed(Frames.Tcp(MacA, PupilA, 50002, Router, Shared, 443, payload: Packets.ClientHelloRecord("learn.example.ac.uk")));
        var namedData = rig.Feed(Frames.Tcp(Router, Shared, 443, MacA, PupilA, 50002, payload: new byte[200]));

        var sites = Sites(rig);
        Assert.Equal(hello.Length + data.Length + quic.Length + ping.Length, sites[(PupilA, Adult, true)]);
        Assert.False(sites.ContainsKey((PupilA, Adult, false)));
        Assert.Equal(named.Length + namedData.Length, sites[(PupilA, "learn.example.ac.uk", false)]);
        Assert.False(sites.ContainsKey((PupilA, "learn.example.ac.uk", true)));
        Assert.Equal(4, rig.Accountant.Statistics.InferredFlows); // the SNI flow too, until its ClientHello
    }

    [Fact]
    public void Flow_SniAfterAGuess_ItsClientHelloCountsForItsOwnName()
    {
        using var rig = new AccountingRig();
        rig.Feed(Frames.Udp(Router, Bypass, 53, MacA, PupilA, 40000, NamingPackets.DnsAnswer(Adult, Shared, 300)));

        // QUIC: every datagram is booked as it comes, so the one that carries the name is moved to it.
        var first = rig.Feed(Frames.Udp(MacA, PupilA, 50001, Router, Shared, 443, NamingPackets.UndecodableQuicInitial(3)));
        var hello = rig.Feed(Frames.Tcp(MacA, PupilA, 50002, Router, Shared, 80, payload: Packets.HttpGet("learn.example.ac.uk")));
        var sites = Sites(rig);
        Assert.Equal(first.Length, sites[(PupilA, Adult, true)]);
        Assert.Equal(hello.Length, sites[(PupilA, "learn.example.ac.uk", false)]);
    }

    [Theory]
    [InlineData(60u, 59, true)]
    [InlineData(60u, 61, false)]
    [InlineData(0u, 4, true)] // TTL 0 still names the connection opened right after the answer
    [InlineData(0u, 6, false)]
    [InlineData(86_400u, 14 * 60, true)] // a day's TTL is capped at Sniffer:MaxDnsNameLifetime (15 min)
    [InlineData(86_400u, 16 * 60, false)]
    public void Flow_AfterTheAnswer_InferredOnlyWhileItLives(uint ttl, int secondsLater, bool inferred)
    {
        using var rig = new AccountingRig();
        rig.Feed(Frames.Udp(Router, Bypass, 53, MacA, PupilA, 40000, NamingPackets.DnsAnswer(Adult, Shared, ttl)));
        rig.Time += secondsLater * 1_000_000L;
        rig.Feed(Frames.Icmp(MacA, PupilA, Router, Shared));
        Assert.Equal(inferred, Sites(rig).ContainsKey((PupilA, Adult, true)));
    }

    [Fact]
    public void Answers_ManyMoreThanTheTable_BoundedAndNeverAnotherClients()
    {
        using var rig = new AccountingRig(new AccountingOptions { MaxDnsAddresses = 256 });
        for (var i = 0; i < 5000; i++)
        {
            rig.Feed(Frames.Udp(Router, Bypass, 53, MacA, PupilA, 40000, NamingPackets.DnsAnswer($"n{i}.example", $"198.51.{i / 250}.{i % 250}", 300)));
        }

        rig.Feed(Frames.Icmp(MacB, PupilB, Router, "198.51.19.249"));
        rig.Feed(Frames.Icmp(MacA, PupilA, Router, "198.51.19.249"));
        rig.Feed(Frames.Icmp(MacA, PupilA, Router, "198.51.0.0")); // long since rotated out: unnamed, not misnamed
        var sites = Sites(rig);
        Assert.Equal((PupilA, "n4999.example", true), Assert.Single(sites.Keys));
        Assert.True(rig.Accountant.Statistics.DnsAddresses == 5000);
    }

    // Takes the counters of every second so far: (client, name, inferred) → bytes.
    private static Dictionary<(string Client, string Name, bool Inferred), long> Sites(AccountingRig rig)
    {
        var result = new Dictionary<(string, string, bool), long>();
        var name = new byte[256];
        TrafficAccountantTests.Drain(rig.Accountant, counters =>
        {
            for (var i = 0; i < counters.TouchedCount; i++)
            {
                ref var record = ref counters.Records[counters.Touched[i]];
                for (var s = 0; s < record.SitesUsed; s++)
                {
                    var site = record.Sites[s];
                    if (site.Bytes > 0 && rig.Accountant.Names.TryCopy(site.NameId, name, out var length))
                    {
                        var key = (record.Address.ToString(), Encoding.ASCII.GetString(name, 0, length), site.Inferred);
                        result[key] = result.GetValueOrDefault(key) + site.Bytes;
                    }
                }
            }
        });

        return result;
    }
}

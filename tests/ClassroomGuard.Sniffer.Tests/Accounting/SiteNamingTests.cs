using static ClassroomGuard.Sniffer.Tests.Support.NamingScenario;
using System.Text;
using ClassroomGuard.Sniffer.Accounting;
using ClassroomGuard.Sniffer.Tests.Support;

namespace ClassroomGuard.Sniffer.Tests.Accounting;

/// <summary>
/// How flows are named: by their own SNI or Host; else inferred only from the same client's own, still-live DNS answer
/// for the server's address (never another client's, never one it did not ask for); else not at all. Frames through the
/// real decoder and accountant.
/// </summary>
public sealed class SiteNamingTests
{
    [Fact]
    public void Flows_AnotherClientsAnswer_NeverNameThem()
    {
        using var rig = new AccountingRig();
        Asked(rig, Adult, Shared, 300);
        rig.Feed(Frames.Tcp(MacB, PupilB, 50000, Router, Shared, 443, payload: Packets.ClientHelloRecord(null)));
        rig.Feed(Frames.Udp(MacB, PupilB, 50001, Router, Shared, 443, NamingPackets.UndecodableQuicInitial(1)));
        rig.Feed(Frames.Icmp(MacB, PupilB, Router, Shared));

        var sites = Sites(rig);
        Assert.DoesNotContain(sites.Keys, k => k.Client == PupilB);
        Assert.Equal(5, rig.Accountant.Statistics.Packets); // A's query and answer, and B's traffic: counted, unnamed
    }

    [Fact]
    public void Flows_OwnAnswer_InferredApartFromFactsAndHandshakeNotBooked()
    {
        using var rig = new AccountingRig();
        Asked(rig, Adult, Shared, 300);
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
        Asked(rig, Adult, Shared, 300);

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
        Asked(rig, Adult, Shared, ttl);
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
            Asked(rig, $"n{i}.example", $"198.51.{i / 250}.{i % 250}", 300);
        }

        rig.Feed(Frames.Icmp(MacB, PupilB, Router, "198.51.19.249"));
        rig.Feed(Frames.Icmp(MacA, PupilA, Router, "198.51.19.249"));
        rig.Feed(Frames.Icmp(MacA, PupilA, Router, "198.51.0.0")); // long since rotated out: unnamed, not misnamed
        var sites = Sites(rig);
        Assert.Equal((PupilA, "n4999.example", true), Assert.Single(sites.Keys));
        Assert.True(rig.Accountant.Statistics.DnsAddresses == 5000);
    }

    [Fact]
    public void Flow_SplitClientHelloAfterAGuess_EverySegmentCountsForItsOwnName()
    {
        using var rig = new AccountingRig();
        Asked(rig, Adult, Shared, 300);
        rig.Feed(Frames.Tcp(MacA, PupilA, 50000, Router, Shared, 443, Frames.Syn));
        rig.Feed(Frames.Tcp(Router, Shared, 443, MacA, PupilA, 50000, Frames.Syn | Frames.Ack));

        // A ClientHello over two segments (as Chrome's post-quantum one is): the first is booked to the guess as it comes,
        // and must move to the flow's own name with the second.
        var record = Packets.ClientHelloRecord(Learn);
        var half = record.Length / 2;
        var first = rig.Feed(Frames.Tcp(MacA, PupilA, 50000, Router, Shared, 443, payload: record[..half], sequence: 1000));
        var second = rig.Feed(Frames.Tcp(MacA, PupilA, 50000, Router, Shared, 443, payload: record[half..], sequence: 1000 + (uint)half));
        var data = rig.Feed(Frames.Tcp(Router, Shared, 443, MacA, PupilA, 50000, payload: new byte[1400]));

        var sites = Sites(rig);
        Assert.Equal(first.Length + second.Length + data.Length, sites[(PupilA, Learn, false)]);
        Assert.False(sites.ContainsKey((PupilA, Adult, true)));
        Assert.Equal(1, rig.Accountant.Statistics.NamedFlows);
    }

    [Fact]
    public void Answer_Unsolicited_NamesNothingAndIsCounted()
    {
        using var rig = new AccountingRig();

        // Pupil B (or anyone) sends "from port 53" to pupil A an answer A never asked for.
        rig.Feed(Frames.Udp(MacB, Bypass, 53, MacA, PupilA, 40000, NamingPackets.DnsAnswer(Adult, Shared, 300)));
        rig.Feed(Frames.Udp(MacA, PupilA, 50001, Router, Shared, 443, NamingPackets.UndecodableQuicInitial(1)));
        rig.Feed(Frames.Icmp(MacA, PupilA, Router, Shared));

        Assert.Empty(Sites(rig));
        Assert.Equal(1, rig.Accountant.Statistics.DnsAnswersRefused);
        Assert.Equal(0, rig.Accountant.Statistics.DnsAddresses);
    }

    [Fact]
    public void Answer_Solicited_Names()
    {
        using var rig = new AccountingRig();
        Asked(rig, Adult, Shared, 300);
        var ping = rig.Feed(Frames.Icmp(MacA, PupilA, Router, Shared));

        Assert.Equal(ping.Length, Sites(rig)[(PupilA, Adult, true)]);
        Assert.Equal(0, rig.Accountant.Statistics.DnsAnswersRefused);
        Assert.Equal(1, rig.Accountant.Statistics.DnsAddresses);
    }

    // The query went to the bypass resolver from port 40000 with id 0x4242 for the adult name; the answer differs in one thing.
    [Theory]
    [InlineData("9.9.9.9", 53, 40000, 0x4242, Adult)] // from a different server than asked
    [InlineData(Bypass, 5300, 40000, 0x4242, Adult)] // from another port of that server
    [InlineData(Bypass, 53, 40001, 0x4242, Adult)] // to another port of the client
    [InlineData(Bypass, 53, 40000, 0x4243, Adult)] // with another id
    [InlineData(Bypass, 53, 40000, 0x4242, "other.example")] // for another question
    public void Answer_NotMatchingTheQuery_Refused(string server, int serverPort, int clientPort, int id, string question)
    {
        using var rig = new AccountingRig();
        rig.Feed(Frames.Udp(MacA, PupilA, 40000, Router, Bypass, 53, Packets.DnsQuery(Adult)));
        rig.Feed(Frames.Udp(Router, server, (ushort)serverPort, MacA, PupilA, (ushort)clientPort, NamingPackets.DnsAnswer(question, Shared, 300, (ushort)id)));
        rig.Feed(Frames.Icmp(MacA, PupilA, Router, Shared));

        Assert.Empty(Sites(rig));
        Assert.Equal(serverPort == 53 ? 1 : 0, rig.Accountant.Statistics.DnsAnswersRefused); // port 5300 is not DNS to the decoder at all
    }

    [Fact]
    public void Answer_OnlyOnePerQueryAndOnlyWhileTheQueryWaits()
    {
        using var rig = new AccountingRig();
        rig.Feed(Frames.Udp(MacA, PupilA, 40000, Router, Bypass, 53, Packets.DnsQuery(Adult)));
        rig.Feed(Frames.Udp(Router, Bypass, 53, MacA, PupilA, 40000, NamingPackets.DnsAnswer(Adult, "198.51.100.1", 300)));
        rig.Feed(Frames.Udp(Router, Bypass, 53, MacA, PupilA, 40000, NamingPackets.DnsAnswer(Adult, Shared, 300))); // a second answer to the same query

        rig.Feed(Frames.Udp(MacA, PupilA, 40002, Router, Bypass, 53, Packets.DnsQuery("late.example", id: 7)));
        rig.Time += 11_000_000; // past the query's life (10 s)
        rig.Feed(Frames.Udp(Router, Bypass, 53, MacA, PupilA, 40002, NamingPackets.DnsAnswer("late.example", Shared, 300, id: 7)));
        rig.Feed(Frames.Icmp(MacA, PupilA, Router, Shared));

        Assert.Empty(Sites(rig));
        Assert.Equal(2, rig.Accountant.Statistics.DnsAnswersRefused);
        Assert.Equal(1, rig.Accountant.Statistics.DnsAddresses);
    }

    [Fact]
    public void Answer_MulticastDns_NeverNames()
    {
        // mDNS answers are multicast and unsolicited by design (and LLMNR's come from any peer): they name devices for
        // discovery, never a flow — even one sent unicast to the client that asked.
        using var rig = new AccountingRig();
        rig.Feed(Frames.Udp(MacA, PupilA, 5353, "01:00:5e:00:00:fb", "224.0.0.251", 5353, Packets.DnsQuery(Adult)));
        rig.Feed(Frames.Udp(MacB, PupilB, 5353, "01:00:5e:00:00:fb", "224.0.0.251", 5353, NamingPackets.DnsAnswer(Adult, Shared, 300)));
        rig.Feed(Frames.Udp(MacB, PupilB, 5353, MacA, PupilA, 5353, NamingPackets.DnsAnswer(Adult, Shared, 300)));
        rig.Feed(Frames.Icmp(MacA, PupilA, Router, Shared));

        Assert.Empty(Sites(rig));
        Assert.Equal(0, rig.Accountant.Statistics.DnsAddresses);
    }

    // Pupil A asks the bypass resolver from port 40000 (id 0x4242) and is answered.
    private static void Asked(AccountingRig rig, string name, string address, uint ttl)
    {
        rig.Feed(Frames.Udp(MacA, PupilA, 40000, Router, Bypass, 53, Packets.DnsQuery(name)));
        rig.Feed(Frames.Udp(Router, Bypass, 53, MacA, PupilA, 40000, NamingPackets.DnsAnswer(name, address, ttl)));
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

using System.Text;
using ClassroomGuard.Sniffer.Tests.Support;
using ClassroomGuard.Storage.State;
using ClassroomGuard.Storage.Tests.TimeSeries.Support;

namespace ClassroomGuard.Sniffer.Tests.Accounting;

/// <summary>
/// Frames through the real decoder and accounting, flushed through the real InfluxWriter into the real influxd and read
/// back with InfluxReader: the net_activity contract the console's live view reads.
/// </summary>
[Collection(InfluxdCollection.Name)]
public sealed class NetActivityFlushTests(InfluxdFixture influxd)
{
    private const string PupilMac = "02:aa:00:00:00:02";
    private const string OtherMac = "02:aa:00:00:00:03";
    private const string RouterMac = "02:aa:00:00:00:01";
    private const string Pupil = "10.0.0.2";
    private const string PupilV6 = "fe80::2";
    private const string Other = "10.0.0.3";
    private const string Resolver = "10.0.0.1";

    private static readonly DateTimeOffset Second = new(2026, 11, 23, 9, 0, 7, TimeSpan.Zero);

    [Fact]
    public async Task Flush_MixedTraffic_OnePointPerDeviceWithExactCountsAndTopSites()
    {
        using var rig = new AccountingRig { Time = Second.ToUnixTimeMilliseconds() * 1000 };
        await using var influx = await InfluxRig.StartAsync(influxd, "netactivity");
        rig.Map.Replace([new IpHolder(Pupil, 42, 7), new IpHolder(PupilV6, 42, 7)]);

        long pupilIn = 0, pupilOut = 0, pupilPacketsIn = 0, pupilPacketsOut = 0, otherOut = 0, linkLocalPeerIn = 0;
        long video = 0, learn = 0, plain = 0;
        void Out(byte[] frame, ref long site) { pupilOut += frame.Length; pupilPacketsOut++; site += frame.Length; }
        void In(byte[] frame, ref long site) { pupilIn += frame.Length; pupilPacketsIn++; site += frame.Length; }
        long none = 0;

        // DNS from the school's resolver (itself a local device), asked by the pupil: names video.example.com → 203.0.113.5.
        Out(rig.Feed(Frames.Udp(PupilMac, Pupil, 40001, RouterMac, Resolver, 53, Packets.DnsQuery("Video.Example.com"))), ref none);
        var answer = rig.Feed(Frames.Udp(RouterMac, Resolver, 53, PupilMac, Pupil, 40001, Packets.DnsResponse("Video.Example.com", "edge.cdn.example.net", [203, 0, 113, 5])));
        In(answer, ref none);

        // Flow 1: no SNI, so only inferred from the pupil's own DNS answer — from its first packet with payload (the
        // handshake is not booked to a guess).
        Out(rig.Feed(Frames.Tcp(PupilMac, Pupil, 50001, RouterMac, "203.0.113.5", 443, Frames.Syn)), ref none);
        In(rig.Feed(Frames.Tcp(RouterMac, "203.0.113.5", 443, PupilMac, Pupil, 50001, Frames.Syn | Frames.Ack)), ref none);
        In(rig.Feed(Frames.Tcp(RouterMac, "203.0.113.5", 443, PupilMac, Pupil, 50001, payload: new byte[1400])), ref video);

        // Flow 2: its own SNI; the SYN before the ClientHello has no name yet.
        Out(rig.Feed(Frames.Tcp(PupilMac, Pupil, 50002, RouterMac, "198.51.100.7", 443, Frames.Syn)), ref none);
        Out(rig.Feed(Frames.Tcp(PupilMac, Pupil, 50002, RouterMac, "198.51.100.7", 443, payload: Packets.ClientHelloRecord("learn.example.ac.uk"))), ref learn);
        for (var i = 0; i < 3; i++)
        {
            In(rig.Feed(Frames.Tcp(RouterMac, "198.51.100.7", 443, PupilMac, Pupil, 50002, payload: new byte[1200])), ref learn);
        }

        // Flow 3: plain HTTP, named by its Host (port dropped).
        Out(rig.Feed(Frames.Tcp(PupilMac, Pupil, 50003, RouterMac, "198.51.100.8", 80, payload: Packets.HttpGet("plain.example.test:8080"))), ref plain);
        In(rig.Feed(Frames.Tcp(RouterMac, "198.51.100.8", 80, PupilMac, Pupil, 50003, payload: new byte[300])), ref plain);

        // The same device's IPv6 link-local address talks to an unknown local one: added into device 42's point.
        Out(rig.Feed(Frames.Icmp(PupilMac, PupilV6, OtherMac, "fe80::3")), ref none);
        var toPeer = rig.Feed(Frames.Icmp(PupilMac, PupilV6, OtherMac, "fe80::3"));
        Out(toPeer, ref none);
        linkLocalPeerIn = 2 * toPeer.Length;

        // Another device the state does not know yet: tagged by its address.
        var query = rig.Feed(Frames.Udp(OtherMac, Other, 40002, RouterMac, "8.8.8.8", 53, Packets.DnsQuery("example.org")));
        otherOut += query.Length;

        // Traffic with no local end is not counted at all.
        rig.Feed(Frames.Tcp(RouterMac, "198.51.100.1", 1, RouterMac, "203.0.113.1", 2));

        Assert.Equal(4, rig.Flusher.Flush(influx.Writer, sealOpen: true));
        var points = await influx.NetActivityAsync();
        Assert.Equal(4, points.Count);

        var device = Assert.Single(points, p => (string?)p["device"] == "42");
        Assert.Equal("7", device["room"]);
        Assert.Null(device["client"]);
        Assert.Equal(Second, device["time"]);
        Assert.Equal(pupilIn, device["bytes_in"]);
        Assert.Equal(pupilOut, device["bytes_out"]);
        Assert.Equal(pupilPacketsIn, device["packets_in"]);
        Assert.Equal(pupilPacketsOut, device["packets_out"]);
        Assert.Equal(5L, device["flows_new"]); // DNS answer, flows 1-3, ICMP
        var expected = new[] { ("learn.example.ac.uk", learn), ("plain.example.test", plain) }
            .OrderByDescending(s => s.Item2).Select(s => $"{s.Item1}={s.Item2}");
        Assert.Equal(string.Join(",", expected), device["top_sites"]);
        Assert.Equal($"video.example.com={video}", device["inferred_sites"]); // a guess, never among the facts

        var other = Assert.Single(points, p => (string?)p["client"] == Other);
        Assert.Null(other["device"]);
        Assert.Null(other["room"]);
        Assert.Equal(otherOut, other["bytes_out"]);
        Assert.Equal(0L, other["bytes_in"]);
        Assert.Equal(1L, other["packets_out"]);
        Assert.Equal(1L, other["flows_new"]);
        Assert.Null(other["top_sites"]); // no named flow: the field is left out (last(top_sites) keeps the latest name)
        Assert.Null(other["inferred_sites"]);

        var peer = Assert.Single(points, p => (string?)p["client"] == "fe80::3");
        Assert.Equal(linkLocalPeerIn, peer["bytes_in"]);
        Assert.Equal(2L, peer["packets_in"]);
        Assert.Equal(1L, peer["flows_new"]);

        var resolver = Assert.Single(points, p => (string?)p["client"] == Resolver);
        Assert.Equal((long)answer.Length, resolver["bytes_out"]);
        Assert.Equal(1L, resolver["packets_out"]);

        // Nothing more happened: the next second writes nothing.
        Assert.Equal(0, rig.Flusher.Flush(influx.Writer, sealOpen: true));
        Assert.Equal(4, (await influx.NetActivityAsync()).Count);
    }

    [Fact]
    public async Task Flush_ManySitesOneSecond_AtMostFiveBiggestFirst()
    {
        using var rig = new AccountingRig { Time = Second.ToUnixTimeMilliseconds() * 1000 };
        await using var influx = await InfluxRig.StartAsync(influxd, "topsites");
        for (var site = 1; site <= 7; site++)
        {
            var server = $"198.51.100.{site}";
            rig.Feed(Frames.Tcp(PupilMac, Pupil, (ushort)(50000 + site), RouterMac, server, 443, payload: Packets.ClientHelloRecord($"site{site}.example")));
            for (var i = 0; i < site; i++)
            {
                rig.Feed(Frames.Tcp(RouterMac, server, 443, PupilMac, Pupil, (ushort)(50000 + site), payload: new byte[1000]));
            }
        }

        rig.Flusher.Flush(influx.Writer, sealOpen: true);
        var point = Assert.Single(await influx.NetActivityAsync());
        var top = ((string)point["top_sites"]!).Split(',');
        Assert.Equal(5, top.Length);
        Assert.Equal(["site7.example", "site6.example", "site5.example", "site4.example", "site3.example"], top.Select(t => t.Split('=')[0]));
        var bytes = top.Select(t => long.Parse(t.Split('=')[1], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(bytes.OrderByDescending(b => b), bytes);
    }

    [Fact]
    public async Task Flush_HostileNames_NeverBreakTheTopSitesFormat()
    {
        using var rig = new AccountingRig { Time = Second.ToUnixTimeMilliseconds() * 1000 };
        await using var influx = await InfluxRig.StartAsync(influxd, "hostile");
        rig.Feed(Frames.Tcp(PupilMac, Pupil, 50001, RouterMac, "198.51.100.1", 443, payload: Packets.ClientHelloRecord("evil=1,x.example")));
        rig.Feed(Frames.Tcp(PupilMac, Pupil, 50002, RouterMac, "198.51.100.2", 80, payload: Packets.HttpGet("a b\"c.example")));
        rig.Feed(Frames.Tcp(PupilMac, Pupil, 50003, RouterMac, "198.51.100.3", 443, payload: Packets.ClientHelloRecord("good.example")));
        rig.Flusher.Flush(influx.Writer, sealOpen: true);
        var point = Assert.Single(await influx.NetActivityAsync());
        Assert.Matches("^good\\.example=[0-9]+$", (string)point["top_sites"]!);
    }
}

using static ClassroomGuard.Sniffer.Tests.Support.NamingScenario;
using System.Globalization;
using ClassroomGuard.Sniffer.Tests.Support;
using ClassroomGuard.Storage.Tests.TimeSeries.Support;

namespace ClassroomGuard.Sniffer.Tests.Accounting;

/// <summary>
/// The replay that found the naming fault, as a capture built for it and read by the sniffer program into the real
/// influxd: pupil A asks a bypass resolver for an adult name that resolves to a shared (CDN) address; then both pupils
/// send unnamed traffic (TLS without SNI, undecodable QUIC, ICMP) and one education flow with its own SNI to that address.
/// </summary>
[Collection(InfluxdCollection.Name)]
public sealed class SiteNamingCaptureTests(InfluxdFixture influxd)
{
    [Fact]
    public async Task Program_BypassAnswerToOnePupil_OnlyItsOwnUnnamedFlowsInferredNeverAFact()
    {
        await using var influx = await InfluxRig.StartAsync(influxd, "naming");
        var dir = Directory.CreateTempSubdirectory("cg-naming-");
        try
        {
            var (frames, inferredA, learnA, learnB) = Build();
            var capture = Path.Combine(dir.FullName, "naming.pcap");
            PcapWriter.Write(capture, frames);

            var result = await Tool.RunAsync("dotnet", [
                Path.Combine(AppContext.BaseDirectory, "ClassroomGuard.Sniffer.dll"),
                "--Sniffer:ReadFile=" + capture,
                "--Influx:Url=" + influxd.Server.Url,
                "--Influx:Database=" + influx.Database,
                "--Influx:RetentionPolicy=autogen",
                "--Influx:Provision=false",
                "--Influx:SpoolDirectory=" + Path.Combine(dir.FullName, "spool"),
                "--Sniffer:Circumvention:Enabled=false",
                "--Logging:LogLevel:Default=Warning",
            ], timeout: TimeSpan.FromSeconds(60));
            Assert.True(result.ExitCode == 0, result.Error + result.Output);

            var points = await influx.NetActivityAsync();
            var (factsA, guessesA) = Lists(points, PupilA);
            var (factsB, guessesB) = Lists(points, PupilB);

            // B never looked the adult name up: none of B's traffic carries it, as fact or guess; its SNI flow is its own.
            Assert.DoesNotContain(Adult, factsB.Keys);
            Assert.DoesNotContain(Adult, guessesB.Keys);
            Assert.Equal(learnB, factsB[Learn]);
            Assert.Empty(guessesB);

            // A's unnamed flows are only inferred (exactly their bytes after the TCP handshake), never among the facts,
            // though they are far bigger than the one flow that named itself.
            Assert.Equal(inferredA, guessesA[Adult]);
            Assert.DoesNotContain(Adult, factsA.Keys);
            Assert.Equal(learnA, factsA[Learn]);
            Assert.True(inferredA > 3 * learnA);
            Assert.All(points, p => Assert.DoesNotContain(Adult, (string?)p["top_sites"] ?? "", StringComparison.Ordinal));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>
    /// The capture (also decoded by the PacketDotNet and tshark oracles): A's lookup and answer, then each pupil's traffic.
    /// Returns A's inferred bytes and both pupils' SNI-flow bytes.
    /// </summary>
    internal static (List<(long Micros, byte[] Frame)> Frames, long InferredA, long LearnA, long LearnB) Build()
    {
        var frames = new List<byte[]>
        {
            Frames.Udp(MacA, PupilA, 40000, Router, Bypass, 53, Packets.DnsQuery(Adult)),
            Frames.Udp(Router, Bypass, 53, MacA, PupilA, 40000, NamingPackets.DnsAnswer(Adult, Shared, 300)),
        };
        var inferredA = 0L;
        var learnA = Pupil(frames, MacA, PupilA, seed: 1, ref inferredA);
        var inferredB = 0L;
        var learnB = Pupil(frames, MacB, PupilB, seed: 2, ref inferredB);
        var start = 1_772_442_900L * 1_000_000;
        return ([.. frames.Select((frame, i) => (start + i * 10_000L, frame))], inferredA, learnA, learnB);
    }

    // One pupil's traffic to the shared address; returns the bytes of its SNI flow, adds its unnamed flows' bytes after
    // the TCP handshake (what a guess from its own answer may count) to inferred.
    private static long Pupil(List<byte[]> frames, string mac, string ip, int seed, ref long inferred)
    {
        byte[] Add(byte[] frame)
        {
            frames.Add(frame);
            return frame;
        }

        // TLS without SNI: handshake, ClientHello, three segments back.
        Add(Frames.Tcp(mac, ip, 50000, Router, Shared, 443, Frames.Syn));
        Add(Frames.Tcp(Router, Shared, 443, mac, ip, 50000, Frames.Syn | Frames.Ack));
        inferred += Add(Frames.Tcp(mac, ip, 50000, Router, Shared, 443, payload: Packets.ClientHelloRecord(null))).Length;
        for (var i = 0; i < 3; i++)
        {
            inferred += Add(Frames.Tcp(Router, Shared, 443, mac, ip, 50000, payload: new byte[1400])).Length;
        }

        // QUIC whose Initial cannot be decrypted: no SNI.
        inferred += Add(Frames.Udp(mac, ip, 50001, Router, Shared, 443, NamingPackets.UndecodableQuicInitial(seed))).Length;
        inferred += Add(Frames.Udp(mac, ip, 50001, Router, Shared, 443, NamingPackets.UndecodableQuicInitial(seed + 100))).Length;
        inferred += Add(Frames.Udp(Router, Shared, 443, mac, ip, 50001, new byte[1200])).Length;

        // ICMP to the address and back.
        inferred += Add(Frames.Icmp(mac, ip, Router, Shared)).Length;
        inferred += Add(Frames.Icmp(Router, Shared, mac, ip)).Length;

        // An education site by its own SNI, on the same address.
        Add(Frames.Tcp(mac, ip, 50002, Router, Shared, 443, Frames.Syn));
        Add(Frames.Tcp(Router, Shared, 443, mac, ip, 50002, Frames.Syn | Frames.Ack));
        var named = Add(Frames.Tcp(mac, ip, 50002, Router, Shared, 443, payload: Packets.ClientHelloRecord(Learn))).Length;
        named += Add(Frames.Tcp(Router, Shared, 443, mac, ip, 50002, payload: new byte[300])).Length;
        return named;
    }

    // Sums of top_sites and inferred_sites over every point of one client.
    private static (Dictionary<string, long> Facts, Dictionary<string, long> Guesses) Lists(List<Dictionary<string, object?>> points, string client)
    {
        var facts = new Dictionary<string, long>();
        var guesses = new Dictionary<string, long>();
        foreach (var point in points.Where(p => (string?)p["client"] == client))
        {
            Add(facts, (string?)point["top_sites"]);
            Add(guesses, (string?)point["inferred_sites"]);
        }

        return (facts, guesses);

        static void Add(Dictionary<string, long> sums, string? list)
        {
            foreach (var pair in (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = pair.LastIndexOf('=');
                sums[pair[..eq]] = sums.GetValueOrDefault(pair[..eq]) + long.Parse(pair[(eq + 1)..], CultureInfo.InvariantCulture);
            }
        }
    }
}

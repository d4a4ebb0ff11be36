using ClassroomGuard.Sniffer.Tests.Support;
using static ClassroomGuard.Sniffer.Tests.Circumvention.CircumventionPackets;

namespace ClassroomGuard.Sniffer.Tests.Circumvention;

/// <summary>Truncated and mutated attempts through the decoder and detector: never an exception; no allocation per packet.</summary>
public sealed class CircumventionHostileInputTests
{
    private static byte[][] Attempts() =>
    [
        Udp(Pupil, "8.8.8.8", 40000, 53, Packets.DnsQuery("www.example.org")),
        Tcp(Pupil, "9.9.9.9", 40001, 853, [], flags: 0x02),
        Udp(Pupil, "9.9.9.9", 40002, 853, QuicLongHeader()),
        Tcp(Pupil, "8.8.8.8", 40003, 443, Packets.ClientHelloRecord("dns.google", ["h2"])),
        Tcp(Pupil, "8.8.8.8", 40004, 443, Packets.ClientHelloRecord(null)),
        Tcp(Pupil, "203.0.113.80", 40006, 8080, Packets.HttpGet("proxysite.example:8080")),
        Udp(Pupil, "198.51.100.7", 40013, 51820, WireGuardInitiation()),
        Udp(Pupil, "198.51.100.8", 40014, 1194, OpenVpnHardReset()),
        Tcp(Pupil, "198.51.100.8", 40015, 1194, OpenVpnHardReset(tcp: true)),
        Udp(Pupil, "198.51.100.10", 500, 500, IkeInitiation()),
        Udp(Pupil, "198.51.100.10", 4500, 4500, IkeInitiation(natTraversal: true)),
        Esp(Pupil, "198.51.100.10"),
    ];

    [Fact]
    public void EveryPrefixAndSeededMutations_NeverThrow()
    {
        using var harness = new CircumventionHarness();
        var random = new Random(1194);
        var frames = Attempts();
        foreach (var frame in frames)
        {
            for (var length = 0; length <= frame.Length; length++)
            {
                harness.Feed(frame[..length]);
            }

            for (var round = 0; round < 1000; round++)
            {
                var mutated = (byte[])frame.Clone();
                for (var flips = random.Next(1, 6); flips > 0; flips--)
                {
                    mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
                }

                harness.Feed(mutated, 1_000_000 + round);
            }
        }

        Assert.True(harness.Queue.Statistics.Detected > frames.Length);
        Assert.True(harness.DecoderStatistics.Malformed > 0);
    }

    [Fact]
    public void Detection_RepeatedAttempts_AllocateNothingOnceAlerted()
    {
        using var harness = new CircumventionHarness();
        var frames = Attempts();

        // First pass: each attempt alerts (strings are made then); then warm the code paths up.
        for (var pass = 0; pass < 3; pass++)
        {
            foreach (var frame in frames)
            {
                harness.Feed(frame, 1_000_000 + pass);
            }
        }

        harness.Drain();
        var detected = harness.Queue.Statistics.Detected;

        // A per-packet allocation would show in every round; the runtime's own one-off work on this thread (tiering
        // bookkeeping) shows in one round at most. So the least allocated over five rounds must be zero.
        var least = long.MaxValue;
        for (var round = 0; round < 5; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var pass = 0; pass < 200; pass++)
            {
                foreach (var frame in frames)
                {
                    harness.Feed(frame, 1_000_010 + pass);
                }
            }

            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.Equal(0, least);
        Assert.Equal(detected + (5L * 200 * frames.Length), harness.Queue.Statistics.Detected);
        Assert.Empty(harness.Drain());
    }
}

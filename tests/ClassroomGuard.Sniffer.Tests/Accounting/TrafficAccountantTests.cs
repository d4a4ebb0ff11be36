using ClassroomGuard.Sniffer.Accounting;
using ClassroomGuard.Sniffer.Accounting.Internal;
using ClassroomGuard.Sniffer.Capture;
using ClassroomGuard.Sniffer.Tests.Support;

namespace ClassroomGuard.Sniffer.Tests.Accounting;

/// <summary>The accountant's hand-over between the capture thread and the flusher, and its bounds.</summary>
public sealed class TrafficAccountantTests
{
    [Fact]
    public void Seal_WhileAnotherThreadCounts_EveryPacketCountedExactlyOnce()
    {
        using var rig = new AccountingRig();
        var frames = Enumerable.Range(0, 64)
            .Select(i => Frames.Udp("02:00:00:00:00:02", $"10.0.{i % 4}.{2 + (i % 16)}", (ushort)(40000 + i), "02:00:00:00:00:01", "198.51.100.1", 443, new byte[i]))
            .ToArray();
        const int rounds = 10_000;
        var feeding = new Thread(() =>
        {
            for (var round = 0; round < rounds; round++)
            {
                foreach (var frame in frames)
                {
                    rig.Decoder.Decode(LinkType.Ethernet, round * 1000L, frame.Length, frame); // 10 s: seconds sealed by both threads
                }
            }
        });

        long bytes = 0, packets = 0;
        void Take()
        {
            Drain(rig.Accountant, counters =>
            {
                for (var i = 0; i < counters.TouchedCount; i++)
                {
                    ref var record = ref counters.Records[counters.Touched[i]];
                    bytes += record.BytesOut;
                    packets += record.PacketsOut;
                }
            });
        }

        feeding.Start();
        var swaps = 0;
        while (feeding.IsAlive)
        {
            Take();
            swaps++; // back to back: as many hand-overs as possible while packets are being counted
        }

        feeding.Join();
        Take();
        Take();
        Assert.True(swaps > 2, "the flusher swapped while the other thread counted");
        Assert.Equal((long)rounds * frames.Length, packets);
        Assert.Equal(rounds * frames.Sum(f => (long)f.Length), bytes);
    }

    [Fact]
    public void OnPacket_MoreAddressesThanSlots_CountedUnderOverflowNotLost()
    {
        using var rig = new AccountingRig(new AccountingOptions { MaxDeviceAddresses = 16 });
        long total = 0;
        for (var i = 0; i < 40; i++)
        {
            total += rig.Feed(Frames.Udp("02:00:00:00:00:02", $"10.1.0.{i + 1}", 1000, "02:00:00:00:00:01", "198.51.100.1", 53)).Length;
        }

        var counters = Assert.Single(Drain(rig.Accountant));
        long counted = 0;
        for (var i = 0; i < counters.TouchedCount; i++)
        {
            counted += counters.Records[counters.Touched[i]].BytesOut;
        }

        Assert.Equal(17, counters.TouchedCount); // 16 addresses + the overflow slot
        Assert.Equal(total, counted);
        Assert.Equal(24 * counters.Records[0].BytesOut, counters.Records[rig.Accountant.OverflowSlot].BytesOut);
        rig.Accountant.RefreshStatistics();
        Assert.Equal(24, rig.Accountant.Statistics.AddressOverflow);
    }

    [Fact]
    public void OnPacket_SmallFlowTableFlood_EvictionsCountedAndBytesStillCounted()
    {
        using var rig = new AccountingRig(new AccountingOptions { MaxFlows = 1024 });
        long total = 0;
        for (var port = 0; port < 5000; port++)
        {
            total += rig.Feed(Frames.Tcp("02:00:00:00:00:02", "10.0.0.2", (ushort)(1024 + port), "02:00:00:00:00:01", "198.51.100.1", 443, Frames.Syn)).Length;
        }

        // 5000 frames a millisecond apart: five seconds, more than the ring holds unflushed (the last two merge).
        var seconds = Drain(rig.Accountant);
        Assert.Equal(total, seconds.Sum(c => c.Records[c.Touched[0]].BytesOut));
        Assert.Equal(5000, seconds.Sum(c => c.Records[c.Touched[0]].FlowsNew));
        rig.Accountant.RefreshStatistics();
        Assert.Equal(1000, rig.Accountant.Statistics.MergedIntoEarlierSecond);
        rig.Accountant.RefreshStatistics();
        Assert.Equal(5000 - 1024, rig.Accountant.Statistics.FlowsEvicted);
        Assert.Equal(1024, rig.Accountant.Flows.Count);
    }

    /// <summary>As the flusher does: reads every sealed second, then seals the open one and reads it, giving each back.</summary>
    internal static void Drain(TrafficAccountant accountant, Action<SecondCounters> read)
    {
        var sealOpen = true;
        while (true)
        {
            var counters = accountant.Seconds.TakeSealed();
            if (counters is null)
            {
                if (!sealOpen || !accountant.Seconds.SealOpen())
                {
                    return;
                }

                sealOpen = false;
                continue;
            }

            read(counters);
            accountant.Seconds.Release(counters);
        }
    }

    /// <summary>Copies of every second <see cref="Drain(TrafficAccountant, Action{SecondCounters})"/> reads, oldest first.</summary>
    internal static List<SecondCounters> Drain(TrafficAccountant accountant)
    {
        var copies = new List<SecondCounters>();
        Drain(accountant, c => copies.Add(Copy(c)));
        return copies;
    }

    private static SecondCounters Copy(SecondCounters counters)
    {
        var copy = new SecondCounters(counters.Records.Length) { TouchedCount = counters.TouchedCount, Second = counters.Second };
        counters.Records.CopyTo(copy.Records, 0);
        counters.Touched.CopyTo(copy.Touched, 0);
        return copy;
    }
}

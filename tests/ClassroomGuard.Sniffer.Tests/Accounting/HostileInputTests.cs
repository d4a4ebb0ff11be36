using ClassroomGuard.Sniffer.Capture;
using ClassroomGuard.Sniffer.Tests.Support;

namespace ClassroomGuard.Sniffer.Tests.Accounting;

/// <summary>Mutated real packets through the decoder, the accounting and discovery together: nothing throws, nothing grows.</summary>
[Collection(LabCaptureCollection.Name)]
public sealed class HostileInputTests(LabCaptureFixture lab)
{
    [Fact]
    public void DecodeAndAccount_SeededMutationsAndPrefixesOfRealPackets_NeverThrowAndStayBounded()
    {
        var packets = new List<byte[]>();
        using (var capture = PacketCapture.OpenFile(lab.PcapPath))
        {
            while (capture.ReadNext(out var packet) == CaptureReadResult.Packet)
            {
                packets.Add(packet.Data.ToArray());
            }
        }

        using var rig = new AccountingRig(new Sniffer.Accounting.AccountingOptions
        {
            MaxFlows = 1024, MaxDeviceAddresses = 64, MaxSiteNames = 256, MaxDnsAddresses = 256, MaxObservationsPerSecond = 16,
        });
        var random = new Random(44);
        long fed = 0;
        foreach (var original in packets)
        {
            for (var round = 0; round < 200; round++)
            {
                var mutated = (byte[])original.Clone();
                for (var i = random.Next(1, 9); i > 0; i--)
                {
                    var index = random.Next(2) == 0 ? random.Next(Math.Min(mutated.Length, 80)) : random.Next(mutated.Length);
                    mutated[index] = (byte)random.Next(256);
                }

                rig.Feed(mutated);
                rig.Feed(mutated.AsSpan(0, random.Next(mutated.Length)).ToArray());
                fed += 2;
            }

            if (fed % 2000 == 0)
            {
                rig.Flusher.Flush(null, sealOpen: true);
                rig.Discovery.TakePending([]);
            }
        }

        rig.Flusher.Flush(null, sealOpen: true);
        Assert.Equal(fed, rig.Decoder.Statistics.Packets);
        Assert.True(rig.Accountant.Statistics.Packets > 0);
        Assert.True(rig.Accountant.Flows.Count <= 1024);
        Assert.True(rig.Accountant.Names.Count <= 256);
        Assert.True(rig.Discovery.TakePending([]).Count <= 16);
    }
}

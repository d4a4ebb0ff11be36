using ClassroomGuard.Sniffer.Decoding.Link;
using ClassroomGuard.Sniffer.Tests.Support;

namespace ClassroomGuard.Sniffer.Tests.Decoding.Link;

public sealed class EthernetFrameTests
{
    [Fact]
    public void TryRead_Untagged_ReadsAddressesAndEtherType()
    {
        var bytes = Packets.Ethernet(0x0800, [1, 2, 3]);
        Assert.True(EthernetFrame.TryRead(bytes, out var frame));
        Assert.Equal("02:00:00:00:00:01", frame.Destination.ToString());
        Assert.Equal("02:00:00:00:00:07", frame.Source.ToString());
        Assert.Equal(0x0800, frame.EtherType);
        Assert.Equal(0, frame.VlanCount);
        Assert.Equal(new byte[] { 1, 2, 3 }, frame.Payload.ToArray());
    }

    [Fact]
    public void TryRead_Dot1Q_ReadsVlanId()
    {
        Assert.True(EthernetFrame.TryRead(Packets.Ethernet(0x86DD, [9], 0x2064), out var frame));
        Assert.Equal(0x064, frame.OuterVlanId);
        Assert.Equal(1, frame.VlanCount);
        Assert.Equal(0x86DD, frame.EtherType);
        Assert.Equal(1, frame.Payload.Length);
    }

    [Fact]
    public void TryRead_QinQ_ReadsBothTags()
    {
        Assert.True(EthernetFrame.TryRead(Packets.Ethernet(0x0800, [9], 100, 200), out var frame));
        Assert.Equal(100, frame.OuterVlanId);
        Assert.Equal(200, frame.InnerVlanId);
        Assert.Equal(2, frame.VlanCount);
        Assert.Equal(0x0800, frame.EtherType);
    }

    [Fact]
    public void TryRead_ThreeTags_False()
    {
        Assert.False(EthernetFrame.TryRead(Packets.Ethernet(0x0800, [9], 1, 2, 3), out _));
    }

    [Fact]
    public void TryRead_EveryTruncatedPrefix_FalseWithoutException()
    {
        var untagged = Packets.Ethernet(0x0800, []);
        Corpus.EveryStrictPrefixFails(untagged, b => EthernetFrame.TryRead(b, out _));
        var qinq = Packets.Ethernet(0x0800, [], 100, 200);
        Corpus.EveryStrictPrefixFails(qinq, b => EthernetFrame.TryRead(b, out _));
    }
}

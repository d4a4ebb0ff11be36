using ClassroomGuard.Sniffer.Decoding.Link;
using ClassroomGuard.Sniffer.Tests.Support;

namespace ClassroomGuard.Sniffer.Tests.Decoding.Link;

public sealed class ArpPacketTests
{
    [Fact]
    public void TryRead_Request_ReadsSender()
    {
        Assert.True(ArpPacket.TryRead(Packets.Arp(), out var arp));
        Assert.Equal(1, arp.Operation);
        Assert.Equal("10.213.0.7", arp.SenderIp.ToString());
        Assert.Equal("02:00:00:00:00:07", arp.SenderMac.ToString());
        Assert.Equal("10.213.0.1", arp.TargetIp.ToString());
    }

    [Theory]
    [InlineData(1, 6)]
    [InlineData(4, 8)]
    [InlineData(5, 16)]
    [InlineData(7, 9)]
    public void TryRead_MalformedField_False(int index, byte value)
    {
        var bytes = Packets.Arp();
        bytes[index] = value;
        Assert.False(ArpPacket.TryRead(bytes, out _));
    }

    [Fact]
    public void TryRead_EveryTruncatedPrefix_False() => Corpus.EveryStrictPrefixFails(Packets.Arp(), b => ArpPacket.TryRead(b, out _));
}

using ClassroomGuard.Sniffer.Decoding.Transport;
using ClassroomGuard.Sniffer.Tests.Support;

namespace ClassroomGuard.Sniffer.Tests.Decoding.Transport;

public sealed class TcpSegmentTests
{
    [Fact]
    public void TryRead_Valid_ReadsPortsSequenceFlagsPayload()
    {
        Assert.True(TcpSegment.TryRead(Packets.Tcp(51000, 443, [1, 2], sequence: 77, flags: 0x12), out var tcp));
        Assert.Equal(51000, tcp.SourcePort);
        Assert.Equal(443, tcp.DestinationPort);
        Assert.Equal(77u, tcp.Sequence);
        Assert.Equal(TcpFlags.Syn | TcpFlags.Ack, tcp.Flags);
        Assert.Equal(2, tcp.Payload.Length);
    }

    [Theory]
    [InlineData(0x40)]
    [InlineData(0xF0)]
    public void TryRead_BadDataOffset_False(byte offset)
    {
        var bytes = Packets.Tcp(1, 2, [1, 2]);
        bytes[12] = offset;
        Assert.False(TcpSegment.TryRead(bytes, out _));
    }

    [Fact]
    public void TryRead_EveryTruncatedPrefix_FalseBelowHeader() =>
        Corpus.PrefixesShorterThanFail(Packets.Tcp(1, 2, [1, 2, 3]), 20, b => TcpSegment.TryRead(b, out _));
}

public sealed class UdpDatagramTests
{
    [Fact]
    public void TryRead_Valid_ReadsPortsAndPayload()
    {
        Assert.True(UdpDatagram.TryRead(Packets.Udp(5353, 53, [1, 2, 3]), out var udp));
        Assert.Equal(5353, udp.SourcePort);
        Assert.Equal(53, udp.DestinationPort);
        Assert.Equal(3, udp.Payload.Length);
    }

    [Fact]
    public void TryRead_LengthBelowHeader_False()
    {
        var bytes = Packets.Udp(1, 2, [1]);
        bytes[5] = 7;
        Assert.False(UdpDatagram.TryRead(bytes, out _));
    }

    [Fact]
    public void TryRead_TruncatedPayload_FlaggedTruncated()
    {
        var bytes = Packets.Udp(1, 2, [1, 2, 3, 4]);
        Assert.True(UdpDatagram.TryRead(bytes[..10], out var udp));
        Assert.True(udp.IsTruncated);
        Corpus.PrefixesShorterThanFail(bytes, 8, b => UdpDatagram.TryRead(b, out _));
    }
}

public sealed class IcmpMessageTests
{
    [Fact]
    public void TryRead_EchoRequest_ReadsTypeAndBody()
    {
        byte[] echo = [8, 0, 0, 0, 0, 1, 0, 2, 0xAA, 0xBB];
        Assert.True(IcmpMessage.TryRead(echo, out var icmp));
        Assert.Equal(8, icmp.Type);
        Assert.Equal(0x00010002u, icmp.RestOfHeader);
        Assert.Equal(2, icmp.Body.Length);
        Corpus.PrefixesShorterThanFail(echo, 8, b => IcmpMessage.TryRead(b, out _));
    }
}

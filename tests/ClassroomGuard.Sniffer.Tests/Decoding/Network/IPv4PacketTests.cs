using ClassroomGuard.Sniffer.Decoding.Network;
using ClassroomGuard.Sniffer.Tests.Support;

namespace ClassroomGuard.Sniffer.Tests.Decoding.Network;

public sealed class IPv4PacketTests
{
    [Fact]
    public void TryRead_Valid_ReadsHeader()
    {
        Assert.True(IPv4Packet.TryRead(Packets.IPv4(17, [1, 2, 3, 4]), out var ip));
        Assert.Equal("10.213.0.7", ip.Source.ToString());
        Assert.Equal("10.213.0.1", ip.Destination.ToString());
        Assert.Equal(17, ip.Protocol);
        Assert.Equal(4, ip.Payload.Length);
        Assert.False(ip.IsFragment);
        Assert.False(ip.IsTruncated);
    }

    [Fact]
    public void TryRead_WithOptions_SkipsThem()
    {
        // Router alert (4 bytes) + NOP + NOP + NOP + EOL.
        Assert.True(IPv4Packet.TryRead(Packets.IPv4(6, [9, 9], [148, 4, 0, 0, 1, 1, 1, 0]), out var ip));
        Assert.Equal(28, ip.HeaderLength);
        Assert.Equal(8, ip.Options.Length);
        Assert.Equal(new byte[] { 9, 9 }, ip.Payload.ToArray());
    }

    [Theory]
    [InlineData(new byte[] { 148, 1, 0, 0 })]
    [InlineData(new byte[] { 148, 9, 0, 0 })]
    [InlineData(new byte[] { 1, 1, 1, 7 })]
    public void TryRead_MalformedOptions_False(byte[] options)
    {
        Assert.False(IPv4Packet.TryRead(Packets.IPv4(6, [], options), out _));
    }

    [Fact]
    public void TryRead_Fragments_Flagged()
    {
        Assert.True(IPv4Packet.TryRead(Packets.IPv4(17, [1], flagsAndOffset: 0x2000), out var first));
        Assert.True(first.IsFragment);
        Assert.Equal(0, first.FragmentOffset);
        Assert.True(IPv4Packet.TryRead(Packets.IPv4(17, [1], flagsAndOffset: 0x0010), out var later));
        Assert.True(later.IsFragment);
        Assert.Equal(128, later.FragmentOffset);
    }

    [Fact]
    public void TryRead_EthernetPadding_TrimmedToTotalLength()
    {
        byte[] padded = [.. Packets.IPv4(17, [1, 2]), 0, 0, 0, 0, 0, 0];
        Assert.True(IPv4Packet.TryRead(padded, out var ip));
        Assert.Equal(2, ip.Payload.Length);
    }

    [Theory]
    [InlineData(0, 0x65)]
    [InlineData(0, 0x44)]
    [InlineData(0, 0x4F)]
    [InlineData(3, 10)]
    public void TryRead_MalformedHeader_False(int index, byte value)
    {
        var bytes = Packets.IPv4(17, [1, 2, 3, 4]);
        bytes[2] = 0;
        bytes[3] = (byte)bytes.Length;
        bytes[index] = value;
        Assert.False(IPv4Packet.TryRead(bytes, out _));
    }

    [Fact]
    public void TryRead_EveryTruncatedPrefix_FalseBelowHeaderNoException()
    {
        var bytes = Packets.IPv4(6, new byte[40], [1, 1, 1, 0]);
        Corpus.PrefixesShorterThanFail(bytes, 24, b => IPv4Packet.TryRead(b, out _));
        for (var length = 24; length < bytes.Length; length++)
        {
            Assert.True(IPv4Packet.TryRead(bytes[..length], out var ip));
            Assert.True(ip.IsTruncated);
        }
    }
}

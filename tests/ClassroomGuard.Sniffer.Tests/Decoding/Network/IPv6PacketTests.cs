using ClassroomGuard.Sniffer.Decoding.Network;
using ClassroomGuard.Sniffer.Tests.Support;

namespace ClassroomGuard.Sniffer.Tests.Decoding.Network;

public sealed class IPv6PacketTests
{
    [Fact]
    public void TryRead_NoExtensions_ReadsHeader()
    {
        Assert.True(IPv6Packet.TryRead(Packets.IPv6(17, [1, 2, 3]), out var ip));
        Assert.Equal(17, ip.Protocol);
        Assert.Equal("fd00::7", ip.Source.ToString());
        Assert.Equal("fd00::1", ip.Destination.ToString());
        Assert.Equal(3, ip.Payload.Length);
    }

    [Fact]
    public void TryRead_HopByHopAndDestinationOptions_WalksToTransport()
    {
        var bytes = Packets.IPv6(6, [7, 7], (0, Packets.OptionsHeaderBody()), (60, Packets.OptionsHeaderBody()));
        Assert.True(IPv6Packet.TryRead(bytes, out var ip));
        Assert.Equal(6, ip.Protocol);
        Assert.Equal(2, ip.ExtensionHeaderCount);
        Assert.Equal(new byte[] { 7, 7 }, ip.Payload.ToArray());
    }

    [Fact]
    public void TryRead_FragmentHeader_FlagsFragmentAndOffset()
    {
        var first = Packets.IPv6(17, [1], (44, [0, 0, 1, 0, 0, 0, 5]));
        Assert.True(IPv6Packet.TryRead(first, out var ip));
        Assert.True(ip.IsFragment);
        Assert.Equal(0, ip.FragmentOffset);
        Assert.Equal(17, ip.Protocol);

        var later = Packets.IPv6(17, [1], (44, [0, 0x05, 0x00, 0, 0, 0, 5]));
        Assert.True(IPv6Packet.TryRead(later, out var ip2));
        Assert.True(ip2.IsFragment);
        Assert.Equal(0x0500, ip2.FragmentOffset);
    }

    [Fact]
    public void TryRead_TooManyExtensionHeaders_False()
    {
        var chain = Enumerable.Repeat(((byte)60, Packets.OptionsHeaderBody()), IPv6Packet.MaxExtensionHeaders + 1).ToArray();
        Assert.False(IPv6Packet.TryRead(Packets.IPv6(6, [], chain), out _));
    }

    [Fact]
    public void TryRead_ExtensionOverrunsPayload_False()
    {
        var bytes = Packets.IPv6(6, [], (60, [5, 1, 4, 0, 0, 0, 0]));
        Assert.False(IPv6Packet.TryRead(bytes, out _));
    }

    [Fact]
    public void TryRead_EveryTruncatedPrefix_NoException()
    {
        var bytes = Packets.IPv6(6, new byte[20], (0, Packets.OptionsHeaderBody()));
        Corpus.PrefixesShorterThanFail(bytes, 48, b => IPv6Packet.TryRead(b, out _));
    }
}

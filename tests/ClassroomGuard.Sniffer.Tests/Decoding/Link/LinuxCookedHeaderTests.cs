using ClassroomGuard.Sniffer.Decoding.Link;
using ClassroomGuard.Sniffer.Tests.Support;

namespace ClassroomGuard.Sniffer.Tests.Decoding.Link;

public sealed class LinuxCookedHeaderTests
{
    private static byte[] Sll() => [0, 0, 0, 1, 0, 6, .. Packets.ClientMac, 0, 0, 0x08, 0x00, 0x45];

    private static byte[] Sll2() => [0x86, 0xDD, 0, 0, 0, 0, 0, 3, 0, 1, 4, 6, .. Packets.ClientMac, 0, 0, 0x60];

    [Fact]
    public void TryReadSll_Valid_ReadsProtocolAndSource()
    {
        Assert.True(LinuxCookedHeader.TryReadSll(Sll(), out var header));
        Assert.Equal(0x0800, header.Protocol);
        Assert.Equal("02:00:00:00:00:07", header.Source.ToString());
        Assert.Equal(1, header.Payload.Length);
    }

    [Fact]
    public void TryReadSll2_Valid_ReadsProtocolIndexAndSource()
    {
        Assert.True(LinuxCookedHeader.TryReadSll2(Sll2(), out var header));
        Assert.Equal(0x86DD, header.Protocol);
        Assert.Equal(3, header.InterfaceIndex);
        Assert.Equal(4, header.PacketType);
        Assert.Equal("02:00:00:00:00:07", header.Source.ToString());
    }

    [Fact]
    public void TryReadSll_VlanTagAfterHeader_Skipped()
    {
        byte[] tagged = [0, 0, 0, 1, 0, 6, .. Packets.ClientMac, 0, 0, 0x81, 0x00, 0x00, 0x05, 0x08, 0x00, 0x45];
        Assert.True(LinuxCookedHeader.TryReadSll(tagged, out var header));
        Assert.Equal(0x0800, header.Protocol);
        Assert.Equal(1, header.Payload.Length);
    }

    [Fact]
    public void TryRead_EveryTruncatedPrefix_FalseWithoutException()
    {
        Corpus.PrefixesShorterThanFail(Sll(), LinuxCookedHeader.Sll1Length, b => LinuxCookedHeader.TryReadSll(b, out _));
        Corpus.PrefixesShorterThanFail(Sll2(), LinuxCookedHeader.Sll2Length, b => LinuxCookedHeader.TryReadSll2(b, out _));
    }
}

using System.Text;
using ClassroomGuard.Sniffer.Decoding.Application;
using ClassroomGuard.Sniffer.Tests.Support;

namespace ClassroomGuard.Sniffer.Tests.Decoding.Application;

public sealed class NetBiosNamePacketTests
{
    [Fact]
    public void TryRead_Registration_DecodesName()
    {
        Assert.True(NetBiosNamePacket.TryRead(Packets.NetBiosRegistration("PUPIL-PC-07", 0x20), new byte[16], out var packet));
        Assert.Equal("PUPIL-PC-07", Encoding.ASCII.GetString(packet.Name));
        Assert.Equal(0x20, packet.Suffix);
        Assert.Equal(5, packet.Opcode);
        Assert.False(packet.IsResponse);
    }

    [Fact]
    public void TryRead_BadEncoding_False()
    {
        var bytes = Packets.NetBiosRegistration("PC");
        bytes[14] = (byte)'Z';
        Assert.False(NetBiosNamePacket.TryRead(bytes, new byte[16], out _));
    }

    [Fact]
    public void TryRead_EveryTruncatedPrefix_NoExceptionAndNameRequired() =>
        Corpus.PrefixesShorterThanFail(Packets.NetBiosRegistration("PUPIL-PC-07"), 45, b => NetBiosNamePacket.TryRead(b, new byte[16], out _));
}

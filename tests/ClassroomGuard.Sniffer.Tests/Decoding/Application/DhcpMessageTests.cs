using System.Text;
using ClassroomGuard.Sniffer.Decoding.Application;
using ClassroomGuard.Sniffer.Tests.Support;

namespace ClassroomGuard.Sniffer.Tests.Decoding.Application;

public sealed class DhcpMessageTests
{
    [Fact]
    public void TryRead_Request_ReadsEveryOption()
    {
        Assert.True(DhcpMessage.TryRead(Packets.Dhcp(3, "pupil-laptop-07"), out var dhcp));
        Assert.Equal(1, dhcp.Operation);
        Assert.Equal(3, dhcp.MessageType);
        Assert.Equal(0xCAFEF00Du, dhcp.TransactionId);
        Assert.Equal("02:00:00:00:00:07", dhcp.ClientMac.ToString());
        Assert.Equal("pupil-laptop-07", Encoding.ASCII.GetString(dhcp.HostName));
        Assert.Equal("MSFT 5.0", Encoding.ASCII.GetString(dhcp.VendorClass));
        Assert.Equal(new byte[] { 1, 3, 6, 15 }, dhcp.ParameterRequestList.ToArray());
        Assert.Equal(new byte[] { 1, 2, 0, 0, 0, 0, 7 }, dhcp.ClientIdentifier.ToArray());
        Assert.Equal("10.213.0.7", dhcp.RequestedAddress.ToString());
    }

    [Fact]
    public void TryRead_Ack_ReadsAssignedAddress()
    {
        Assert.True(DhcpMessage.TryRead(Packets.Dhcp(5, null, operation: 2), out var dhcp));
        Assert.Equal(5, dhcp.MessageType);
        Assert.Equal("10.213.0.7", dhcp.YourAddress.ToString());
        Assert.True(dhcp.HostName.IsEmpty);
    }

    [Fact]
    public void TryRead_OptionOverrunsPacket_False()
    {
        byte[] bytes = [.. Packets.Dhcp(1, null)[..240], 53, 1, 1, 12, 40, (byte)'a'];
        Assert.False(DhcpMessage.TryRead(bytes, out _));
    }

    [Theory]
    [InlineData(0, 3)]
    [InlineData(1, 6)]
    [InlineData(2, 16)]
    [InlineData(236, 0)]
    public void TryRead_BadFixedField_False(int index, byte value)
    {
        var bytes = Packets.Dhcp(1, "x");
        bytes[index] = value;
        Assert.False(DhcpMessage.TryRead(bytes, out _));
    }

    [Fact]
    public void TryRead_EveryTruncatedPrefix_NoExceptionAndFixedPartRequired()
    {
        var bytes = Packets.Dhcp(3, "pupil-laptop-07");
        Corpus.PrefixesShorterThanFail(bytes, DhcpMessage.FixedLength, b => DhcpMessage.TryRead(b, out _));

        // A prefix that cuts an option in the middle is malformed.
        Assert.False(DhcpMessage.TryRead(bytes[..(DhcpMessage.FixedLength + 2)], out _));
    }
}

using ClassroomGuard.Sniffer.Circumvention;
using static ClassroomGuard.Sniffer.Tests.Circumvention.CircumventionPackets;

namespace ClassroomGuard.Sniffer.Tests.Circumvention;

/// <summary>Handshake shapes: the real thing, near misses, every prefix and mutations (never an exception).</summary>
public sealed class TunnelShapesTests
{
    [Fact]
    public void WireGuard_ExactShape_OnlyThat()
    {
        Assert.True(TunnelShapes.IsWireGuardInitiation(WireGuardInitiation()));
        Assert.False(TunnelShapes.IsWireGuardInitiation(WireGuardInitiation(147)));
        Assert.False(TunnelShapes.IsWireGuardInitiation(WireGuardInitiation(149)));
        Assert.False(TunnelShapes.IsWireGuardInitiation(WireGuardInitiation(type: 2))); // response
        Assert.False(TunnelShapes.IsWireGuardInitiation(WireGuardInitiation(type: 4))); // transport data

        var reserved = WireGuardInitiation();
        reserved[2] = 1;
        Assert.False(TunnelShapes.IsWireGuardInitiation(reserved));
        var noSender = WireGuardInitiation();
        noSender.AsSpan(4, 4).Clear();
        Assert.False(TunnelShapes.IsWireGuardInitiation(noSender));
    }

    [Fact]
    public void OpenVpn_HardResetV2AndV3_OtherOpcodesAndKeyIdsNot()
    {
        Assert.Equal(TunnelShapes.OpenVpnHardResetClientV2, TunnelShapes.OpenVpnHardResetUdp(OpenVpnHardReset()));
        Assert.Equal(TunnelShapes.OpenVpnHardResetClientV3, TunnelShapes.OpenVpnHardResetUdp(OpenVpnHardReset(TunnelShapes.OpenVpnHardResetClientV3)));
        Assert.Equal(0, TunnelShapes.OpenVpnHardResetUdp(OpenVpnHardReset(keyId: 2)));
        Assert.Equal(0, TunnelShapes.OpenVpnHardResetUdp(OpenVpnHardReset(opcode: 8))); // server's hard reset
        Assert.Equal(0, TunnelShapes.OpenVpnHardResetUdp(OpenVpnHardReset(opcode: 9))); // data
        var noSession = OpenVpnHardReset();
        noSession.AsSpan(1, 8).Clear();
        Assert.Equal(0, TunnelShapes.OpenVpnHardResetUdp(noSession));

        Assert.Equal(TunnelShapes.OpenVpnHardResetClientV2, TunnelShapes.OpenVpnHardResetTcp(OpenVpnHardReset(tcp: true)));
        Assert.Equal(0, TunnelShapes.OpenVpnHardResetTcp(OpenVpnHardReset())); // no length prefix
        var tooLong = OpenVpnHardReset(tcp: true);
        tooLong[1] = 200;
        Assert.Equal(0, TunnelShapes.OpenVpnHardResetTcp(tooLong));
    }

    [Fact]
    public void Ike_Initiations_ResponsesAndBadLengthsNot()
    {
        Assert.Equal(2, TunnelShapes.IkeInitiation(IkeInitiation(), natTraversal: false));
        Assert.Equal(1, TunnelShapes.IkeInitiation(IkeInitiation(version: 1), natTraversal: false));
        Assert.Equal(2, TunnelShapes.IkeInitiation(IkeInitiation(natTraversal: true), natTraversal: true));
        Assert.Equal(0, TunnelShapes.IkeInitiation(IkeInitiation(natTraversal: true), natTraversal: false));
        Assert.Equal(0, TunnelShapes.IkeInitiation(IkeInitiation(), natTraversal: true));
        Assert.Equal(0, TunnelShapes.IkeInitiation(IkeInitiation(responderSpi: 1), natTraversal: false));

        var response = IkeInitiation();
        response[19] = 0x20; // Response flag
        Assert.Equal(0, TunnelShapes.IkeInitiation(response, natTraversal: false));
        var longer = IkeInitiation();
        longer[27]++;
        Assert.Equal(0, TunnelShapes.IkeInitiation(longer, natTraversal: false));
        Assert.Equal(0, TunnelShapes.IkeInitiation([0xFF], natTraversal: true)); // NAT keepalive
    }

    [Fact]
    public void EveryPrefix_RejectedAndNeverThrows()
    {
        byte[][] shapes = [WireGuardInitiation(), OpenVpnHardReset(), OpenVpnHardReset(tcp: true), IkeInitiation(), IkeInitiation(natTraversal: true), QuicLongHeader()];
        foreach (var shape in shapes)
        {
            for (var length = 0; length < shape.Length; length++)
            {
                var prefix = shape.AsSpan(0, length);
                Assert.False(TunnelShapes.IsWireGuardInitiation(prefix));
                Assert.Equal(0, TunnelShapes.IkeInitiation(prefix, natTraversal: false) + TunnelShapes.IkeInitiation(prefix, natTraversal: true));
                if (length < 14)
                {
                    Assert.Equal(0, TunnelShapes.OpenVpnHardResetUdp(prefix));
                }

                if (length < 16)
                {
                    Assert.Equal(0, TunnelShapes.OpenVpnHardResetTcp(prefix));
                }

                if (length < 7)
                {
                    Assert.False(TunnelShapes.IsQuicLongHeader(prefix));
                }
            }
        }
    }

    [Fact]
    public void SeededMutations_NeverThrow()
    {
        var random = new Random(853);
        byte[][] shapes = [WireGuardInitiation(), OpenVpnHardReset(), OpenVpnHardReset(tcp: true), IkeInitiation(), IkeInitiation(natTraversal: true), QuicLongHeader()];
        var matched = 0;
        foreach (var shape in shapes)
        {
            for (var round = 0; round < 2000; round++)
            {
                var mutated = (byte[])shape.Clone();
                mutated[random.Next(Math.Min(mutated.Length, 40))] = (byte)random.Next(256);
                var cut = mutated.AsSpan(0, random.Next(mutated.Length + 1));
                matched += TunnelShapes.IsWireGuardInitiation(cut) ? 1 : 0;
                matched += TunnelShapes.OpenVpnHardResetUdp(cut) + TunnelShapes.OpenVpnHardResetTcp(cut);
                matched += TunnelShapes.IkeInitiation(cut, natTraversal: false) + TunnelShapes.IkeInitiation(cut, natTraversal: true);
                matched += TunnelShapes.IsQuicLongHeader(cut) ? 1 : 0;
            }
        }

        Assert.True(matched > 0);
    }
}

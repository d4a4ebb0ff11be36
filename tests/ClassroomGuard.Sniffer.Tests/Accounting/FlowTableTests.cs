using System.Net;
using ClassroomGuard.Sniffer.Accounting;
using ClassroomGuard.Sniffer.Decoding;
using ClassroomGuard.Sniffer.Decoding.Transport;

namespace ClassroomGuard.Sniffer.Tests.Accounting;

/// <summary>The bounded flow table: one flow per 5-tuple both ways, idle timeouts per protocol, eviction when full.</summary>
public sealed class FlowTableTests
{
    private const long Second = 1_000_000;

    private static FlowTable NewTable(int capacity = 1024) =>
        new(capacity, TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(30));

    private static PacketSummary Packet(string source, ushort sourcePort, string destination, ushort destinationPort, byte protocol, long time, TcpFlags flags = TcpFlags.Ack)
    {
        var packet = default(PacketSummary);
        packet.SourceIp = NetAddress.FromIPAddress(IPAddress.Parse(source));
        packet.DestinationIp = NetAddress.FromIPAddress(IPAddress.Parse(destination));
        packet.SourcePort = sourcePort;
        packet.DestinationPort = destinationPort;
        packet.Protocol = protocol;
        packet.TcpFlags = protocol == 6 ? flags : TcpFlags.None;
        packet.TimestampMicroseconds = time;
        return packet;
    }

    [Fact]
    public void Touch_BothDirections_OneFlowCreatedOnce()
    {
        var table = NewTable();
        var first = table.Touch(Packet("10.0.0.2", 40000, "192.0.2.1", 443, 6, 0, TcpFlags.Syn), out var isNew, out var aSent);
        Assert.True(isNew);
        var reply = table.Touch(Packet("192.0.2.1", 443, "10.0.0.2", 40000, 6, 1000, TcpFlags.Syn | TcpFlags.Ack), out var replyNew, out var bSent);
        Assert.False(replyNew);
        Assert.Equal(first, reply);
        Assert.NotEqual(aSent, bSent);
        Assert.Equal(aSent, table[first].AInitiated);
        Assert.Equal(1, table.Count);
        Assert.Equal(1, table.Created);
    }

    [Fact]
    public void Touch_SameAddressesAndPortsInIPv4AndIPv6OrOtherProtocol_SeparateFlows()
    {
        var table = NewTable();
        table.Touch(Packet("10.0.0.2", 5000, "10.0.0.3", 53, 17, 0), out var n1, out _);
        table.Touch(Packet("10.0.0.2", 5000, "10.0.0.3", 53, 6, 0), out var n2, out _);
        table.Touch(Packet("::ffff:10.0.0.2", 5000, "::ffff:10.0.0.3", 53, 17, 0), out var n3, out _); // IPv4-mapped written as IPv6 → folded to IPv4
        table.Touch(Packet("fd00::2", 5000, "fd00::3", 53, 17, 0), out var n4, out _);
        table.Touch(Packet("fd00::2", 5001, "fd00::3", 53, 17, 0), out var n5, out _);
        Assert.True(n1 && n2 && n4 && n5);
        Assert.Equal(4 + (n3 ? 1 : 0), table.Count);
    }

    [Theory]
    [InlineData(6, 300)] // TCP: 5 minutes
    [InlineData(17, 60)] // UDP: 60 s
    [InlineData(1, 30)] // other (ICMP): 30 s
    public void Touch_AfterIdleTimeout_NewFlowAndExpiredCounted(byte protocol, int timeoutSeconds)
    {
        var table = NewTable();
        table.Touch(Packet("10.0.0.2", 1, "192.0.2.1", 2, protocol, 0), out _, out _);
        table.Touch(Packet("10.0.0.2", 1, "192.0.2.1", 2, protocol, timeoutSeconds * Second), out var atLimit, out _);
        Assert.False(atLimit); // exactly the timeout: still the same flow

        table.Touch(Packet("10.0.0.2", 1, "192.0.2.1", 2, protocol, ((2 * timeoutSeconds) + 1) * Second), out var after, out _);
        Assert.True(after);
        Assert.Equal(1, table.Expired);
        Assert.Equal(2, table.Created);
        Assert.Equal(1, table.Count);
    }

    [Theory]
    [InlineData(TcpFlags.Fin | TcpFlags.Ack)]
    [InlineData(TcpFlags.Rst)]
    public void Touch_FinOrRst_ShortTimeoutThenForgotten(TcpFlags closing)
    {
        var table = NewTable();
        table.Touch(Packet("10.0.0.2", 40000, "192.0.2.1", 443, 6, 0, TcpFlags.Syn), out _, out _);
        table.Touch(Packet("10.0.0.2", 40000, "192.0.2.1", 443, 6, Second, closing), out _, out _);
        table.Touch(Packet("192.0.2.1", 443, "10.0.0.2", 40000, 6, 11 * Second), out var within, out _);
        Assert.False(within); // 10 s after the FIN/RST: still the same flow
        table.Touch(Packet("192.0.2.1", 443, "10.0.0.2", 40000, 6, 22 * Second), out var after, out _);
        Assert.True(after); // 11 s idle after closing: gone (an open one would last 5 min)
        Assert.Equal(1, table.Expired);
    }

    [Fact]
    public void Touch_NewSynOnClosedFlow_StartsNewFlowAtOnce()
    {
        var table = NewTable();
        table.Touch(Packet("10.0.0.2", 40000, "192.0.2.1", 443, 6, 0, TcpFlags.Syn), out _, out _);
        table.Touch(Packet("10.0.0.2", 40000, "192.0.2.1", 443, 6, Second, TcpFlags.Fin | TcpFlags.Ack), out _, out _);
        table.Touch(Packet("10.0.0.2", 40000, "192.0.2.1", 443, 6, 2 * Second, TcpFlags.Syn), out var reused, out _);
        Assert.True(reused);
        Assert.Equal(2, table.Created);
        Assert.Equal(0, table.Expired);
    }

    [Fact]
    public void Touch_TableFull_EvictsLeastRecentlySeenAndCountsIt()
    {
        var table = NewTable(capacity: 1024);
        for (var i = 0; i < 1024; i++)
        {
            table.Touch(Packet("10.0.0.2", (ushort)(1000 + i), "192.0.2.1", 443, 6, i), out _, out _);
        }

        // Keep the first flow busy so it is the most recently seen.
        table.Touch(Packet("10.0.0.2", 1000, "192.0.2.1", 443, 6, 5000), out var busyNew, out _);
        Assert.False(busyNew);
        Assert.Equal(1024, table.Count);

        for (var i = 0; i < 100; i++)
        {
            table.Touch(Packet("10.0.0.9", (ushort)(9000 + i), "192.0.2.1", 443, 6, 6000 + i), out var isNew, out _);
            Assert.True(isNew);
        }

        Assert.Equal(1024, table.Count);
        Assert.Equal(100, table.Evicted);
        Assert.Equal(0, table.Expired);
        Assert.Equal(1124, table.Created);
        table.Touch(Packet("10.0.0.2", 1000, "192.0.2.1", 443, 6, 7000), out var stillThere, out _);
        Assert.False(stillThere);
    }

    [Fact]
    public void Touch_TableFullOfIdleFlows_ReusesThemAsExpiredNotEvicted()
    {
        var table = NewTable(capacity: 1024);
        for (var i = 0; i < 1024; i++)
        {
            table.Touch(Packet("10.0.0.2", (ushort)(1000 + i), "192.0.2.1", 53, 17, 0), out _, out _);
        }

        table.Touch(Packet("10.0.0.3", 5, "192.0.2.1", 53, 17, 61 * Second), out var isNew, out _);
        Assert.True(isNew);
        Assert.Equal(0, table.Evicted);
        Assert.True(table.Expired >= 1);
        Assert.True(table.Count <= 1024);
    }

    [Fact]
    public void Sweep_ManyPacketsAfterTimeout_IdleFlowsForgottenWithoutTheirOwnPackets()
    {
        var table = NewTable(capacity: 1024);
        for (var i = 0; i < 500; i++)
        {
            table.Touch(Packet("10.0.0.2", (ushort)(1000 + i), "192.0.2.1", 53, 17, 0), out _, out _);
        }

        // One busy flow much later: the sweep (four of the 2048 slots per packet, a removal taking one of the four)
        // passes over the whole table within 1000 packets.
        for (var i = 0; i < 1000; i++)
        {
            table.Touch(Packet("10.0.0.3", 5, "192.0.2.1", 53, 17, (61 * Second) + i), out _, out _);
        }

        Assert.Equal(1, table.Count);
        Assert.Equal(500, table.Expired);
    }

    [Fact]
    public void Touch_TimeGoingBackwards_DoesNotExpireOrCorrupt()
    {
        var table = NewTable();
        table.Touch(Packet("10.0.0.2", 1, "192.0.2.1", 2, 17, 100 * Second), out _, out _);
        table.Touch(Packet("10.0.0.2", 1, "192.0.2.1", 2, 17, 0), out var isNew, out _);
        Assert.False(isNew);
        Assert.Equal(1, table.Count);
    }

    [Fact]
    public void Touch_RandomChurn_AgreesWithASimpleModel()
    {
        // Many flows coming and going: the open-addressing table (with backward-shift removal by the sweep) must give
        // the same "new flow" answers as a plain dictionary with the same timeouts.
        var table = NewTable(capacity: 1024);
        var model = new Dictionary<(int, byte), (long Last, bool Closing)>();
        var random = new Random(7);
        long now = 0;
        for (var i = 0; i < 200_000; i++)
        {
            now += random.Next(0, 2000) * 1000L;
            var client = random.Next(600);
            var protocol = random.Next(2) == 0 ? (byte)6 : (byte)17;
            var flags = protocol == 6 ? (TcpFlags)new[] { 0x10, 0x10, 0x10, 0x02, 0x11, 0x04 }[random.Next(6)] : TcpFlags.None;
            var packet = Packet($"10.0.{client / 250}.{client % 250}", (ushort)(1000 + client), "192.0.2.1", 443, protocol, now, flags);
            if (random.Next(2) == 0)
            {
                packet = Packet("192.0.2.1", 443, $"10.0.{client / 250}.{client % 250}", (ushort)(1000 + client), protocol, now, flags);
            }

            table.Touch(packet, out var isNew, out _);
            var timeout = protocol == 17 ? 60 * Second : 300 * Second;
            var expected = !model.TryGetValue((client, protocol), out var m)
                || now - m.Last > (protocol == 6 && m.Closing ? 10 * Second : timeout)
                || (m.Closing && (flags & (TcpFlags.Syn | TcpFlags.Ack)) == TcpFlags.Syn);
            Assert.Equal(expected, isNew);
            var closing = (!expected && m.Closing) || (flags & (TcpFlags.Fin | TcpFlags.Rst)) != 0;
            model[(client, protocol)] = (now, closing);
        }

        Assert.Equal(0, table.Evicted);
        Assert.True(table.Expired > 1000);
    }
}

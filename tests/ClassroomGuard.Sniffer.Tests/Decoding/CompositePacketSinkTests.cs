using ClassroomGuard.Sniffer.Capture;
using ClassroomGuard.Sniffer.Decoding;
using ClassroomGuard.Sniffer.Tests.Support;
using Xunit;

namespace ClassroomGuard.Sniffer.Tests.Decoding;

public sealed class CompositePacketSinkTests
{
    [Fact]
    public void Every_sink_receives_every_fact_in_order()
    {
        var first = new RecordingSink { RecordPackets = true };
        var second = new RecordingSink { RecordPackets = true };
        var composite = new CompositePacketSink([first, second]);
        using var decoder = new PacketDecoder(composite);

        var arp = Packets.Ethernet(0x0806, Packets.Arp());
        var hello = Packets.EthernetIPv4Tcp(50000, 443, Packets.ClientHelloRecord("example.org"));
        decoder.Decode(LinkType.Ethernet, 0, arp.Length, arp);
        decoder.Decode(LinkType.Ethernet, 0, hello.Length, hello);

        foreach (var sink in new[] { first, second })
        {
            Assert.Single(sink.Arp);
            Assert.Equal("example.org", Assert.Single(sink.ClientHellos).ServerName);
            Assert.Equal(2, sink.Packets.Count);
            Assert.Equal(Packets.ClientHelloRecord("example.org").Length, Assert.Single(sink.TransportPayloads));
        }

        Assert.Equal([first, second], composite.Sinks);
    }
}

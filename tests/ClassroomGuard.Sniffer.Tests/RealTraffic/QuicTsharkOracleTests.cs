using ClassroomGuard.Sniffer.Capture;
using ClassroomGuard.Sniffer.Decoding;
using ClassroomGuard.Sniffer.Tests.Support;

namespace ClassroomGuard.Sniffer.Tests.RealTraffic;

/// <summary>
/// QUIC Initials (the RFC vectors, and packets built by the RFC-checked protector, one ClientHello split over two
/// Initials) written to a pcap: tshark decrypts them with its own QUIC implementation and must find the same SNI.
/// (Debian's curl has no HTTP/3, so there is no real QUIC client to capture here.) QUIC v2 is not compared: tshark
/// 4.0.17 implements a pre-RFC 9369 draft of v2 and reports "Decryption failed" on the RFC's own v2 vector, which our
/// decoder reads (QuicInitialTests checks it against RFC 9369 byte for byte).
/// </summary>
public sealed class QuicTsharkOracleTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"cg-quic-{Guid.NewGuid():N}.pcap");

    public void Dispose() => File.Delete(_path);

    /// <summary>The capture's frames (also decoded by the PacketDotNet oracle).</summary>
    internal static List<byte[]> Initials()
    {
        var hello = Packets.ClientHelloMessage("h3-split.example.org", ["h3"], padding: 1600);
        byte[] id = [0xA0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
        return
        [
            Packets.EthernetIPv4Udp(51000, 443, QuicVectors.ClientInitialV1),
            Packets.EthernetIPv4Udp(51002, 443, QuicInitialProtector.Protect(1, id, [7], 0, QuicInitialProtector.CryptoFrame(0, hello.AsSpan(0, 1000)))),
            Packets.EthernetIPv4Udp(51002, 443, QuicInitialProtector.Protect(1, id, [7], 1, QuicInitialProtector.CryptoFrame(1000, hello.AsSpan(1000)))),
        ];
    }

    [Fact]
    public async Task ClientHellos_QuicInitials_SameSniAsTshark()
    {
        PcapWriter.Write(_path, Initials());

        var sink = new RecordingSink();
        using (var source = PacketSources.OpenFile(_path))
        using (var decoder = new PacketDecoder(sink))
        {
            decoder.DecodeAll(source, CancellationToken.None);
        }

        var output = await Tool.CheckAsync("tshark", "-r", _path, "-Y", "tls.handshake.type == 1", "-T", "fields", "-e", "udp.srcport", "-e", "tls.handshake.extensions_server_name");
        var tshark = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')[1]).Order().ToList();
        var ours = sink.ClientHellos.Select(h => h.ServerName).Order().ToList();

        Assert.Equal(["example.com", "h3-split.example.org"], ours);
        Assert.Equal(tshark, ours);
        Assert.All(sink.ClientHellos, h => Assert.Equal(HelloTransport.Quic, h.Transport));
    }
}

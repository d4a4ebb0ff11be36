using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using ClassroomGuard.Sniffer.Capture;
using ClassroomGuard.Sniffer.Decoding;

namespace ClassroomGuard.Sniffer.Benchmarks;

/// <summary>
/// The live capture loop with the memory diagnoser: <see cref="PacketCapture.ReadNext"/> (SharpPcap's
/// <c>GetNextPacketPointers</c> over libpcap's TPACKET_V3 ring) and the decoder, on loopback, while a second thread
/// sends UDP datagrams to a port of our own as fast as it can (a connected socket sending a span: no allocation there
/// either, so "Allocated" is the capture loop's). Each invocation reads and decodes <see cref="Packets"/> packets
/// (OperationsPerInvoke), so Mean and Allocated are per packet. Traffic stays on 127.0.0.1.
/// </summary>
[MemoryDiagnoser]
public class LiveCaptureBenchmarks
{
    private const int Packets = 1000;
    private Socket _receiver = null!;
    private Socket _sender = null!;
    private PacketCapture _capture = null!;
    private PacketDecoder _decoder = null!;
    private Thread _sending = null!;
    private volatile bool _stop;

    [GlobalSetup]
    public void Setup()
    {
        // A bound receiver that never reads: the port is ours and answers no ICMP "unreachable".
        _receiver = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _receiver.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)_receiver.LocalEndPoint!).Port;
        _capture = PacketCapture.OpenLive(new LiveCaptureSettings
        {
            Interface = "lo",
            SnapLength = 262_144,
            BufferSize = 32 * 1024 * 1024,
            ImmediateMode = true,
            ReadTimeout = TimeSpan.FromMilliseconds(10),
        });
        _capture.SetFilter($"udp and dst port {port}");
        _decoder = new PacketDecoder(NullPacketSink.Instance);
        _sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _sender.Connect(new IPEndPoint(IPAddress.Loopback, port));
        _sending = new Thread(Send) { IsBackground = true, Name = "loopback sender" };
        _sending.Start();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _stop = true;
        _sending.Join();
        _capture.Dispose();
        _decoder.Dispose();
        _sender.Dispose();
        _receiver.Dispose();
    }

    /// <summary>Reads and decodes the next <see cref="Packets"/> packets from the live capture.</summary>
    [Benchmark(OperationsPerInvoke = Packets)]
    public int CaptureAndDecode()
    {
        var read = 0;
        while (read < Packets)
        {
            var result = _capture.ReadNext(out var packet);
            if (result == CaptureReadResult.Packet)
            {
                _decoder.Decode(_capture.LinkType, packet);
                read++;
            }
            else if (result != CaptureReadResult.Timeout)
            {
                throw new InvalidOperationException("capture ended: " + result);
            }
        }

        return read;
    }

    private void Send()
    {
        Span<byte> payload = stackalloc byte[200];
        payload.Fill(0x5A);
        while (!_stop)
        {
            try
            {
                _sender.Send(payload);
            }
            catch (SocketException)
            {
                // ENOBUFS under pressure: try again.
            }
        }
    }
}

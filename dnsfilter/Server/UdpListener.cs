using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using ClassroomGuard.DnsFilter.Internal;
using Microsoft.Extensions.Logging;

namespace ClassroomGuard.DnsFilter.Server;

/// <summary>A received datagram, pooled per socket (buffer and address reused: no allocation per query).</summary>
internal sealed class UdpDatagram
{
    public UdpDatagram(Socket socket, int bufferSize, ConcurrentQueue<UdpDatagram> pool)
    {
        Socket = socket;
        Buffer = new byte[bufferSize];
        Address = new SocketAddress(socket.AddressFamily);
        Pool = pool;
    }

    public Socket Socket { get; }

    public byte[] Buffer { get; }

    public SocketAddress Address { get; }

    public ConcurrentQueue<UdpDatagram> Pool { get; }

    public int Length { get; set; }
}

/// <summary>
/// The UDP sockets of one listen endpoint: several sockets on the same port with SO_REUSEPORT (the kernel spreads
/// clients across them, so both cores receive), one receive loop per socket, hand-off to a bounded channel.
/// </summary>
internal sealed class UdpListener : IDisposable
{
    private const int SolSocket = 1; // Linux SOL_SOCKET
    private const int SoReusePort = 15; // Linux SO_REUSEPORT
    private readonly List<Socket> _sockets = [];
    private readonly int _bufferSize;
    private readonly ChannelWriter<UdpDatagram> _queue;
    private readonly DnsCounters _counters;
    private readonly ILogger _logger;

    public UdpListener(IPEndPoint endpoint, int sockets, int bufferSize, ChannelWriter<UdpDatagram> queue, DnsCounters counters, ILogger logger)
    {
        _bufferSize = bufferSize;
        _queue = queue;
        _counters = counters;
        _logger = logger;
        var bindTo = endpoint;
        for (var i = 0; i < sockets; i++)
        {
            var socket = new Socket(endpoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                if (endpoint.AddressFamily == AddressFamily.InterNetworkV6)
                {
                    socket.DualMode = false; // v6-only, so 0.0.0.0 and [::] can both be listed
                }

                if (sockets > 1 && OperatingSystem.IsLinux())
                {
                    socket.SetRawSocketOption(SolSocket, SoReusePort, [1, 0, 0, 0]);
                }

                socket.Bind(bindTo);
                bindTo = (IPEndPoint)socket.LocalEndPoint!; // port 0: the others join the port the first one got
            }
            catch
            {
                socket.Dispose();
                throw;
            }

            _sockets.Add(socket);
        }

        LocalEndPoint = bindTo;
    }

    public IPEndPoint LocalEndPoint { get; }

    public int SocketCount => _sockets.Count;

    public IEnumerable<Task> Start(CancellationToken cancellationToken)
    {
        foreach (var socket in _sockets)
        {
            yield return Task.Run(() => ReceiveLoopAsync(socket, cancellationToken), CancellationToken.None);
        }
    }

    private async Task ReceiveLoopAsync(Socket socket, CancellationToken cancellationToken)
    {
        var pool = new ConcurrentQueue<UdpDatagram>();
        while (!cancellationToken.IsCancellationRequested)
        {
            if (!pool.TryDequeue(out var datagram))
            {
                datagram = new UdpDatagram(socket, _bufferSize, pool);
            }

            try
            {
                datagram.Length = await socket.ReceiveFromAsync(datagram.Buffer, SocketFlags.None, datagram.Address, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (ObjectDisposedException)
            {
                break;
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.MessageSize or SocketError.ConnectionReset)
            {
                // Oversized datagram (larger than MaxUdpSize) or an ICMP error for an earlier send: drop, count.
                Interlocked.Increment(ref _counters.MalformedDropped);
                pool.Enqueue(datagram);
                continue;
            }
            catch (SocketException e)
            {
                Log.UdpReceiveFailed(_logger, socket.LocalEndPoint, e);
                pool.Enqueue(datagram);
                await Task.Delay(10, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                continue;
            }

            Interlocked.Increment(ref _counters.UdpQueries);
            if (!_queue.TryWrite(datagram))
            {
                Interlocked.Increment(ref _counters.UdpQueueFull);
                pool.Enqueue(datagram);
            }
        }
    }

    public void Dispose()
    {
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }
    }
}

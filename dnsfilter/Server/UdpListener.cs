using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using ClassroomGuard.DnsFilter.Internal;
using Microsoft.Extensions.Logging;

namespace ClassroomGuard.DnsFilter.Server;

/// <summary>
/// The UDP sockets of one listen endpoint: several sockets on the same port with SO_REUSEPORT (the kernel spreads
/// clients across them, so every core receives), one receive loop per socket.
/// The receive loop answers a query itself when the answer is ready at once (cache hit, local policy answer, error):
/// no hand-off, no thread hop, no allocation. A query that must wait for an upstream is handed, with its context,
/// to a completion task and the loop takes another context from a pool of <c>MaxConcurrentQueries</c> (plus one per
/// socket). That pool is
/// the bound: when every context is waiting on upstreams, the loop waits for one (the kernel's socket buffer absorbs
/// or drops the excess, counted in <c>udp_backpressure_waits</c>).
/// </summary>
internal sealed class UdpListener : IDisposable
{
    private const int SolSocket = 1; // Linux SOL_SOCKET
    private const int SoReusePort = 15; // Linux SO_REUSEPORT
    private readonly List<Socket> _sockets = [];
    private readonly DnsQueryProcessor _processor;
    private readonly DnsCounters _counters;
    private readonly ILogger _logger;
    private readonly int _queryCapacity;
    private readonly int _responseCapacity;
    private readonly ConcurrentQueue<DnsRequestContext> _pool = new();
    private readonly SemaphoreSlim _slots;

    public UdpListener(
        IPEndPoint endpoint, int sockets, int maxUdpSize, int maxConcurrentQueries, DnsQueryProcessor processor, DnsCounters counters, ILogger logger)
    {
        _processor = processor;
        _counters = counters;
        _logger = logger;
        _queryCapacity = maxUdpSize;
        _responseCapacity = Math.Max(4096, maxUdpSize);
        // One context per socket for its receive loop, plus MaxConcurrentQueries for answers waiting on upstreams:
        // a loop that only ever answers at once never starves the other loops of a context.
        _slots = new SemaphoreSlim(maxConcurrentQueries + sockets, maxConcurrentQueries + sockets);
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

    public List<Task> Start(CancellationToken cancellationToken)
        => _sockets.ConvertAll(socket => Task.Factory.StartNew(
            () => ReceiveLoop(socket, cancellationToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default));

    // One dedicated thread per socket, blocking in recvfrom/sendto: no epoll → thread-pool hop and no async state
    // machine per datagram. The socket is never used asynchronously (that would make it non-blocking for good), so
    // answers completed later by an upstream are sent with a synchronous sendto too. Disposing the socket unblocks
    // the receive at stop.
    private void ReceiveLoop(Socket socket, CancellationToken cancellationToken)
    {
        DnsRequestContext? request = null;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                request ??= Rent(cancellationToken);
                int length;
                try
                {
                    length = socket.ReceiveFrom(request.QueryBuffer.AsSpan(0, _queryCapacity), SocketFlags.None, request.ClientAddress!);
                }
                catch (SocketException e) when (e.SocketErrorCode is SocketError.MessageSize or SocketError.ConnectionReset)
                {
                    // Oversized datagram (larger than MaxUdpSize) or an ICMP error for an earlier send: drop, count.
                    Interlocked.Increment(ref _counters.MalformedDropped);
                    continue;
                }
                catch (SocketException e) when (!cancellationToken.IsCancellationRequested)
                {
                    Log.UdpReceiveFailed(_logger, LocalEndPoint, e);
                    cancellationToken.WaitHandle.WaitOne(10);
                    continue;
                }

                Interlocked.Increment(ref _counters.UdpQueries);
                request.SetQueryLength(length);
                ValueTask<int> pending;
                try
                {
                    pending = _processor.ProcessAsync(request, cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Log.ProcessingFailed(_logger, e); // a bug costs one answer, never the loop
                    continue;
                }

                if (pending.IsCompletedSuccessfully)
                {
                    Send(socket, request, pending.Result);
                    continue; // the same context serves the next datagram
                }

                // Bounded by the context pool: this context returns to it when the answer is sent.
                _ = CompleteAsync(socket, request, pending);
                request = null;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException || (e is SocketException && cancellationToken.IsCancellationRequested))
        {
            // stopping
        }
        finally
        {
            if (request is not null)
            {
                Return(request);
            }
        }
    }

    private async Task CompleteAsync(Socket socket, DnsRequestContext request, ValueTask<int> pending)
    {
        try
        {
            var length = await pending;
            Send(socket, request, length);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
            // stopping
        }
        catch (Exception e)
        {
            Log.ProcessingFailed(_logger, e);
        }
        finally
        {
            Return(request);
        }
    }

    private void Send(Socket socket, DnsRequestContext request, int length)
    {
        if (length <= 0)
        {
            return;
        }

        try
        {
            socket.SendTo(request.ResponseBuffer.AsSpan(0, length), SocketFlags.None, request.ClientAddress!);
        }
        catch (SocketException)
        {
            Interlocked.Increment(ref _counters.SendErrors);
        }
    }

    private DnsRequestContext Rent(CancellationToken cancellationToken)
    {
        if (!_slots.Wait(0, cancellationToken))
        {
            Interlocked.Increment(ref _counters.UdpBackpressureWaits);
            _slots.Wait(cancellationToken);
        }

        return Take();
    }

    private DnsRequestContext Take()
    {
        if (_pool.TryDequeue(out var request))
        {
            return request;
        }

        // Created lazily, at most MaxConcurrentQueries + sockets (the semaphore's count), each with its own buffers and address.
        return new DnsRequestContext(DnsTransport.Udp, _queryCapacity, _responseCapacity)
        {
            ClientAddress = new SocketAddress(LocalEndPoint.AddressFamily),
        };
    }

    private void Return(DnsRequestContext request)
    {
        _pool.Enqueue(request);
        try
        {
            _slots.Release();
        }
        catch (ObjectDisposedException)
        {
            // stopping: an answer completed after the listener was disposed
        }
    }

    public void Dispose()
    {
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }

        _slots.Dispose();
    }
}

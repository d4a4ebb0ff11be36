using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using ClassroomGuard.DnsFilter.Hosting;
using ClassroomGuard.DnsFilter.Internal;
using Microsoft.Extensions.Logging;

namespace ClassroomGuard.DnsFilter.Server;

/// <summary>Open TCP connections across the listeners of one server.</summary>
internal sealed class TcpConnectionLimit
{
    public int Open;
}

/// <summary>
/// DNS over TCP for one endpoint (RFC 7766): a bounded number of connections, pipelined queries answered as they
/// complete (bounded per connection), an idle timeout between queries and a read deadline per query so a client
/// trickling bytes cannot hold a connection.
/// </summary>
internal sealed class TcpDnsListener : IDisposable
{
    private static long s_connectionIds;
    private readonly Socket _listener;
    private readonly DnsQueryProcessor _processor;
    private readonly DnsOptions _options;
    private readonly TimeProvider _time;
    private readonly DnsCounters _counters;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<long, Task> _connections = new();
    private readonly TcpConnectionLimit _limit;

    public TcpDnsListener(IPEndPoint endpoint, TcpConnectionLimit limit, DnsQueryProcessor processor, DnsOptions options, TimeProvider time, DnsCounters counters, ILogger logger)
    {
        _limit = limit;
        _processor = processor;
        _options = options;
        _time = time;
        _counters = counters;
        _logger = logger;
        _listener = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endpoint.AddressFamily == AddressFamily.InterNetworkV6)
            {
                _listener.DualMode = false;
            }

            _listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            _listener.Bind(endpoint);
            _listener.Listen(512);
        }
        catch
        {
            _listener.Dispose();
            throw;
        }

        LocalEndPoint = (IPEndPoint)_listener.LocalEndPoint!;
    }

    public IPEndPoint LocalEndPoint { get; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (ObjectDisposedException)
            {
                break;
            }
            catch (SocketException e)
            {
                Log.TcpAcceptFailed(_logger, LocalEndPoint, e);
                continue;
            }

            if (Interlocked.Increment(ref _limit.Open) > _options.MaxTcpConnections)
            {
                Interlocked.Decrement(ref _limit.Open);
                Interlocked.Increment(ref _counters.TcpConnectionsRejected);
                client.Dispose();
                continue;
            }

            Interlocked.Increment(ref _counters.TcpConnections);
            var id = Interlocked.Increment(ref s_connectionIds);
            // Bounded by MaxTcpConnections; each task removes itself and is awaited at shutdown.
            _connections[id] = ServeConnectionAsync(id, client, cancellationToken);
        }

        await Task.WhenAll(_connections.Values);
    }

    private async Task ServeConnectionAsync(long id, Socket client, CancellationToken stopping)
    {
        await Task.Yield();
        using var connection = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        using var slots = new SemaphoreSlim(_options.MaxTcpQueriesPerConnection);
        using var writeLock = new SemaphoreSlim(1, 1);
        var remote = client.RemoteEndPoint;
        var address = remote?.Serialize();
        var prefix = new byte[2];
        var reason = "closed by client";
        client.NoDelay = true;
        try
        {
            while (!connection.IsCancellationRequested)
            {
                var (query, length, failure) = await ReadQueryAsync(client, prefix, connection.Token);
                if (query is null)
                {
                    reason = failure;
                    break;
                }

                Interlocked.Increment(ref _counters.TcpQueries);
                await slots.WaitAsync(connection.Token);
                // Bounded by MaxTcpQueriesPerConnection (the slot is released when the answer is written).
                _ = AnswerAsync(client, query, length, address, slots, writeLock, connection);
            }
        }
        catch (OperationCanceledException)
        {
            reason = "stopping";
        }
        finally
        {
            // Let pipelined answers still running finish (they hold slots), then close.
            for (var i = 0; i < _options.MaxTcpQueriesPerConnection; i++)
            {
                if (!await slots.WaitAsync(_options.TcpWriteTimeout + _options.UpstreamTimeout * _options.UpstreamAttempts, CancellationToken.None))
                {
                    break;
                }
            }

            Log.TcpClosed(_logger, remote, reason);
            client.Dispose();
            Interlocked.Decrement(ref _limit.Open);
            _connections.TryRemove(id, out _);
        }
    }

    private async ValueTask<(byte[]? Query, int Length, string Failure)> ReadQueryAsync(Socket client, byte[] prefix, CancellationToken connection)
    {
        // Between queries the client may be silent up to the idle timeout.
        using (var idle = new CancellationTokenSource(_options.TcpIdleTimeout, _time))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(connection, idle.Token))
        {
            var first = await ReceiveAsync(client, prefix.AsMemory(0, 1), linked.Token);
            if (first == 0)
            {
                return (null, 0, "closed by client");
            }

            if (first < 0)
            {
                if (!idle.IsCancellationRequested)
                {
                    return (null, 0, "stopping");
                }

                Interlocked.Increment(ref _counters.TcpIdleClosed);
                return (null, 0, "idle");
            }
        }

        // Once a query has started, all of it must arrive within the read timeout.
        using var deadline = new CancellationTokenSource(_options.TcpReadTimeout, _time);
        using var readLinked = CancellationTokenSource.CreateLinkedTokenSource(connection, deadline.Token);
        var second = await ReceiveExactlyAsync(client, prefix.AsMemory(1, 1), readLinked.Token);
        var length = second > 0 ? BinaryPrimitives.ReadUInt16BigEndian(prefix) : 0;
        if (second <= 0 || length == 0)
        {
            return (null, 0, CountIncomplete(second, deadline));
        }

        var query = ArrayPool<byte>.Shared.Rent(length);
        var got = await ReceiveExactlyAsync(client, query.AsMemory(0, length), readLinked.Token);
        if (got <= 0)
        {
            ArrayPool<byte>.Shared.Return(query);
            return (null, 0, CountIncomplete(got, deadline));
        }

        return (query, length, "");
    }

    private string CountIncomplete(int result, CancellationTokenSource deadline)
    {
        if (result < 0 && deadline.IsCancellationRequested)
        {
            Interlocked.Increment(ref _counters.TcpSlowClientsClosed);
            return "slow client";
        }

        Interlocked.Increment(ref _counters.TcpIncompleteMessages);
        return "incomplete message";
    }

    private async Task AnswerAsync(
        Socket client, byte[] query, int length, SocketAddress? address, SemaphoreSlim slots, SemaphoreSlim writeLock, CancellationTokenSource connection)
    {
        var response = ArrayPool<byte>.Shared.Rent(65535 + 2);
        try
        {
            var request = new DnsRequestContext(DnsTransport.Tcp, query, length, response) { ClientAddress = address };
            var answer = await _processor.ProcessAsync(request, connection.Token);
            if (answer <= 0)
            {
                return;
            }

            // The answer went into the buffer at offset 0; frame it into a second buffer with the length prefix.
            var frame = ArrayPool<byte>.Shared.Rent(answer + 2);
            try
            {
                BinaryPrimitives.WriteUInt16BigEndian(frame, (ushort)answer);
                response.AsSpan(0, answer).CopyTo(frame.AsSpan(2));
                using var deadline = new CancellationTokenSource(_options.TcpWriteTimeout, _time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(connection.Token, deadline.Token);
                await writeLock.WaitAsync(linked.Token);
                try
                {
                    var sent = 0;
                    while (sent < answer + 2)
                    {
                        sent += await client.SendAsync(frame.AsMemory(sent, answer + 2 - sent), SocketFlags.None, linked.Token);
                    }
                }
                finally
                {
                    writeLock.Release();
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(frame);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            Interlocked.Increment(ref _counters.SendErrors);
            await connection.CancelAsync(); // a client that does not read its answers loses the connection
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(response);
            ArrayPool<byte>.Shared.Return(query);
            slots.Release();
        }
    }

    // Returns bytes read, 0 at end of stream, -1 when cancelled (timeout).
    private static async ValueTask<int> ReceiveAsync(Socket socket, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        try
        {
            return await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return -1;
        }
        catch (SocketException)
        {
            return 0;
        }
    }

    private static async ValueTask<int> ReceiveExactlyAsync(Socket socket, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = await ReceiveAsync(socket, buffer[total..], cancellationToken);
            if (n <= 0)
            {
                return n;
            }

            total += n;
        }

        return total;
    }

    public void Dispose() => _listener.Dispose();
}

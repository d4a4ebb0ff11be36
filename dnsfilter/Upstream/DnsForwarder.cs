using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using ClassroomGuard.DnsFilter.Hosting;
using ClassroomGuard.DnsFilter.Internal;
using ClassroomGuard.Dns.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.DnsFilter.Upstream;

/// <summary>
/// Sends questions to the configured upstream resolvers. Each attempt uses a fresh UDP socket bound by the
/// kernel to a random ephemeral port (Linux randomises UDP ephemeral ports) and connected to the upstream, so
/// only datagrams from that address and port reach it; the query ID comes from a CSPRNG. Together that gives the
/// ~32 bits of entropy RFC 5452 asks for, at the cost of a socket per upstream query (cache misses only).
/// A truncated answer is retried over TCP to the same upstream. Upstreams that fail are tried after the healthy
/// ones until <see cref="DnsOptions.UpstreamRecheckInterval"/> has passed.
/// </summary>
public sealed class DnsForwarder
{
    private const int MaxMessage = 65535;
    private readonly UpstreamServer[] _upstreams;
    private readonly DnsOptions _options;
    private readonly TimeProvider _time;
    private readonly DnsCounters _counters;
    private readonly ILogger<DnsForwarder> _logger;

    /// <summary>Creates the forwarder from <see cref="DnsOptions.Upstreams"/>.</summary>
    public DnsForwarder(IOptions<DnsOptions> options, TimeProvider time, DnsCounters counters, ILogger<DnsForwarder> logger)
    {
        _options = options.Value;
        _time = time;
        _counters = counters;
        _logger = logger;
        _upstreams = new UpstreamServer[_options.Upstreams.Count];
        for (var i = 0; i < _upstreams.Length; i++)
        {
            if (!DnsOptionsValidator.TryParseEndpoint(_options.Upstreams[i], 53, out var endpoint))
            {
                throw new OptionsValidationException(nameof(DnsOptions), typeof(DnsOptions), [$"Dns:Upstreams:{i} is not an IP endpoint."]);
            }

            _upstreams[i] = new UpstreamServer(endpoint, i);
        }
    }

    /// <summary>The upstreams in configured order, with their health.</summary>
    public IReadOnlyList<UpstreamServer> Upstreams => _upstreams;

    /// <summary>
    /// Resolves one question upstream. Returns the matching response (exact-size array) or null if every attempt
    /// failed (timeouts, errors, SERVFAIL/REFUSED, malformed or mismatched answers only).
    /// </summary>
    public async Task<byte[]?> ForwardAsync(ReadOnlyMemory<byte> name, ushort type, ushort @class, bool dnssecOk, bool checkingDisabled, CancellationToken cancellationToken)
    {
        if (_upstreams.Length == 0)
        {
            return null;
        }

        var query = ArrayPool<byte>.Shared.Rent(DnsName.MaxLength + 64);

        // UDP answers are at most the payload size we advertise; one byte more tells an oversized answer from a full
        // one. The 64 KiB TCP buffer is rented only for a TCP fallback: every query waiting on an upstream holds its
        // buffer, and a 64 KiB one each (128 KiB from the pool) came to 32 MiB per endpoint at MaxConcurrentQueries
        // (256) when a flood of names kept every context waiting (issue #11).
        var udpReceive = ArrayPool<byte>.Shared.Rent(_options.MaxUdpSize + 1);
        byte[]? tcpReceive = null;
        try
        {
            byte[]? lastAnswer = null;
            ulong tried = 0;
            for (var attempt = 0; attempt < _options.UpstreamAttempts; attempt++)
            {
                var upstream = Pick(ref tried);
                var id = RandomId();
                var queryLength = WriteQuery(query, id, name.Span, type, @class, dnssecOk, checkingDisabled);
                Interlocked.Increment(ref _counters.UpstreamQueries);
                var answer = udpReceive;
                var (length, failure, answeredUs) = await QueryUdpAsync(upstream, query.AsMemory(0, queryLength), udpReceive, id, name, type, @class, cancellationToken);
                if (length > 0 && ((udpReceive[2] & 0x02) != 0 || length > _options.MaxUdpSize))
                {
                    // TC, or larger than we advertised (cut by our buffer): the same question over TCP.
                    Interlocked.Increment(ref _counters.UpstreamTcpFallbacks);
                    tcpReceive ??= ArrayPool<byte>.Shared.Rent(MaxMessage + 2);
                    answer = tcpReceive;
                    (length, failure, answeredUs) = await QueryTcpAsync(upstream, query.AsMemory(0, queryLength), tcpReceive, id, name, type, @class, cancellationToken);
                }

                if (length > 0)
                {
                    var rcode = (DnsResponseCode)(answer[3] & 0xF);
                    if (rcode is DnsResponseCode.ServFail or DnsResponseCode.Refused or DnsResponseCode.NotImp or DnsResponseCode.FormErr)
                    {
                        lastAnswer = answer.AsSpan(0, length).ToArray();
                        MarkFailure(upstream, "answered " + rcode.ToString());
                        continue;
                    }

                    if (upstream.MarkSuccess())
                    {
                        Log.UpstreamUp(_logger, upstream.EndPoint);
                    }

                    return answer.AsSpan(0, length).ToArray();
                }

                cancellationToken.ThrowIfCancellationRequested();
                if (answeredUs)
                {
                    // The upstream answered this query (our ID, from its address and port) but not in a form we accept
                    // (another question, an unreadable record). It is alive: the trouble is this question, which a
                    // client chooses. Demoting it would let one client with odd names push a working upstream behind
                    // the others — or, with one upstream, fill the log and the "upstream down" state — for
                    // UpstreamRecheckInterval. The attempt still counts; the next one goes to the next upstream not yet tried.
                    continue;
                }

                MarkFailure(upstream, failure);
            }

            Interlocked.Increment(ref _counters.UpstreamFailedQueries);
            return lastAnswer;
        }
        finally
        {
            if (tcpReceive is not null)
            {
                ArrayPool<byte>.Shared.Return(tcpReceive);
            }

            ArrayPool<byte>.Shared.Return(udpReceive);
            ArrayPool<byte>.Shared.Return(query);
        }
    }

    // Healthy upstreams in configured order, then the others by how soon they may be retried. Each attempt takes the
    // first one not yet tried for this query; when all have been tried, the round starts again.
    private UpstreamServer Pick(ref ulong tried)
    {
        var now = _time.GetTimestamp();
        Span<int> order = stackalloc int[Math.Min(_upstreams.Length, 64)];
        var n = 0;
        foreach (var u in _upstreams)
        {
            if (n < order.Length && u.IsHealthy(now))
            {
                order[n++] = u.Index;
            }
        }

        var healthy = n;
        foreach (var u in _upstreams)
        {
            if (n < order.Length && !u.IsHealthy(now))
            {
                order[n++] = u.Index;
            }
        }

        // Sort the unhealthy tail by DownUntil (tiny lists: insertion sort).
        for (var i = healthy + 1; i < n; i++)
        {
            for (var j = i; j > healthy && _upstreams[order[j]].DownUntil < _upstreams[order[j - 1]].DownUntil; j--)
            {
                (order[j], order[j - 1]) = (order[j - 1], order[j]);
            }
        }

        for (var round = 0; round < 2; round++)
        {
            for (var i = 0; i < n; i++)
            {
                var bit = 1UL << (order[i] & 63);
                if ((tried & bit) == 0)
                {
                    tried |= bit;
                    return _upstreams[order[i]];
                }
            }

            tried = 0;
        }

        return _upstreams[order[0]];
    }

    private void MarkFailure(UpstreamServer upstream, string reason)
    {
        var until = _time.GetTimestamp() + (long)(_options.UpstreamRecheckInterval.TotalSeconds * _time.TimestampFrequency);
        if (upstream.MarkFailure(until))
        {
            Log.UpstreamDown(_logger, upstream.EndPoint, reason, _options.UpstreamRecheckInterval);
        }
    }

    private static ushort RandomId() => Internal.KernelRandom.NextUInt16();

    private int WriteQuery(byte[] buffer, ushort id, ReadOnlySpan<byte> name, ushort type, ushort @class, bool dnssecOk, bool checkingDisabled)
    {
        var writer = new DnsMessageWriter(buffer)
        {
            Id = id,
            Flags = DnsHeader.MakeFlags(false, DnsOpCode.Query, (ushort)(DnsHeader.FlagRecursionDesired | (checkingDisabled ? DnsHeader.FlagCheckingDisabled : 0)), DnsResponseCode.NoError),
        };
        writer.TryWriteQuestion(name, type, @class);
        writer.TryWriteOpt((ushort)_options.MaxUdpSize, dnssecOk);
        writer.Complete();
        return writer.Position;
    }

    // AnsweredUs: a response with our ID arrived from the upstream (validated or not); see ForwardAsync.
    private async ValueTask<(int Length, string Failure, bool AnsweredUs)> QueryUdpAsync(
        UpstreamServer upstream, ReadOnlyMemory<byte> query, byte[] receive, ushort id, ReadOnlyMemory<byte> name, ushort type, ushort @class,
        CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_options.UpstreamTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        using var socket = new Socket(upstream.EndPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        var answeredUs = false;
        try
        {
            await socket.ConnectAsync(upstream.EndPoint, linked.Token);
            await socket.SendAsync(query, SocketFlags.None, linked.Token);
            while (true)
            {
                var length = await socket.ReceiveAsync(receive.AsMemory(0, _options.MaxUdpSize + 1), SocketFlags.None, linked.Token);
                var ours = IsResponseWithId(receive.AsSpan(0, length), id);
                if (length > _options.MaxUdpSize && ours)
                {
                    return (length, "", true); // cut by our buffer: the caller asks again over TCP
                }

                var check = UpstreamResponseValidator.Check(receive.AsSpan(0, length), id, name.Span, type, @class);
                if (check == UpstreamResponseCheck.Match)
                {
                    return (length, "", true);
                }

                // RFC 5452 §9.1: a wrong answer is dropped and we keep listening until the timeout.
                Interlocked.Increment(ref _counters.UpstreamMismatched);
                answeredUs |= ours;
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Interlocked.Increment(ref _counters.UpstreamTimeouts);
            return (0, "timeout", answeredUs);
        }
        catch (SocketException e)
        {
            Interlocked.Increment(ref _counters.UpstreamErrors);
            return (0, e.SocketErrorCode.ToString(), answeredUs);
        }
    }

    private static bool IsResponseWithId(ReadOnlySpan<byte> message, ushort id)
        => message.Length >= DnsHeader.Size && (message[2] & 0x80) != 0 && BinaryPrimitives.ReadUInt16BigEndian(message) == id;

    private async ValueTask<(int Length, string Failure, bool AnsweredUs)> QueryTcpAsync(
        UpstreamServer upstream, ReadOnlyMemory<byte> query, byte[] receive, ushort id, ReadOnlyMemory<byte> name, ushort type, ushort @class,
        CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_options.UpstreamTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        using var socket = new Socket(upstream.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var framed = ArrayPool<byte>.Shared.Rent(query.Length + 2);
        try
        {
            await socket.ConnectAsync(upstream.EndPoint, linked.Token);
            BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)query.Length);
            query.CopyTo(framed.AsMemory(2));
            await socket.SendAsync(framed.AsMemory(0, query.Length + 2), SocketFlags.None, linked.Token);
            if (!await ReceiveExactlyAsync(socket, receive.AsMemory(0, 2), linked.Token))
            {
                return (0, "tcp closed", false);
            }

            int length = BinaryPrimitives.ReadUInt16BigEndian(receive);
            if (length < DnsHeader.Size || !await ReceiveExactlyAsync(socket, receive.AsMemory(0, length), linked.Token))
            {
                return (0, "tcp short", false);
            }

            if (UpstreamResponseValidator.Check(receive.AsSpan(0, length), id, name.Span, type, @class) != UpstreamResponseCheck.Match)
            {
                Interlocked.Increment(ref _counters.UpstreamMismatched);
                return (0, "tcp mismatch", IsResponseWithId(receive.AsSpan(0, length), id));
            }

            return (length, "", true);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Interlocked.Increment(ref _counters.UpstreamTimeouts);
            return (0, "timeout", false);
        }
        catch (SocketException e)
        {
            Interlocked.Increment(ref _counters.UpstreamErrors);
            return (0, e.SocketErrorCode.ToString(), false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(framed);
        }
    }

    private static async ValueTask<bool> ReceiveExactlyAsync(Socket socket, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (!buffer.IsEmpty)
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
            if (n == 0)
            {
                return false;
            }

            buffer = buffer[n..];
        }

        return true;
    }
}

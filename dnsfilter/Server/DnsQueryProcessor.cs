using ClassroomGuard.DnsFilter.Hosting;
using ClassroomGuard.DnsFilter.Internal;
using ClassroomGuard.Dns.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.DnsFilter.Server;

/// <summary>
/// The transport-independent part of serving: parse, answer malformed and unsupported queries, hand valid ones
/// to the <see cref="IDnsQueryHandler"/>, truncate for UDP. Completes synchronously on cache hits.
/// </summary>
public sealed class DnsQueryProcessor
{
    private readonly IDnsQueryHandler _handler;
    private readonly DnsCounters _counters;
    private readonly ILogger<DnsQueryProcessor> _logger;
    private readonly int _maxPointers;
    private readonly int _maxUdpSize;

    /// <summary>Creates the processor.</summary>
    public DnsQueryProcessor(IDnsQueryHandler handler, IOptions<DnsOptions> options, DnsCounters counters, ILogger<DnsQueryProcessor> logger)
    {
        _handler = handler;
        _counters = counters;
        _logger = logger;
        _maxPointers = options.Value.MaxCompressionPointers;
        _maxUdpSize = options.Value.MaxUdpSize;
    }

    /// <summary>Answers the query already in <paramref name="request"/>; returns the response length (0 = send nothing).</summary>
    public ValueTask<int> ProcessAsync(DnsRequestContext request, CancellationToken cancellationToken)
    {
        var info = DnsQuery.Parse(request.Query.Span, request.NameBuffer, _maxPointers);
        request.SetInfo(info);
        request.OurUdpPayloadSize = (ushort)_maxUdpSize;
        request.MaxResponseSize = request.Transport == DnsTransport.Udp
            ? Math.Min(info.ClientUdpLimit, _maxUdpSize)
            : Math.Min(65535, request.ResponseBuffer.Length);
        switch (info.Status)
        {
            case DnsQueryStatus.Valid:
                break;
            case DnsQueryStatus.Drop:
                Interlocked.Increment(ref _counters.MalformedDropped);
                return new ValueTask<int>(0);
            default:
                return new ValueTask<int>(Finish(request, WriteError(request, info)));
        }

        ValueTask<int> pending;
        try
        {
            pending = _handler.HandleAsync(request, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new ValueTask<int>(Finish(request, ServFail(request, e)));
        }

        return pending.IsCompletedSuccessfully
            ? new ValueTask<int>(Finish(request, pending.Result))
            : AwaitAsync(request, pending);
    }

    private async ValueTask<int> AwaitAsync(DnsRequestContext request, ValueTask<int> pending)
    {
        int length;
        try
        {
            length = await pending;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            length = ServFail(request, e);
        }

        return Finish(request, length);
    }

    private int ServFail(DnsRequestContext request, Exception e)
    {
        Log.ProcessingFailed(_logger, e);
        Interlocked.Increment(ref _counters.ServFail);
        return DnsQuery.WriteError(request.ResponseBuffer, request.Info, request.Name, DnsResponseCode.ServFail, request.OurUdpPayloadSize);
    }

    private int WriteError(DnsRequestContext request, in DnsQueryInfo info)
    {
        var rcode = info.Status switch
        {
            DnsQueryStatus.NotImp => DnsResponseCode.NotImp,
            DnsQueryStatus.Refused => DnsResponseCode.Refused,
            DnsQueryStatus.BadVers => DnsResponseCode.BadVers,
            _ => DnsResponseCode.FormErr,
        };
        switch (rcode)
        {
            case DnsResponseCode.NotImp: Interlocked.Increment(ref _counters.NotImp); break;
            case DnsResponseCode.Refused: Interlocked.Increment(ref _counters.Refused); break;
            case DnsResponseCode.BadVers: Interlocked.Increment(ref _counters.BadVers); break;
            default: Interlocked.Increment(ref _counters.FormErr); break;
        }

        return DnsQuery.WriteError(request.ResponseBuffer, info, info.HasQuestion ? request.Name : default, rcode, request.OurUdpPayloadSize);
    }

    private int Finish(DnsRequestContext request, int length)
    {
        if (length <= 0)
        {
            return 0;
        }

        if (length > request.MaxResponseSize)
        {
            Interlocked.Increment(ref _counters.Truncated);
            length = DnsQuery.Truncate(request.ResponseBuffer, length, request.MaxResponseSize);
        }
        else if (request.Transport == DnsTransport.Udp && (request.ResponseBuffer[2] & 0x02) != 0)
        {
            Interlocked.Increment(ref _counters.Truncated); // the cache wrote the truncated form directly
        }

        if (length > 0)
        {
            Interlocked.Increment(ref _counters.Responses);
        }

        return length;
    }
}

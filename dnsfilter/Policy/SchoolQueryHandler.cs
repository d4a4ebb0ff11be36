using System.Collections.Concurrent;
using ClassroomGuard.DnsFilter.Events;
using ClassroomGuard.Dns.Protocol;
using ClassroomGuard.DnsFilter.Server;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.DnsFilter.Policy;

/// <summary>
/// The query pipeline with the school policy: blocks are answered by <see cref="SchoolDnsPolicy"/>; SafeSearch names
/// are answered with a CNAME to the engine's target followed by the target's own records, resolved through the same
/// cache and upstreams as any query (a second, pooled request context asks the resolver for the target).
/// </summary>
public sealed class SchoolQueryHandler : IDnsQueryHandler
{
    private readonly SchoolDnsPolicy _policy;
    private readonly IDnsResolver _resolver;
    private readonly DnsCounters _dnsCounters;
    private readonly PolicyCounters _counters;
    private readonly uint _rewriteTtl;
    private readonly ConcurrentBag<DnsRequestContext> _pool = [];

    /// <summary>Creates the handler.</summary>
    public SchoolQueryHandler(SchoolDnsPolicy policy, IDnsResolver resolver, DnsCounters dnsCounters, PolicyCounters counters, IOptions<DnsPolicyOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _policy = policy;
        _resolver = resolver;
        _dnsCounters = dnsCounters;
        _counters = counters;
        _rewriteTtl = (uint)options.Value.RewriteTtl;
    }

    /// <inheritdoc />
    public ValueTask<int> HandleAsync(DnsRequestContext request, CancellationToken cancellationToken)
    {
        var decision = _policy.Evaluate(request, out var verdict);
        switch (decision.Action)
        {
            case DnsPolicyAction.Answered:
                Interlocked.Increment(ref _dnsCounters.PolicyAnswered);
                return new ValueTask<int>(decision.ResponseLength);
            case DnsPolicyAction.Drop:
                return new ValueTask<int>(0);
        }

        if (verdict.Outcome == PolicyOutcome.Rewrite)
        {
            // The verdict carries the mode, so a policy swapped in since the evaluation cannot mix groups up.
            return RewriteAsync(request, _policy.SafeSearch.TargetOf(verdict.Engine, verdict.Mode), cancellationToken);
        }

        return _resolver.ResolveAsync(request, cancellationToken);
    }

    private async ValueTask<int> RewriteAsync(DnsRequestContext request, byte[] target, CancellationToken cancellationToken)
    {
        if (!_pool.TryTake(out var sub))
        {
            sub = new DnsRequestContext(DnsTransport.Tcp, 512, 65535);
        }

        try
        {
            var queryLength = BuildQuery(sub.QueryBuffer, request, target);
            sub.SetQueryLength(queryLength);
            sub.SetInfo(DnsQuery.Parse(sub.Query.Span, sub.NameBuffer));
            sub.ClientAddress = request.ClientAddress;
            sub.OurUdpPayloadSize = request.OurUdpPayloadSize;
            sub.MaxResponseSize = 65535;
            var length = await _resolver.ResolveAsync(sub, cancellationToken);
            Interlocked.Increment(ref _counters.Rewritten);
            Interlocked.Increment(ref _dnsCounters.PolicyAnswered);
            return WriteRewrite(request, target, sub.ResponseBuffer.AsSpan(0, length));
        }
        finally
        {
            _pool.Add(sub);
        }
    }

    /// <summary>A query for the target with the client's type, RD/CD flags and EDNS (DO bit), so the cache key matches ordinary lookups.</summary>
    private static int BuildQuery(byte[] buffer, DnsRequestContext request, ReadOnlySpan<byte> target)
    {
        ref readonly var info = ref request.Info;
        var writer = new DnsMessageWriter(buffer)
        {
            Id = info.Header.Id,
            Flags = (ushort)(info.Header.Flags & (DnsHeader.FlagRecursionDesired | DnsHeader.FlagCheckingDisabled)),
        };
        writer.TryWriteQuestion(target, info.Type, info.Class);
        if (info.HasEdns)
        {
            writer.TryWriteOpt(request.OurUdpPayloadSize, info.DnssecOk);
        }

        writer.Complete();
        return writer.Position;
    }

    private int WriteRewrite(DnsRequestContext request, ReadOnlySpan<byte> target, ReadOnlySpan<byte> upstream)
    {
        var rcode = DnsResponseCode.ServFail;
        scoped var reader = new DnsMessageReader(upstream);
        Span<byte> name = stackalloc byte[DnsName.MaxLength];
        Span<byte> rdataName = stackalloc byte[DnsName.MaxLength];
        if (upstream.Length >= 12 && reader.TryReadHeader(out var header) && reader.TryReadQuestion(name, out _))
        {
            rcode = header.ResponseCode;
            scoped var writer = request.BeginResponse(rcode);
            writer.TryWriteNameRecord(DnsSection.Answer, DnsRecordType.CNAME, request.Name, _rewriteTtl, target);
            for (var i = 0; i < header.AnswerCount; i++)
            {
                if (!reader.TryReadRecord(name, out var record))
                {
                    break;
                }

                var written = record.Type switch
                {
                    (ushort)DnsRecordType.CNAME or (ushort)DnsRecordType.NS or (ushort)DnsRecordType.PTR
                        => DnsRData.TryReadName(upstream, record, rdataName, out var nameLength)
                           && writer.TryWriteNameRecord(DnsSection.Answer, (DnsRecordType)record.Type, record.Name, record.Ttl, rdataName[..nameLength]),
                    _ => writer.TryWriteRaw(DnsSection.Answer, record.Name, record.Type, record.Class, record.Ttl, record.RData),
                };
                if (!written)
                {
                    break;
                }
            }

            return request.FinishResponse(ref writer, rcode);
        }

        var error = request.BeginResponse(rcode);
        return request.FinishResponse(ref error, rcode);
    }
}

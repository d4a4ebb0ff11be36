using System.Collections.Concurrent;
using ClassroomGuard.DnsFilter.Hosting;
using ClassroomGuard.DnsFilter.Internal;
using ClassroomGuard.Dns.Protocol;
using ClassroomGuard.DnsFilter.Server;
using ClassroomGuard.DnsFilter.Upstream;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.DnsFilter.Caching;

/// <summary>
/// Answers from the cache when it can (synchronously, without allocating), otherwise asks upstream once per
/// distinct question in flight (identical concurrent queries wait for the same upstream answer), caches the
/// result, and falls back to a stale answer (RFC 8767) or SERVFAIL when every upstream fails.
/// </summary>
public sealed class CachingResolver : IDnsResolver
{
    private readonly DnsCache _cache;
    private readonly DnsForwarder _forwarder;
    private readonly DnsOptions _options;
    private readonly TimeProvider _time;
    private readonly DnsCounters _counters;
    private readonly ConcurrentDictionary<byte[], Task<DnsCacheEntry?>> _inFlight = new(ByteKeyComparer.Instance);
    private readonly ConcurrentDictionary<byte[], Task<DnsCacheEntry?>>.AlternateLookup<ReadOnlySpan<byte>> _inFlightLookup;

    /// <summary>Creates the resolver.</summary>
    public CachingResolver(DnsCache cache, DnsForwarder forwarder, IOptions<DnsOptions> options, TimeProvider time, DnsCounters counters)
    {
        _cache = cache;
        _forwarder = forwarder;
        _options = options.Value;
        _time = time;
        _counters = counters;
        _inFlightLookup = _inFlight.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    /// <summary>Identical questions currently waiting on an upstream.</summary>
    public int InFlight => _inFlight.Count;

    /// <inheritdoc />
    public ValueTask<int> ResolveAsync(DnsRequestContext request, CancellationToken cancellationToken)
    {
        ref readonly var info = ref request.Info;
        var keyLength = DnsCache.WriteKey(request.KeyBuffer, request.Name, info.Type, info.Class, info.DnssecOk,
            (info.Header.Flags & DnsHeader.FlagCheckingDisabled) != 0);
        var key = request.KeyBuffer.AsSpan(0, keyLength);
        DnsCacheEntry? stale = null;
        if (_cache.TryGet(key, out var entry))
        {
            if (_cache.IsFresh(entry))
            {
                Interlocked.Increment(ref _counters.CacheHits);
                return new ValueTask<int>(Write(request, entry, stale: false));
            }

            if (_options.ServeStale && entry.StaleRefreshAfter > _time.GetTimestamp())
            {
                // A refresh failed recently: answer stale without knocking on upstream again (RFC 8767 §4).
                Interlocked.Increment(ref _counters.CacheStaleServed);
                return new ValueTask<int>(Write(request, entry, stale: true));
            }

            stale = entry;
        }

        Interlocked.Increment(ref _counters.CacheMisses);
        return ResolveUpstreamAsync(request, keyLength, stale, cancellationToken);
    }

    private async ValueTask<int> ResolveUpstreamAsync(DnsRequestContext request, int keyLength, DnsCacheEntry? stale, CancellationToken cancellationToken)
    {
        var result = await GetOrStartAsync(request, keyLength, cancellationToken);
        if (result is not null && result.ResponseCode is DnsResponseCode.NoError or DnsResponseCode.NXDomain)
        {
            return Write(request, result, stale: false);
        }

        if (stale is not null && _options.ServeStale)
        {
            stale.StaleRefreshAfter = _time.GetTimestamp() + (long)(_options.StaleRefreshInterval.TotalSeconds * _time.TimestampFrequency);
            Interlocked.Increment(ref _counters.CacheStaleServed);
            return Write(request, stale, stale: true);
        }

        if (result is not null)
        {
            return Write(request, result, stale: false); // the upstream's own SERVFAIL/REFUSED
        }

        Interlocked.Increment(ref _counters.ServFail);
        var writer = request.BeginResponse(DnsResponseCode.ServFail);
        if (request.Info.HasEdns && writer.TryWriteOpt(request.OurUdpPayloadSize, request.Info.DnssecOk))
        {
            writer.TryWriteExtendedError(DnsExtendedError.NoReachableAuthority, "");
            return request.FinishResponse(ref writer, DnsResponseCode.ServFail, optWritten: true);
        }

        return request.FinishResponse(ref writer, DnsResponseCode.ServFail);
    }

    // Coalescing: the first query for a key starts the upstream work; identical ones arriving meanwhile await it.
    private Task<DnsCacheEntry?> GetOrStartAsync(DnsRequestContext request, int keyLength, CancellationToken cancellationToken)
    {
        var key = request.KeyBuffer.AsSpan(0, keyLength);
        if (_inFlightLookup.TryGetValue(key, out var running))
        {
            Interlocked.Increment(ref _counters.CoalescedQueries);
            return running.WaitAsync(cancellationToken);
        }

        var keyArray = key.ToArray();
        var completion = new TaskCompletionSource<DnsCacheEntry?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var winner = _inFlight.GetOrAdd(keyArray, completion.Task);
        if (winner != completion.Task)
        {
            Interlocked.Increment(ref _counters.CoalescedQueries);
            return winner.WaitAsync(cancellationToken);
        }

        ref readonly var info = ref request.Info;
        var name = request.NameMemory.ToArray(); // the context is reused once this query is answered; the upstream work may outlive it
        _ = RunLeaderAsync(keyArray, name, info.Type, info.Class, info.DnssecOk,
            (info.Header.Flags & DnsHeader.FlagCheckingDisabled) != 0, completion, cancellationToken);
        return completion.Task.WaitAsync(cancellationToken);
    }

    // Bounded: at most one per distinct in-flight key, and every caller awaits its task.
    private async Task RunLeaderAsync(
        byte[] key, byte[] name, ushort type, ushort @class, bool dnssecOk, bool checkingDisabled,
        TaskCompletionSource<DnsCacheEntry?> completion, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _forwarder.ForwardAsync(name, type, @class, dnssecOk, checkingDisabled, cancellationToken);
            DnsCacheEntry? entry = null;
            if (response is not null)
            {
                entry = DnsCacheEntry.Create(response, _options.CacheMinTtl, _options.CacheMaxTtl, _options.CacheMaxNegativeTtl, _time.GetTimestamp());
                if (entry is not null)
                {
                    _cache.Store(key, entry);
                }
            }

            completion.TrySetResult(entry);
        }
        catch (OperationCanceledException)
        {
            completion.TrySetResult(null);
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or ObjectDisposedException or InvalidOperationException)
        {
            completion.TrySetResult(null);
        }
        finally
        {
            _inFlight.TryRemove(new KeyValuePair<byte[], Task<DnsCacheEntry?>>(key, completion.Task));
        }
    }

    private int Write(DnsRequestContext request, DnsCacheEntry entry, bool stale)
        => entry.WriteResponse(request.ResponseBuffer, request.Info, request.Name, stale ? 0 : _cache.AgeSeconds(entry), stale,
            _options.StaleAnswerTtl, request.OurUdpPayloadSize, request.MaxResponseSize);
}

using System.Collections.Concurrent;
using ClassroomGuard.DnsFilter.Hosting;
using ClassroomGuard.DnsFilter.Internal;
using ClassroomGuard.Dns.Protocol;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.DnsFilter.Caching;

/// <summary>
/// The response cache: keyed by lower-cased question name, type, class and the DO/CD bits; bounded by
/// entry count and bytes. Lookups take a span key and allocate nothing (alternate-key lookup).
/// Eviction is approximate LRU: when over a limit, a random sample of entries is inspected and the
/// least recently used (or any expired beyond the stale window) is removed. Negative answers have their own,
/// smaller bound (<see cref="DnsOptions.CacheMaxNegativeEntries"/>): over it, the sample's least recently used
/// negative answer is removed.
/// </summary>
public sealed class DnsCache
{
    /// <summary>Longest key: a 255-byte name, type, class, flags.</summary>
    public const int MaxKeyLength = DnsName.MaxLength + 5;

    private const int EvictionSample = 16;
    private readonly ConcurrentDictionary<byte[], DnsCacheEntry> _entries = new(ByteKeyComparer.Instance);
    private readonly ConcurrentDictionary<byte[], DnsCacheEntry>.AlternateLookup<ReadOnlySpan<byte>> _lookup;
    private readonly DnsOptions _options;
    private readonly TimeProvider _time;
    private readonly DnsCounters _counters;
    private long _bytes;
    private int _negative;

    /// <summary>Creates the cache.</summary>
    public DnsCache(IOptions<DnsOptions> options, TimeProvider time, DnsCounters counters)
    {
        _options = options.Value;
        _time = time;
        _counters = counters;
        _lookup = _entries.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    /// <summary>Entries held.</summary>
    public int Count => _entries.Count;

    /// <summary>Negative answers (NXDOMAIN/NODATA) held.</summary>
    public int NegativeCount => Volatile.Read(ref _negative);

    /// <summary>Approximate bytes held.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Writes the cache key for a question into <paramref name="destination"/> (≥ <see cref="MaxKeyLength"/>).</summary>
    public static int WriteKey(Span<byte> destination, ReadOnlySpan<byte> name, ushort type, ushort @class, bool dnssecOk, bool checkingDisabled)
    {
        name.CopyTo(destination);
        DnsName.ToLowerInPlace(destination[..name.Length]);
        var i = name.Length;
        destination[i++] = (byte)(type >> 8);
        destination[i++] = (byte)type;
        destination[i++] = (byte)(@class >> 8);
        destination[i++] = (byte)@class;
        destination[i++] = (byte)((dnssecOk ? 1 : 0) | (checkingDisabled ? 2 : 0));
        return i;
    }

    /// <summary>Finds an entry, fresh or stale; entries past the stale window are removed and not returned.</summary>
    public bool TryGet(ReadOnlySpan<byte> key, out DnsCacheEntry entry)
    {
        if (!_lookup.TryGetValue(key, out entry!))
        {
            return false;
        }

        var now = _time.GetTimestamp();
        if (IsDead(entry, now))
        {
            if (_lookup.TryRemove(key, out var actualKey, out var removed))
            {
                Forget(actualKey, removed);
            }

            entry = null!;
            return false;
        }

        entry.LastUsed = now;
        return true;
    }

    /// <summary>Seconds since the entry was stored.</summary>
    public long AgeSeconds(DnsCacheEntry entry) => (long)_time.GetElapsedTime(entry.StoredAt).TotalSeconds;

    /// <summary>True while the entry's TTL has not run out.</summary>
    public bool IsFresh(DnsCacheEntry entry) => _time.GetElapsedTime(entry.StoredAt).TotalSeconds < entry.LifetimeSeconds;

    /// <summary>Stores an entry (if cacheable and the cache is enabled), evicting to stay within the limits.</summary>
    public void Store(ReadOnlySpan<byte> key, DnsCacheEntry entry)
    {
        if (!entry.Cacheable || _options.CacheMaxEntries == 0 || entry.Size > _options.CacheMaxBytes
            || (entry.IsNegative && _options.CacheMaxNegativeEntries == 0))
        {
            return;
        }

        var keyArray = key.ToArray();
        var added = entry.Size + keyArray.Length;
        DnsCacheEntry? replaced = null;
        _entries.AddOrUpdate(keyArray, entry, (_, old) =>
        {
            replaced = old;
            return entry;
        });
        Interlocked.Add(ref _bytes, added - (replaced is null ? 0 : replaced.Size + keyArray.Length));
        Interlocked.Add(ref _negative, (entry.IsNegative ? 1 : 0) - (replaced is { IsNegative: true } ? 1 : 0));
        EvictIfNeeded();
    }

    /// <summary>Removes everything.</summary>
    public void Clear()
    {
        _entries.Clear();
        Interlocked.Exchange(ref _bytes, 0);
        Interlocked.Exchange(ref _negative, 0);
    }

    private bool IsDead(DnsCacheEntry entry, long now)
    {
        var age = _time.GetElapsedTime(entry.StoredAt, now);
        var limit = TimeSpan.FromSeconds(entry.LifetimeSeconds) + (_options.ServeStale ? _options.MaxStaleAge : TimeSpan.Zero);
        return age >= limit;
    }

    private void Forget(byte[] key, DnsCacheEntry entry)
    {
        Interlocked.Add(ref _bytes, -(entry.Size + key.Length));
        if (entry.IsNegative)
        {
            Interlocked.Decrement(ref _negative);
        }
    }

    private void EvictIfNeeded()
    {
        var rounds = 0;
        while (rounds++ < 64)
        {
            var overLimit = _entries.Count > _options.CacheMaxEntries || Interlocked.Read(ref _bytes) > _options.CacheMaxBytes;

            // Only negative answers over their own bound: the victim must be one of them. Positive entries met on the
            // way are passed over, but counted (a cap on the walk when there are few negatives).
            var negativeOnly = !overLimit && Volatile.Read(ref _negative) > _options.CacheMaxNegativeEntries;
            if (!overLimit && !negativeOnly)
            {
                return;
            }

            var now = _time.GetTimestamp();
            var skip = Random.Shared.Next(Math.Max(1, _entries.Count - EvictionSample));
            KeyValuePair<byte[], DnsCacheEntry>? victim = null;
            var seen = 0;
            var walked = 0;
            foreach (var pair in _entries)
            {
                if (skip-- > 0)
                {
                    continue;
                }

                if (negativeOnly && !pair.Value.IsNegative)
                {
                    if (++walked >= EvictionSample * 16)
                    {
                        break;
                    }

                    continue;
                }

                if (IsDead(pair.Value, now))
                {
                    victim = pair;
                    break;
                }

                if (victim is null || pair.Value.LastUsed < victim.Value.Value.LastUsed)
                {
                    victim = pair;
                }

                if (++seen >= EvictionSample)
                {
                    break;
                }
            }

            if (victim is { } v && _entries.TryRemove(v))
            {
                Forget(v.Key, v.Value);
                Interlocked.Increment(ref _counters.CacheEvictions);
            }
        }
    }
}

using System.Runtime.InteropServices;
using ClassroomGuard.Sniffer.Decoding;

namespace ClassroomGuard.Sniffer.Circumvention;

/// <summary>
/// At most one alert per (client address, kind, listed name) per interval, in packet time; attempts in between are
/// counted and handed to the next alert. The same rule as the DNS filter's high-risk alerts (one per device and category
/// per <c>Dns:Policy:AlertInterval</c>), keyed here by address because the capture thread does not know devices, and by
/// the listed name too so two different VPN services are two alerts. Capture thread only; no allocation once the
/// table has grown to its working size (it is created at full capacity).
/// </summary>
public sealed class AttemptRateLimit
{
    private readonly Dictionary<Key, Entry> _entries;
    private readonly long _intervalMicroseconds;
    private readonly int _capacity;

    /// <summary>Creates a rate limit of one alert per <paramref name="interval"/>, remembering at most <paramref name="capacity"/> keys.</summary>
    public AttemptRateLimit(TimeSpan interval, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _intervalMicroseconds = interval.Ticks / 10;
        _capacity = capacity;
        _entries = new Dictionary<Key, Entry>(capacity);
    }

    /// <summary>Keys remembered now.</summary>
    public int Count => _entries.Count;

    /// <summary>Times the table was full of unexpired keys and cleared.</summary>
    public long Resets { get; private set; }

    /// <summary>
    /// Whether an attempt at <paramref name="nowMicroseconds"/> should become an alert. When it should,
    /// <paramref name="suppressed"/> is the number of attempts with the same key held back since the previous alert.
    /// </summary>
    public bool TryPass(in NetAddress client, CircumventionKind kind, ulong nameHash, long nowMicroseconds, out long suppressed)
    {
        var key = new Key(client.High, client.Low, nameHash, kind);
        suppressed = 0;
        if (!_entries.ContainsKey(key) && _entries.Count >= _capacity)
        {
            MakeRoom(nowMicroseconds);
        }

        ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(_entries, key, out var existed);
        if (existed)
        {
            var elapsed = nowMicroseconds - entry.LastAlert;

            // A clock that stepped back by more than an interval (a replayed file) starts afresh rather than staying silent.
            if (elapsed < _intervalMicroseconds && elapsed > -_intervalMicroseconds)
            {
                entry.Suppressed++;
                return false;
            }

            suppressed = entry.Suppressed;
        }

        entry.LastAlert = nowMicroseconds;
        entry.Suppressed = 0;
        return true;
    }

    /// <summary>Hash of a listed name for the key (FNV-1a over its bytes); 0 for kinds that have no name.</summary>
    public static ulong HashName(ReadOnlySpan<byte> name)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in name)
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash;
    }

    private void MakeRoom(long nowMicroseconds)
    {
        foreach (var (key, entry) in _entries)
        {
            var elapsed = nowMicroseconds - entry.LastAlert;
            if (elapsed >= _intervalMicroseconds || elapsed <= -_intervalMicroseconds)
            {
                _entries.Remove(key);
            }
        }

        if (_entries.Count >= _capacity)
        {
            // A flood of distinct (spoofed) sources: forget everything rather than grow; worst case one extra alert each.
            _entries.Clear();
            Resets++;
        }
    }

    private readonly record struct Key(ulong High, ulong Low, ulong NameHash, CircumventionKind Kind);

    private struct Entry
    {
        public long LastAlert;
        public long Suppressed;
    }
}

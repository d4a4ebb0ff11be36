using ClassroomGuard.Sniffer.Decoding;

namespace ClassroomGuard.Sniffer.Accounting.Internal;

/// <summary>
/// (client, server address) → site name, learnt from the DNS answers a client itself received, so that client's flows
/// with no SNI or Host of their own can be given a name marked as inferred. Never shared between clients: one pupil's
/// look-up through a bypass resolver must not name another pupil's traffic to a shared (CDN) address. An entry lives
/// for the answer's TTL, at least <see cref="MinLifetimeMicroseconds"/> and at most the configured maximum. Bounded by
/// two generations: when the current one holds half the capacity it becomes the previous one and the old previous is
/// cleared (an approximate LRU with no per-entry bookkeeping; a forgotten entry leaves traffic unnamed, never misnamed).
/// Both dictionaries are pre-sized, so nothing is allocated. Capture thread only.
/// </summary>
internal sealed class ClientNames
{
    /// <summary>Shortest life of an entry: an answer with TTL 0 or 1 still names the connection opened right after it.</summary>
    public const long MinLifetimeMicroseconds = 5_000_000;

    private readonly int _generationSize;
    private readonly long _maxLifetime;
    private Dictionary<Key, Entry> _current;
    private Dictionary<Key, Entry> _previous;

    public ClientNames(int capacity, TimeSpan maxLifetime)
    {
        _generationSize = Math.Max(1, capacity / 2);
        _maxLifetime = Math.Max(MinLifetimeMicroseconds, maxLifetime.Ticks / TimeSpan.TicksPerMicrosecond);
        _current = new Dictionary<Key, Entry>(_generationSize);
        _previous = new Dictionary<Key, Entry>(_generationSize);
    }

    /// <summary>Pairs remembered now (expired ones included until met again or rotated out).</summary>
    public int Count => _current.Count + _previous.Count;

    /// <summary>Times the older half was dropped to make room.</summary>
    public long Rotations { get; private set; }

    /// <summary>Remembers that <paramref name="client"/> was told at <paramref name="now"/> (µs) that <paramref name="nameId"/> is at <paramref name="server"/>.</summary>
    public void Set(in NetAddress client, in NetAddress server, long nameId, long now, uint ttlSeconds)
    {
        var key = new Key(client, server);
        if (_current.Count >= _generationSize && !_current.ContainsKey(key))
        {
            (_previous, _current) = (_current, _previous);
            _current.Clear();
            Rotations++;
        }

        var lifetime = Math.Clamp(ttlSeconds * 1_000_000L, MinLifetimeMicroseconds, _maxLifetime);
        _current[key] = new Entry(nameId, now + lifetime);

        // The newer answer replaces the older one: left in the older generation, it would come back when this one expires.
        _previous.Remove(key);
    }

    /// <summary>The name <paramref name="client"/> was last given for <paramref name="server"/>, while that answer is still alive; else none.</summary>
    public long Get(in NetAddress client, in NetAddress server, long now)
    {
        var key = new Key(client, server);
        if (_current.TryGetValue(key, out var entry))
        {
            if (now <= entry.Expires)
            {
                return entry.NameId;
            }

            _current.Remove(key);
        }

        if (_previous.TryGetValue(key, out entry))
        {
            if (now <= entry.Expires)
            {
                return entry.NameId;
            }

            _previous.Remove(key);
        }

        return NameTable.None;
    }

    private readonly record struct Entry(long NameId, long Expires);

    // Hashed with HashCode (random seed per process), so a host cannot choose address pairs that share a bucket.
    private readonly struct Key(NetAddress client, NetAddress server) : IEquatable<Key>
    {
        private readonly ulong _clientHigh = client.High;
        private readonly ulong _clientLow = client.Low;
        private readonly ulong _serverHigh = server.High;
        private readonly ulong _serverLow = server.Low;
        private readonly byte _clientVersion = client.Version;
        private readonly byte _serverVersion = server.Version;

        public bool Equals(Key other) =>
            _clientLow == other._clientLow && _serverLow == other._serverLow && _clientHigh == other._clientHigh && _serverHigh == other._serverHigh
            && _clientVersion == other._clientVersion && _serverVersion == other._serverVersion;

        public override bool Equals(object? obj) => obj is Key other && Equals(other);

        public override int GetHashCode() => HashCode.Combine(_clientHigh, _clientLow, _serverHigh, _serverLow, _clientVersion | (_serverVersion << 8));
    }
}

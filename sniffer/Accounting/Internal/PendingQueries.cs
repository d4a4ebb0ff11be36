using ClassroomGuard.Sniffer.Decoding;

namespace ClassroomGuard.Sniffer.Accounting.Internal;

/// <summary>
/// The DNS queries local clients sent and have not yet had answered, so that only an answer to a query its client
/// really sent may name that client's traffic: a forged or unsolicited answer (another pupil sending "from port 53" to a
/// classmate's address) matches nothing and is refused. An entry is (client, client port, server, server port, message
/// id, a hash of the lower-cased question name) and lives <see cref="LifetimeMicroseconds"/>; an answer that matches takes
/// it away, so one query lets through one answer.
/// <para>
/// A fixed array of 4-way buckets chosen by a per-process randomly seeded hash: bounded and allocated once, so nothing
/// is allocated per packet. A full bucket gives up its oldest entry: a flood of queries can only make other answers be
/// refused (that traffic is then unnamed), never let an unasked answer through. Capture thread only.
/// </para>
/// </summary>
internal sealed class PendingQueries
{
    /// <summary>How long a query waits for its answer: longer than a stub resolver's own timeout (glibc: 5 s).</summary>
    public const long LifetimeMicroseconds = 10_000_000;

    private const int Ways = 4;

    private readonly Entry[] _entries;
    private readonly int _bucketMask;

    /// <summary>Creates the table with room for at least <paramref name="capacity"/> queries (rounded up to a power of two).</summary>
    public PendingQueries(int capacity)
    {
        var buckets = (int)Math.Max(1, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(Ways, capacity)) / Ways);
        _bucketMask = buckets - 1;
        _entries = new Entry[buckets * Ways];
    }

    /// <summary>Entries held, live or not.</summary>
    public int Capacity => _entries.Length;

    /// <summary>Live queries pushed out by newer ones because their bucket was full.</summary>
    public long Evicted { get; private set; }

    /// <summary>Remembers a query <paramref name="client"/> sent at <paramref name="now"/> (µs).</summary>
    public void Add(in NetAddress client, ushort clientPort, in NetAddress server, ushort serverPort, ushort id, int nameHash, long now)
    {
        var key = new Entry(client, clientPort, server, serverPort, id, nameHash, now + LifetimeMicroseconds);
        var first = Bucket(key);
        var oldest = first;
        for (var i = first; i < first + Ways; i++)
        {
            ref var entry = ref _entries[i];
            if (entry.SameQuery(key))
            {
                entry = key; // a retry with the same id: its life starts again
                return;
            }

            if (entry.Expires < _entries[oldest].Expires)
            {
                oldest = i;
            }
        }

        Evicted += _entries[oldest].Expires >= now ? 1 : 0;
        _entries[oldest] = key;
    }

    /// <summary>Whether the answer <paramref name="client"/> received matches a live query it sent; if so the query is used up.</summary>
    public bool TryTake(in NetAddress client, ushort clientPort, in NetAddress server, ushort serverPort, ushort id, int nameHash, long now)
    {
        var key = new Entry(client, clientPort, server, serverPort, id, nameHash, 0);
        var first = Bucket(key);
        for (var i = first; i < first + Ways; i++)
        {
            ref var entry = ref _entries[i];
            if (entry.SameQuery(key))
            {
                var live = entry.Expires >= now;
                entry = default;
                return live;
            }
        }

        return false;
    }

    /// <summary>A hash of a normalised question name, seeded per process like the table's own.</summary>
    public static int HashName(ReadOnlySpan<byte> normalizedName)
    {
        var hash = default(HashCode);
        hash.AddBytes(normalizedName);
        return hash.ToHashCode();
    }

    private int Bucket(in Entry key) => (key.Hash() & _bucketMask) * Ways;

    // Version 0 never belongs to a real address, so an empty (default) entry matches no query.
    private readonly struct Entry(NetAddress client, ushort clientPort, NetAddress server, ushort serverPort, ushort id, int nameHash, long expires)
    {
        private readonly ulong _clientHigh = client.High;
        private readonly ulong _clientLow = client.Low;
        private readonly ulong _serverHigh = server.High;
        private readonly ulong _serverLow = server.Low;
        private readonly int _nameHash = nameHash;
        private readonly ushort _clientPort = clientPort;
        private readonly ushort _serverPort = serverPort;
        private readonly ushort _id = id;
        private readonly byte _clientVersion = client.Version;
        private readonly byte _serverVersion = server.Version;

        public long Expires { get; } = expires;

        public bool SameQuery(in Entry other) =>
            _clientLow == other._clientLow && _serverLow == other._serverLow && _id == other._id && _clientPort == other._clientPort
            && _nameHash == other._nameHash && _serverPort == other._serverPort && _clientHigh == other._clientHigh
            && _serverHigh == other._serverHigh && _clientVersion == other._clientVersion && _serverVersion == other._serverVersion
            && _clientVersion != 0;

        public int Hash() =>
            HashCode.Combine(_clientHigh, _clientLow, _serverHigh, _serverLow, _nameHash, _clientPort | (_serverPort << 16), _id | (_clientVersion << 16) | (_serverVersion << 24));
    }
}

namespace ClassroomGuard.Sniffer.Accounting;

/// <summary>
/// Site names interned once and referred to by a 64-bit id (slot and generation), so flows and per-second counters hold
/// a number instead of text. A fixed number of slots of 256 bytes each; when all are used, the least recently used of a
/// small sample is replaced and its generation bumped, so an old id simply stops resolving. Written by the capture
/// thread only; <see cref="TryCopy"/> may run on any thread (a sequence lock: the generation is odd while a slot is
/// rewritten, and a copy that saw it change is discarded).
/// </summary>
internal sealed class NameTable
{
    /// <summary>The id of "no name".</summary>
    public const long None = -1;

    private const int Stride = 256;
    private const int EvictionCandidates = 16;

    private readonly byte[] _bytes;
    private readonly int[] _lengths;
    private readonly int[] _generations;
    private readonly ulong[] _keys;
    private readonly long[] _lastUsed;
    private readonly Dictionary<ulong, int> _index;
    private int _count;
    private int _cursor;

    public NameTable(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _bytes = new byte[capacity * Stride];
        _lengths = new int[capacity];
        _generations = new int[capacity];
        _keys = new ulong[capacity];
        _lastUsed = new long[capacity];
        _index = new Dictionary<ulong, int>(capacity);
        Array.Fill(_generations, 2);
    }

    /// <summary>Names held now.</summary>
    public int Count => _index.Count;

    /// <summary>Names replaced to make room.</summary>
    public long Replaced { get; private set; }

    /// <summary>The id of <paramref name="name"/> (already normalised, at most 253 bytes), adding it if new.</summary>
    public long Intern(ReadOnlySpan<byte> name, long now)
    {
        var key = Key(name);
        if (_index.TryGetValue(key, out var slot) && Stored(slot).SequenceEqual(name))
        {
            _lastUsed[slot] = now;
            return Id(slot);
        }

        if (_index.ContainsKey(key))
        {
            // Two names with one 64-bit key (astronomically rare by chance; the seed is random per process): the newer wins.
            slot = _index[key];
            _index.Remove(key);
        }
        else
        {
            slot = _count < _lengths.Length ? _count++ : Evict();
        }

        // Odd generation while the bytes change: a reader that overlaps sees the change and discards its copy.
        Volatile.Write(ref _generations[slot], _generations[slot] + 1);
        Interlocked.MemoryBarrier();
        name.CopyTo(_bytes.AsSpan(slot * Stride, Stride));
        _lengths[slot] = name.Length;
        Volatile.Write(ref _generations[slot], _generations[slot] + 1);
        _keys[slot] = key;
        _lastUsed[slot] = now;
        _index.Add(key, slot);
        return Id(slot);
    }

    /// <summary>Marks a name as used at <paramref name="now"/> (keeps names of busy flows from being replaced).</summary>
    public void Touch(long id, long now)
    {
        var slot = (int)id;
        if (id != None && (uint)slot < (uint)_lastUsed.Length)
        {
            _lastUsed[slot] = now;
        }
    }

    /// <summary>Copies the name of <paramref name="id"/>; false when the id is none or its slot has since been reused.</summary>
    public bool TryCopy(long id, Span<byte> destination, out int length)
    {
        length = 0;
        var slot = (int)id;
        var generation = (int)(id >> 32);
        if (id == None || (uint)slot >= (uint)_lengths.Length || Volatile.Read(ref _generations[slot]) != generation)
        {
            return false;
        }

        var count = Math.Min(_lengths[slot], Math.Min(destination.Length, Stride));
        _bytes.AsSpan(slot * Stride, count).CopyTo(destination);
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref _generations[slot]) != generation)
        {
            return false;
        }

        length = count;
        return true;
    }

    private static ulong Key(ReadOnlySpan<byte> name)
    {
        // Two differently-started 32-bit HashCode states (random seed per process) make a 64-bit key.
        var low = new HashCode();
        low.AddBytes(name);
        var high = new HashCode();
        high.Add(name.Length);
        high.AddBytes(name);
        return ((ulong)(uint)high.ToHashCode() << 32) | (uint)low.ToHashCode();
    }

    private ReadOnlySpan<byte> Stored(int slot) => _bytes.AsSpan(slot * Stride, _lengths[slot]);

    private long Id(int slot) => ((long)_generations[slot] << 32) | (uint)slot;

    private int Evict()
    {
        var victim = _cursor;
        for (var i = 0; i < EvictionCandidates; i++)
        {
            var slot = (_cursor + i) % _lengths.Length;
            if (_lastUsed[slot] < _lastUsed[victim])
            {
                victim = slot;
            }
        }

        _cursor = (victim + 1) % _lengths.Length;
        _index.Remove(_keys[victim]);
        Replaced++;
        return victim;
    }
}

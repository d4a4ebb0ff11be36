using System.Numerics;
using System.Runtime.CompilerServices;

namespace ClassroomGuard.Dns.Lists;

/// <summary>
/// The block lists' set of names (millions of them), each with a category bitmask, in about 11 bytes a name: the names
/// themselves are not kept, only a 64-bit fingerprint of each (sorted, with a directory of buckets by their top bits)
/// and a 2-byte index into the distinct bitmasks. A lookup hashes the query's labels from the right, so every suffix
/// (com, example.com, www.example.com) costs one more label of hashing and one bucket scan; it never allocates.
/// <para>
/// Why fingerprints and not names: 5 million UT1 names take ~100 MB as text, over the appliance's memory budget. Two
/// different names share a fingerprint with a chance of about one in 10^19 per lookup pair; when they do, the
/// only effect is that the unlisted one is treated as listed — a block list fails closed, never open. Tables whose
/// matches ALLOW something (allow entries, lesson focus) keep exact names: <see cref="DomainTable"/>.
/// </para>
/// Build with <see cref="HashedDomainTableBuilder"/>; saved and read back by <see cref="DomainTableCache"/>.
/// </summary>
public sealed class HashedDomainTable
{
    /// <summary>The empty table.</summary>
    public static readonly HashedDomainTable Empty = new([], [], 0, [0]);

    private readonly ulong[] _fingerprints; // ascending, distinct; the first _count are used
    private readonly ushort[] _valueIndex;  // entry → index into _values
    private readonly int _count;
    private readonly ulong[] _values;       // distinct bitmasks
    private readonly int[] _buckets;        // bucket → first entry; bucket count + 1 items
    private readonly int _shift;

    // The arrays may be longer than count (the builder's, kept rather than copied when little is unused).
    internal HashedDomainTable(ulong[] fingerprints, ushort[] valueIndex, int count, ulong[] values)
    {
        _fingerprints = fingerprints;
        _valueIndex = valueIndex;
        _count = count;
        _values = values;
        var bits = BucketBits(count);
        _shift = 64 - bits;
        _buckets = new int[(1 << bits) + 1];
        var entry = 0;
        for (var bucket = 0; bucket < (1 << bits); bucket++)
        {
            _buckets[bucket] = entry;
            while (entry < count && (int)(fingerprints[entry] >> _shift) == bucket)
            {
                entry++;
            }
        }

        _buckets[1 << bits] = count;
    }

    /// <summary>Number of distinct names.</summary>
    public int Count => _count;

    /// <summary>Bytes held by the table's arrays (for the memory budget).</summary>
    public long MemoryBytes => (_fingerprints.LongLength * 8) + (_valueIndex.LongLength * 2) + (_values.LongLength * 8) + (_buckets.LongLength * 4);

    // The raw arrays, for the binary cache: written and read back as they are (the directory is rebuilt).
    internal ReadOnlySpan<ulong> Fingerprints => _fingerprints.AsSpan(0, _count);

    internal ReadOnlySpan<ushort> ValueIndex => _valueIndex.AsSpan(0, _count);

    internal ReadOnlySpan<ulong> Values => _values;

    /// <summary>
    /// ORs the values of every listed suffix of <paramref name="wireName"/> (the name itself, its parent, …).
    /// The name may be in any case; it must be valid uncompressed wire form (as the query parser leaves it).
    /// </summary>
    /// <param name="wireName">The query name in wire form, ending in the root byte.</param>
    /// <param name="longestMatch">Offset in <paramref name="wireName"/> where the most specific listed suffix starts, or -1.</param>
    public ulong MatchSuffixes(ReadOnlySpan<byte> wireName, out int longestMatch)
    {
        longestMatch = -1;
        if (_count == 0 || wireName.Length <= 1)
        {
            return 0;
        }

        Span<byte> lower = stackalloc byte[wireName.Length];
        Span<byte> starts = stackalloc byte[128];
        var labels = DomainTable.Prepare(wireName, lower, starts);
        ulong result = 0;
        var hash = DomainTable.HashSeed;
        for (var i = labels - 1; i >= 0; i--)
        {
            int start = starts[i];
            hash = DomainTable.HashLabel(hash, lower.Slice(start, lower[start] + 1));
            var entry = Find(Fingerprint(hash));
            if (entry >= 0)
            {
                result |= _values[_valueIndex[entry]];
                longestMatch = start;
            }
        }

        return result;
    }

    /// <summary>Looks up <paramref name="wireName"/> itself (not its parents).</summary>
    public bool TryGetExact(ReadOnlySpan<byte> wireName, out ulong value)
    {
        value = 0;
        if (_count == 0 || wireName.Length <= 1)
        {
            return false;
        }

        Span<byte> lower = stackalloc byte[wireName.Length];
        Span<byte> starts = stackalloc byte[128];
        var labels = DomainTable.Prepare(wireName, lower, starts);
        var hash = DomainTable.HashSeed;
        for (var i = labels - 1; i >= 0; i--)
        {
            hash = DomainTable.HashLabel(hash, lower.Slice(starts[i], lower[starts[i]] + 1));
        }

        var entry = Find(Fingerprint(hash));
        if (entry < 0)
        {
            return false;
        }

        value = _values[_valueIndex[entry]];
        return true;
    }

    /// <summary>Distinct names per category bit (64 counts).</summary>
    public int[] CountPerBit()
    {
        var perValue = new int[_values.Length];
        foreach (var index in ValueIndex)
        {
            perValue[index]++;
        }

        var perBit = new int[64];
        for (var v = 0; v < _values.Length; v++)
        {
            var bits = _values[v];
            while (bits != 0)
            {
                perBit[BitOperations.TrailingZeroCount(bits)] += perValue[v];
                bits &= bits - 1;
            }
        }

        return perBit;
    }

    /// <summary>
    /// The fingerprint of a name's chained label hash (<see cref="DomainTable.HashName"/>): a bijective 64-bit finaliser
    /// (MurmurHash3's), so distinct hashes stay distinct while the top bits, which pick the bucket, depend on every byte.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong Fingerprint(ulong hash)
    {
        hash ^= hash >> 33;
        hash *= 0xff51afd7ed558ccdUL;
        hash ^= hash >> 33;
        hash *= 0xc4ceb9fe1a85ec53UL;
        hash ^= hash >> 33;
        return hash;
    }

    /// <summary>
    /// A table array on the pinned-object heap: a collection never moves it, so the collection that gives a replaced
    /// set's memory back (a compacting one) does not copy the new set's tens of MB while queries wait.
    /// </summary>
    internal static T[] NewArray<T>(int length) => GC.AllocateUninitializedArray<T>(length, pinned: true);

    internal static T[] Resized<T>(T[] array, int length)
    {
        var resized = NewArray<T>(length);
        array.AsSpan(0, Math.Min(array.Length, length)).CopyTo(resized);
        return resized;
    }

    // About four names a bucket: one or two cache lines scanned per suffix, a directory of 1 byte a name.
    internal static int BucketBits(int count) => Math.Clamp(BitOperations.Log2(((uint)Math.Max(count, 1) / 4) + 1), 1, 26);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Find(ulong fingerprint)
    {
        var bucket = (int)(fingerprint >> _shift);
        var end = _buckets[bucket + 1];
        for (var entry = _buckets[bucket]; entry < end; entry++)
        {
            var candidate = _fingerprints[entry];
            if (candidate >= fingerprint)
            {
                return candidate == fingerprint ? entry : -1;
            }
        }

        return -1;
    }
}

/// <summary>
/// Collects names (values of duplicates are ORed) and freezes them into a <see cref="HashedDomainTable"/>: 10 bytes a
/// name while collecting, one sort at the end. Not thread-safe.
/// </summary>
public sealed class HashedDomainTableBuilder : DomainSetBuilder
{
    private readonly Dictionary<ulong, ushort> _valueIndexOf = [];
    private readonly List<ulong> _values = [];
    private ulong[] _fingerprints;
    private ushort[] _valueIndex;
    private int _count;
    private ulong _lastValue = ulong.MaxValue;
    private ushort _lastIndex;

    /// <summary>Creates a builder sized for about <paramref name="expectedNames"/> names (it grows as needed).</summary>
    public HashedDomainTableBuilder(int expectedNames = 1024)
    {
        expectedNames = Math.Max(expectedNames, 16);
        _fingerprints = HashedDomainTable.NewArray<ulong>(expectedNames);
        _valueIndex = HashedDomainTable.NewArray<ushort>(expectedNames);
    }

    /// <summary>Names added so far (duplicates included until <see cref="Build"/>).</summary>
    public override int Count => _count;

    /// <inheritdoc />
    public override void AddWire(ReadOnlySpan<byte> name, ulong value)
    {
        if (_count == _fingerprints.Length)
        {
            var capacity = (int)Math.Min(Array.MaxLength, (long)_count * 3 / 2); // not 2: a reload holds the old table too
            _fingerprints = HashedDomainTable.Resized(_fingerprints, capacity);
            _valueIndex = HashedDomainTable.Resized(_valueIndex, capacity);
        }

        _fingerprints[_count] = HashedDomainTable.Fingerprint(DomainTable.HashName(name));
        _valueIndex[_count] = IndexOf(value);
        _count++;
    }

    /// <summary>Sorts, merges duplicates and freezes the names into a table (the builder is spent afterwards).</summary>
    public HashedDomainTable Build()
    {
        var fingerprints = _fingerprints;
        var valueIndex = _valueIndex;
        Array.Sort(fingerprints, valueIndex, 0, _count);
        var distinct = 0;
        for (var i = 0; i < _count; i++)
        {
            if (distinct > 0 && fingerprints[distinct - 1] == fingerprints[i])
            {
                var merged = _values[valueIndex[distinct - 1]] | _values[valueIndex[i]];
                valueIndex[distinct - 1] = IndexOf(merged);
                continue;
            }

            fingerprints[distinct] = fingerprints[i];
            valueIndex[distinct] = valueIndex[i];
            distinct++;
        }

        // Trimming copies the arrays: while lists are reloaded that copy sits beside the old table and the new one, so
        // keep up to an eighth unused instead.
        if (fingerprints.Length - distinct > fingerprints.Length / 8)
        {
            fingerprints = HashedDomainTable.Resized(fingerprints, distinct);
            valueIndex = HashedDomainTable.Resized(valueIndex, distinct);
        }

        _fingerprints = [];
        _valueIndex = [];
        _count = 0;
        return new HashedDomainTable(fingerprints, valueIndex, distinct, [.. _values]);
    }

    private ushort IndexOf(ulong value)
    {
        if (value == _lastValue)
        {
            return _lastIndex; // a whole file shares one value: skip the dictionary
        }

        if (!_valueIndexOf.TryGetValue(value, out var index))
        {
            if (_values.Count > ushort.MaxValue)
            {
                throw new InvalidOperationException("More than 65,536 distinct category combinations: the lists map too many categories onto the same names.");
            }

            index = (ushort)_values.Count;
            _values.Add(value);
            _valueIndexOf[value] = index;
        }

        _lastValue = value;
        _lastIndex = index;
        return index;
    }
}

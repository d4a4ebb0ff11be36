using System.Numerics;
using System.Runtime.CompilerServices;
using ClassroomGuard.Dns.Protocol;

namespace ClassroomGuard.Dns.Lists;

/// <summary>
/// An immutable set of domain names, each with a 64-bit value (for block lists: a category bitmask), looked up
/// from a query's wire-format name without allocating. Names live in one byte arena in lower-case wire form
/// (no root byte); an open-addressing table holds entry numbers keyed by a hash computed label by label from
/// the right, so every suffix of a query (com, example.com, www.example.com) costs one more label of hashing.
/// Build with <see cref="DomainTableBuilder"/>.
/// </summary>
public sealed class DomainTable
{
    /// <summary>The empty table.</summary>
    public static readonly DomainTable Empty = new DomainTableBuilder(0).Build();

    private readonly byte[] _arena;
    private readonly int[] _offsets;     // entry → start in arena; entry count + 1 items (end of last)
    private readonly ulong[] _values;
    private readonly uint[] _hashes;     // entry → low 32 bits of its hash (cheap rejection)
    private readonly int[] _slots;       // entry + 1, 0 = empty
    private readonly int _mask;

    internal DomainTable(byte[] arena, int[] offsets, ulong[] values, uint[] hashes, int[] slots)
    {
        _arena = arena;
        _offsets = offsets;
        _values = values;
        _hashes = hashes;
        _slots = slots;
        _mask = slots.Length - 1;
    }

    // The raw arrays, for the binary cache (DomainTableCache): written and read back as they are.
    internal ReadOnlySpan<byte> Arena => _arena;

    internal ReadOnlySpan<int> Offsets => _offsets;

    internal ReadOnlySpan<ulong> Values => _values;

    internal ReadOnlySpan<uint> Hashes => _hashes;

    internal ReadOnlySpan<int> Slots => _slots;

    /// <summary>Number of distinct names.</summary>
    public int Count => _values.Length;

    /// <summary>Bytes held by the arena and tables (for the memory budget).</summary>
    public long MemoryBytes => _arena.LongLength + (_offsets.LongLength * 4) + (_values.LongLength * 8) + (_hashes.LongLength * 4) + (_slots.LongLength * 4);

    /// <summary>
    /// ORs the values of every listed suffix of <paramref name="wireName"/> (the name itself, its parent, …).
    /// The name may be in any case; it must be valid uncompressed wire form (as the query parser leaves it).
    /// </summary>
    /// <param name="wireName">The query name in wire form, ending in the root byte.</param>
    /// <param name="longestMatch">Offset in <paramref name="wireName"/> where the most specific listed suffix starts, or -1.</param>
    public ulong MatchSuffixes(ReadOnlySpan<byte> wireName, out int longestMatch)
    {
        longestMatch = -1;
        if (_values.Length == 0 || wireName.Length <= 1)
        {
            return 0;
        }

        Span<byte> lower = stackalloc byte[wireName.Length];
        Span<byte> starts = stackalloc byte[128];
        var labels = Prepare(wireName, lower, starts);
        var end = wireName.Length - 1; // without the root byte
        ulong result = 0;
        var hash = HashSeed;
        for (var i = labels - 1; i >= 0; i--)
        {
            int start = starts[i];
            hash = HashLabel(hash, lower.Slice(start, lower[start] + 1));
            var entry = Find(hash, lower[start..end]);
            if (entry >= 0)
            {
                result |= _values[entry];
                longestMatch = start;
            }
        }

        return result;
    }

    /// <summary>Looks up <paramref name="wireName"/> itself (not its parents).</summary>
    public bool TryGetExact(ReadOnlySpan<byte> wireName, out ulong value)
    {
        value = 0;
        if (_values.Length == 0 || wireName.Length <= 1)
        {
            return false;
        }

        Span<byte> lower = stackalloc byte[wireName.Length];
        Span<byte> starts = stackalloc byte[128];
        var labels = Prepare(wireName, lower, starts);
        var end = wireName.Length - 1;
        var hash = HashSeed;
        for (var i = labels - 1; i >= 0; i--)
        {
            hash = HashLabel(hash, lower.Slice(starts[i], lower[starts[i]] + 1));
        }

        var entry = Find(hash, lower[..end]);
        if (entry < 0)
        {
            return false;
        }

        value = _values[entry];
        return true;
    }

    /// <summary>The listed names and values, as text (allocates; for diagnostics and tests).</summary>
    public IEnumerable<(string Name, ulong Value)> Entries()
    {
        for (var i = 0; i < _values.Length; i++)
        {
            yield return (DomainText.ToDotted(_arena.AsSpan(_offsets[i], _offsets[i + 1] - _offsets[i])), _values[i]);
        }
    }

    internal const ulong HashSeed = 14695981039346656037UL;

    /// <summary>FNV-1a over one label (its length byte and letters), chained from the parent's hash.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong HashLabel(ulong hash, ReadOnlySpan<byte> label)
    {
        foreach (var b in label)
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash;
    }

    /// <summary>Hash of a lower-case wire name without its root byte.</summary>
    internal static ulong HashName(ReadOnlySpan<byte> name)
    {
        Span<byte> starts = stackalloc byte[128];
        var labels = 0;
        for (var i = 0; i < name.Length; i += name[i] + 1)
        {
            starts[labels++] = (byte)i;
        }

        var hash = HashSeed;
        for (var i = labels - 1; i >= 0; i--)
        {
            hash = HashLabel(hash, name.Slice(starts[i], name[starts[i]] + 1));
        }

        return hash;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int SlotOf(ulong hash, int mask) => (int)((hash ^ (hash >> 29)) & (uint)mask);

    /// <summary>Lower-cases the name into <paramref name="lower"/> and records where each label starts; returns the label count.</summary>
    internal static int Prepare(ReadOnlySpan<byte> wireName, Span<byte> lower, Span<byte> starts)
    {
        wireName.CopyTo(lower);
        DnsName.ToLowerInPlace(lower); // RFC 4343 folding, high bytes kept and passed over
        var labels = 0;
        var i = 0;
        while (i < lower.Length && lower[i] != 0 && labels < 128)
        {
            starts[labels++] = (byte)i;
            i += lower[i] + 1;
        }

        return labels;
    }

    private int Find(ulong hash, ReadOnlySpan<byte> name)
    {
        var slot = SlotOf(hash, _mask);
        var shortHash = (uint)hash;
        while (true)
        {
            var entry = _slots[slot] - 1;
            if (entry < 0)
            {
                return -1;
            }

            if (_hashes[entry] == shortHash && _arena.AsSpan(_offsets[entry], _offsets[entry + 1] - _offsets[entry]).SequenceEqual(name))
            {
                return entry;
            }

            slot = (slot + 1) & _mask;
        }
    }
}

/// <summary>Where list loaders put names: a <see cref="DomainTableBuilder"/> (exact names) or a <see cref="HashedDomainTableBuilder"/> (block lists).</summary>
public abstract class DomainSetBuilder
{
    /// <summary>Names added so far.</summary>
    public abstract int Count { get; }

    /// <summary>Adds a normalised lower-case wire name without its root byte (as <see cref="DomainText.TryNormalize(ReadOnlySpan{char}, Span{byte})"/> writes it).</summary>
    public abstract void AddWire(ReadOnlySpan<byte> name, ulong value);

    /// <summary>Adds a name given as text (<c>Example.ORG.</c>, <c>*.example.org</c>); false when it is not a usable domain name.</summary>
    public bool Add(ReadOnlySpan<char> text, ulong value)
    {
        Span<byte> wire = stackalloc byte[256];
        var length = DomainText.TryNormalize(text, wire);
        if (length <= 0)
        {
            return false;
        }

        AddWire(wire[..length], value);
        return true;
    }
}

/// <summary>
/// Collects names (deduplicated; values of duplicates are ORed) and freezes them into a <see cref="DomainTable"/>.
/// Not thread-safe. Loading 345k names takes a few tens of milliseconds.
/// </summary>
public sealed class DomainTableBuilder : DomainSetBuilder
{
    private byte[] _arena;
    private int _arenaLength;
    private int[] _offsets;
    private ulong[] _values;
    private uint[] _hashes;
    private int[] _slots;
    private int _count;

    /// <summary>Creates a builder sized for about <paramref name="expectedNames"/> names (it grows as needed).</summary>
    public DomainTableBuilder(int expectedNames = 1024)
    {
        expectedNames = Math.Max(expectedNames, 16);
        _arena = new byte[expectedNames * 16];
        _offsets = new int[expectedNames + 1];
        _values = new ulong[expectedNames];
        _hashes = new uint[expectedNames];
        _slots = new int[SlotCount(expectedNames)];
    }

    /// <summary>Distinct names so far.</summary>
    public override int Count => _count;

    /// <inheritdoc />
    public override void AddWire(ReadOnlySpan<byte> name, ulong value)
    {
        var hash = DomainTable.HashName(name);
        var mask = _slots.Length - 1;
        var slot = DomainTable.SlotOf(hash, mask);
        while (true)
        {
            var entry = _slots[slot] - 1;
            if (entry < 0)
            {
                break;
            }

            if (_hashes[entry] == (uint)hash && _arena.AsSpan(_offsets[entry], _offsets[entry + 1] - _offsets[entry]).SequenceEqual(name))
            {
                _values[entry] |= value;
                return;
            }

            slot = (slot + 1) & mask;
        }

        if (_count == _values.Length)
        {
            Grow();
            AddWire(name, value);
            return;
        }

        if (_arenaLength + name.Length > _arena.Length)
        {
            Array.Resize(ref _arena, Math.Max(_arena.Length * 2, _arenaLength + name.Length));
        }

        name.CopyTo(_arena.AsSpan(_arenaLength));
        _offsets[_count] = _arenaLength;
        _arenaLength += name.Length;
        _offsets[_count + 1] = _arenaLength;
        _values[_count] = value;
        _hashes[_count] = (uint)hash;
        _slots[slot] = _count + 1;
        _count++;
    }

    /// <summary>Adds every entry of <paramref name="table"/>.</summary>
    public void AddAll(DomainTable table, ulong extraValue = 0)
    {
        Span<byte> wire = stackalloc byte[256];
        foreach (var (name, value) in table.Entries())
        {
            var length = DomainText.TryNormalize(name, wire);
            if (length > 0)
            {
                AddWire(wire[..length], value | extraValue);
            }
        }
    }

    /// <summary>Freezes the names into a table (copies trimmed arrays; the builder can be dropped).</summary>
    public DomainTable Build()
    {
        var arena = _arena.AsSpan(0, _arenaLength).ToArray();
        var offsets = _offsets.AsSpan(0, _count + 1).ToArray();
        var values = _values.AsSpan(0, _count).ToArray();
        var hashes = _hashes.AsSpan(0, _count).ToArray();
        int[] slots;
        if (_slots.Length == SlotCount(_count))
        {
            slots = (int[])_slots.Clone();
        }
        else
        {
            slots = Rehash(arena, offsets, _count, SlotCount(_count));
        }

        return new DomainTable(arena, offsets, values, hashes, slots);
    }

    private void Grow()
    {
        var capacity = _values.Length * 2;
        Array.Resize(ref _offsets, capacity + 1);
        Array.Resize(ref _values, capacity);
        Array.Resize(ref _hashes, capacity);
        _slots = Rehash(_arena, _offsets, _count, SlotCount(capacity));
    }

    private static int[] Rehash(byte[] arena, int[] offsets, int count, int slotCount)
    {
        var slots = new int[slotCount];
        var mask = slotCount - 1;
        for (var entry = 0; entry < count; entry++)
        {
            var hash = DomainTable.HashName(arena.AsSpan(offsets[entry], offsets[entry + 1] - offsets[entry]));
            var slot = DomainTable.SlotOf(hash, mask);
            while (slots[slot] != 0)
            {
                slot = (slot + 1) & mask;
            }

            slots[slot] = entry + 1;
        }

        return slots;
    }

    // Load factor ≤ 0.5: short probe runs for lookups, which mostly miss.
    private static int SlotCount(int entries) => (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(entries * 2, 16));
}

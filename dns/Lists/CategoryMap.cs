namespace ClassroomGuard.Dns.Lists;

/// <summary>
/// Category keys (as in the state's <c>categories</c> table) and the bit each has in a <see cref="DomainTable"/>
/// value. At most 64. Built once with the lists; immutable afterwards.
/// </summary>
public sealed class CategoryMap
{
    /// <summary>Most categories a map can hold (bits of a value).</summary>
    public const int MaxCategories = 64;

    private readonly List<string> _keys = [];
    private readonly Dictionary<string, int> _bits = new(StringComparer.Ordinal);

    /// <summary>The keys in bit order.</summary>
    public IReadOnlyList<string> Keys => _keys;

    /// <summary>The bit of <paramref name="key"/>, adding it if new. Throws when more than 64 categories are used.</summary>
    public ulong GetOrAdd(string key)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        if (!_bits.TryGetValue(key, out var bit))
        {
            if (_keys.Count == MaxCategories)
            {
                throw new InvalidOperationException($"More than {MaxCategories} categories: '{key}' cannot be added.");
            }

            bit = _keys.Count;
            _keys.Add(key);
            _bits.Add(key, bit);
        }

        return 1UL << bit;
    }

    /// <summary>The bit of <paramref name="key"/>, or 0 when no list carries it.</summary>
    public ulong BitOf(string key) => _bits.TryGetValue(key, out var bit) ? 1UL << bit : 0;

    /// <summary>The key of the lowest set bit of <paramref name="mask"/>, or null.</summary>
    public string? FirstKey(ulong mask) => mask == 0 ? null : _keys[System.Numerics.BitOperations.TrailingZeroCount(mask)];

    /// <summary>Mask of every known category.</summary>
    public ulong All => _keys.Count == 64 ? ulong.MaxValue : (1UL << _keys.Count) - 1;
}

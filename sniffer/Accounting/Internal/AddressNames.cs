using ClassroomGuard.Sniffer.Decoding;

namespace ClassroomGuard.Sniffer.Accounting.Internal;

/// <summary>
/// Server address → site name, learnt from DNS answers seen on the wire, so a flow with no SNI or Host of its own (or
/// before its ClientHello) still has a name. Bounded by two generations: when the current one holds half the capacity it
/// becomes the previous one and the old previous is cleared — an approximate LRU with no per-entry bookkeeping.
/// Both dictionaries are pre-sized, so nothing is allocated. Capture thread only.
/// </summary>
internal sealed class AddressNames
{
    private readonly int _generationSize;
    private Dictionary<AddressKey, long> _current;
    private Dictionary<AddressKey, long> _previous;

    public AddressNames(int capacity)
    {
        _generationSize = Math.Max(1, capacity / 2);
        _current = new Dictionary<AddressKey, long>(_generationSize);
        _previous = new Dictionary<AddressKey, long>(_generationSize);
    }

    /// <summary>Addresses remembered now.</summary>
    public int Count => _current.Count + _previous.Count;

    /// <summary>Times the older half was dropped to make room.</summary>
    public long Rotations { get; private set; }

    public void Set(in NetAddress address, long nameId)
    {
        var key = new AddressKey(address);
        if (_current.Count >= _generationSize && !_current.ContainsKey(key))
        {
            (_previous, _current) = (_current, _previous);
            _current.Clear();
            Rotations++;
        }

        _current[key] = nameId;
    }

    public long Get(in NetAddress address)
    {
        var key = new AddressKey(address);
        return _current.TryGetValue(key, out var id) || _previous.TryGetValue(key, out id) ? id : NameTable.None;
    }
}

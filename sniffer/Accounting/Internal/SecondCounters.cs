using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ClassroomGuard.Sniffer.Decoding;

namespace ClassroomGuard.Sniffer.Accounting.Internal;

/// <summary>
/// One whole second's counts for every local address that had traffic, indexed by the address's slot in
/// <see cref="AddressTable"/>. <see cref="SecondRing"/> holds a few: the capture thread fills the open one while the
/// flusher reads the sealed ones.
/// </summary>
internal sealed class SecondCounters
{
    public SecondCounters(int slots)
    {
        Records = new AddressSecond[slots];
        Touched = new int[slots];
    }

    public AddressSecond[] Records { get; }

    /// <summary>Slots with traffic this second, in first-seen order (so the flusher never scans idle slots).</summary>
    public int[] Touched { get; }

    public int TouchedCount { get; set; }

    /// <summary>The second counted (Unix seconds of the packets' timestamps), while <see cref="Opened"/>.</summary>
    public long Second;

    /// <summary>Set by the capture thread when the buffer takes its first packet; cleared by <see cref="Clear"/>.</summary>
    public bool Opened;

    /// <summary>The record of <paramref name="slot"/>, marked touched (and given its address) on first use this second.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref AddressSecond Record(int slot, in NetAddress address)
    {
        ref var record = ref Records[slot];
        if (!record.Touched)
        {
            record.Touched = true;
            record.Address = address;
            Touched[TouchedCount++] = slot;
        }

        return ref record;
    }

    /// <summary>Forgets every count (the flusher, after writing them).</summary>
    public void Clear()
    {
        for (var i = 0; i < TouchedCount; i++)
        {
            Records[Touched[i]] = default;
        }

        TouchedCount = 0;
        Second = 0;
        Opened = false;
    }
}

/// <summary>One local address's counts for one second.</summary>
[StructLayout(LayoutKind.Auto)]
internal struct AddressSecond
{
    /// <summary>Site slots per address per second; the top five are written.</summary>
    public const int SiteSlots = 8;

    public NetAddress Address;
    public bool Touched;
    public long BytesIn;
    public long BytesOut;
    public long PacketsIn;
    public long PacketsOut;
    public long FlowsNew;
    public SiteSlots Sites;
    public int SitesUsed;

    /// <summary>
    /// Adds <paramref name="bytes"/> to a site. With all slots taken, a new site replaces the smallest and starts from
    /// its count (the weighted "space-saving" top-k: the big sites are never lost, a small one may be over-counted).
    /// </summary>
    public void AddSite(long nameId, long bytes)
    {
        var smallest = 0;
        for (var i = 0; i < SitesUsed; i++)
        {
            ref var site = ref Sites[i];
            if (site.NameId == nameId)
            {
                site.Bytes += bytes;
                return;
            }

            if (site.Bytes < Sites[smallest].Bytes)
            {
                smallest = i;
            }
        }

        if (SitesUsed < SiteSlots)
        {
            Sites[SitesUsed++] = new SiteBytes(nameId, bytes);
        }
        else
        {
            Sites[smallest] = new SiteBytes(nameId, Sites[smallest].Bytes + bytes);
        }
    }
}

/// <summary>Bytes counted for one site name.</summary>
internal record struct SiteBytes(long NameId, long Bytes);

/// <summary>Fixed inline storage for <see cref="AddressSecond.SiteSlots"/> sites (no array per record).</summary>
[InlineArray(AddressSecond.SiteSlots)]
internal struct SiteSlots
{
    private SiteBytes _first;
}

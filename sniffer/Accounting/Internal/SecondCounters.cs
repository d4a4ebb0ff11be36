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
    /// Adds <paramref name="bytes"/> to a site, as a fact (the flow's own SNI or Host) or as <paramref name="inferred"/>
    /// (from the client's own DNS answer): the two are kept apart even for one name. With all slots taken, facts come
    /// first: a new fact replaces the smallest guess when there is one, else the smallest fact; a new guess replaces only
    /// the smallest guess, and is not kept when every slot holds a fact — so heavy guessed traffic never pushes a fact
    /// out of <c>top_sites</c>. Replacing one of its own kind, a site starts from the count it replaces (the weighted
    /// "space-saving" top-k: the big sites are never lost, a small one may be over-counted); never from a guess's bytes
    /// for a fact, or back.
    /// </summary>
    public void AddSite(long nameId, long bytes, bool inferred = false)
    {
        var smallestFact = -1;
        var smallestGuess = -1;
        for (var i = 0; i < SitesUsed; i++)
        {
            ref var site = ref Sites[i];
            if (site.NameId == nameId && site.Inferred == inferred)
            {
                site.Bytes += bytes;
                return;
            }

            ref var smallest = ref site.Inferred ? ref smallestGuess : ref smallestFact;
            if (smallest < 0 || site.Bytes < Sites[smallest].Bytes)
            {
                smallest = i;
            }
        }

        if (SitesUsed < SiteSlots)
        {
            Sites[SitesUsed++] = new SiteBytes(nameId, bytes, inferred);
            return;
        }

        var replaced = smallestGuess >= 0 ? smallestGuess : inferred ? -1 : smallestFact;
        if (replaced >= 0)
        {
            var inherited = Sites[replaced].Inferred == inferred ? Sites[replaced].Bytes : 0;
            Sites[replaced] = new SiteBytes(nameId, inherited + bytes, inferred);
        }
    }

    /// <summary>
    /// Moves up to <paramref name="bytes"/> from an inferred site to a named one: a flow's packets up to the one that
    /// carried its ClientHello or Host were first booked to the name its client's DNS answer suggested. The named site
    /// gains what was moved, and at least <paramref name="atLeast"/> (the naming packet's own bytes).
    /// </summary>
    public void MoveFromInferred(long inferredId, long nameId, long bytes, long atLeast)
    {
        var moved = 0L;
        for (var i = 0; i < SitesUsed; i++)
        {
            ref var site = ref Sites[i];
            if (site.NameId == inferredId && site.Inferred)
            {
                moved = Math.Min(bytes, site.Bytes);
                site.Bytes -= moved;
                break;
            }
        }

        AddSite(nameId, Math.Max(moved, atLeast));
    }
}

/// <summary>Bytes counted for one site name; <see cref="Inferred"/> when the name came from the client's DNS answer, not the flow.</summary>
internal record struct SiteBytes(long NameId, long Bytes, bool Inferred = false);

/// <summary>Fixed inline storage for <see cref="AddressSecond.SiteSlots"/> sites (no array per record).</summary>
[InlineArray(AddressSecond.SiteSlots)]
internal struct SiteSlots
{
    private SiteBytes _first;
}

namespace ClassroomGuard.DnsFilter.Events;

/// <summary>
/// One client's place in <see cref="DnsActivity"/>: its open per-second buckets and the newest second already written
/// for it. Its lock guards all of them; the query path and the flusher both take it.
/// </summary>
/// <remarks>
/// At most two buckets are open: <see cref="Current"/>, and <see cref="Previous"/> when the client's queries moved on
/// to a new second before the flusher wrote the last one (it runs just after each second ends). A third second while
/// both are open sends the older one to the flusher's late queue. A second is never opened again once written
/// (<see cref="WrittenThrough"/>): InfluxDB keeps only one point per series and timestamp, so a second write would
/// replace the first one's counts.
/// </remarks>
internal sealed class ClientSlot(UInt128 address, ClientActivity current)
{
    public UInt128 Address { get; } = address;

    public ClientActivity Current = current;

    public ClientActivity? Previous;

    /// <summary>The newest second written for this client (seconds as in <see cref="ClientActivity.Second"/>).</summary>
    public long WrittenThrough = long.MinValue;

    public long LastSeenTicks;

    /// <summary>Set (under the lock) when the slot is forgotten: a query that found it just before looks again.</summary>
    public bool Removed;
}

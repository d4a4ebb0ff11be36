using ClassroomGuard.Sniffer.Capture;
using ClassroomGuard.Storage.TimeSeries;

namespace ClassroomGuard.Sniffer.Hosting;

/// <summary>
/// The sniffer's totals for its once-a-minute <c>service_health</c> point: packets the kernel handed to the capture,
/// packets the capture ring dropped (the sniffer or its buffer too slow) and packets the interface dropped. Reported
/// only while a live capture is open (<see cref="SnifferService"/> attaches it), so a point with <c>packets</c> means
/// "capturing"; reading a file reports none.
/// </summary>
internal sealed class SnifferHealthSource : IServiceHealthSource
{
    private volatile IPacketSource? capture;

    public string Component => "sniffer";

    /// <summary>The open live capture, or null when it ended.</summary>
    public void Attach(IPacketSource? source) => capture = source is { IsFile: false } ? source : null;

    public void ReadTotals(IDictionary<string, long> totals)
    {
        if (capture is not { } source)
        {
            return;
        }

        try
        {
            var s = source.GetStatistics();
            totals["packets"] = (long)s.Received;
            totals["dropped"] = (long)s.Dropped;
            totals["if_dropped"] = (long)s.InterfaceDropped;
        }
        catch (PcapException)
        {
            // The interface went away: the capture is failing and its own log says why; the point carries no capture counters.
        }
        catch (ObjectDisposedException)
        {
            // Stopping.
        }
    }
}

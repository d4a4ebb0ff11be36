namespace ClassroomGuard.Sniffer.Capture;

/// <summary>
/// Counters of a live capture since it was opened, widened to 64 bits. libpcap's <c>pcap_stat</c> counters are 32-bit and
/// wrap around (at 2 Mpps after about 36 minutes), so each reading adds the wrapped difference to the previous one.
/// </summary>
/// <param name="Received">Packets the kernel handed to the capture (before the filter on some platforms; after it on Linux).</param>
/// <param name="Dropped">Packets dropped because the capture buffer was full: the sniffer (or its buffer) was too slow.</param>
/// <param name="InterfaceDropped">Packets the network interface or its driver dropped.</param>
public readonly record struct CaptureStatistics(ulong Received, ulong Dropped, ulong InterfaceDropped)
{
    /// <summary>
    /// The counters after a new raw reading: each grows by <c>current − previous</c> computed modulo 2³², which is right as
    /// long as fewer than 2³² packets pass between two readings.
    /// </summary>
    /// <param name="previousReceived">Raw <c>ps_recv</c> at the previous reading.</param>
    /// <param name="previousDropped">Raw <c>ps_drop</c> at the previous reading.</param>
    /// <param name="previousInterfaceDropped">Raw <c>ps_ifdrop</c> at the previous reading.</param>
    /// <param name="received">Raw <c>ps_recv</c> now.</param>
    /// <param name="dropped">Raw <c>ps_drop</c> now.</param>
    /// <param name="interfaceDropped">Raw <c>ps_ifdrop</c> now.</param>
    public CaptureStatistics Advance(
        uint previousReceived, uint previousDropped, uint previousInterfaceDropped, uint received, uint dropped, uint interfaceDropped) =>
        new(
            Received + unchecked(received - previousReceived),
            Dropped + unchecked(dropped - previousDropped),
            InterfaceDropped + unchecked(interfaceDropped - previousInterfaceDropped));
}

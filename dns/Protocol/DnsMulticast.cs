namespace ClassroomGuard.Dns.Protocol;

/// <summary>
/// Multicast DNS (RFC 6762) reuses the top bit of a CLASS field: in a question it asks for a unicast response (§5.4),
/// in a record it means "cache flush" (§10.2). The class itself is the low 15 bits. Unicast DNS has no such bit.
/// </summary>
public static class DnsMulticast
{
    /// <summary>The top bit of CLASS: QU in an mDNS question, cache-flush in an mDNS record.</summary>
    public const ushort ClassTopBit = 0x8000;

    /// <summary>The class without the mDNS top bit (1 for IN).</summary>
    public static ushort ClassOf(ushort rawClass) => (ushort)(rawClass & ~ClassTopBit);

    /// <summary>Whether an mDNS question asks for a unicast response (QU).</summary>
    public static bool WantsUnicastResponse(ushort questionClass) => (questionClass & ClassTopBit) != 0;

    /// <summary>Whether an mDNS record replaces what caches hold for its name and type (cache-flush).</summary>
    public static bool IsCacheFlush(ushort recordClass) => (recordClass & ClassTopBit) != 0;
}

using ClassroomGuard.Sniffer.Decoding;

namespace ClassroomGuard.Sniffer.Accounting.Internal;

/// <summary>
/// A flow's 5-tuple in canonical order (endpoint A sorts before endpoint B), so both directions of a connection find the
/// same flow. Hashed with <see cref="HashCode"/> (random seed per process) against chosen-collision floods.
/// </summary>
internal readonly struct FlowKey : IEquatable<FlowKey>
{
    public readonly ulong AHigh;
    public readonly ulong ALow;
    public readonly ulong BHigh;
    public readonly ulong BLow;
    public readonly ushort APort;
    public readonly ushort BPort;
    public readonly byte Protocol;
    public readonly byte Version;

    private FlowKey(in NetAddress a, ushort aPort, in NetAddress b, ushort bPort, byte protocol)
    {
        AHigh = a.High;
        ALow = a.Low;
        BHigh = b.High;
        BLow = b.Low;
        APort = aPort;
        BPort = bPort;
        Protocol = protocol;
        Version = a.Version;
    }

    public NetAddress A => new(AHigh, ALow, Version);

    public NetAddress B => new(BHigh, BLow, Version);

    /// <summary>The key of a packet's flow; <paramref name="sourceIsA"/> tells which end sent it.</summary>
    public static FlowKey Of(in PacketSummary packet, out bool sourceIsA)
    {
        var source = packet.SourceIp;
        var destination = packet.DestinationIp;
        sourceIsA = Compare(source, packet.SourcePort, destination, packet.DestinationPort) <= 0;
        return sourceIsA
            ? new FlowKey(source, packet.SourcePort, destination, packet.DestinationPort, packet.Protocol)
            : new FlowKey(destination, packet.DestinationPort, source, packet.SourcePort, packet.Protocol);
    }

    public bool Equals(FlowKey other) =>
        ALow == other.ALow && BLow == other.BLow && AHigh == other.AHigh && BHigh == other.BHigh
        && APort == other.APort && BPort == other.BPort && Protocol == other.Protocol && Version == other.Version;

    public override bool Equals(object? obj) => obj is FlowKey other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(AHigh, ALow, BHigh, BLow, APort | (BPort << 16), Protocol | (Version << 8));

    private static int Compare(in NetAddress x, ushort xPort, in NetAddress y, ushort yPort)
    {
        var c = x.High.CompareTo(y.High);
        if (c != 0)
        {
            return c;
        }

        c = x.Low.CompareTo(y.Low);
        return c != 0 ? c : xPort.CompareTo(yPort);
    }
}

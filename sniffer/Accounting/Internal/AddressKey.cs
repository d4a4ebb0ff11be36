using ClassroomGuard.Sniffer.Decoding;

namespace ClassroomGuard.Sniffer.Accounting.Internal;

/// <summary>
/// An address as a dictionary key. The hash is <see cref="HashCode"/>'s, seeded randomly per process, so a host on the LAN
/// cannot choose addresses that all land in one bucket (NetAddress's own hash is a plain XOR).
/// </summary>
internal readonly struct AddressKey(NetAddress address) : IEquatable<AddressKey>
{
    public readonly ulong High = address.High;
    public readonly ulong Low = address.Low;
    public readonly byte Version = address.Version;

    public NetAddress Address => new(High, Low, Version);

    public bool Equals(AddressKey other) => High == other.High && Low == other.Low && Version == other.Version;

    public override bool Equals(object? obj) => obj is AddressKey other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(High, Low, Version);
}

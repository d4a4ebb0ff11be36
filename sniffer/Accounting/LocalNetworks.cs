using System.Buffers.Binary;
using System.Net;
using ClassroomGuard.Sniffer.Decoding;

namespace ClassroomGuard.Sniffer.Accounting;

/// <summary>
/// The school's own address ranges (<c>Sniffer:LocalNetworks</c>): an address inside one of them is a device, anything
/// else is a site on the internet. Checked per packet with a short linear scan of masks (no allocation).
/// </summary>
public sealed class LocalNetworks
{
    /// <summary>
    /// The default: private IPv4 (RFC 1918), carrier-grade NAT (RFC 6598, used by some school ISPs inside the LAN), IPv4
    /// link-local, IPv6 unique-local (RFC 4193) and link-local.
    /// </summary>
    public static readonly IReadOnlyList<string> Defaults =
        ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16", "fc00::/7", "fe80::/10"];

    private readonly (uint Network, uint Mask)[] _v4;
    private readonly (ulong High, ulong Low, ulong MaskHigh, ulong MaskLow)[] _v6;

    private LocalNetworks((uint, uint)[] v4, (ulong, ulong, ulong, ulong)[] v6, IReadOnlyList<string> text)
    {
        _v4 = v4;
        _v6 = v6;
        Networks = text;
    }

    /// <summary>The ranges in CIDR form, as configured.</summary>
    public IReadOnlyList<string> Networks { get; }

    /// <summary>Parses CIDR ranges (<c>10.0.0.0/8</c>, <c>fd00::/8</c>); a bare address is a /32 or /128.</summary>
    /// <exception cref="FormatException">A range does not parse; the message quotes it.</exception>
    public static LocalNetworks Parse(IEnumerable<string> networks)
    {
        ArgumentNullException.ThrowIfNull(networks);
        var v4 = new List<(uint, uint)>();
        var v6 = new List<(ulong, ulong, ulong, ulong)>();
        var text = new List<string>();
        Span<byte> bytes = stackalloc byte[16];
        foreach (var item in networks)
        {
            if (!TryParseOne(item, out var network))
            {
                throw new FormatException($"'{item}' is not an address range in CIDR form (e.g. 10.0.0.0/8 or fd00::/8).");
            }

            text.Add(network.ToString());
            network.BaseAddress.TryWriteBytes(bytes, out var length);
            if (length == 4)
            {
                var mask = network.PrefixLength == 0 ? 0u : uint.MaxValue << (32 - network.PrefixLength);
                v4.Add((BinaryPrimitives.ReadUInt32BigEndian(bytes) & mask, mask));
            }
            else
            {
                var prefix = network.PrefixLength;
                var maskHigh = prefix == 0 ? 0UL : prefix >= 64 ? ulong.MaxValue : ulong.MaxValue << (64 - prefix);
                var maskLow = prefix <= 64 ? 0UL : prefix == 128 ? ulong.MaxValue : ulong.MaxValue << (128 - prefix);
                v6.Add((BinaryPrimitives.ReadUInt64BigEndian(bytes) & maskHigh, BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]) & maskLow, maskHigh, maskLow));
            }
        }

        return new LocalNetworks([.. v4], [.. v6], text);
    }

    /// <summary>Whether <paramref name="text"/> is a CIDR range (or a single address).</summary>
    public static bool TryParseOne(string? text, out IPNetwork network)
    {
        network = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var trimmed = text.Trim();
        if (!trimmed.Contains('/', StringComparison.Ordinal) && IPAddress.TryParse(trimmed, out var single))
        {
            network = new IPNetwork(single, single.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }

        // IPNetwork.TryParse refuses host bits set (10.1.2.3/8); a technician means the network, so clear them.
        var slash = trimmed.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || !IPAddress.TryParse(trimmed[..slash], out var address)
            || !int.TryParse(trimmed[(slash + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var prefix))
        {
            return false;
        }

        var bits = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128;
        if (prefix > bits || address.IsIPv4MappedToIPv6)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var length);
        for (var i = 0; i < length; i++)
        {
            var keep = Math.Clamp(prefix - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF00 >> keep);
        }

        network = new IPNetwork(new IPAddress(bytes[..length]), prefix);
        return true;
    }

    /// <summary>Whether <paramref name="address"/> lies in a local range (false for "none").</summary>
    public bool Contains(in NetAddress address)
    {
        if (address.Version == 4)
        {
            var ip = address.IPv4;
            foreach (var (network, mask) in _v4)
            {
                if ((ip & mask) == network)
                {
                    return true;
                }
            }

            return false;
        }

        if (address.Version == 6)
        {
            foreach (var (high, low, maskHigh, maskLow) in _v6)
            {
                if ((address.High & maskHigh) == high && (address.Low & maskLow) == low)
                {
                    return true;
                }
            }
        }

        return false;
    }
}

using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace ClassroomGuard.Console.Policy.Rules;

/// <summary>
/// Checks of the addresses a technician types into "who is in which group": an IP address, a subnet, a MAC address and
/// an IP range. Stricter than <see cref="IPAddress.TryParse(string?, out IPAddress?)"/>, which reads <c>10.1</c> as
/// 10.0.0.1 and <c>010.0.0.1</c> as 8.0.0.1 (octal): a policy must mean what the person read. Each refusal says which
/// form is expected.
/// </summary>
public static class AddressRules
{
    /// <summary>
    /// Most subnets one IP range may become. A range from–to is proposed as one change per subnet; past this many the
    /// approvals queue would drown in one request, and a range that ragged is usually a typing mistake.
    /// </summary>
    public const int MaxRangeSubnets = 16;

    private const int MaxAddressLength = 64;

    /// <summary>An IPv4 or IPv6 address in its canonical form (IPv4-mapped IPv6 becomes IPv4).</summary>
    public static Checked<IPAddress> Ip(string? text)
    {
        var trimmed = text?.Trim() ?? string.Empty;
        if (trimmed.Length == 0)
        {
            return Checked<IPAddress>.Refuse("Enter an IP address, like 10.1.20.31.");
        }

        if (trimmed.Length > MaxAddressLength)
        {
            return Checked<IPAddress>.Refuse("That is too long for an IP address: an IPv4 address looks like 10.1.20.31.");
        }

        if (trimmed.Contains('%', StringComparison.Ordinal))
        {
            return Checked<IPAddress>.Refuse("Enter the address without a zone (the part from %): a zone names one network card, not a device.");
        }

        if (trimmed.Contains(':', StringComparison.Ordinal))
        {
            if (!IPAddress.TryParse(trimmed, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
            {
                return Checked<IPAddress>.Refuse($"'{Shorten(trimmed)}' is not an IPv6 address (like 2001:db8::31); an IPv4 address looks like 10.1.20.31.");
            }

            return Checked<IPAddress>.Ok(v6.IsIPv4MappedToIPv6 ? v6.MapToIPv4() : v6);
        }

        var parts = trimmed.Split('.');
        Span<byte> bytes = stackalloc byte[4];
        if (parts.Length != 4)
        {
            return Checked<IPAddress>.Refuse($"'{Shorten(trimmed)}' is not an IP address: an IPv4 address is four numbers from 0 to 255 separated by dots, like 10.1.20.31.");
        }

        for (var i = 0; i < 4; i++)
        {
            var part = parts[i];
            if (part.Length is 0 or > 3 || !byte.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out bytes[i]))
            {
                return Checked<IPAddress>.Refuse($"'{Shorten(trimmed)}' is not an IP address: an IPv4 address is four numbers from 0 to 255 separated by dots, like 10.1.20.31.");
            }

            if (part.Length > 1 && part[0] == '0')
            {
                return Checked<IPAddress>.Refuse($"Write '{Shorten(trimmed)}' without leading zeros (some systems read 010 as the octal number 8), like 10.1.20.31.");
            }
        }

        return Checked<IPAddress>.Ok(new IPAddress(bytes));
    }

    /// <summary>A subnet in CIDR form with no host bits set, as text (<c>10.1.0.0/16</c>).</summary>
    public static Checked<string> Subnet(string? text)
    {
        var trimmed = text?.Trim() ?? string.Empty;
        const string Expected = "a subnet is written network/prefix length, like 10.1.0.0/16 or 2001:db8:1::/48";
        if (trimmed.Length == 0)
        {
            return Checked<string>.Refuse("Enter a subnet, like 10.1.0.0/16.");
        }

        var slash = trimmed.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || slash != trimmed.LastIndexOf('/'))
        {
            return Checked<string>.Refuse($"'{Shorten(trimmed)}' is not a subnet: {Expected}. For one device's address, choose IP address instead.");
        }

        var address = Ip(trimmed[..slash]);
        if (!address.IsValid)
        {
            return Checked<string>.Refuse($"The network part of '{Shorten(trimmed)}' is not an address: {Expected}.");
        }

        var max = address.Value!.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var prefixText = trimmed[(slash + 1)..];
        if (prefixText.Length is 0 or > 3 || !int.TryParse(prefixText, NumberStyles.None, CultureInfo.InvariantCulture, out var prefix) || prefix > max)
        {
            return Checked<string>.Refuse($"'{Shorten(trimmed)}' has no valid prefix length: an {(max == 32 ? "IPv4" : "IPv6")} prefix is /1 to /{max}, like 10.1.0.0/16.");
        }

        if (prefix == 0)
        {
            return Checked<string>.Refuse("A /0 subnet is every address: to filter everyone no other rule names, change the default group instead.");
        }

        var network = Network(address.Value, prefix);
        if (!network.Equals(address.Value))
        {
            return Checked<string>.Refuse(
                $"{address.Value}/{prefix} has host bits set: the subnet that holds {address.Value} is {network}/{prefix}. Enter that, or choose IP address for this one address.");
        }

        return Checked<string>.Ok($"{network}/{prefix}");
    }

    /// <summary>A MAC address as lower-case colon-separated hex (<c>3c:22:fb:12:34:56</c>).</summary>
    public static Checked<string> Mac(string? text)
    {
        var trimmed = text?.Trim() ?? string.Empty;
        const string Expected = "six pairs of hex digits, like 3c:22:fb:12:34:56 (dashes, or 3c22.fb12.3456, are read too)";
        if (trimmed.Length == 0)
        {
            return Checked<string>.Refuse("Enter a MAC address, like 3c:22:fb:12:34:56.");
        }

        if (trimmed.Length > 17 || !PhysicalAddress.TryParse(trimmed.ToUpperInvariant(), out var parsed) || parsed.GetAddressBytes() is not { Length: 6 } bytes)
        {
            return Checked<string>.Refuse($"'{Shorten(trimmed)}' is not a MAC address: a MAC address is {Expected}.");
        }

        if (bytes.All(b => b == 0) || bytes.All(b => b == 0xFF))
        {
            return Checked<string>.Refuse("That is not one device's MAC address (all zeros or broadcast): copy it from the device's network settings.");
        }

        if ((bytes[0] & 1) == 1)
        {
            return Checked<string>.Refuse("That is a multicast address, which no device uses as its own: copy the MAC address from the device's network settings.");
        }

        return Checked<string>.Ok(string.Join(':', bytes.Select(b => b.ToString("x2", CultureInfo.InvariantCulture))));
    }

    /// <summary>
    /// An IP range from–to (both inclusive) as the fewest CIDR subnets that cover exactly that range, in address order.
    /// Refused when either end is not an address, the ends are of different kinds, the end is before the start, or the
    /// range needs more than <see cref="MaxRangeSubnets"/> subnets.
    /// </summary>
    public static RangeCheck Range(string? from, string? to)
    {
        var first = Ip(from);
        if (!first.IsValid)
        {
            return RangeCheck.Refuse(first.Problem!, RangeField.From);
        }

        var last = Ip(to);
        if (!last.IsValid)
        {
            return RangeCheck.Refuse(last.Problem!, RangeField.To);
        }

        var (start, end) = (first.Value!, last.Value!);
        if (start.AddressFamily != end.AddressFamily)
        {
            return RangeCheck.Refuse("Both ends of a range are IPv4 addresses, or both IPv6.", RangeField.To);
        }

        var bits = start.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var (low, high) = (ToNumber(start), ToNumber(end));
        if (high < low)
        {
            return RangeCheck.Refuse($"The range ends ({end}) before it starts ({start}): put the lower address first.", RangeField.To);
        }

        if (low == 0 && high == Max(bits))
        {
            return RangeCheck.Refuse("That range is every address: to filter everyone no other rule names, change the default group instead.", RangeField.To);
        }

        var subnets = new List<string>();
        var current = low;
        while (true)
        {
            // The largest block that starts at current (its alignment) and does not run past the end.
            var size = current == 0 ? bits - 1 : Math.Min(bits, (int)UInt128.TrailingZeroCount(current));
            while (size > 0 && (high - current) < ((UInt128.One << size) - 1))
            {
                size--;
            }

            subnets.Add($"{FromNumber(current, bits)}/{bits - size}");
            if (subnets.Count > MaxRangeSubnets)
            {
                return RangeCheck.Refuse(
                    $"From {start} to {end} needs more than {MaxRangeSubnets} subnets. Choose ends on round boundaries (like 10.1.20.0 to 10.1.23.255, which is one subnet, 10.1.20.0/22), or add the subnets one by one.",
                    RangeField.To);
            }

            var blockEnd = current + ((UInt128.One << size) - 1);
            if (blockEnd >= high)
            {
                return new RangeCheck(subnets, null, null);
            }

            current = blockEnd + 1;
        }
    }

    /// <summary>
    /// Whether <paramref name="address"/> lies in the normalised subnet <paramref name="subnet"/> (and its prefix length
    /// when it does); false when it does not, or when <paramref name="subnet"/> is not a subnet.
    /// </summary>
    public static bool Contains(string subnet, IPAddress address, out int prefixLength)
    {
        ArgumentNullException.ThrowIfNull(address);
        prefixLength = 0;
        var slash = subnet?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        if (slash < 0 || !IPAddress.TryParse(subnet.AsSpan(0, slash), out var network)
            || !int.TryParse(subnet.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var prefix))
        {
            return false;
        }

        network = network.IsIPv4MappedToIPv6 ? network.MapToIPv4() : network;
        var candidate = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        if (network.AddressFamily != candidate.AddressFamily || prefix > (network.AddressFamily == AddressFamily.InterNetwork ? 32 : 128))
        {
            return false;
        }

        if (!Network(candidate, prefix).Equals(Network(network, prefix)))
        {
            return false;
        }

        prefixLength = prefix;
        return true;
    }

    private static IPAddress Network(IPAddress address, int prefix)
    {
        var bits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var mask = prefix == 0 ? UInt128.Zero : (Max(bits) >> (bits - prefix)) << (bits - prefix);
        return FromNumber(ToNumber(address) & mask, bits);
    }

    private static UInt128 Max(int bits) => bits == 128 ? UInt128.MaxValue : (UInt128.One << bits) - 1;

    private static UInt128 ToNumber(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var written);
        return written == 4 ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }

    private static IPAddress FromNumber(UInt128 value, int bits)
    {
        if (bits == 32)
        {
            Span<byte> v4 = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(v4, (uint)value);
            return new IPAddress(v4);
        }

        Span<byte> v6 = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(v6, value);
        return new IPAddress(v6);
    }

    /// <summary>What was typed, cut short for a message (a pasted paragraph is not echoed back whole).</summary>
    internal static string Shorten(string text) => text.Length <= 48 ? text : string.Concat(text.AsSpan(0, 45), "…");
}

/// <summary>Which end of a range a refusal concerns.</summary>
public enum RangeField
{
    /// <summary>The first address.</summary>
    From,

    /// <summary>The last address (or the range as a whole).</summary>
    To,
}

/// <summary>An IP range turned into subnets, or why not.</summary>
/// <param name="Subnets">The subnets in address order, when accepted.</param>
/// <param name="Problem">Why it was refused, or null.</param>
/// <param name="Field">Which end the refusal concerns.</param>
public sealed record RangeCheck(IReadOnlyList<string>? Subnets, string? Problem, RangeField? Field)
{
    /// <summary>Whether the range was accepted.</summary>
    public bool IsValid => Problem is null;

    internal static RangeCheck Refuse(string problem, RangeField field) => new(null, problem, field);
}

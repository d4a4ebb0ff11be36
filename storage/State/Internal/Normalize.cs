using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;

namespace ClassroomGuard.Storage.State.Internal;

/// <summary>One spelling per address and name, so lookups and unique keys work.</summary>
internal static class Normalize
{
    /// <summary>MAC as lower-case colon-separated hex (<c>aa:bb:cc:dd:ee:ff</c>), or null when not a 6-byte MAC.</summary>
    public static string? Mac(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || !PhysicalAddress.TryParse(text.Trim().ToUpperInvariant(), out var address))
        {
            return null;
        }

        var bytes = address.GetAddressBytes();
        return bytes.Length == 6 ? string.Join(':', bytes.Select(b => b.ToString("x2", CultureInfo.InvariantCulture))) : null;
    }

    /// <summary>IP in its canonical text form; IPv4-mapped IPv6 becomes IPv4. Null when not an IP.</summary>
    public static string? Ip(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || !IPAddress.TryParse(text.Trim(), out var address))
        {
            return null;
        }

        return (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
    }

    /// <summary>Subnet in CIDR form with host bits cleared, or null.</summary>
    public static string? Subnet(string? text)
        => !string.IsNullOrWhiteSpace(text) && IPNetwork.TryParse(text.Trim(), out var network) ? network.ToString() : null;

    /// <summary>Domain lower-case without trailing dot, or null when it is not a plausible DNS name.</summary>
    public static string? Domain(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var domain = text.Trim().TrimEnd('.').ToLowerInvariant();
        if (domain.Length is 0 or > 253 || domain.StartsWith('.') || domain.Contains("..", StringComparison.Ordinal))
        {
            return null;
        }

        foreach (var c in domain)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_'))
            {
                return null;
            }
        }

        return domain;
    }
}

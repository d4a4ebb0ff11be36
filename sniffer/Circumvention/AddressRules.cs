using System.Net;
using System.Net.NetworkInformation;
using ClassroomGuard.Sniffer.Decoding;

namespace ClassroomGuard.Sniffer.Circumvention;

/// <summary>
/// The address settings of <see cref="CircumventionOptions"/>, parsed once: who is a school device, who is exempt, and
/// which resolvers are allowed. Lookups compare integers and allocate nothing (capture thread).
/// </summary>
public sealed class AddressRules
{
    private readonly NetworkPrefix[] _local;
    private readonly NetworkPrefix[] _exempt;
    private readonly HashSet<NetAddress> _appliance;
    private readonly HashSet<NetAddress> _allowedResolvers;

    private AddressRules(NetworkPrefix[] local, NetworkPrefix[] exempt, HashSet<NetAddress> appliance, HashSet<NetAddress> allowedResolvers)
    {
        _local = local;
        _exempt = exempt;
        _appliance = appliance;
        _allowedResolvers = allowedResolvers;
    }

    /// <summary>The appliance's addresses in effect (configured or this host's own).</summary>
    public IReadOnlyCollection<NetAddress> ApplianceAddresses => _appliance;

    /// <summary>
    /// Parses the settings. Returns null and fills <paramref name="errors"/> (each naming its setting) when any value is
    /// not an address or network.
    /// </summary>
    public static AddressRules? TryCreate(CircumventionOptions options, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(errors);
        var local = ParseNetworks(options.LocalNetworks is { Count: > 0 } networks ? networks : CircumventionOptions.DefaultLocalNetworks, CircumventionOptions.LocalNetworksKey, errors);
        var exempt = ParseNetworks(options.ExemptClients ?? [], "Sniffer:Circumvention:ExemptClients", errors);
        var appliance = options.ApplianceAddresses is { } configured
            ? ParseAddresses(configured, "Sniffer:Circumvention:ApplianceAddresses", errors)
            : HostAddresses();
        var allowed = ParseAddresses(options.AllowedResolvers ?? [], "Sniffer:Circumvention:AllowedResolvers", errors);
        return errors.Count == 0 ? new AddressRules(local, exempt, appliance, allowed) : null;
    }

    /// <summary>
    /// Whether traffic from <paramref name="address"/> can raise an alert: a school device (in the local networks), not
    /// exempt, and not the appliance itself.
    /// </summary>
    public bool IsMonitoredClient(in NetAddress address) =>
        address.Version != 0 && Contains(_local, address) && !Contains(_exempt, address) && !_appliance.Contains(address);

    /// <summary>Whether <paramref name="address"/> is a resolver devices may use (the appliance or an allowed resolver).</summary>
    public bool IsAllowedResolver(in NetAddress address) => _appliance.Contains(address) || _allowedResolvers.Contains(address);

    private static bool Contains(NetworkPrefix[] prefixes, in NetAddress address)
    {
        foreach (var prefix in prefixes)
        {
            if (prefix.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    private static NetworkPrefix[] ParseNetworks(IEnumerable<string> values, string setting, List<string> errors)
    {
        var prefixes = new List<NetworkPrefix>();
        var i = 0;
        foreach (var value in values)
        {
            var text = value?.Trim() ?? "";
            if (IPNetwork.TryParse(text, out var network))
            {
                prefixes.Add(NetworkPrefix.From(network));
            }
            else if (IPAddress.TryParse(text, out var single))
            {
                prefixes.Add(NetworkPrefix.From(new IPNetwork(single, single.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128)));
            }
            else
            {
                errors.Add($"{setting}:{i} '{text}' is not an address or a network in CIDR form (10.0.0.0/8, fd00::/8).");
            }

            i++;
        }

        return [.. prefixes];
    }

    private static HashSet<NetAddress> ParseAddresses(IEnumerable<string> values, string setting, List<string> errors)
    {
        var set = new HashSet<NetAddress>();
        var i = 0;
        foreach (var value in values)
        {
            var text = value?.Trim() ?? "";
            if (IPAddress.TryParse(text, out var address))
            {
                set.Add(NetAddress.FromIPAddress(address));
            }
            else
            {
                errors.Add($"{setting}:{i} '{text}' is not an IP address.");
            }

            i++;
        }

        return set;
    }

    private static HashSet<NetAddress> HostAddresses()
    {
        var set = new HashSet<NetAddress>();
        foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            foreach (var unicast in nic.GetIPProperties().UnicastAddresses)
            {
                set.Add(NetAddress.FromIPAddress(unicast.Address));
            }
        }

        return set;
    }

    /// <summary>A network as a 128-bit value and mask (IPv4 in its IPv4-mapped form, as <see cref="NetAddress"/> holds it).</summary>
    private readonly record struct NetworkPrefix(ulong High, ulong Low, ulong MaskHigh, ulong MaskLow)
    {
        public static NetworkPrefix From(IPNetwork network)
        {
            var address = NetAddress.FromIPAddress(network.BaseAddress);
            var bits = network.PrefixLength + (address.Version == 4 ? 96 : 0);
            var mask = bits == 0 ? UInt128.Zero : UInt128.MaxValue << (128 - bits);
            var maskHigh = (ulong)(mask >> 64);
            var maskLow = (ulong)mask;
            return new NetworkPrefix(address.High & maskHigh, address.Low & maskLow, maskHigh, maskLow);
        }

        public bool Contains(in NetAddress address) => (address.High & MaskHigh) == High && (address.Low & MaskLow) == Low;
    }
}

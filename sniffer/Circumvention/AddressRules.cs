using System.Net;
using System.Net.NetworkInformation;
using ClassroomGuard.Sniffer.Accounting;
using ClassroomGuard.Sniffer.Decoding;

namespace ClassroomGuard.Sniffer.Circumvention;

/// <summary>
/// The address settings of <see cref="CircumventionOptions"/>, parsed once: who is a school device, who is exempt, and
/// which resolvers are allowed. Lookups compare integers and allocate nothing (capture thread).
/// </summary>
public sealed class AddressRules
{
    private readonly LocalNetworks _local;
    private readonly LocalNetworks _exempt;
    private readonly HashSet<NetAddress> _appliance;
    private readonly HashSet<NetAddress> _allowedResolvers;

    private AddressRules(LocalNetworks local, LocalNetworks exempt, HashSet<NetAddress> appliance, HashSet<NetAddress> allowedResolvers)
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
        // The parser accounting uses too, so one setting means the same ranges (and the same errors) everywhere.
        var local = LocalNetworks.TryParse(options.LocalNetworks is { Count: > 0 } networks ? networks : LocalNetworks.Defaults, CircumventionOptions.LocalNetworksKey, errors);
        var exempt = LocalNetworks.TryParse(options.ExemptClients ?? [], "Sniffer:Circumvention:ExemptClients", errors);
        var appliance = options.ApplianceAddresses is { } configured
            ? ParseAddresses(configured, "Sniffer:Circumvention:ApplianceAddresses", errors)
            : HostAddresses();
        var allowed = ParseAddresses(options.AllowedResolvers ?? [], "Sniffer:Circumvention:AllowedResolvers", errors);
        return errors.Count == 0 ? new AddressRules(local!, exempt!, appliance, allowed) : null;
    }

    /// <summary>
    /// Whether traffic from <paramref name="address"/> can raise an alert: a school device (in the local networks), not
    /// exempt, and not the appliance itself.
    /// </summary>
    public bool IsMonitoredClient(in NetAddress address) =>
        address.Version != 0 && _local.Contains(address) && !_exempt.Contains(address) && !_appliance.Contains(address);

    /// <summary>Whether <paramref name="address"/> is a resolver devices may use (the appliance or an allowed resolver).</summary>
    public bool IsAllowedResolver(in NetAddress address) => _appliance.Contains(address) || _allowedResolvers.Contains(address);

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
}

using System.Net;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Policy.Rules;

/// <summary>The rule that put an address in its group (the DNS filter's order, docs/dns-policy.md "Client → group").</summary>
public enum MembershipStep
{
    /// <summary>1. The device holding the address has a group of its own.</summary>
    DeviceGroup = 1,

    /// <summary>2. A MAC address of that device is mapped to a group.</summary>
    Mac = 2,

    /// <summary>3. The exact IP address is mapped to a group.</summary>
    Ip = 3,

    /// <summary>4. The longest subnet that holds the address is mapped to a group.</summary>
    Subnet = 4,

    /// <summary>5. Nothing names it: the default group.</summary>
    Default = 5,
}

/// <summary>Which group an address lands in and why.</summary>
/// <param name="GroupKey">The group's key (never shown).</param>
/// <param name="GroupName">The group's name.</param>
/// <param name="Step">The rule that decided.</param>
/// <param name="Why">The decision as a sentence.</param>
/// <param name="Outranked">Other rules that match the address but rank lower, as sentences (empty when none).</param>
/// <param name="Notes">What the person should know about their question (the MAC they typed is not this device's…).</param>
public sealed record GroupResolution(string GroupKey, string GroupName, MembershipStep Step, string Why, IReadOnlyList<string> Outranked, IReadOnlyList<string> Notes);

/// <summary>
/// Answers "which group does this address land in, and why?" from a policy snapshot, in the DNS filter's order:
/// 1. the group of the device that holds the address, 2. a MAC mapping of that device's MACs, 3. an exact IP mapping,
/// 4. the longest matching subnet, 5. the default group. The filter sees only the address a query comes from; it finds
/// the device by the addresses devices hold now, and the MACs through that device (see CompiledPolicy.CompileClients,
/// which this mirrors: the last device recorded with the address wins, mappings to a group that no longer exists are
/// skipped, and one group alone is everyone's default).
/// </summary>
public static class GroupResolver
{
    /// <summary>The five rules in order, in words, as the membership page shows them.</summary>
    public static IReadOnlyList<string> Precedence { get; } =
    [
        "The device's own group, if a technician gave the device one.",
        "Else a MAC mapping: one of the device's MAC addresses is mapped to a group.",
        "Else an exact IP mapping: the address itself is mapped to a group.",
        "Else the longest matching subnet: of the subnets that hold the address, the narrowest (largest /number) decides.",
        "Else the default group.",
    ];

    /// <summary>Which group <paramref name="address"/> (with <paramref name="mac"/>, if the person gave one) lands in.</summary>
    /// <param name="snapshot">The policy in force.</param>
    /// <param name="address">The client's address (normalised: IPv4-mapped IPv6 is taken as IPv4).</param>
    /// <param name="mac">A normalised MAC address the person typed, or null.</param>
    /// <param name="deviceNames">Device labels by id, for the sentences.</param>
    public static GroupResolution Resolve(PolicySnapshot snapshot, IPAddress address, string? mac, IReadOnlyDictionary<long, string> deviceNames)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(deviceNames);
        var ip = (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
        var groups = snapshot.Groups.ToDictionary(g => g.Key, StringComparer.Ordinal);
        var notes = new List<string>();
        var candidates = new List<(MembershipStep Step, string Key, string Sentence)>();

        string Name(long id) => deviceNames.TryGetValue(id, out var name) ? name : "a device";
        string GroupName(string key) => groups[key].Name;

        var holder = snapshot.Devices.LastOrDefault(d => d.Ips.Contains(ip, StringComparer.OrdinalIgnoreCase));
        var macs = new List<string>();
        string subject;
        if (holder is not null)
        {
            subject = Name(holder.DeviceId);
            macs.AddRange(holder.Macs);
            if (mac is not null && !holder.Macs.Contains(mac, StringComparer.OrdinalIgnoreCase))
            {
                notes.Add($"{subject} holds {ip} now, so the filter goes by {subject}; the MAC address you typed ({mac}) is not one of its own and is not used.");
            }
        }
        else if (mac is not null && snapshot.Devices.LastOrDefault(d => d.Macs.Contains(mac, StringComparer.OrdinalIgnoreCase)) is { } byMac)
        {
            holder = byMac;
            subject = Name(byMac.DeviceId);
            macs.AddRange(byMac.Macs);
            notes.Add($"No device holds {ip} now. The answer is for {subject} (MAC {mac}) once it has that address.");
        }
        else
        {
            subject = ip;
            if (mac is not null)
            {
                macs.Add(mac);
                notes.Add($"No device with MAC {mac} is recorded yet. A MAC mapping applies once the network monitor or the agent records the device.");
            }
            else
            {
                notes.Add($"No device recorded on the network holds {ip} now: only address mappings can apply.");
            }
        }

        if (holder?.GroupKey is { } own && groups.ContainsKey(own))
        {
            candidates.Add((MembershipStep.DeviceGroup, own, $"{subject} has its own group, {GroupName(own)}."));
        }

        foreach (var m in macs)
        {
            var mapping = snapshot.ClientMappings.FirstOrDefault(c => c.Kind == ClientMappingKind.Mac && string.Equals(c.Value, m, StringComparison.OrdinalIgnoreCase) && groups.ContainsKey(c.GroupKey));
            if (mapping is not null)
            {
                candidates.Add((MembershipStep.Mac, mapping.GroupKey, $"The MAC address {mapping.Value} of {subject} is mapped to {GroupName(mapping.GroupKey)}."));
                break;
            }
        }

        if (snapshot.ClientMappings.FirstOrDefault(c => c.Kind == ClientMappingKind.Ip && IPAddress.TryParse(c.Value, out var v) && Same(v, address) && groups.ContainsKey(c.GroupKey)) is { } exact)
        {
            candidates.Add((MembershipStep.Ip, exact.GroupKey, $"The address {ip} is mapped to {GroupName(exact.GroupKey)}."));
        }

        var subnets = snapshot.ClientMappings
            .Where(c => c.Kind == ClientMappingKind.Subnet && groups.ContainsKey(c.GroupKey))
            .Select(c => (Mapping: c, Matches: AddressRules.Contains(c.Value, address, out var prefix), Prefix: prefix))
            .Where(s => s.Matches)
            .OrderByDescending(s => s.Prefix)
            .ToList();
        for (var i = 0; i < subnets.Count; i++)
        {
            var (mapping, _, _) = subnets[i];
            candidates.Add((MembershipStep.Subnet, mapping.GroupKey, i == 0
                ? $"{ip} is in the subnet {mapping.Value}, mapped to {GroupName(mapping.GroupKey)}{(subnets.Count > 1 ? " (the narrowest subnet that holds it)" : string.Empty)}."
                : $"{ip} is also in the wider subnet {mapping.Value}, mapped to {GroupName(mapping.GroupKey)}."));
        }

        var fallback = snapshot.Groups.Count == 1 ? snapshot.Groups[0] : snapshot.Groups.FirstOrDefault(g => g.IsDefault) ?? snapshot.Groups[0];
        candidates.Add((MembershipStep.Default, fallback.Key, $"No device group, MAC, IP or subnet mapping names {subject}, so the default group applies: {fallback.Name}."));

        var decided = candidates[0];
        var outranked = candidates.Skip(1).Where(c => c.Step != MembershipStep.Default).Select(c => $"Rule {(int)c.Step}: {c.Sentence}").ToList();
        return new GroupResolution(decided.Key, GroupName(decided.Key), decided.Step, $"Rule {(int)decided.Step}: {decided.Sentence}", outranked, notes);
    }

    private static bool Same(IPAddress a, IPAddress b)
        => (a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a).Equals(b.IsIPv4MappedToIPv6 ? b.MapToIPv4() : b);
}

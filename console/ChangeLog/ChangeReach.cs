using System.Globalization;
using System.Net;
using ClassroomGuard.Console.Administration;
using ClassroomGuard.Console.Policy.Rules;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.ChangeLog;

/// <summary>
/// Whom a pending change affects, for the approver: "Pupils: Key Stage 3: 124 devices now". Devices are counted in
/// the group the filter puts them in today (the DNS filter's order, as <see cref="GroupResolver"/>: the device's own
/// group, a MAC mapping, an exact IP mapping, the narrowest subnet, the default group). Null where a count would say
/// nothing useful (an unblock names its room already; a calendar entry touches only term-time rules).
/// </summary>
internal sealed class ChangeReach
{
    private readonly PolicyNames names;
    private readonly Dictionary<string, int> perGroup = new(StringComparer.Ordinal);
    private readonly int total;

    public ChangeReach(PolicyNames names)
    {
        ArgumentNullException.ThrowIfNull(names);
        this.names = names;
        var snapshot = names.Snapshot;
        var groups = snapshot.Groups.Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        var fallback = snapshot.Groups.Count == 1 ? snapshot.Groups[0].Key : (snapshot.Groups.FirstOrDefault(g => g.IsDefault) ?? snapshot.Groups.FirstOrDefault())?.Key;
        foreach (var device in snapshot.Devices)
        {
            var key = GroupOf(snapshot, device, groups) ?? fallback;
            if (key is not null)
            {
                perGroup[key] = perGroup.GetValueOrDefault(key) + 1;
            }
        }

        total = snapshot.Devices.Count;
    }

    /// <summary>Whom <paramref name="change"/> affects, in words, or null.</summary>
    public string? Describe(PolicyChange change) => change switch
    {
        BlockCategoryChange c => Group(c.GroupKey),
        UnblockCategoryChange c => Group(c.GroupKey),
        AddScheduleChange c => Group(c.GroupKey),
        RemoveScheduleChange r => names.Snapshot.Groups.SelectMany(g => g.Schedules).FirstOrDefault(s => s.Id == r.ScheduleId) is { } s ? Group(s.GroupKey) : null,
        SetDomainRuleChange c => Group(c.GroupKey),
        SetSafeSearchChange c => Group(c.GroupKey),
        SetYouTubeModeChange c => Group(c.GroupKey),
        SetBlockPageTextChange c => Group(c.GroupKey),
        RenameGroupChange c => Group(c.GroupKey),
        RetireGroupChange c => Group(c.GroupKey),
        SetDeviceGroupChange d => $"One device: {names.Device(d.DeviceId)}",
        CreateGroupChange => "Nobody yet: devices join the new group only when a technician puts them in it",
        _ => null,
    };

    private string Group(string? key) => key is null
        ? $"Every group: {Devices(total)} on record"
        : $"{names.GroupName(key)}: {Devices(perGroup.GetValueOrDefault(key))} in it now";

    private static string Devices(int count) => count == 1 ? "1 device" : $"{count.ToString("N0", CultureInfo.InvariantCulture)} devices";

    private static string? GroupOf(PolicySnapshot snapshot, DeviceAddresses device, HashSet<string> groups)
    {
        if (device.GroupKey is { } own && groups.Contains(own))
        {
            return own;
        }

        foreach (var mac in device.Macs)
        {
            if (snapshot.ClientMappings.FirstOrDefault(c => c.Kind == ClientMappingKind.Mac && string.Equals(c.Value, mac, StringComparison.OrdinalIgnoreCase) && groups.Contains(c.GroupKey)) is { } byMac)
            {
                return byMac.GroupKey;
            }
        }

        foreach (var text in device.Ips)
        {
            if (!IPAddress.TryParse(text, out var ip))
            {
                continue;
            }

            if (snapshot.ClientMappings.FirstOrDefault(c => c.Kind == ClientMappingKind.Ip && IPAddress.TryParse(c.Value, out var v) && v.Equals(ip) && groups.Contains(c.GroupKey)) is { } exact)
            {
                return exact.GroupKey;
            }

            string? narrowest = null;
            var longest = -1;
            foreach (var mapping in snapshot.ClientMappings)
            {
                if (mapping.Kind == ClientMappingKind.Subnet && groups.Contains(mapping.GroupKey) && AddressRules.Contains(mapping.Value, ip, out var prefix) && prefix > longest)
                {
                    (narrowest, longest) = (mapping.GroupKey, prefix);
                }
            }

            if (narrowest is not null)
            {
                return narrowest;
            }
        }

        return null;
    }
}

using ClassroomGuard.Console.Administration;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Policy.Rules;

/// <summary>
/// "Who is in which group": the subnet, IP and MAC mappings and the devices with a group of their own, read in words;
/// proposals to add, change or remove them (each with a mandatory reason, applied only when a second person approves);
/// and the address tester. Every method checks the caller again, whatever the page showed.
/// </summary>
internal sealed class MembershipService(StateStore store, RulesAccess access)
{
    /// <summary>The page head: default group, groups, and membership changes waiting for approval.</summary>
    public async Task<MembershipView> ViewAsync(ConsoleUser actor, CancellationToken cancellationToken)
    {
        RulesAccess.RequireReader(actor);
        var snapshot = await store.Policy.GetSnapshotAsync(cancellationToken);
        var (_, pending) = await access.PendingAsync(actor, IsMembership, snapshot, cancellationToken);
        return new MembershipView(
            snapshot.ActiveGroups.FirstOrDefault(g => g.IsDefault)?.Name ?? snapshot.ActiveGroups.FirstOrDefault()?.Name ?? "none",
            snapshot.ActiveGroups.Select(g => new GroupChoice(g.Key, g.Name)).ToList(),
            pending);
    }

    /// <summary>One page of the mappings, subnets first, then IP addresses, then MAC addresses, each in address order.</summary>
    public async Task<PageOf<MappingRow>> MappingsAsync(ConsoleUser actor, MappingFilter filter, PageRequest page, CancellationToken cancellationToken)
    {
        RulesAccess.RequireReader(actor);
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(page);
        var snapshot = await store.Policy.GetSnapshotAsync(cancellationToken);
        var names = snapshot.Groups.ToDictionary(g => g.Key, GroupName, StringComparer.Ordinal);
        var pending = (await store.ChangeControl.GetPendingAsync(cancellationToken)).Select(p => p.Change).OfType<SetClientMappingChange>()
            .Select(c => (c.Kind, Value: Normalised(c.Kind, c.Value))).ToHashSet();
        var search = filter.Search?.Trim();
        var rows = snapshot.ClientMappings
            .Where(m => filter.Kind is null || m.Kind == filter.Kind)
            .Select(m => new MappingRow(m.Kind, KindText(m.Kind), m.Value, m.GroupKey, names.TryGetValue(m.GroupKey, out var n) ? n : "a group that no longer exists", pending.Contains((m.Kind, m.Value))))
            .Where(r => string.IsNullOrEmpty(search) || r.Value.Contains(search, StringComparison.OrdinalIgnoreCase) || r.Group.Contains(search, StringComparison.OrdinalIgnoreCase));
        IEnumerable<MappingRow> sorted = page.SortBy switch
        {
            nameof(MappingRow.Group) => rows.OrderBy(r => r.Group, StringComparer.OrdinalIgnoreCase).ThenBy(r => r.Kind).ThenBy(r => SortKey(r), StringComparer.Ordinal),
            nameof(MappingRow.Value) => rows.OrderBy(r => SortKey(r), StringComparer.Ordinal),
            _ => rows.OrderBy(r => r.Kind).ThenBy(r => SortKey(r), StringComparer.Ordinal),
        };
        var list = (page.Descending ? sorted.Reverse() : sorted).ToList();
        return new PageOf<MappingRow>(list.Skip(page.Offset).Take(Math.Max(1, page.Limit)).ToList(), list.Count);
    }

    /// <summary>One page of the devices that have a group of their own (the rest are filtered by their addresses).</summary>
    public async Task<PageOf<MemberDeviceRow>> DevicesAsync(ConsoleUser actor, string? search, PageRequest page, CancellationToken cancellationToken)
    {
        RulesAccess.RequireReader(actor);
        ArgumentNullException.ThrowIfNull(page);
        var snapshot = await store.Policy.GetSnapshotAsync(cancellationToken);
        var names = snapshot.Groups.ToDictionary(g => g.Key, GroupName, StringComparer.Ordinal);
        var grouped = snapshot.Devices.Where(d => d.GroupKey is not null).ToDictionary(d => d.DeviceId, d => d.GroupKey!);
        var pending = (await store.ChangeControl.GetPendingAsync(cancellationToken)).Select(p => p.Change).OfType<SetDeviceGroupChange>().Select(c => c.DeviceId).ToHashSet();

        // Only devices with a group of their own are listed; a school has a few hundred of them at most.
        var rows = new List<MemberDeviceRow>(grouped.Count);
        foreach (var (id, key) in grouped)
        {
            if (await store.Devices.GetAsync(id, cancellationToken) is { } device)
            {
                rows.Add(new MemberDeviceRow(id, AdminActions.DeviceLabel(device), string.Join("  ", device.Macs.Concat(device.Ips)), key, names.GetValueOrDefault(key, key), pending.Contains(id)));
            }
        }

        var text = search?.Trim();
        var matching = rows.Where(r => string.IsNullOrEmpty(text)
            || r.Name.Contains(text, StringComparison.OrdinalIgnoreCase) || r.Addresses.Contains(text, StringComparison.OrdinalIgnoreCase) || r.Group.Contains(text, StringComparison.OrdinalIgnoreCase));
        Func<MemberDeviceRow, string> by = page.SortBy == nameof(MemberDeviceRow.Group) ? r => r.Group : r => r.Name;
        var sorted = (page.Descending ? matching.OrderByDescending(by, StringComparer.OrdinalIgnoreCase) : matching.OrderBy(by, StringComparer.OrdinalIgnoreCase)).ToList();
        return new PageOf<MemberDeviceRow>(sorted.Skip(page.Offset).Take(Math.Max(1, page.Limit)).ToList(), sorted.Count);
    }

    /// <summary>Devices whose name, user, MAC or IP contains <paramref name="search"/> (at most 10), for choosing one.</summary>
    public async Task<IReadOnlyList<DeviceChoice>> FindDevicesAsync(ConsoleUser actor, string? search, CancellationToken cancellationToken)
    {
        RulesAccess.RequireReader(actor);
        var found = await store.Devices.QueryAsync(new DeviceQuery(Search: string.IsNullOrWhiteSpace(search) ? null : search.Trim(), Limit: 10), cancellationToken);
        return found.Devices.Select(d => new DeviceChoice(d.Id, $"{AdminActions.DeviceLabel(d)} ({string.Join(", ", d.Macs.Concat(d.Ips).DefaultIfEmpty("no address yet"))})")).ToList();
    }

    /// <summary>Which group an address (and optional MAC) lands in under the policy in force, and why.</summary>
    public async Task<AddressTestOutcome> TestAsync(ConsoleUser actor, string? ip, string? mac, CancellationToken cancellationToken)
    {
        RulesAccess.RequireReader(actor);
        var address = AddressRules.Ip(ip);
        if (!address.IsValid)
        {
            return new AddressTestOutcome(null, address.Problem, RulesFields.Ip);
        }

        string? normalisedMac = null;
        if (!string.IsNullOrWhiteSpace(mac))
        {
            var checkedMac = AddressRules.Mac(mac);
            if (!checkedMac.IsValid)
            {
                return new AddressTestOutcome(null, checkedMac.Problem, RulesFields.Mac);
            }

            normalisedMac = checkedMac.Value;
        }

        var snapshot = await store.Policy.GetSnapshotAsync(cancellationToken);
        if (snapshot.ActiveGroups.Count == 0)
        {
            return new AddressTestOutcome(null, "There are no filtering groups yet.", RulesFields.Ip);
        }

        var holders = snapshot.Devices.Where(d => d.Ips.Contains(address.Value!.ToString(), StringComparer.OrdinalIgnoreCase)
            || (normalisedMac is not null && d.Macs.Contains(normalisedMac, StringComparer.OrdinalIgnoreCase)));
        var names = new Dictionary<long, string>();
        foreach (var holder in holders)
        {
            if (await store.Devices.GetAsync(holder.DeviceId, cancellationToken) is { } device)
            {
                names[device.Id] = AdminActions.DeviceLabel(device);
            }
        }

        return new AddressTestOutcome(GroupResolver.Resolve(snapshot, address.Value!, normalisedMac, names), null, null);
    }

    /// <summary>Proposes mapping a subnet, IP address or MAC address to a group (adds it, or changes its group).</summary>
    public async Task<AdminResult> ProposeMappingAsync(ConsoleUser actor, ClientMappingKind kind, string? value, string? groupKey, string? reason, CancellationToken cancellationToken)
    {
        if (await access.DenyAsync(actor, cancellationToken) is { } denied)
        {
            return denied;
        }

        var checkedValue = Check(kind, value);
        if (!checkedValue.IsValid)
        {
            return AdminResult.Refused(checkedValue.Problem!, RulesFields.Value);
        }

        var snapshot = await store.Policy.GetSnapshotAsync(cancellationToken);
        if (string.IsNullOrEmpty(groupKey) || snapshot.ActiveGroups.All(g => g.Key != groupKey))
        {
            return AdminResult.Refused("Choose the group.", RulesFields.GroupKey);
        }

        if (RulesAccess.ReasonProblem(reason) is { } badReason)
        {
            return AdminResult.Refused(badReason, RulesFields.Reason);
        }

        if (await PendingFor(kind, checkedValue.Value!, cancellationToken))
        {
            return AdminResult.Refused($"A change of the {KindText(kind).ToLowerInvariant()} {checkedValue.Value} already waits for approval: let it be decided first.", RulesFields.Value);
        }

        var (_, refusal) = await access.ProposeAsync(actor, new SetClientMappingChange(kind, checkedValue.Value!, groupKey), reason!, cancellationToken);
        return refusal is null ? AdminResult.Done(RulesAccess.Proposed) : AdminResult.Refused(refusal, refusal.StartsWith("That is already", StringComparison.Ordinal) ? RulesFields.GroupKey : null);
    }

    /// <summary>
    /// Proposes mapping an IP range to a group: the range becomes the fewest subnets that cover exactly it, and each is
    /// proposed as its own change with the same reason (each is then a mapping the filter and the log know, approved or
    /// rejected on its own; the approvals page lists them together).
    /// </summary>
    public async Task<AdminResult> ProposeRangeAsync(ConsoleUser actor, string? from, string? to, string? groupKey, string? reason, CancellationToken cancellationToken)
    {
        if (await access.DenyAsync(actor, cancellationToken) is { } denied)
        {
            return denied;
        }

        var range = AddressRules.Range(from, to);
        if (!range.IsValid)
        {
            return AdminResult.Refused(range.Problem!, range.Field == RangeField.From ? RulesFields.From : RulesFields.To);
        }

        var snapshot = await store.Policy.GetSnapshotAsync(cancellationToken);
        if (string.IsNullOrEmpty(groupKey) || snapshot.ActiveGroups.All(g => g.Key != groupKey))
        {
            return AdminResult.Refused("Choose the group.", RulesFields.GroupKey);
        }

        if (RulesAccess.ReasonProblem(reason) is { } badReason)
        {
            return AdminResult.Refused(badReason, RulesFields.Reason);
        }

        var subnets = range.Subnets!;
        var span = $"range {AddressRules.Ip(from).Value} to {AddressRules.Ip(to).Value}";
        var pending = (await store.ChangeControl.GetPendingAsync(cancellationToken)).Select(p => p.Change).OfType<SetClientMappingChange>()
            .Where(c => c.Kind == ClientMappingKind.Subnet).Select(c => Normalised(c.Kind, c.Value)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (subnets.FirstOrDefault(pending.Contains) is { } waiting)
        {
            return AdminResult.Refused($"A change of the subnet {waiting} already waits for approval: let it be decided first.", RulesFields.To);
        }

        var already = subnets.Where(s => snapshot.ClientMappings.Any(m => m.Kind == ClientMappingKind.Subnet && m.Value == s && m.GroupKey == groupKey)).ToList();
        var toPropose = subnets.Except(already).ToList();
        if (toPropose.Count == 0)
        {
            return AdminResult.Refused("Every subnet of that range is already in that group: nothing would change.", RulesFields.GroupKey);
        }

        var proposed = new List<string>();
        foreach (var subnet in toPropose)
        {
            var why = toPropose.Count == 1 ? reason!.Trim() : $"{reason!.Trim()} ({span}, {proposed.Count + 1} of {toPropose.Count})";
            var (_, refusal) = await access.ProposeAsync(actor, new SetClientMappingChange(ClientMappingKind.Subnet, subnet, groupKey), why.Length > AdminValidation.MaxReasonLength ? reason.Trim() : why, cancellationToken);
            if (refusal is not null)
            {
                var done = proposed.Count == 0 ? "Nothing was proposed" : $"Proposed {string.Join(", ", proposed)}; not {string.Join(", ", toPropose.Skip(proposed.Count))}";
                return AdminResult.Refused($"{done}: {refusal}");
            }

            proposed.Add(subnet);
        }

        var skipped = already.Count == 0 ? string.Empty : $" ({string.Join(", ", already)} {(already.Count == 1 ? "is" : "are")} already in that group.)";
        return AdminResult.Done(proposed.Count == 1
            ? $"The range is the subnet {proposed[0]}. {RulesAccess.Proposed}{skipped}"
            : $"The range is {proposed.Count} subnets: {string.Join(", ", proposed)}, proposed as {proposed.Count} changes. Waiting for a second technician or administrator to approve them under Approvals.{skipped}");
    }

    /// <summary>Proposes removing a mapping: those clients then fall to the next rule (in the end the default group).</summary>
    public async Task<AdminResult> ProposeRemoveMappingAsync(ConsoleUser actor, ClientMappingKind kind, string value, string? reason, CancellationToken cancellationToken)
    {
        if (await access.DenyAsync(actor, cancellationToken) is { } denied)
        {
            return denied;
        }

        if (RulesAccess.ReasonProblem(reason) is { } badReason)
        {
            return AdminResult.Refused(badReason, RulesFields.Reason);
        }

        if (await PendingFor(kind, Normalised(kind, value), cancellationToken))
        {
            return AdminResult.Refused($"A change of the {KindText(kind).ToLowerInvariant()} {value} already waits for approval: let it be decided first.");
        }

        var (_, refusal) = await access.ProposeAsync(actor, new SetClientMappingChange(kind, value, null), reason!, cancellationToken);
        return refusal is null ? AdminResult.Done(RulesAccess.Proposed)
            : AdminResult.Refused(refusal.StartsWith("That is already", StringComparison.Ordinal) ? $"The {KindText(kind).ToLowerInvariant()} {value} is not mapped any more." : refusal);
    }

    /// <summary>Proposes a device's own group, or (with no group) that it is filtered by its addresses again.</summary>
    public async Task<AdminResult> ProposeDeviceGroupAsync(ConsoleUser actor, long? deviceId, string? groupKey, string? reason, CancellationToken cancellationToken)
    {
        if (await access.DenyAsync(actor, cancellationToken) is { } denied)
        {
            return denied;
        }

        if (deviceId is not { } id || await store.Devices.GetAsync(id, cancellationToken) is null)
        {
            return AdminResult.Refused("Choose the device: type part of its name, MAC or IP address.", RulesFields.Device);
        }

        var key = string.IsNullOrEmpty(groupKey) ? null : groupKey;
        if (key is not null && (await store.Policy.GetSnapshotAsync(cancellationToken)).ActiveGroups.All(g => g.Key != key))
        {
            return AdminResult.Refused("Choose the group.", RulesFields.GroupKey);
        }

        if (RulesAccess.ReasonProblem(reason) is { } badReason)
        {
            return AdminResult.Refused(badReason, RulesFields.Reason);
        }

        if ((await store.ChangeControl.GetPendingAsync(cancellationToken)).Any(p => p.Change is SetDeviceGroupChange d && d.DeviceId == id))
        {
            return AdminResult.Refused("A change of this device's group already waits for approval: let it be decided first.", RulesFields.Device);
        }

        var (_, refusal) = await access.ProposeAsync(actor, new SetDeviceGroupChange(id, key), reason!, cancellationToken);
        return refusal is null ? AdminResult.Done(RulesAccess.Proposed) : AdminResult.Refused(refusal, refusal.StartsWith("That is already", StringComparison.Ordinal) ? RulesFields.GroupKey : null);
    }

    /// <summary>"Subnet", "IP address" or "MAC address".</summary>
    public static string KindText(ClientMappingKind kind) => kind switch
    {
        ClientMappingKind.Subnet => "Subnet",
        ClientMappingKind.Ip => "IP address",
        _ => "MAC address",
    };

    /// <summary>The value checked as its kind.</summary>
    public static Checked<string> Check(ClientMappingKind kind, string? value) => kind switch
    {
        ClientMappingKind.Subnet => AddressRules.Subnet(value),
        ClientMappingKind.Ip => AddressRules.Ip(value) is { IsValid: true } ip ? Checked<string>.Ok(ip.Value!.ToString()) : Checked<string>.Refuse(AddressRules.Ip(value).Problem!),
        _ => AddressRules.Mac(value),
    };

    private static string GroupName(GroupPolicy group) => group.IsRetired ? $"{group.Name} (retired: the next rule applies)" : group.Name;

    /// <summary>The changes the membership page lists and may withdraw.</summary>
    internal static bool IsMembership(PolicyChange change) => change is SetClientMappingChange or SetDeviceGroupChange or SetDefaultGroupChange;

    private static string Normalised(ClientMappingKind kind, string value) => Check(kind, value).Value ?? value;

    private async Task<bool> PendingFor(ClientMappingKind kind, string value, CancellationToken cancellationToken)
        => (await store.ChangeControl.GetPendingAsync(cancellationToken)).Any(p => p.Change is SetClientMappingChange c && c.Kind == kind && string.Equals(Normalised(c.Kind, c.Value), value, StringComparison.OrdinalIgnoreCase));

    // Addresses sort by their numbers, not as text (10.1.2.0 before 10.1.10.0).
    private static string SortKey(MappingRow row)
    {
        var text = row.Kind == ClientMappingKind.Subnet ? row.Value.Split('/')[0] : row.Value;
        if (row.Kind != ClientMappingKind.Mac && System.Net.IPAddress.TryParse(text, out var address))
        {
            var prefix = row.Kind == ClientMappingKind.Subnet ? row.Value.Split('/')[1].PadLeft(3, '0') : "999";
            return Convert.ToHexString(address.GetAddressBytes()).PadLeft(32, '0') + prefix;
        }

        return text;
    }
}

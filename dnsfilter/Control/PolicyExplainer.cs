using System.Globalization;
using System.Net;
using System.Numerics;
using ClassroomGuard.Dns.Lists;
using ClassroomGuard.DnsFilter.Lists.Fetching;
using ClassroomGuard.DnsFilter.Policy;
using ClassroomGuard.Storage.Control;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.DnsFilter.Control;

/// <summary>
/// Answers the control channel's requests from the policy the filter is running: the verdict is
/// <see cref="CompiledPolicy.Evaluate"/>'s own, and the snapshot it was compiled from supplies the words (group and
/// category names, which entry, which schedule). Never throws for a request's content: a problem is an error reply.
/// </summary>
public sealed class PolicyExplainer
{
    private readonly SchoolDnsPolicy _policy;
    private readonly DnsListOptions _listOptions;
    private readonly DnsPolicyOptions _policyOptions;
    private readonly TimeProvider _time;
    private readonly ListRefreshStatus? _refresh;
    private readonly ListDirectory? _directory;
    // Weakly keyed: a catalogue must not keep a replaced set of lists (tens of MB) alive after a reload.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<LoadedLists, ListCatalogue> _catalogues = [];

    /// <summary>Creates the explainer.</summary>
    public PolicyExplainer(
        SchoolDnsPolicy policy, IOptions<DnsListOptions> listOptions, IOptions<DnsPolicyOptions> policyOptions, TimeProvider time,
        ListRefreshStatus? refresh = null, IOptions<StateOptions>? stateOptions = null)
    {
        ArgumentNullException.ThrowIfNull(listOptions);
        ArgumentNullException.ThrowIfNull(policyOptions);
        ArgumentNullException.ThrowIfNull(time);
        _policy = policy;
        _listOptions = listOptions.Value;
        _policyOptions = policyOptions.Value;
        _time = time;
        _refresh = refresh;
        _directory = ListDirectory.From(listOptions.Value, stateOptions?.Value.Path);
    }

    /// <summary>Answers one request.</summary>
    public ControlReply Answer(ControlRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var policy = _policy.Current;
        if (policy is null)
        {
            return new ControlReply("The DNS filter is not using the school policy (Dns:Policy:Enabled is off, or State:Path is not set).");
        }

        return request.Kind switch
        {
            ControlRequestKind.Explain => Explain(policy, request),
            ControlRequestKind.Lists => new ControlReply(Lists: Lists(policy)),
            ControlRequestKind.RefreshLists => RefreshLists(policy),
            _ => new ControlReply("Unknown request kind."),
        };
    }

    private ControlReply Explain(CompiledPolicy policy, ControlRequest request)
    {
        Span<byte> normalized = stackalloc byte[256];
        if (string.IsNullOrWhiteSpace(request.Domain) || request.Domain.Length > 253
            || DomainText.Normalize(request.Domain, normalized, out var length) != DomainTextResult.Ok)
        {
            return new ControlReply("The domain is not a domain name (like example.com).");
        }

        var wire = new byte[length + 1]; // with the root byte, as a query carries it
        normalized[..length].CopyTo(wire);
        var domain = DomainText.ToDotted(normalized[..length]);
        var given = (request.Address is null ? 0 : 1) + (request.DeviceId is null ? 0 : 1) + (request.GroupKey is null ? 0 : 1);
        if (given != 1)
        {
            return new ControlReply("Name exactly one of an address, a device or a group.");
        }

        var at = request.At ?? _time.GetUtcNow();
        var snapshot = policy.Source;
        var client = ResolveClient(policy, snapshot, request, out var described, out var problem);
        if (client is null)
        {
            return new ControlReply(problem);
        }

        policy.Evaluate(wire, client, at, out var verdict);
        var group = policy.Groups[verdict.Group];
        var groupName = GroupNameOf(snapshot, group.Key, policy.IsFallback);
        var categories = policy.Lists.Categories;
        var catalogue = Catalogue(policy.Lists);
        var alwaysOn = policy.AlwaysOn;

        // Every listed suffix (the name, its parent, …) with the categories it is listed in.
        var listings = new List<ExplainListing>();
        for (var start = 0; start < wire.Length - 1; start += wire[start] + 1)
        {
            if (policy.Lists.Table.TryGetExact(wire.AsSpan(start), out var bits))
            {
                var listed = DomainText.ToDotted(wire.AsSpan(start, wire.Length - 1 - start));
                foreach (var bit in Bits(bits))
                {
                    var key = categories.Keys[bit];
                    listings.Add(new ExplainListing(CategoryNameOf(snapshot, key), listed, (alwaysOn & (1UL << bit)) != 0, SourceNames(catalogue, key)));
                }
            }
        }

        var blockedNow = verdict.ListedCategories & policy.EffectiveBlocked(at)[verdict.Group];
        var zone = snapshot?.TimeZone ?? TimeZoneInfo.Utc;
        var schedules = new List<ExplainSchedule>();
        var groupPolicy = snapshot?.Groups.FirstOrDefault(g => g.Key == group.Key);
        foreach (var schedule in groupPolicy?.Schedules ?? [])
        {
            if ((verdict.ListedCategories & categories.BitOf(schedule.Category)) != 0)
            {
                schedules.Add(new ExplainSchedule(
                    CategoryNameOf(snapshot, schedule.Category), schedule.Effect == ScheduleEffect.Allow, (int)schedule.Days,
                    schedule.StartMinute, schedule.EndMinute, schedule.IsActiveAt(at, zone, policy.Calendar), schedule.TermTimeOnly));
            }
        }

        var (outcome, rule) = Classify(verdict, snapshot, group.Key, domain);
        string? entry = null;
        GroupName? entryGroup = null;
        DateTimeOffset? actionEnds = null;
        switch (rule)
        {
            case ExplainRule.Circumvention when verdict.MatchOffset >= 0:
                entry = DomainText.ToDotted(wire.AsSpan(verdict.MatchOffset, wire.Length - 1 - verdict.MatchOffset));
                break;
            case ExplainRule.Deny or ExplainRule.Allow:
                var matched = MatchingRule(snapshot, domain, group.Key, rule == ExplainRule.Deny ? RuleAction.Deny : RuleAction.Allow);
                entry = matched?.Domain;
                entryGroup = matched?.GroupKey is { } key ? GroupNameOf(snapshot, key, false) : null;
                break;
            case ExplainRule.Pause or ExplainRule.Focus or ExplainRule.TemporaryUnblock:
                var action = snapshot?.TeacherActions.FirstOrDefault(a => a.Id == verdict.ActionId);
                if (action is not null)
                {
                    actionEnds = action.ReleasedAt is { } released && released < action.ExpiresAt ? released : action.ExpiresAt;
                    entry = rule == ExplainRule.TemporaryUnblock ? action.Domains.FirstOrDefault(d => IsSuffix(domain, d)) : null;
                }

                break;
        }

        var category = verdict.Category >= 0 ? CategoryNameOf(snapshot, categories.Keys[verdict.Category]) : null;
        var reply = new ExplainReply(
            domain, at, zone.Id, outcome, rule, category, entry, entryGroup, actionEnds,
            outcome == ExplainOutcome.SafeSearch ? verdict.Engine.ToString() : null,
            described with { Group = groupName },
            listings, schedules, [.. Bits(blockedNow).Select(b => CategoryNameOf(snapshot, categories.Keys[b]))],
            policy.Revision, policy.IsFallback);
        return new ControlReply(Explain: reply);
    }

    private static (ExplainOutcome, ExplainRule) Classify(PolicyVerdict verdict, PolicySnapshot? snapshot, string groupKey, string domain)
    {
        if (verdict.Outcome == PolicyOutcome.Block)
        {
            return (ExplainOutcome.Blocked, verdict.Reason switch
            {
                BlockReason.AlwaysOn => ExplainRule.AlwaysOn,
                BlockReason.Circumvention => ExplainRule.Circumvention,
                BlockReason.Deny => ExplainRule.Deny,
                BlockReason.Pause => ExplainRule.Pause,
                BlockReason.Focus => ExplainRule.Focus,
                _ => ExplainRule.Category,
            });
        }

        var outcome = verdict.Outcome == PolicyOutcome.Rewrite ? ExplainOutcome.SafeSearch : ExplainOutcome.Allowed;
        if (verdict.ActionId != 0)
        {
            return (outcome, ExplainRule.TemporaryUnblock); // a forwarded verdict carries an action only when it unblocked
        }

        if (MatchingRule(snapshot, domain, groupKey, RuleAction.Allow) is not null)
        {
            return (outcome, ExplainRule.Allow);
        }

        return (outcome, outcome == ExplainOutcome.SafeSearch ? ExplainRule.SafeSearch : ExplainRule.Default);
    }

    /// <summary>The most specific entry of <paramref name="action"/> covering <paramref name="domain"/> for the group.</summary>
    private static DomainRule? MatchingRule(PolicySnapshot? snapshot, string domain, string groupKey, RuleAction action)
        => snapshot?.DomainRules
            .Where(r => r.Action == action && (r.GroupKey is null || r.GroupKey == groupKey) && IsSuffix(domain, r.Domain))
            .OrderByDescending(r => r.Domain.Length)
            .ThenBy(r => r.GroupKey is null ? 1 : 0)
            .FirstOrDefault();

    private static bool IsSuffix(string domain, string entry)
    {
        var e = entry.TrimStart('*', '.').TrimEnd('.');
        return domain.Equals(e, StringComparison.OrdinalIgnoreCase)
            || (domain.Length > e.Length && domain.EndsWith(e, StringComparison.OrdinalIgnoreCase) && domain[domain.Length - e.Length - 1] == '.');
    }

    private static PolicyClient? ResolveClient(CompiledPolicy policy, PolicySnapshot? snapshot, ControlRequest request, out ExplainClient described, out string? problem)
    {
        problem = null;
        var placeholder = new GroupName("", "");
        described = new ExplainClient(placeholder, GroupSource.Default, null, null, null, true);
        if (request.GroupKey is { } groupKey)
        {
            var index = IndexOf(policy, groupKey);
            if (index < 0 && !policy.IsFallback)
            {
                problem = "There is no such group.";
                return null;
            }

            described = described with { Source = policy.IsFallback ? GroupSource.Fallback : GroupSource.Chosen };
            return new PolicyClient(Math.Max(index, 0), null, null, null, []);
        }

        IPAddress? address = null;
        long? deviceId = request.DeviceId;
        DeviceAddresses? device = null;
        if (request.Address is { } text)
        {
            if (text.Length > 64 || !IPAddress.TryParse(text, out address))
            {
                problem = "The address is not an IPv4 or IPv6 address.";
                return null;
            }

            device = snapshot?.Devices.FirstOrDefault(d => d.Ips.Any(ip => SameAddress(ip, address)));
            deviceId = device?.DeviceId;
        }
        else if (deviceId is { } id)
        {
            device = snapshot?.Devices.FirstOrDefault(d => d.DeviceId == id);
            if (device is null && !policy.IsFallback)
            {
                problem = "There is no such device.";
                return null;
            }

            address = device?.Ips.Select(ip => IPAddress.TryParse(ip, out var parsed) ? parsed : null).FirstOrDefault(ip => ip is not null);
        }

        if (policy.IsFallback)
        {
            described = described with { Source = GroupSource.Fallback, Address = address?.ToString(), DeviceId = deviceId };
            return policy.ResolveClient(address is null ? UInt128.Zero : ClientKey.From(address));
        }

        var (source, matched, groupOf) = Describe(snapshot!, device, address);
        if (address is null)
        {
            // A known device without an address now: its group by its own setting or MAC, no teacher actions (they are keyed by address).
            var index = Math.Max(IndexOf(policy, groupOf ?? snapshot!.DefaultGroup.Key), 0);
            described = described with { Source = source, Matched = matched, DeviceId = deviceId, ActionsConsidered = false };
            return new PolicyClient(index, deviceId, device?.RoomId, device?.Macs.FirstOrDefault(), []);
        }

        described = described with { Source = source, Matched = matched, Address = address.ToString(), DeviceId = deviceId };
        return policy.ResolveClient(ClientKey.From(address));
    }

    /// <summary>How the filter gives a client its group (as <c>CompiledPolicy.CompileClients</c>): device, MAC, IP, subnet, default.</summary>
    private static (GroupSource Source, string? Matched, string? Group) Describe(PolicySnapshot snapshot, DeviceAddresses? device, IPAddress? address)
    {
        var groups = snapshot.ActiveGroups.Select(g => g.Key).ToHashSet(StringComparer.Ordinal); // retired groups filter nobody
        if (device?.GroupKey is { } own && groups.Contains(own))
        {
            return (GroupSource.Device, null, own);
        }

        foreach (var mac in device?.Macs ?? [])
        {
            var mapping = snapshot.ClientMappings.FirstOrDefault(m => m.Kind == ClientMappingKind.Mac && groups.Contains(m.GroupKey) && string.Equals(m.Value, mac, StringComparison.OrdinalIgnoreCase));
            if (mapping is not null)
            {
                return (GroupSource.Mac, mac, mapping.GroupKey);
            }
        }

        if (address is null)
        {
            return (GroupSource.Default, null, null);
        }

        var ip = snapshot.ClientMappings.FirstOrDefault(m => m.Kind == ClientMappingKind.Ip && groups.Contains(m.GroupKey) && SameAddress(m.Value, address));
        if (ip is not null)
        {
            return (GroupSource.Ip, ip.Value, ip.GroupKey);
        }

        var key = ClientKey.From(address);
        var subnet = snapshot.ClientMappings
            .Where(m => m.Kind == ClientMappingKind.Subnet && groups.Contains(m.GroupKey))
            .Select(m => (Mapping: m, Parsed: ClientKey.TryParseSubnet(m.Value, out var network, out var prefix) ? (network, prefix) : ((UInt128, int)?)null))
            .Where(s => s.Parsed is { } p && (key & ClientKey.MaskOf(p.Item2)) == p.Item1)
            .OrderByDescending(s => s.Parsed!.Value.Item2)
            .Select(s => s.Mapping)
            .FirstOrDefault();
        return subnet is not null ? (GroupSource.Subnet, subnet.Value, subnet.GroupKey) : (GroupSource.Default, null, null);
    }

    private static bool SameAddress(string text, IPAddress address) => IPAddress.TryParse(text, out var parsed) && ClientKey.From(parsed) == ClientKey.From(address);

    private static int IndexOf(CompiledPolicy policy, string key)
    {
        for (var i = 0; i < policy.Groups.Count; i++)
        {
            if (policy.Groups[i].Key == key)
            {
                return i;
            }
        }

        return -1;
    }

    private ControlReply RefreshLists(CompiledPolicy policy)
    {
        if (_refresh is not { Enabled: true })
        {
            return new ControlReply("Fetching lists is off: the DNS filter has no list directory (Dns:Lists:Directory or State:Path).");
        }

        _refresh.RequestRefresh(); // the refresher starts at once; the reply shows it in progress
        return new ControlReply(Lists: Lists(policy));
    }

    private ListsReply Lists(CompiledPolicy policy)
    {
        var snapshot = policy.Source;
        var catalogue = Catalogue(policy.Lists);
        var keys = policy.Lists.Categories.Keys;
        var alwaysOnKeys = new HashSet<string>(snapshot?.AlwaysOnCategories ?? (IEnumerable<string>)_policyOptions.AlwaysOnCategories, StringComparer.Ordinal);
        var categories = new List<ListCategoryInfo>();
        var known = snapshot?.Categories.Select(c => c.Key) ?? [];
        foreach (var key in keys.Concat(alwaysOnKeys).Concat(known).Distinct(StringComparer.Ordinal))
        {
            var bit = policy.Lists.Categories.BitOf(key);
            var names = bit == 0 ? 0 : catalogue.NamesPerBit[BitOperations.TrailingZeroCount(bit)];
            categories.Add(new ListCategoryInfo(CategoryNameOf(snapshot, key), alwaysOnKeys.Contains(key), names, SourceNames(catalogue, key)));
        }

        var sources = catalogue.Sources
            .Select(s => new ListSourceInfo(s.Name, s.Path, s.Format.ToString(), [.. s.Categories.Select(c => CategoryNameOf(snapshot, c))], s.Entries, s.Updated, s.Missing))
            .ToArray();
        return new ListsReply(
            policy.Lists.LoadedAt, policy.Lists.Statistics.Count == 0 && policy.Lists.Sources.Count > 0, policy.Lists.Table.Count, sources,
            [.. categories.OrderByDescending(c => c.AlwaysOn).ThenBy(c => c.Category.Name, StringComparer.OrdinalIgnoreCase)], policy.Revision,
            ListHealthReport.Build(policy.Lists, _listOptions, alwaysOnKeys, snapshot?.ListFeeds ?? [], _directory, _refresh, key => CategoryNameOf(snapshot, key)));
    }

    private ListCatalogue Catalogue(LoadedLists lists) => _catalogues.GetValue(lists, l => ListCatalogue.Build(l, _listOptions));

    private static ListSourceName[] SourceNames(ListCatalogue catalogue, string category)
        => [.. catalogue.SourcesOf(category).Select(s => new ListSourceName(s.Name, s.Updated))];

    private static CategoryName CategoryNameOf(PolicySnapshot? snapshot, string key)
        => new(key, snapshot?.Categories.FirstOrDefault(c => c.Key == key)?.Name ?? Words(key));

    private static GroupName GroupNameOf(PolicySnapshot? snapshot, string key, bool fallback)
        => fallback ? new GroupName(key, "Everyone (fail-closed: the policy database cannot be read)") : new(key, snapshot?.Groups.FirstOrDefault(g => g.Key == key)?.Name ?? Words(key));

    /// <summary>A key as words when the state has no name for it: <c>social_networking</c> → "Social networking".</summary>
    private static string Words(string key)
    {
        var text = key.Replace('_', ' ').Replace('-', ' ');
        return text.Length == 0 ? text : char.ToUpper(text[0], CultureInfo.InvariantCulture) + text[1..];
    }

    private static IEnumerable<int> Bits(ulong mask)
    {
        while (mask != 0)
        {
            yield return BitOperations.TrailingZeroCount(mask);
            mask &= mask - 1;
        }
    }

}

using System.Net;
using ClassroomGuard.Dns.Lists;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.DnsFilter.Policy;

/// <summary>A client as the policy sees it: group, device and the teacher actions that can apply to it.</summary>
/// <param name="Group">Index of its group.</param>
/// <param name="DeviceId">Device, when the address belongs to a known device.</param>
/// <param name="RoomId">The device's room.</param>
/// <param name="Mac">The device's first MAC, for attribution.</param>
/// <param name="Actions">Pause, focus and unblock actions scoped to the device or its room (checked against the clock per query).</param>
public sealed record PolicyClient(int Group, long? DeviceId, long? RoomId, string? Mac, CompiledAction[] Actions);

/// <summary>A teacher action ready for the query path.</summary>
/// <param name="Id">Action id.</param>
/// <param name="Kind">Pause, focus or unblock.</param>
/// <param name="StartTicks">UTC ticks it starts.</param>
/// <param name="EndTicks">UTC ticks it stops (expiry or release, whichever is first).</param>
/// <param name="Domains">Focus allow-list or unblocked domain (subdomains included).</param>
public sealed record CompiledAction(long Id, TeacherActionKind Kind, long StartTicks, long EndTicks, DomainTable Domains)
{
    /// <summary>Whether it is in force at <paramref name="utcTicks"/>.</summary>
    public bool IsActiveAt(long utcTicks) => StartTicks <= utcTicks && utcTicks < EndTicks;
}

/// <summary>One group's category policy, with schedules as bitmasks.</summary>
/// <param name="Key">Group key.</param>
/// <param name="SafeSearch">Web SafeSearch mode (Google, Bing, DuckDuckGo).</param>
/// <param name="Blocked">Categories blocked outside schedules.</param>
/// <param name="Schedules">Windows overriding <paramref name="Blocked"/>.</param>
/// <param name="YouTubeMode">YouTube restricted mode, set separately from <paramref name="SafeSearch"/>.</param>
public sealed record CompiledGroup(string Key, SafeSearchMode SafeSearch, ulong Blocked, CompiledSchedule[] Schedules, SafeSearchMode YouTubeMode = SafeSearchMode.Strict)
{
    /// <summary>The mode that applies to <paramref name="engine"/>: <see cref="YouTubeMode"/> for YouTube, <see cref="SafeSearch"/> for the search engines.</summary>
    /// <param name="engine">The engine a name belongs to.</param>
    /// <returns>Off, moderate or strict.</returns>
    public SafeSearchMode ModeFor(SafeSearchEngine engine) => engine == SafeSearchEngine.YouTube ? YouTubeMode : SafeSearch;
}

/// <summary>A schedule as masks.</summary>
/// <param name="Categories">Category bit.</param>
/// <param name="Allow">Allow (true) or block while active.</param>
/// <param name="Days">Weekday mask (Mon=1 … Sun=64).</param>
/// <param name="StartMinute">Start, minutes after local midnight.</param>
/// <param name="EndMinute">End, exclusive.</param>
/// <param name="TermTimeOnly">Applies only on term-time days of the school calendar.</param>
public readonly record struct CompiledSchedule(ulong Categories, bool Allow, SchoolDays Days, int StartMinute, int EndMinute, bool TermTimeOnly = false);

/// <summary>
/// An immutable, compiled policy: everything a query needs, answered without locks or allocation. Built off the
/// query path from a <see cref="PolicySnapshot"/> and the loaded lists, then swapped in whole.
/// <para>Precedence (docs/dns.md): always-on lists → circumvention names → deny entries → pause/focus → allow entries
/// and temporary unblocks → category blocks (with schedules) → SafeSearch rewrite → forward.</para>
/// </summary>
public sealed class CompiledPolicy
{
    /// <summary>Most groups a policy can hold (allow and deny bits of a rule share one 64-bit value).</summary>
    public const int MaxGroups = PolicyLimits.MaxActiveGroups;

    private readonly CompiledGroup[] _groups;
    private readonly DomainTable _rules;          // bits 0-31 allow for group i, bits 32-63 deny for group i
    private readonly DomainTable _circumvention;
    private readonly DomainTable _pauseAllow;
    private readonly Dictionary<UInt128, PolicyClient> _clients;
    private readonly (UInt128 Network, UInt128 Mask, PolicyClient Client)[] _subnets; // longest prefix first
    private readonly PolicyClient _defaultClient;
    private readonly TimeZoneInfo _zone;
    private readonly SchoolCalendar _calendar;
    private EffectiveMasks? _effective;
    private TermDay? _termDay;

    private CompiledPolicy(
        long revision, bool isFallback, LoadedLists lists, ulong alwaysOn, CompiledGroup[] groups, DomainTable rules, DomainTable circumvention,
        DomainTable pauseAllow, SafeSearchNames safeSearch, Dictionary<UInt128, PolicyClient> clients,
        (UInt128, UInt128, PolicyClient)[] subnets, PolicyClient defaultClient, TimeZoneInfo zone, SchoolCalendar calendar)
    {
        Revision = revision;
        IsFallback = isFallback;
        Lists = lists;
        AlwaysOn = alwaysOn;
        _groups = groups;
        _rules = rules;
        _circumvention = circumvention;
        _pauseAllow = pauseAllow;
        SafeSearch = safeSearch;
        _clients = clients;
        _subnets = subnets;
        _defaultClient = defaultClient;
        _zone = zone;
        _calendar = calendar;
        CategoryTexts = [.. lists.Categories.Keys.Select(k => "ClassroomGuard: blocked, category " + k)];
    }

    /// <summary>The state revision compiled (-1 for the fail-closed fallback).</summary>
    public long Revision { get; }

    /// <summary>True for the fail-closed policy used while the state cannot be read.</summary>
    public bool IsFallback { get; }

    /// <summary>The state snapshot this policy was compiled from (null for the fallback): words for "why is this blocked?".</summary>
    public PolicySnapshot? Source { get; internal set; }

    /// <summary>The block lists.</summary>
    public LoadedLists Lists { get; }

    /// <summary>Bits of the always-on categories.</summary>
    public ulong AlwaysOn { get; }

    /// <summary>SafeSearch names and targets.</summary>
    public SafeSearchNames SafeSearch { get; }

    /// <summary>The groups, by index.</summary>
    public IReadOnlyList<CompiledGroup> Groups => _groups;

    /// <summary>The school calendar term-time-only windows follow.</summary>
    public SchoolCalendar Calendar => _calendar;

    /// <summary>EDE extra text per category bit (precomputed: no string building per block).</summary>
    public string[] CategoryTexts { get; }

    /// <summary>The client an address maps to: device's own group, its MACs' mapping, IP mapping, longest subnet, default group.</summary>
    public PolicyClient ResolveClient(UInt128 address)
    {
        if (_clients.TryGetValue(address, out var client))
        {
            return client;
        }

        foreach (var (network, mask, subnetClient) in _subnets)
        {
            if ((address & mask) == network)
            {
                return subnetClient;
            }
        }

        return _defaultClient;
    }

    /// <summary>Decides a query. <paramref name="wireName"/> in wire form, any case.</summary>
    public void Evaluate(ReadOnlySpan<byte> wireName, PolicyClient client, DateTimeOffset now, out PolicyVerdict verdict)
    {
        verdict = default;
        verdict.Category = -1;
        verdict.MatchOffset = -1;
        verdict.Group = client.Group;
        var listed = Lists.Table.MatchSuffixes(wireName, out var listedAt);
        verdict.ListedCategories = listed;

        // 1. Always-on lists: nothing below can let these through.
        var alwaysOn = listed & AlwaysOn;
        if (alwaysOn != 0)
        {
            Block(ref verdict, BlockReason.AlwaysOn, alwaysOn, listedAt);
            return;
        }

        // 2. Circumvention names.
        if (_circumvention.MatchSuffixes(wireName, out var circumventionAt) != 0)
        {
            Block(ref verdict, BlockReason.Circumvention, 0, circumventionAt);
            return;
        }

        // 3. Deny entries (global or the group's) win over allow entries.
        var rules = _rules.MatchSuffixes(wireName, out var ruleAt);
        var group = client.Group;
        if ((rules & (1UL << (32 + group))) != 0)
        {
            Block(ref verdict, BlockReason.Deny, 0, ruleAt);
            return;
        }

        // 4. Pause and focus narrow what the device may reach; they never widen it (category blocks still apply below).
        var ticks = now.UtcTicks;
        var allowed = (rules & (1UL << group)) != 0;
        var actions = client.Actions;
        if (actions.Length > 0)
        {
            long pausedBy = 0, focusBy = 0;
            var onFocusList = false;
            for (var i = 0; i < actions.Length; i++)
            {
                var action = actions[i];
                if (!action.IsActiveAt(ticks))
                {
                    continue;
                }

                switch (action.Kind)
                {
                    case TeacherActionKind.Pause:
                        pausedBy = action.Id;
                        break;
                    case TeacherActionKind.Focus:
                        focusBy = action.Id;
                        onFocusList |= action.Domains.MatchSuffixes(wireName, out _) != 0;
                        break;
                    case TeacherActionKind.Unblock when action.Domains.MatchSuffixes(wireName, out _) != 0:
                        allowed = true;
                        verdict.ActionId = action.Id;
                        break;
                }
            }

            if ((pausedBy != 0 || (focusBy != 0 && !onFocusList)) && _pauseAllow.MatchSuffixes(wireName, out _) == 0)
            {
                verdict.ActionId = pausedBy != 0 ? pausedBy : focusBy;
                Block(ref verdict, pausedBy != 0 ? BlockReason.Pause : BlockReason.Focus, 0, -1);
                return;
            }
        }

        // 5. Allow entries and temporary unblocks, else 6. the group's categories at this minute.
        if (!allowed)
        {
            var blocked = listed & EffectiveBlocked(now)[group];
            if (blocked != 0)
            {
                Block(ref verdict, BlockReason.Category, blocked, listedAt);
                return;
            }
        }
        else
        {
            verdict.MatchOffset = ruleAt;
        }

        // 7. SafeSearch (web search engines) and YouTube restricted mode, each at the group's own mode.
        var compiledGroup = _groups[group];
        if (compiledGroup.SafeSearch != SafeSearchMode.Off || compiledGroup.YouTubeMode != SafeSearchMode.Off)
        {
            var engine = SafeSearch.Find(wireName);
            var mode = compiledGroup.ModeFor(engine);
            if (engine != SafeSearchEngine.None && mode != SafeSearchMode.Off)
            {
                verdict.Outcome = PolicyOutcome.Rewrite;
                verdict.Engine = engine;
                verdict.Mode = mode;
            }
        }
    }

    /// <summary>Categories blocked per group at <paramref name="now"/> (recomputed once per minute, shared by every query in it).</summary>
    public ulong[] EffectiveBlocked(DateTimeOffset now)
    {
        var minute = now.UtcTicks / TimeSpan.TicksPerMinute;
        var effective = Volatile.Read(ref _effective);
        if (effective is null || effective.Minute != minute)
        {
            effective = new EffectiveMasks(minute, Compute(now));
            Volatile.Write(ref _effective, effective);
        }

        return effective.Masks;
    }

    private ulong[] Compute(DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(now, _zone);
        var day = local.DayOfWeek == DayOfWeek.Sunday ? SchoolDays.Sunday : (SchoolDays)(1 << ((int)local.DayOfWeek - 1));
        var minute = (local.Hour * 60) + local.Minute;
        var termTime = IsTermTime(DateOnly.FromDateTime(local.DateTime));
        var masks = new ulong[_groups.Length];
        for (var g = 0; g < _groups.Length; g++)
        {
            ulong allowNow = 0, blockNow = 0;
            foreach (var s in _groups[g].Schedules)
            {
                if ((s.Days & day) != 0 && minute >= s.StartMinute && minute < s.EndMinute && (termTime || !s.TermTimeOnly))
                {
                    if (s.Allow)
                    {
                        allowNow |= s.Categories;
                    }
                    else
                    {
                        blockNow |= s.Categories;
                    }
                }
            }

            // As GroupPolicy.IsBlockedAt: a block window wins over an allow window, which wins over the blocked set.
            masks[g] = (_groups[g].Blocked & ~allowNow) | blockNow | AlwaysOn;
        }

        return masks;
    }

    /// <summary>Whether <paramref name="localDay"/> is term time (computed once per local date, then cached).</summary>
    /// <param name="localDay">A date in the school's time zone.</param>
    /// <returns>True on a term-time day.</returns>
    public bool IsTermTime(DateOnly localDay)
    {
        var cached = Volatile.Read(ref _termDay);
        if (cached is null || cached.Day != localDay.DayNumber)
        {
            cached = new TermDay(localDay.DayNumber, _calendar.IsTermTime(localDay));
            Volatile.Write(ref _termDay, cached);
        }

        return cached.IsTermTime;
    }

    private static void Block(ref PolicyVerdict verdict, BlockReason reason, ulong categories, int matchOffset)
    {
        verdict.Outcome = PolicyOutcome.Block;
        verdict.Reason = reason;
        verdict.Category = categories == 0 ? -1 : System.Numerics.BitOperations.TrailingZeroCount(categories);
        verdict.MatchOffset = matchOffset;
    }

    /// <summary>Compiles a state snapshot. Throws <see cref="InvalidOperationException"/> for what cannot be compiled (the caller keeps the old policy).</summary>
    public static CompiledPolicy Compile(PolicySnapshot snapshot, LoadedLists lists, DnsPolicyOptions options, SafeSearchNames safeSearch)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(lists);
        ArgumentNullException.ThrowIfNull(options);
        // Retired groups filter nobody: they are left out, so mappings, devices and rules naming them fall through
        // to the next rule (change control refuses retiring a group anything still points at).
        var active = snapshot.ActiveGroups;
        if (active.Count is 0 or > MaxGroups)
        {
            throw new InvalidOperationException($"The policy has {active.Count} groups in use; 1 to {MaxGroups} are supported.");
        }

        var categories = lists.Categories;
        ulong alwaysOn = 0;
        foreach (var category in snapshot.Categories)
        {
            if (category.AlwaysOn)
            {
                alwaysOn |= categories.BitOf(category.Key);
            }
        }

        var groupIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var groups = new CompiledGroup[active.Count];
        for (var i = 0; i < groups.Length; i++)
        {
            var g = active[i];
            groupIndex[g.Key] = i;
            ulong blocked = 0;
            foreach (var key in g.BlockedCategories)
            {
                blocked |= categories.BitOf(key);
            }

            var schedules = g.Schedules
                .Select(s => new CompiledSchedule(categories.BitOf(s.Category), s.Effect == ScheduleEffect.Allow, s.Days, s.StartMinute, s.EndMinute, s.TermTimeOnly))
                .Where(s => s.Categories != 0)
                .ToArray();
            groups[i] = new CompiledGroup(g.Key, g.SafeSearch, blocked, schedules, g.YouTubeMode);
        }

        var rules = new DomainTableBuilder(snapshot.DomainRules.Count);
        foreach (var rule in snapshot.DomainRules)
        {
            var groupBits = rule.GroupKey is null ? 0xFFFF_FFFFUL : groupIndex.TryGetValue(rule.GroupKey, out var gi) ? 1UL << gi : 0;
            rules.Add(rule.Domain, rule.Action == RuleAction.Deny ? groupBits << 32 : groupBits);
        }

        var defaultGroup = groups.Length == 1 ? 0 : active.ToList().FindIndex(g => g.IsDefault);
        if (defaultGroup < 0)
        {
            throw new InvalidOperationException("The policy has no default group.");
        }

        var (clients, subnets, defaultClient) = CompileClients(snapshot, groupIndex, defaultGroup);
        return new CompiledPolicy(
            snapshot.Revision, false, lists, alwaysOn, groups, rules.Build(), BuildTable(options.CircumventionNames), BuildTable(options.PauseAllowList),
            safeSearch, clients, subnets, defaultClient, snapshot.TimeZone, snapshot.Calendar);
    }

    /// <summary>
    /// The fail-closed policy used until the state can be read: one group for everyone blocking the always-on categories
    /// and <see cref="DnsPolicyOptions.FallbackBlockedCategories"/> (default: every listed category), strict SafeSearch.
    /// </summary>
    public static CompiledPolicy Fallback(LoadedLists lists, DnsPolicyOptions options, SafeSearchNames safeSearch)
    {
        ArgumentNullException.ThrowIfNull(lists);
        ArgumentNullException.ThrowIfNull(options);
        ulong alwaysOn = 0;
        foreach (var key in options.AlwaysOnCategories)
        {
            alwaysOn |= lists.Categories.BitOf(key);
        }

        var blocked = alwaysOn;
        if (options.FallbackBlockedCategories is null)
        {
            blocked |= lists.Categories.All;
        }
        else
        {
            foreach (var key in options.FallbackBlockedCategories)
            {
                blocked |= lists.Categories.BitOf(key);
            }
        }

        var client = new PolicyClient(0, null, null, null, []);
        return new CompiledPolicy(
            -1, true, lists, alwaysOn, [new CompiledGroup("fallback", SafeSearchMode.Strict, blocked, [])], DomainTable.Empty,
            BuildTable(options.CircumventionNames), BuildTable(options.PauseAllowList), safeSearch, [], [], client, TimeZoneInfo.Utc, SchoolCalendar.Empty);
    }

    private static (Dictionary<UInt128, PolicyClient>, (UInt128, UInt128, PolicyClient)[], PolicyClient) CompileClients(
        PolicySnapshot snapshot, Dictionary<string, int> groupIndex, int defaultGroup)
    {
        var macGroups = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var ipGroups = new Dictionary<UInt128, int>();
        var subnets = new List<(UInt128 Network, int Length, int Group)>();
        foreach (var mapping in snapshot.ClientMappings)
        {
            if (!groupIndex.TryGetValue(mapping.GroupKey, out var g))
            {
                continue;
            }

            switch (mapping.Kind)
            {
                case ClientMappingKind.Mac:
                    macGroups[mapping.Value] = g;
                    break;
                case ClientMappingKind.Ip when IPAddress.TryParse(mapping.Value, out var ip):
                    ipGroups[ClientKey.From(ip)] = g;
                    break;
                case ClientMappingKind.Subnet when ClientKey.TryParseSubnet(mapping.Value, out var network, out var length):
                    subnets.Add((network, length, g));
                    break;
            }
        }

        subnets.Sort((a, b) => b.Length.CompareTo(a.Length));

        int GroupOfAddress(UInt128 key)
        {
            if (ipGroups.TryGetValue(key, out var g))
            {
                return g;
            }

            foreach (var (network, length, sg) in subnets)
            {
                if ((key & ClientKey.MaskOf(length)) == network)
                {
                    return sg;
                }
            }

            return defaultGroup;
        }

        // Teacher actions by device and by room.
        var byDevice = new Dictionary<long, List<CompiledAction>>();
        var byRoom = new Dictionary<long, List<CompiledAction>>();
        foreach (var action in snapshot.TeacherActions)
        {
            if (action.Kind == TeacherActionKind.Blank)
            {
                continue; // screens, not DNS
            }

            var end = action.ReleasedAt is { } released && released < action.ExpiresAt ? released : action.ExpiresAt;
            var compiled = new CompiledAction(action.Id, action.Kind, action.StartsAt.UtcTicks, end.UtcTicks, BuildTable(action.Domains));
            var (map, id) = action.Scope == ActionScope.Device ? (byDevice, action.DeviceId) : (byRoom, action.RoomId);
            if (id is { } key)
            {
                if (!map.TryGetValue(key, out var list))
                {
                    map[key] = list = [];
                }

                list.Add(compiled);
            }
        }

        var clients = new Dictionary<UInt128, PolicyClient>();
        foreach (var device in snapshot.Devices)
        {
            var actions = new List<CompiledAction>();
            if (byDevice.TryGetValue(device.DeviceId, out var deviceActions))
            {
                actions.AddRange(deviceActions);
            }

            if (device.RoomId is { } room && byRoom.TryGetValue(room, out var roomActions))
            {
                actions.AddRange(roomActions);
            }

            int? deviceGroup = device.GroupKey is not null && groupIndex.TryGetValue(device.GroupKey, out var dg) ? dg : null;
            if (deviceGroup is null)
            {
                foreach (var mac in device.Macs)
                {
                    if (macGroups.TryGetValue(mac, out var mg))
                    {
                        deviceGroup = mg;
                        break;
                    }
                }
            }

            foreach (var ipText in device.Ips)
            {
                if (IPAddress.TryParse(ipText, out var ip))
                {
                    var key = ClientKey.From(ip);
                    clients[key] = new PolicyClient(deviceGroup ?? GroupOfAddress(key), device.DeviceId, device.RoomId, device.Macs.Count > 0 ? device.Macs[0] : null, [.. actions]);
                }
            }
        }

        foreach (var (key, g) in ipGroups)
        {
            clients.TryAdd(key, new PolicyClient(g, null, null, null, []));
        }

        var subnetClients = subnets.Select(s => (s.Network, ClientKey.MaskOf(s.Length), new PolicyClient(s.Group, null, null, null, []))).ToArray();
        return (clients, subnetClients, new PolicyClient(defaultGroup, null, null, null, []));
    }

    private static DomainTable BuildTable(IEnumerable<string> names)
    {
        var builder = new DomainTableBuilder(16);
        foreach (var name in names)
        {
            builder.Add(name, 1);
        }

        return builder.Build();
    }

    private sealed record EffectiveMasks(long Minute, ulong[] Masks);

    private sealed record TermDay(int Day, bool IsTermTime);
}

using System.Globalization;
using System.Runtime.CompilerServices;
using ClassroomGuard.Console.Administration;
using ClassroomGuard.Console.Classroom;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Storage.State;
using ClassroomGuard.Storage.TimeSeries;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Safeguarding.History;

/// <summary>One block as a person reads it: every part attributable, in words, in the school's time.</summary>
/// <param name="At">When (UTC), for sorting and tests.</param>
/// <param name="When">"Mon 7 Dec 2026, 09:14:05", school time.</param>
/// <param name="Device">The device as the console names it, or "Unknown device" for an address the console does not know.</param>
/// <param name="DeviceId">The device's id (CSV only), or null.</param>
/// <param name="Pupil">The user signed in on the device as its agent last reported, or empty.</param>
/// <param name="Address">The device's IP address at the time.</param>
/// <param name="Mac">Its MAC address, or empty.</param>
/// <param name="Domain">The name that was blocked.</param>
/// <param name="Category">The category's name, or empty when no category decided (deny entry, pause).</param>
/// <param name="Rule">The rule in words: "Listed in Adult (list: example.com)", "Deny list entry example.com".</param>
/// <param name="Group">The filtering group's name.</param>
/// <param name="Room">The device's room then, or empty.</param>
/// <param name="Count">How many times in that second.</param>
/// <param name="ByAddress">The DNS filter did not know the device then: it is named by who held the address at that time.</param>
public sealed record BlockRow(
    DateTimeOffset At, string When, string Device, long? DeviceId, string Pupil, string Address, string Mac, string Domain, string Category,
    string Rule, string Group, string Room, long Count, bool ByAddress = false);

/// <summary>A page of the history: rows newest first, and whether older ones exist.</summary>
/// <param name="Rows">Up to a page of rows.</param>
/// <param name="Next">Where the next (older) page starts, or null at the end.</param>
/// <param name="SearchedBackTo">For a short page with more to search: "Tue 1 Dec 2026, 14:00", how far back it searched.</param>
public sealed record BlockHistoryPage(IReadOnlyList<BlockRow> Rows, BlockCursor? Next, string? SearchedBackTo = null);

/// <summary>The outcome of a search: a refusal next to a field, InfluxDB unreachable, or a page.</summary>
/// <param name="Field">The form field a problem is about (nameof a <see cref="BlockHistoryForm"/> property), or null.</param>
/// <param name="Problem">What is wrong, in a sentence.</param>
/// <param name="Page">The page, when the search ran.</param>
public sealed record BlockHistoryResult(string? Field, string? Problem, BlockHistoryPage? Page)
{
    public static BlockHistoryResult Refused(string? field, string problem) => new(field, problem, null);
}

/// <summary>What a filter can choose: categories and groups by name.</summary>
public sealed record BlockHistoryChoices(IReadOnlyList<(string Key, string Name)> Categories, IReadOnlyList<(string Key, string Name)> Groups);

/// <summary>
/// The block history (issue #13): every DNS block kept in InfluxDB's <c>blocks</c> policy, searched by device, pupil,
/// address, domain, category, group, rule and period, newest first a page at a time, each row said in words. Technicians,
/// the safeguarding lead and administrators (<see cref="Policies.Safeguarding"/>); the role is checked again here on every
/// call, whatever the page or endpoint did.
/// </summary>
internal sealed class BlockHistoryService(
    StateStore store, BlockHistoryReader reader, SchoolClock clock, IOptions<StateOptions> state, IOptions<InfluxOptions> influx, ILogger<BlockHistoryService> logger)
{
    private readonly TimeZoneInfo zone = TimeZoneInfo.FindSystemTimeZoneById(state.Value.TimeZone);
    public const int PageSize = 50;
    public const int ExportPageSize = 1000;
    public const int MaxPupilDevices = 500;
    private static readonly CultureInfo English = CultureInfo.InvariantCulture; // invariant globalisation: its day and month names are English

    public static bool MayRead(ConsoleUser? actor) => actor is not null && Policies.SafeguardingRoles.Any(actor.Roles.Contains);

    /// <summary>How long blocks are kept (<c>Influx:BlockRetention</c>).</summary>
    public TimeSpan Retention => influx.Value.BlockRetention;

    /// <summary>Today, in the school's time zone.</summary>
    public DateTime Today => clock.Local(clock.Now).Date;

    public async Task<BlockHistoryChoices> ChoicesAsync(ConsoleUser? actor, CancellationToken cancellationToken)
    {
        if (!MayRead(actor))
        {
            return new BlockHistoryChoices([], []);
        }

        var snapshot = await store.Policy.GetSnapshotAsync(cancellationToken);
        return new BlockHistoryChoices(
            [.. snapshot.Categories.OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase).Select(c => (c.Key, c.Name))],
            [.. snapshot.Groups.OrderBy(g => g.IsRetired).ThenBy(g => g.Name, StringComparer.OrdinalIgnoreCase).Select(g => (g.Key, g.IsRetired ? g.Name + " (retired)" : g.Name))]);
    }

    /// <summary>Devices whose name, user, MAC or address contains <paramref name="text"/> (at most 20), for the autocomplete.</summary>
    public async Task<IReadOnlyList<HistoryDevice>> SearchDevicesAsync(ConsoleUser? actor, string? text, CancellationToken cancellationToken)
    {
        if (!MayRead(actor))
        {
            return [];
        }

        var page = await store.Devices.QueryAsync(new DeviceQuery(Search: text?.Trim() is { Length: > 0 and <= 100 } t ? t : null, Limit: 20), cancellationToken);
        return [.. page.Devices.Select(d => new HistoryDevice(d.Id, Label(d)))];
    }

    /// <summary>The device a link names, or null when there is none with that id.</summary>
    public async Task<HistoryDevice?> DeviceAsync(ConsoleUser? actor, long id, CancellationToken cancellationToken)
        => MayRead(actor) && await store.Devices.GetAsync(id, cancellationToken) is { } device ? new HistoryDevice(device.Id, Label(device)) : null;

    /// <summary>A device as a technician knows it: "ks3-laptop-07 (10.3.0.20)".</summary>
    public static string Label(Device device)
    {
        var name = AdminActions.DeviceLabel(device);
        var address = device.Ips.FirstOrDefault();
        return address is null || name == address ? name : $"{name} ({address})";
    }

    /// <summary>Checks the form and turns it into criteria for the reader, or a refusal next to a field.</summary>
    public async Task<(BlockCriteria? Criteria, BlockHistoryResult? Refusal)> CriteriaAsync(ConsoleUser? actor, BlockHistoryForm form, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(form);
        if (!MayRead(actor))
        {
            return (null, BlockHistoryResult.Refused(null, "Only technicians, administrators and the safeguarding lead can read the block history."));
        }

        var (domain, domainProblem) = BlockHistoryValidation.Domain(form.Domain);
        if (domainProblem is not null)
        {
            return (null, BlockHistoryResult.Refused(nameof(BlockHistoryForm.Domain), domainProblem));
        }

        var (address, addressProblem) = BlockHistoryValidation.Address(form.Address);
        if (addressProblem is not null)
        {
            return (null, BlockHistoryResult.Refused(nameof(BlockHistoryForm.Address), addressProblem));
        }

        var (pupil, pupilProblem) = BlockHistoryValidation.Pupil(form.Pupil);
        if (pupilProblem is not null)
        {
            return (null, BlockHistoryResult.Refused(nameof(BlockHistoryForm.Pupil), pupilProblem));
        }

        if (BlockHistoryValidation.Period(form.From, form.To) is { } periodProblem)
        {
            return (null, BlockHistoryResult.Refused(nameof(BlockHistoryForm.From), periodProblem));
        }

        var snapshot = await store.Policy.GetSnapshotAsync(cancellationToken);
        if (form.Category is { Length: > 0 } category && !snapshot.Categories.Any(c => c.Key == category))
        {
            return (null, BlockHistoryResult.Refused(nameof(BlockHistoryForm.Category), "Choose a category from the list."));
        }

        if (form.Group is { Length: > 0 } group && !snapshot.Groups.Any(g => g.Key == group))
        {
            return (null, BlockHistoryResult.Refused(nameof(BlockHistoryForm.Group), "Choose a group from the list."));
        }

        if (form.Rule is { } rule && !Enum.IsDefined(rule))
        {
            return (null, BlockHistoryResult.Refused(nameof(BlockHistoryForm.Rule), "Choose a kind of rule from the list."));
        }

        List<long>? devices = null;
        if (form.Device is { } device)
        {
            if (await store.Devices.GetAsync(device.Id, cancellationToken) is null)
            {
                return (null, BlockHistoryResult.Refused(nameof(BlockHistoryForm.Device), "That device is no longer in the inventory: choose another, or search by its address."));
            }

            devices = [device.Id];
        }

        if (pupil is not null)
        {
            var named = (await store.Devices.ListAsync(null, cancellationToken))
                .Where(d => d.DisplayName?.Contains(pupil, StringComparison.OrdinalIgnoreCase) == true).Select(d => d.Id).ToList();
            if (named.Count == 0)
            {
                return (null, BlockHistoryResult.Refused(nameof(BlockHistoryForm.Pupil),
                    $"No device reports '{pupil}' signed in now (the name now, not then). Check the spelling, or search by device or address."));
            }

            if (named.Count > MaxPupilDevices)
            {
                return (null, BlockHistoryResult.Refused(nameof(BlockHistoryForm.Pupil), $"More than {MaxPupilDevices} devices match '{pupil}': type more of the name."));
            }

            devices = devices is null ? named : [.. devices.Intersect(named)];
            if (devices.Count == 0)
            {
                return (null, BlockHistoryResult.Refused(nameof(BlockHistoryForm.Pupil), $"The device chosen does not report '{pupil}' signed in."));
            }
        }

        var (from, to) = Period(form);
        return (new BlockCriteria(from, to, devices, address, domain, NullIfEmpty(form.Category), NullIfEmpty(form.Group), form.Rule), null);
    }

    /// <summary>The period searched: the days chosen in the school's time zone (both included), else the whole retention.</summary>
    public (DateTimeOffset From, DateTimeOffset To) Period(BlockHistoryForm form)
    {
        ArgumentNullException.ThrowIfNull(form);
        var now = clock.Now;
        var from = form.From is { } f ? StartOfDay(f) : now - Retention;
        var to = form.To is { } t ? StartOfDay(t.AddDays(1)) : now.AddMinutes(1);
        return (from, to);
    }

    // Midnight of a school day as an instant (a day that starts in a clock change starts at its first valid time).
    private DateTimeOffset StartOfDay(DateTime day)
    {
        var local = DateTime.SpecifyKind(day.Date, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(30);
        }

        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    /// <summary>One page (newest first) after <paramref name="after"/>.</summary>
    public async Task<BlockHistoryResult> PageAsync(ConsoleUser? actor, BlockHistoryForm form, BlockCursor? after, int size, CancellationToken cancellationToken)
    {
        var (criteria, refusal) = await CriteriaAsync(actor, form, cancellationToken);
        if (criteria is null)
        {
            if (actor is not null)
            {
                BlockHistoryLog.Refused(logger, actor.UserName, refusal!.Problem ?? "refused");
            }

            return refusal!;
        }

        try
        {
            var page = await reader.PageAsync(criteria, after, Math.Clamp(size, 1, BlockHistoryReader.MaxPageSize), cancellationToken);
            var words = await BlockWords.LoadAsync(store, clock, cancellationToken);
            var rows = new List<BlockRow>(page.Rows.Count);
            foreach (var record in page.Rows)
            {
                rows.Add(await words.RowAsync(record, cancellationToken));
            }

            var searched = page.SearchedBackTo is { } back ? clock.Local(back).ToString("ddd d MMM yyyy, HH:mm", English) : null;
            return new BlockHistoryResult(null, null, new BlockHistoryPage(rows, page.Next, searched));
        }
        catch (InfluxException ex)
        {
            BlockHistoryLog.ReadFailed(logger, actor!.UserName, ex);
            return BlockHistoryResult.Refused(null, BlockHistoryCsv.Unreadable);
        }
    }

    /// <summary>Every row of the criteria, newest first, read a page at a time (for the CSV export; never all in memory).</summary>
    public async IAsyncEnumerable<BlockRow> AllAsync(ConsoleUser actor, BlockCriteria criteria, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!MayRead(actor))
        {
            yield break;
        }

        var words = await BlockWords.LoadAsync(store, clock, cancellationToken);
        await foreach (var record in reader.AllAsync(criteria, ExportPageSize, cancellationToken))
        {
            yield return await words.RowAsync(record, cancellationToken);
        }
    }

    private static string? NullIfEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;

    /// <summary>The names a page needs, read once per page or export: devices, categories, groups, rooms, teachers.</summary>
    private sealed class BlockWords
    {
        private readonly StateStore store;
        private readonly SchoolClock clock;
        private readonly Dictionary<long, Device> devices;
        private readonly Dictionary<string, string> categories;
        private readonly Dictionary<string, string> groups;
        private readonly Dictionary<long, string> rooms;
        private readonly Dictionary<long, (string Scope, string Who)?> actions = [];
        private readonly Dictionary<string, IReadOnlyList<IpAssignment>> holders = new(StringComparer.Ordinal);
        private Dictionary<long, string>? users;

        private BlockWords(StateStore store, SchoolClock clock, Dictionary<long, Device> devices, Dictionary<string, string> categories,
            Dictionary<string, string> groups, Dictionary<long, string> rooms)
        {
            this.store = store;
            this.clock = clock;
            this.devices = devices;
            this.categories = categories;
            this.groups = groups;
            this.rooms = rooms;
        }

        public static async Task<BlockWords> LoadAsync(StateStore store, SchoolClock clock, CancellationToken cancellationToken)
        {
            var snapshot = await store.Policy.GetSnapshotAsync(cancellationToken);
            return new BlockWords(
                store,
                clock,
                (await store.Devices.ListAsync(null, cancellationToken)).ToDictionary(d => d.Id),
                snapshot.Categories.ToDictionary(c => c.Key, c => c.Name, StringComparer.Ordinal),
                snapshot.Groups.ToDictionary(g => g.Key, g => g.Name, StringComparer.Ordinal),
                (await store.Sites.ListRoomsAsync(null, cancellationToken)).ToDictionary(r => r.Id, r => r.Name));
        }

        public async Task<BlockRow> RowAsync(BlockRecord r, CancellationToken cancellationToken)
        {
            var device = r.DeviceId is { } id && devices.TryGetValue(id, out var d) ? d : null;
            var byAddress = false;
            if (r.DeviceId is null && r.Ip.Length > 0 && await HolderAsync(r.Ip, r.At, cancellationToken) is { } holder && devices.TryGetValue(holder, out var held))
            {
                // Blocked before the DNS filter knew the device (a new address): who held the address then, from the state.
                device = held;
                byAddress = true;
            }

            var deviceName = device is not null ? AdminActions.DeviceLabel(device)
                : r.DeviceId is { } gone ? string.Create(CultureInfo.InvariantCulture, $"Removed device {gone}")
                : "Unknown device";
            var room = long.TryParse(r.RoomId, NumberStyles.None, CultureInfo.InvariantCulture, out var roomId) && rooms.TryGetValue(roomId, out var roomName) ? roomName : "";
            var category = r.Category.Length == 0 ? "" : categories.TryGetValue(r.Category, out var c) ? c : Humanise(r.Category);
            var group = r.Group.Length == 0 ? "" : groups.TryGetValue(r.Group, out var g) ? g : Humanise(r.Group);
            return new BlockRow(
                r.At,
                clock.Local(r.At).ToString("ddd d MMM yyyy, HH:mm:ss", English),
                deviceName,
                device?.Id ?? r.DeviceId,
                device?.DisplayName ?? "",
                r.Ip,
                r.Mac.Length == 0 && byAddress ? device!.Macs.FirstOrDefault() ?? "" : r.Mac,
                r.Domain,
                category,
                await RuleAsync(r, category, cancellationToken),
                group,
                room,
                r.Count,
                byAddress);
        }

        private async Task<long?> HolderAsync(string ip, DateTimeOffset at, CancellationToken cancellationToken)
        {
            if (!holders.TryGetValue(ip, out var periods))
            {
                holders[ip] = periods = await store.Devices.GetIpHistoryAsync(ip, cancellationToken);
            }

            // The DNS filter stamps a second's blocks with the second before the one it flushes in (PolicyService.FlushLoopAsync),
            // so a block is stamped up to 2 s before it was made: an address first seen within those 2 s was held then.
            var end = at.AddSeconds(2);
            return periods.FirstOrDefault(p => p.From < end && (p.To is null || p.To > at))?.DeviceId;
        }

        private async Task<string> RuleAsync(BlockRecord r, string category, CancellationToken cancellationToken)
        {
            var colon = r.Rule.IndexOf(':', StringComparison.Ordinal);
            var matched = colon >= 0 ? r.Rule[(colon + 1)..] : r.Rule;
            var listed = category.Length == 0 ? "a blocklist" : category;
            return r.Reason switch
            {
                "Category" => $"Listed in {listed} (list: {matched})",
                "AlwaysOn" => $"Always blocked: listed in {listed} (list: {matched})",
                "Deny" => $"Deny list entry {matched}",
                "Circumvention" => $"Circumvention ({matched}): always blocked",
                "Pause" => await ActionAsync(matched, cancellationToken) is { } pause ? $"{pause.Scope} paused by {pause.Who}" : "Paused by a teacher",
                "Focus" => await ActionAsync(matched, cancellationToken) is { } focus
                    ? $"Not on the lesson focus list ({focus.Scope.ToLowerInvariant()} focus set by {focus.Who})"
                    : "Not on a teacher's lesson focus list",
                _ => r.Rule.Length == 0 ? "Blocked" : "Blocked (" + r.Rule + ")",
            };
        }

        // "pause:action 12" → ("Room", "the teacher Ms Smith"): the action's scope and teacher, or null if it is gone.
        private async Task<(string Scope, string Who)?> ActionAsync(string matched, CancellationToken cancellationToken)
        {
            if (!long.TryParse(matched.Replace("action", "", StringComparison.Ordinal).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                return null;
            }

            if (!actions.TryGetValue(id, out var known))
            {
                var action = await store.TeacherActions.GetAsync(id, cancellationToken);
                if (action is not null)
                {
                    users ??= (await store.Users.ListAsync(cancellationToken)).ToDictionary(u => u.Id, u => u.DisplayName.Length > 0 ? u.DisplayName : u.UserName);
                    known = (action.Scope == ActionScope.Room ? "Room" : "Device", users.TryGetValue(action.UserId, out var name) ? "the teacher " + name : "the teacher");
                }

                actions[id] = known;
            }

            return known;
        }

        private static string Humanise(string key)
        {
            var words = key.Replace('_', ' ').Replace('-', ' ').Trim();
            return words.Length == 0 ? key : char.ToUpperInvariant(words[0]) + words[1..];
        }
    }
}

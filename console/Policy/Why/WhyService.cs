using System.Globalization;
using ClassroomGuard.Console.Classroom;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Storage.Control;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Policy.Why;

/// <summary>Who the question is about.</summary>
public enum WhoKind
{
    /// <summary>A known device (searched by name).</summary>
    Device,
    /// <summary>A group, as if one of its devices asked.</summary>
    Group,
    /// <summary>An IP address.</summary>
    Address,
}

/// <summary>The form on /policy/why.</summary>
public sealed class WhyQuery
{
    public string? Domain { get; set; }

    public WhoKind Who { get; set; } = WhoKind.Device;

    public DeviceChoice? Device { get; set; }

    public string? GroupKey { get; set; }

    public string? Address { get; set; }

    /// <summary>The day, in the school's time zone.</summary>
    public DateTime? Date { get; set; }

    /// <summary>The time of day, in the school's time zone.</summary>
    public TimeSpan? Time { get; set; }
}

/// <summary>A device to choose: its id (never shown) and how a technician knows it.</summary>
/// <param name="Id">Device id.</param>
/// <param name="Label">"ks3-laptop-07 (10.3.0.20)".</param>
public sealed record DeviceChoice(long Id, string Label);

/// <summary>A group to choose.</summary>
/// <param name="Key">Group key (never shown).</param>
/// <param name="Name">Display name.</param>
public sealed record GroupOption(string Key, string Name);

/// <summary>The answer, as sentences.</summary>
/// <param name="Blocked">True when the filter blocks the name.</param>
/// <param name="Headline">"Blocked for Staff at 10:15 on Monday 2 March 2026".</param>
/// <param name="Because">The deciding rule in a sentence (or two).</param>
/// <param name="Client">How the client got its group.</param>
/// <param name="Listings">"‘poki.com’ is in the Games list (UT1 games, 12 Nov 2026)." — one per listed category.</param>
/// <param name="Schedules">The group's windows for those categories, each saying whether it is in force.</param>
/// <param name="Notes">Caveats (fail-closed policy, no address for teacher actions).</param>
/// <param name="GroupKey">The group, for its page link (null in the fail-closed policy).</param>
/// <param name="GroupName">The group's name.</param>
/// <param name="LinkDomains">Show the allow/deny page link prominently (a deny or allow entry decided).</param>
/// <param name="Footnote">Policy revision and time zone.</param>
public sealed record WhyAnswer(
    bool Blocked, string Headline, string Because, string Client, IReadOnlyList<string> Listings, IReadOnlyList<string> Schedules,
    IReadOnlyList<string> Notes, string? GroupKey, string GroupName, bool LinkDomains, string Footnote);

/// <summary>The result of asking: a refusal next to a form field, the filter unreachable, or the answer.</summary>
/// <param name="Field">The form field the problem is about (nameof a <see cref="WhyQuery"/> property), or null.</param>
/// <param name="Problem">What is wrong (the field's, the filter's, or the request's).</param>
/// <param name="Unreachable">True when the DNS filter could not be asked.</param>
/// <param name="Answer">The answer.</param>
public sealed record WhyResult(string? Field, string? Problem, bool Unreachable, WhyAnswer? Answer)
{
    public static WhyResult Refused(string field, string problem) => new(field, problem, false, null);
}

/// <summary>
/// "Why is this blocked?": checks the form, asks the running DNS filter (<see cref="DnsFilterClient"/>) and says its
/// verdict in sentences. Technicians, administrators and the safeguarding lead (<see cref="Policies.FilteringInsight"/>);
/// the role is checked again here for every call.
/// </summary>
internal sealed class WhyService(StateStore store, DnsFilterClient filter, SchoolClock clock, IOptions<StateOptions> state, ILogger<WhyService> logger)
{
    private readonly TimeZoneInfo zone = TimeZoneInfo.FindSystemTimeZoneById(state.Value.TimeZone);

    public static bool MayUse(ConsoleUser? actor) => actor is not null && Policies.FilteringInsightRoles.Any(actor.Roles.Contains);

    /// <summary>Now, in the school's time zone (the form's default).</summary>
    public DateTimeOffset LocalNow => clock.Local(clock.Now);

    public async Task<IReadOnlyList<GroupOption>> GroupsAsync(ConsoleUser? actor, CancellationToken cancellationToken)
        => MayUse(actor)
            ? [.. (await store.Policy.GetSnapshotAsync(cancellationToken)).ActiveGroups.Select(g => new GroupOption(g.Key, g.Name))]
            : [];

    /// <summary>Devices whose name, MAC or address contains <paramref name="text"/> (at most 20).</summary>
    public async Task<IReadOnlyList<DeviceChoice>> SearchDevicesAsync(ConsoleUser? actor, string? text, CancellationToken cancellationToken)
    {
        if (!MayUse(actor))
        {
            return [];
        }

        var page = await store.Devices.QueryAsync(new DeviceQuery(Search: text?.Trim() is { Length: > 0 and <= 100 } t ? t : null, Limit: 20), cancellationToken);
        return [.. page.Devices.Select(d => new DeviceChoice(d.Id, Label(d)))];
    }

    /// <summary>A device as a technician knows it.</summary>
    public static string Label(Device device)
    {
        var name = device.DisplayName ?? device.Hostname ?? device.Macs.FirstOrDefault() ?? "Unnamed device";
        var address = device.Ips.FirstOrDefault();
        return address is null || name == address ? name : $"{name} ({address})";
    }

    /// <summary>Why the domain typed is not one, or null.</summary>
    public static string? DomainProblem(string? text)
        => string.IsNullOrWhiteSpace(text) ? "Type the site, like poki.com." : FocusSites.Site(text) is null ? $"'{Shorten(text)}' is not a web site's name: type it like poki.com (a pasted address works too)." : null;

    /// <summary>Why the address typed is not one, or null.</summary>
    public static string? AddressProblem(string? text)
        => string.IsNullOrWhiteSpace(text) ? "Type the device's IP address, like 10.3.0.20."
            : System.Net.IPAddress.TryParse(text.Trim(), out _) && text.Trim().Length <= 45 ? null : $"'{Shorten(text)}' is not an IP address: type it like 10.3.0.20.";

    public async Task<WhyResult> ExplainAsync(ConsoleUser? actor, WhyQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (!MayUse(actor))
        {
            return new WhyResult(null, "Only technicians, administrators and the safeguarding lead can ask why a site is blocked.", false, null);
        }

        if (DomainProblem(query.Domain) is { } domainProblem)
        {
            return WhyResult.Refused(nameof(WhyQuery.Domain), domainProblem);
        }

        var domain = FocusSites.Site(query.Domain!)!;
        var request = new ControlRequest(ControlRequestKind.Explain, domain);
        switch (query.Who)
        {
            case WhoKind.Device when query.Device is null:
                return WhyResult.Refused(nameof(WhyQuery.Device), "Choose a device: type part of its name or address.");
            case WhoKind.Device:
                request = request with { DeviceId = query.Device.Id };
                break;
            case WhoKind.Group when string.IsNullOrEmpty(query.GroupKey):
                return WhyResult.Refused(nameof(WhyQuery.GroupKey), "Choose a group.");
            case WhoKind.Group:
                request = request with { GroupKey = query.GroupKey };
                break;
            default:
                if (AddressProblem(query.Address) is { } addressProblem)
                {
                    return WhyResult.Refused(nameof(WhyQuery.Address), addressProblem);
                }

                request = request with { Address = query.Address!.Trim() };
                break;
        }

        var local = (query.Date ?? LocalNow.Date).Date + (query.Time ?? LocalNow.TimeOfDay);
        local = new DateTime(local.Year, local.Month, local.Day, local.Hour, local.Minute, 0, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local))
        {
            return WhyResult.Refused(nameof(WhyQuery.Time), "The clocks go forward then: that time does not exist. Choose another.");
        }

        var at = new DateTimeOffset(local, zone.GetUtcOffset(local));
        var answer = await filter.AskAsync(request with { At = at }, cancellationToken);
        if (answer.Unreachable is not null)
        {
            return new WhyResult(null, answer.Unreachable, true, null);
        }

        if (answer.Reply!.Explain is not { } explain)
        {
            return new WhyResult(null, "The DNS filter could not answer: " + (answer.Reply.Error ?? "no reason given."), false, null);
        }

        var deviceLabel = query.Who == WhoKind.Device ? query.Device!.Label
            : explain.Client.DeviceId is { } id && await store.Devices.GetAsync(id, cancellationToken) is { } device ? Label(device) : null;
        WhyLog.Explained(logger, actor!.UserName, domain, deviceLabel ?? explain.Client.Address ?? explain.Client.Group.Name, explain.Outcome.ToString(), explain.Rule.ToString());
        return new WhyResult(null, null, false, WhySentences.Say(explain, deviceLabel, zone));
    }

    private static string Shorten(string text) => text.Length > 40 ? text[..40] + "…" : text;
}

/// <summary>The filter's explanation in sentences a technician or the safeguarding lead reads at a glance.</summary>
internal static class WhySentences
{
    private static readonly CultureInfo English = CultureInfo.InvariantCulture; // English names (the build is globalization-invariant)

    public static WhyAnswer Say(ExplainReply e, string? deviceLabel, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(e);
        var local = TimeZoneInfo.ConvertTime(e.At, zone);
        var when = $"at {local.ToString("HH:mm", English)} on {local.ToString("dddd d MMMM yyyy", English)}";
        var group = e.Client.Group.Name;
        var blocked = e.Outcome == ExplainOutcome.Blocked;
        var who = e.Fallback ? "everyone" : group;
        var headline = e.Outcome switch
        {
            ExplainOutcome.Blocked => $"Blocked for {who} {when}",
            ExplainOutcome.SafeSearch => $"Allowed with SafeSearch for {who} {when}",
            _ => $"Allowed for {who} {when}",
        };
        var site = $"‘{e.Domain}’";
        var decidingListing = e.Category is null ? null : e.Listings.FirstOrDefault(l => l.Category.Key == e.Category.Key);
        string because = e.Rule switch
        {
            ExplainRule.AlwaysOn => $"{Listed(decidingListing, e.Domain)} This list is always on: it cannot be switched off, and no allow entry, unblock or schedule opens it.",
            ExplainRule.Circumvention => $"{site} is a name devices use to get round the school's filtering (encrypted DNS or a private relay{(e.RuleEntry is null ? "" : $": ‘{e.RuleEntry}’")}), so it is always refused. This is set in the DNS filter's settings (Dns:Policy:CircumventionNames).",
            ExplainRule.Deny => $"A deny entry blocks it: ‘{e.RuleEntry}’ and its subdomains are denied for {(e.RuleEntryGroup is null ? "every group" : e.RuleEntryGroup.Name)}. Deny entries win over every list, allow entry and schedule except the always-on lists.",
            ExplainRule.Pause => $"A teacher paused the internet for this device or its room{Until(e.ActionEnds, zone)}. Only the school's essential services work during a pause.",
            ExplainRule.Focus => $"The room is in a lesson focus{Until(e.ActionEnds, zone)}, and {site} is not on the lesson's list of sites.",
            ExplainRule.Allow => $"An allow entry lets it through: ‘{e.RuleEntry}’ and its subdomains are allowed for {(e.RuleEntryGroup is null ? "every group" : e.RuleEntryGroup.Name)}."
                + (e.BlockedCategories.Count > 0 ? $" Without it, it would be blocked as {Join(e.BlockedCategories.Select(c => c.Name))}." : ""),
            ExplainRule.TemporaryUnblock => $"A temporary unblock{(e.RuleEntry is null ? "" : $" of ‘{e.RuleEntry}’")} is in force for this device or its room{Until(e.ActionEnds, zone)} (an approved unblock request)."
                + (e.BlockedCategories.Count > 0 ? $" Without it, it would be blocked as {Join(e.BlockedCategories.Select(c => c.Name))}." : ""),
            ExplainRule.Category => $"{Listed(decidingListing, e.Domain)} {e.Category!.Name} is blocked for {who}{WindowClause(e, e.Category.Key)}.",
            ExplainRule.SafeSearch => $"{site} is a search engine ({e.SafeSearchEngine}), and {who} gets its SafeSearch (restricted) results: the filter sends it to the engine's safe address.",
            _ => e.Listings.Count == 0
                ? $"{site} is on none of the block lists, and no deny entry, pause or focus applies to it."
                : $"{Join(e.Listings.Select(l => l.Category.Name).Distinct())} {(e.Listings.Select(l => l.Category.Key).Distinct().Count() == 1 ? "is" : "are")} not blocked for {who} then{AllowedWindowClause(e)}.",
        };

        var client = ClientSentence(e, deviceLabel);
        var listings = e.Listings.Select(l => Listed(l, e.Domain)).ToList();
        var schedules = e.Schedules.Select(s => $"{s.Category.Name}: {(s.Allow ? "allowed" : "blocked")} {Window(s)}{(s.InForce ? " — in force then" : " — not in force then")}.").ToList();
        var notes = new List<string>();
        if (e.Fallback)
        {
            notes.Add("The DNS filter cannot read the policy database, so it is blocking in its fail-closed mode: every listed category for everyone. Look at its log.");
        }

        if (!e.Client.ActionsConsidered)
        {
            notes.Add("This device has no address on the network now, so teacher actions (pause, focus, unblocks) could not be taken into account.");
        }

        var footnote = e.Fallback
            ? "Answer of the running DNS filter (fail-closed policy)."
            : $"Answer of the running DNS filter, policy revision {e.Revision.ToString(CultureInfo.InvariantCulture)}; times are the school's ({zone.Id}).";
        return new WhyAnswer(blocked, headline, because, client, listings, schedules, notes, e.Fallback ? null : e.Client.Group.Key, group,
            e.Rule is ExplainRule.Deny or ExplainRule.Allow, footnote);
    }

    private static string ClientSentence(ExplainReply e, string? deviceLabel)
    {
        var group = e.Client.Group.Name;
        var subject = deviceLabel ?? (e.Client.Address is { } a ? $"The address {a}" : "The device");
        return e.Client.Source switch
        {
            GroupSource.Chosen => $"As if a device in {group} asked.",
            GroupSource.Fallback => "In the fail-closed policy every device is treated alike.",
            GroupSource.Device => $"{subject} is in {group}: the group chosen for this device on the Devices page.",
            GroupSource.Mac => $"{subject} is in {group} because its MAC address {e.Client.Matched} is mapped to {group}.",
            GroupSource.Ip => $"{subject} is in {group} because its address {e.Client.Matched} is mapped to {group}.",
            GroupSource.Subnet => $"{subject} is in {group} because {(e.Client.Address is { } ip ? ip : "its address")} is in the subnet {e.Client.Matched}, mapped to {group}.",
            _ => $"{subject} is in {group}, the default group: no device setting, MAC, address or subnet maps it to another group.",
        };
    }

    private static string Listed(ExplainListing? listing, string domain)
    {
        if (listing is null)
        {
            return $"‘{domain}’ is listed.";
        }

        var name = listing.ListedName == domain ? $"‘{domain}’" : $"‘{domain}’ (listed as ‘{listing.ListedName}’)";
        var sources = listing.Sources.Count == 0 ? "" : " (" + string.Join("; ", listing.Sources.Select(s => s.Updated is { } u ? $"{s.Name}, {u.ToString("d MMM yyyy", English)}" : s.Name)) + ")";
        return $"{name} is in the {listing.Category.Name} list{sources}.";
    }

    /// <summary>" outside the allowed window (12:00–13:00, weekdays)" or " during the blocking window (…)", or "".</summary>
    private static string WindowClause(ExplainReply e, string category)
    {
        var windows = e.Schedules.Where(s => s.Category.Key == category).ToList();
        var blocking = windows.Where(s => !s.Allow && s.InForce).ToList();
        if (blocking.Count > 0)
        {
            return $" during {(blocking.Count == 1 ? "its blocking window" : "its blocking windows")} ({string.Join("; ", blocking.Select(Window))})";
        }

        var allowing = windows.Where(s => s.Allow).ToList();
        return allowing.Count == 0 ? " at all times" : $" outside {(allowing.Count == 1 ? "its allowed window" : "its allowed windows")} ({string.Join("; ", allowing.Select(Window))})";
    }

    private static string AllowedWindowClause(ExplainReply e)
    {
        var open = e.Schedules.Where(s => s.Allow && s.InForce).ToList();
        return open.Count == 0 ? "" : $": {(open.Count == 1 ? "its allowed window is" : "allowed windows are")} in force ({string.Join("; ", open.Select(Window))})";
    }

    public static string Window(ExplainSchedule s) => $"{Minutes(s.StartMinute)}–{Minutes(s.EndMinute)}, {Days(s.Days)}{(s.TermTimeOnly ? " in term time" : "")}";

    public static string Minutes(int minute) => minute >= 1440 ? "24:00" : $"{minute / 60:00}:{minute % 60:00}";

    public static string Days(int mask) => (mask & 127) switch
    {
        127 => "every day",
        31 => "weekdays",
        96 => "weekends",
        var m => string.Join(", ", new[] { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" }.Where((_, i) => (m & (1 << i)) != 0)),
    };

    private static string Until(DateTimeOffset? ends, TimeZoneInfo zone)
        => ends is { } end ? $" until {TimeZoneInfo.ConvertTime(end, zone).ToString("HH:mm", English)}" : "";

    private static string Join(IEnumerable<string> items)
    {
        var list = items.ToList();
        return list.Count <= 1 ? string.Concat(list) : string.Join(", ", list.Take(list.Count - 1)) + " and " + list[^1];
    }
}

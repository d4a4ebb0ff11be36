using System.Globalization;
using System.Text.RegularExpressions;
using ClassroomGuard.Console.Administration;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Policy;

/// <summary>A change (or a few, sharing one reason) ready to propose, with the sentence the proposer confirms.</summary>
/// <param name="Changes">The changes, proposed in order.</param>
/// <param name="Summary">What they do, in words.</param>
public sealed record Proposal(IReadOnlyList<PolicyChange> Changes, string Summary);

/// <summary>A proposal ready to send, or why the form cannot be proposed (with the field it concerns).</summary>
/// <param name="Proposal">The proposal, or null.</param>
/// <param name="Problem">Why not, or null.</param>
public sealed record Prepared(Proposal? Proposal, AdminResult? Problem)
{
    public static Prepared Ready(Proposal proposal) => new(proposal, null);

    public static Prepared Refused(string message, string? field = null) => new(null, AdminResult.Refused(message, field));
}

/// <summary>
/// The policy editor for groups and the school calendar: reads what the pages show (in words) and turns each edit
/// into a proposal for two-person change control, with a mandatory reason. Nothing here changes policy directly; the
/// store applies a change when a second technician or administrator approves it. Every read and proposal checks again
/// that the signed-in person is a technician or administrator (the page's policy is the first check), and the store
/// checks their roles a third time.
/// </summary>
internal sealed partial class PolicyEditor(StateStore store, CurrentUser currentUser, ILogger<PolicyEditor> logger)
{
    private const string NotAnEditor = "Only a technician or administrator can change filtering policy.";
    private static readonly CultureInfo British = CultureInfo.InvariantCulture;

    /// <summary>The groups page: active groups with their counts and what blocks retiring them; retired ones apart.</summary>
    public async Task<GroupListView> GroupsAsync(CancellationToken cancellationToken)
    {
        var actor = await RequireAsync(cancellationToken);
        var snapshot = await store.Policy.GetSnapshotAsync(cancellationToken);
        var pending = await PendingAsync(actor, snapshot, cancellationToken);
        var rows = snapshot.Groups.Select(g =>
        {
            var devices = snapshot.Devices.Count(d => d.GroupKey == g.Key);
            var mappings = snapshot.ClientMappings.Count(m => m.GroupKey == g.Key);
            return new GroupRow(
                g.Key, g.Name, PolicyWords.Kind(g.Kind), g.IsDefault, devices, mappings, PolicyWords.SafeSearch(g.SafeSearch), PolicyWords.SafeSearch(g.YouTubeMode),
                g.BlockedCategories.Count, RetireRefusal(g, devices, mappings), pending.Where(p => p.Group == g.Key).Select(p => p.Note).ToList());
        }).ToList();
        var retired = snapshot.Groups.Where(g => g.IsRetired).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        return new GroupListView(
            rows.Where(r => !retired.Contains(r.Key)).ToList(),
            rows.Where(r => retired.Contains(r.Key)).ToList(),
            pending.Where(p => p.Change is CreateGroupChange or RenameGroupChange or RetireGroupChange or SetDefaultGroupChange).Select(p => p.Note).ToList());
    }

    /// <summary>One group's page, or null when there is no such group.</summary>
    public async Task<GroupView?> GroupAsync(string key, CancellationToken cancellationToken)
    {
        var actor = await RequireAsync(cancellationToken);
        var snapshot = await store.Policy.GetSnapshotAsync(cancellationToken);
        if (snapshot.Groups.FirstOrDefault(g => g.Key == key) is not { } group)
        {
            return null;
        }

        var pending = (await PendingAsync(actor, snapshot, cancellationToken)).Where(p => p.Group == key).ToList();
        var removals = pending.Select(p => p.Change).OfType<RemoveScheduleChange>().Select(r => r.ScheduleId).ToHashSet();
        var categories = snapshot.Categories
            .OrderByDescending(c => c.AlwaysOn).ThenBy(c => c.Name, StringComparer.OrdinalIgnoreCase)
            .Select(c =>
            {
                var windows = group.Schedules.Where(s => s.Category == c.Key)
                    .OrderBy(s => s.StartMinute).ThenBy(s => s.Id)
                    .Select(s => new WindowRow(s.Id, c.Key, c.Name, s.Effect, $"{PolicyWords.Effect(s.Effect)} {PolicyWords.Window(s.Days, s.StartMinute, s.EndMinute, s.TermTimeOnly)}", removals.Contains(s.Id)))
                    .ToList();
                var blocked = c.AlwaysOn || group.BlockedCategories.Contains(c.Key);
                var state = c.AlwaysOn ? CategoryState.Blocked : windows.Count > 0 ? CategoryState.Scheduled : blocked ? CategoryState.Blocked : CategoryState.Allowed;
                return new CategoryRow(c.Key, c.Name, c.AlwaysOn, state, blocked, windows, pending.Where(p => p.Category == c.Key).Select(p => p.Note).ToList());
            })
            .ToList();
        return new GroupView(
            group.Key, group.Name, PolicyWords.Kind(group.Kind), group.IsDefault, group.IsRetired, group.SafeSearch, group.YouTubeMode,
            group.BlockPageText, categories, pending.Select(p => p.Note).ToList(), PolicyWords.Zone(snapshot.TimeZone), snapshot.Calendar.HasTerms);
    }

    /// <summary>The school calendar page.</summary>
    public async Task<CalendarView> CalendarAsync(CancellationToken cancellationToken)
    {
        var actor = await RequireAsync(cancellationToken);
        var snapshot = await store.Policy.GetSnapshotAsync(cancellationToken);
        var pending = await PendingAsync(actor, snapshot, cancellationToken);
        var removals = pending.Select(p => p.Change).OfType<RemoveCalendarEntryChange>().Select(r => r.EntryId).ToHashSet();
        var entries = snapshot.Calendar.Entries
            .Select(e => new CalendarRow(e.Id, e.Kind, e.Name, PolicyWords.Day(e.FirstDay), PolicyWords.Day(e.LastDay), e.LastDay.DayNumber - e.FirstDay.DayNumber + 1, removals.Contains(e.Id)))
            .ToList();
        return new CalendarView(
            PolicyWords.Zone(snapshot.TimeZone),
            entries,
            pending.Where(p => p.Change is AddCalendarEntryChange or RemoveCalendarEntryChange).Select(p => p.Note).ToList(),
            snapshot.ActiveGroups.SelectMany(g => g.Schedules).Count(s => s.TermTimeOnly),
            snapshot.Calendar.HasTerms);
    }

    /// <summary>The groups a new group may copy its blocks from.</summary>
    public async Task<IReadOnlyList<Choice>> GroupChoicesAsync(CancellationToken cancellationToken)
    {
        await RequireAsync(cancellationToken);
        var snapshot = await store.Policy.GetSnapshotAsync(cancellationToken);
        return snapshot.ActiveGroups.Select(g => new Choice(g.Key, g.Name)).ToList();
    }

    /// <summary>A new group from the form: its key derived from the name, unique; the name not already in use.</summary>
    public async Task<Prepared> PrepareNewGroupAsync(NewGroupForm form, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(form);
        var snapshot = await store.Policy.GetSnapshotAsync(cancellationToken);
        if (PolicyValidation.GroupName(form.Name) is { } bad)
        {
            return Prepared.Refused(bad, PolicyFields.Name);
        }

        var name = form.Name!.Trim();
        if (snapshot.Groups.Any(g => string.Equals(g.Name, name, StringComparison.OrdinalIgnoreCase)))
        {
            return Prepared.Refused($"There is already a group called {name}: choose another name.", PolicyFields.Name);
        }

        if (!Enum.IsDefined(form.Kind))
        {
            return Prepared.Refused("Choose pupils, staff or guests.");
        }

        var from = string.IsNullOrEmpty(form.CopyFrom) ? null : snapshot.ActiveGroups.FirstOrDefault(g => g.Key == form.CopyFrom);
        if (!string.IsNullOrEmpty(form.CopyFrom) && from is null)
        {
            return Prepared.Refused("The group to start from no longer exists: choose another.", nameof(NewGroupForm.CopyFrom));
        }

        var key = PolicyValidation.KeyFromName(name, snapshot.Groups.Select(g => g.Key).ToHashSet(StringComparer.Ordinal));
        var safeSearch = from?.SafeSearch ?? (form.Kind == GroupKind.Staff ? SafeSearchMode.Moderate : SafeSearchMode.Strict);
        PolicyChange change = new CreateGroupChange(key, name, form.Kind, safeSearch, from?.Key);
        return Prepared.Ready(new Proposal([change], PolicySentences.Describe(change, snapshot)!));
    }

    /// <summary>A new name for a group.</summary>
    public async Task<Prepared> PrepareRenameAsync(string groupKey, RenameGroupForm form, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(form);
        var snapshot = await store.Policy.GetSnapshotAsync(cancellationToken);
        if (PolicyValidation.GroupName(form.Name) is { } bad)
        {
            return Prepared.Refused(bad, PolicyFields.Name);
        }

        var name = form.Name!.Trim();
        if (snapshot.Groups.FirstOrDefault(g => g.Key == groupKey) is not { } group)
        {
            return Prepared.Refused("That group no longer exists.");
        }

        if (string.Equals(group.Name, name, StringComparison.Ordinal))
        {
            return Prepared.Refused("That is already the group's name.", PolicyFields.Name);
        }

        if (snapshot.Groups.Any(g => g.Key != groupKey && string.Equals(g.Name, name, StringComparison.OrdinalIgnoreCase)))
        {
            return Prepared.Refused($"There is already a group called {name}: choose another name.", PolicyFields.Name);
        }

        return Single(new RenameGroupChange(groupKey, name), snapshot);
    }

    /// <summary>Retiring a group, or why it cannot be retired now.</summary>
    public async Task<Prepared> PrepareRetireAsync(string groupKey, CancellationToken cancellationToken)
    {
        var snapshot = await store.Policy.GetSnapshotAsync(cancellationToken);
        if (snapshot.Groups.FirstOrDefault(g => g.Key == groupKey) is not { } group)
        {
            return Prepared.Refused("That group no longer exists.");
        }

        var refusal = RetireRefusal(group, snapshot.Devices.Count(d => d.GroupKey == groupKey), snapshot.ClientMappings.Count(m => m.GroupKey == groupKey));
        return refusal is null ? Single(new RetireGroupChange(groupKey), snapshot) : Prepared.Refused(refusal);
    }

    /// <summary>Making a group the default for unknown devices.</summary>
    public async Task<Prepared> PrepareMakeDefaultAsync(string groupKey, CancellationToken cancellationToken)
    {
        var snapshot = await store.Policy.GetSnapshotAsync(cancellationToken);
        return snapshot.Groups.FirstOrDefault(g => g.Key == groupKey) switch
        {
            null => Prepared.Refused("That group no longer exists."),
            { IsDefault: true } => Prepared.Refused("It is already the default group."),
            _ => Single(new SetDefaultGroupChange(groupKey), snapshot),
        };
    }

    /// <summary>
    /// Setting a category to blocked or allowed at all times: its windows are removed and its blocked state set, one
    /// proposal each. "Scheduled" is set by adding a window (<see cref="PrepareWindowAsync"/>).
    /// </summary>
    public async Task<Prepared> PrepareCategoryAsync(string groupKey, string category, CategoryState target, CancellationToken cancellationToken)
    {
        var snapshot = await store.Policy.GetSnapshotAsync(cancellationToken);
        if (snapshot.Groups.FirstOrDefault(g => g.Key == groupKey) is not { } group || snapshot.Categories.FirstOrDefault(c => c.Key == category) is not { } found)
        {
            return Prepared.Refused("That group or category no longer exists.");
        }

        if (found.AlwaysOn)
        {
            return Prepared.Refused($"{found.Name} is always blocked for everyone; nothing can change that.");
        }

        if (target == CategoryState.Scheduled)
        {
            return Prepared.Refused("Add a time window to allow or block it at set times.", PolicyFields.Category);
        }

        var changes = new List<PolicyChange>();
        changes.AddRange(group.Schedules.Where(s => s.Category == category).Select(s => new RemoveScheduleChange(s.Id)));
        var blocked = group.BlockedCategories.Contains(category);
        if (target == CategoryState.Blocked && !blocked)
        {
            changes.Add(new BlockCategoryChange(groupKey, category));
        }
        else if (target == CategoryState.Allowed && blocked)
        {
            changes.Add(new UnblockCategoryChange(groupKey, category));
        }

        if (changes.Count == 0)
        {
            return Prepared.Refused($"{found.Name} is already {(target == CategoryState.Blocked ? "blocked" : "allowed")} at all times.");
        }

        var summary = $"{(target == CategoryState.Blocked ? "Block" : "Allow")} {found.Name} for {group.Name} at all times"
            + (changes.Count > 1 ? $" (removing its {changes.OfType<RemoveScheduleChange>().Count()} time window{(changes.OfType<RemoveScheduleChange>().Count() == 1 ? string.Empty : "s")}; {changes.Count} proposals)" : string.Empty);
        return Prepared.Ready(new Proposal(changes, summary));
    }

    /// <summary>A time window from the form: a day, an end after the start, and no overlap with another window of the category.</summary>
    public async Task<Prepared> PrepareWindowAsync(string groupKey, ScheduleForm form, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(form);
        var snapshot = await store.Policy.GetSnapshotAsync(cancellationToken);
        if (snapshot.Groups.FirstOrDefault(g => g.Key == groupKey) is not { } group)
        {
            return Prepared.Refused("That group no longer exists.");
        }

        if (snapshot.Categories.FirstOrDefault(c => c.Key == form.Category) is not { } category)
        {
            return Prepared.Refused("Choose the category the window is for.", PolicyFields.Category);
        }

        if (category.AlwaysOn)
        {
            return Prepared.Refused($"{category.Name} is always blocked for everyone; no window can change that.", PolicyFields.Category);
        }

        if (PolicyValidation.Days(form.Days) is { } days)
        {
            return Prepared.Refused(days, PolicyFields.Days);
        }

        if (PolicyValidation.Window(form.Start, form.End) is { } window)
        {
            return Prepared.Refused(window.Message, window.Field);
        }

        if (!Enum.IsDefined(form.Effect))
        {
            return Prepared.Refused("Choose whether the window allows or blocks the category.");
        }

        var start = PolicyValidation.Minute(form.Start!.Value, isEnd: false);
        var end = PolicyValidation.Minute(form.End!.Value, isEnd: true);
        if (group.Schedules.FirstOrDefault(s => s.Category == category.Key && PolicyValidation.Overlaps(form.Days, start, end, s)) is { } clash)
        {
            return Prepared.Refused(
                $"This overlaps the window {PolicyWords.Effect(clash.Effect).ToLowerInvariant()} {PolicyWords.Window(clash.Days, clash.StartMinute, clash.EndMinute, clash.TermTimeOnly)}: change the days or times, or remove that window first.",
                PolicyFields.Start);
        }

        return Single(new AddScheduleChange(groupKey, category.Key, form.Effect, form.Days & SchoolDays.All, start, end, form.TermTimeOnly), snapshot);
    }

    /// <summary>Removing a window.</summary>
    public async Task<Prepared> PrepareRemoveWindowAsync(long scheduleId, CancellationToken cancellationToken)
    {
        var snapshot = await store.Policy.GetSnapshotAsync(cancellationToken);
        return snapshot.Groups.SelectMany(g => g.Schedules).Any(s => s.Id == scheduleId)
            ? Single(new RemoveScheduleChange(scheduleId), snapshot)
            : Prepared.Refused("That window no longer exists.");
    }

    /// <summary>SafeSearch or YouTube restricted mode for a group.</summary>
    public async Task<Prepared> PrepareSearchModeAsync(string groupKey, bool youTube, SafeSearchMode mode, CancellationToken cancellationToken)
    {
        var snapshot = await store.Policy.GetSnapshotAsync(cancellationToken);
        if (!Enum.IsDefined(mode) || snapshot.Groups.FirstOrDefault(g => g.Key == groupKey) is not { } group)
        {
            return Prepared.Refused("Choose off, moderate or strict.");
        }

        var current = youTube ? group.YouTubeMode : group.SafeSearch;
        if (current == mode)
        {
            return Prepared.Refused($"{(youTube ? "YouTube restricted mode" : "SafeSearch")} is already {(youTube ? PolicyWords.YouTube(mode) : PolicyWords.SafeSearch(mode)).ToLowerInvariant()} for {group.Name}.");
        }

        return Single(youTube ? new SetYouTubeModeChange(groupKey, mode) : new SetSafeSearchChange(groupKey, mode), snapshot);
    }

    /// <summary>The block page text (empty for the built-in wording).</summary>
    public async Task<Prepared> PrepareBlockPageTextAsync(string groupKey, BlockPageForm form, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(form);
        var snapshot = await store.Policy.GetSnapshotAsync(cancellationToken);
        var text = string.IsNullOrWhiteSpace(form.Text) ? null : form.Text.Trim().ReplaceLineEndings("\n");
        if (PolicyValidation.BlockPageText(text) is { } bad)
        {
            return Prepared.Refused(bad, PolicyFields.Text);
        }

        if (snapshot.Groups.FirstOrDefault(g => g.Key == groupKey) is not { } group)
        {
            return Prepared.Refused("That group no longer exists.");
        }

        return string.Equals(group.BlockPageText, text, StringComparison.Ordinal)
            ? Prepared.Refused("That is already the block page text.", PolicyFields.Text)
            : Single(new SetBlockPageTextChange(groupKey, text), snapshot);
    }

    /// <summary>A term or holiday from the form.</summary>
    public async Task<Prepared> PrepareCalendarEntryAsync(CalendarForm form, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(form);
        var snapshot = await store.Policy.GetSnapshotAsync(cancellationToken);
        if (PolicyValidation.Name(form.Name, form.Kind == CalendarEntryKind.Holiday ? "holiday name" : "term name") is { } name)
        {
            return Prepared.Refused(name, nameof(CalendarForm.Name));
        }

        if (form.FirstDay is not { } first)
        {
            return Prepared.Refused("Choose the first day.", PolicyFields.FirstDay);
        }

        if (form.LastDay is not { } last)
        {
            return Prepared.Refused("Choose the last day.", PolicyFields.LastDay);
        }

        if (PolicyValidation.Dates(first, last) is { } dates)
        {
            return Prepared.Refused(dates, PolicyFields.LastDay);
        }

        if (!Enum.IsDefined(form.Kind))
        {
            return Prepared.Refused("Choose term or holiday.");
        }

        return Single(new AddCalendarEntryChange(form.Kind, form.Name!.Trim(), DateOnly.FromDateTime(first), DateOnly.FromDateTime(last)), snapshot);
    }

    /// <summary>Removing a term or holiday.</summary>
    public async Task<Prepared> PrepareRemoveCalendarEntryAsync(long entryId, CancellationToken cancellationToken)
    {
        var snapshot = await store.Policy.GetSnapshotAsync(cancellationToken);
        return snapshot.Calendar.Entries.Any(e => e.Id == entryId)
            ? Single(new RemoveCalendarEntryChange(entryId), snapshot)
            : Prepared.Refused("That term or holiday is no longer in the calendar.");
    }

    /// <summary>
    /// Proposes <paramref name="proposal"/> with <paramref name="reason"/> as the signed-in person: each change goes to
    /// the change-control log, waiting for a second technician or administrator. A refusal says why, next to the field
    /// it concerns when there is one.
    /// </summary>
    public async Task<AdminResult> ProposeAsync(Proposal proposal, string? reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(proposal);
        var actor = await EditorAsync(cancellationToken);
        var kind = proposal.Changes.Count > 0 ? proposal.Changes[0].GetType().Name : "empty";
        if (actor is null)
        {
            return AdminResult.Refused(NotAnEditor);
        }

        if (string.IsNullOrWhiteSpace(reason))
        {
            return AdminResult.Refused("Say why: the reason goes in the change-control log that the second person and the governors read.", PolicyFields.Reason);
        }

        if (reason.Trim().Length > AdminValidation.MaxReasonLength)
        {
            return AdminResult.Refused($"A reason is at most {AdminValidation.MaxReasonLength} characters.", PolicyFields.Reason);
        }

        if (proposal.Changes.Count == 0)
        {
            return AdminResult.Refused("There is nothing to propose.");
        }

        var waiting = await store.ChangeControl.GetPendingAsync(cancellationToken);
        if (waiting.FirstOrDefault(p => proposal.Changes.Contains(p.Change)) is { } twin)
        {
            var proposer = await store.Users.GetAsync(twin.ProposerId, cancellationToken);
            return AdminResult.Refused($"This is already waiting for approval (change {twin.ChangeId}, proposed by {proposer?.DisplayName ?? twin.ProposerName}): see Approvals.");
        }

        var snapshot = await store.Policy.GetSnapshotAsync(cancellationToken);
        var ids = new List<long>();
        foreach (var change in proposal.Changes)
        {
            var result = await store.ChangeControl.ProposeAsync(actor.Id, change, reason.Trim(), cancellationToken);
            if (!result.Succeeded)
            {
                var message = Words(result, snapshot);
                Log.PolicyChangeRefused(logger, actor.UserName, change.GetType().Name, result.Detail ?? string.Empty);
                return AdminResult.Refused(ids.Count == 0 ? message : $"{message} (changes {string.Join(", ", ids)} were proposed before this was refused)", FieldOf(change, result.Refusal));
            }

            ids.Add(result.Entry!.ChangeId);
            Log.PolicyChangeProposed(logger, actor.UserName, result.Entry.ChangeId, change.GetType().Name);
        }

        return AdminResult.Done(ids.Count == 1
            ? $"Proposed (change {ids[0]}): waiting for a second technician or administrator to approve it under Approvals."
            : $"Proposed (changes {string.Join(", ", ids)}): waiting for a second technician or administrator to approve them under Approvals.");
    }

    /// <summary>Why a group cannot be retired now, or null.</summary>
    private static string? RetireRefusal(GroupPolicy group, int devices, int mappings)
    {
        if (group.IsDefault)
        {
            return "It is the default group for unknown devices: make another group the default first.";
        }

        if (devices + mappings == 0)
        {
            return null;
        }

        var parts = new List<string>();
        if (devices > 0)
        {
            parts.Add(devices == 1 ? "1 device" : $"{devices} devices");
        }

        if (mappings > 0)
        {
            parts.Add(mappings == 1 ? "1 address rule" : $"{mappings} address rules");
        }

        return $"{string.Join(" and ", parts)} still put clients in it: move them to another group first (Devices, and Who is in which group).";
    }

    private static Prepared Single(PolicyChange change, PolicySnapshot snapshot)
        => Prepared.Ready(new Proposal([change], PolicySentences.Describe(change, snapshot) ?? "Change filtering policy"));

    private static string? FieldOf(PolicyChange change, ChangeRefusal? refusal) => (change, refusal) switch
    {
        (_, ChangeRefusal.NotPermitted or ChangeRefusal.UnknownUser or ChangeRefusal.UserDisabled or ChangeRefusal.Stale) => null,
        (CreateGroupChange or RenameGroupChange, _) => PolicyFields.Name,
        (AddScheduleChange, ChangeRefusal.AlwaysOnCategory) => PolicyFields.Category,
        (AddScheduleChange, _) => PolicyFields.Start,
        (SetBlockPageTextChange, _) => PolicyFields.Text,
        (AddCalendarEntryChange, _) => PolicyFields.FirstDay,
        _ => null,
    };

    /// <summary>A store refusal in words: keys in its detail replaced by the names people know.</summary>
    private static string Words(ChangeResult result, PolicySnapshot snapshot) => result.Refusal switch
    {
        ChangeRefusal.NotPermitted or ChangeRefusal.UnknownUser or ChangeRefusal.UserDisabled => NotAnEditor,
        ChangeRefusal.AlwaysOnCategory => "That category is always blocked for everyone; nothing can allow it.",
        ChangeRefusal.NoEffect => "That is already the policy, so there is nothing to propose.",
        _ => QuotedKey().Replace(result.Detail ?? "The change was refused.", m =>
            snapshot.Groups.FirstOrDefault(g => g.Key == m.Groups[1].Value)?.Name
            ?? snapshot.Categories.FirstOrDefault(c => c.Key == m.Groups[1].Value)?.Name
            ?? m.Value),
    };

    [GeneratedRegex("'([a-z0-9_-]{1,64})'", RegexOptions.CultureInvariant)]
    private static partial Regex QuotedKey();

    private async Task<List<(PolicyChange Change, string? Group, string? Category, PendingNote Note)>> PendingAsync(ConsoleUser actor, PolicySnapshot snapshot, CancellationToken cancellationToken)
    {
        var pending = await store.ChangeControl.GetPendingAsync(cancellationToken);
        var users = (await store.Users.ListAsync(cancellationToken)).ToDictionary(u => u.Id, u => u.DisplayName);
        return pending
            .Select(p => (p, Summary: PolicySentences.Describe(p.Change, snapshot)))
            .Where(x => x.Summary is not null)
            .Select(x => (
                x.p.Change,
                PolicySentences.GroupOf(x.p.Change, snapshot),
                PolicySentences.CategoryOf(x.p.Change, snapshot),
                new PendingNote(
                    x.p.ChangeId, x.Summary!, x.p.Reason, users.TryGetValue(x.p.ProposerId, out var name) ? name : x.p.ProposerName,
                    TimeZoneInfo.ConvertTime(x.p.ProposedAt, snapshot.TimeZone).ToString("ddd d MMM, HH:mm", British), x.p.ProposerId == actor.Id)))
            .ToList();
    }

    /// <summary>The signed-in person when they may edit policy (claims and the account as stored now), else null.</summary>
    private async Task<ConsoleUser?> EditorAsync(CancellationToken cancellationToken)
    {
        var actor = await currentUser.GetAsync();
        if (actor is null || !actor.IsAdministration)
        {
            if (actor is not null)
            {
                Log.PolicyEditingDenied(logger, actor.UserName, "propose");
            }

            return null;
        }

        var account = await store.Users.GetAsync(actor.Id, cancellationToken);
        if (account is { Disabled: false } && Policies.AdministrationRoles.Any(account.IsIn))
        {
            return actor;
        }

        Log.PolicyEditingDenied(logger, actor.UserName, "propose");
        return null;
    }

    private async Task<ConsoleUser> RequireAsync(CancellationToken cancellationToken)
        => await EditorAsync(cancellationToken) ?? throw new UnauthorizedAccessException(NotAnEditor);
}

using ClassroomGuard.Console.Classroom;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Safeguarding.Incidents;

/// <summary>
/// The incident log's rules, checked on the server for every list, every incident and every action (authorization
/// twice: the pages' <c>Incidents</c> policy, then this): the safeguarding lead and administrators
/// (<see cref="Policies.IncidentReaderRoles"/>) read every incident and record its steps; every other classroom role
/// raises incidents and reads only the ones they raised; anyone else (a governor) has none. Opening an incident records
/// the view; a refusal is logged.
/// </summary>
internal sealed class IncidentService(
    StateStore store, RoomAccess rooms, SchoolClock clock, EvidenceCopier copier, IOptions<IncidentOptions> options, IOptions<StateOptions> state,
    ILogger<IncidentService> logger)
{
    private readonly TimeZoneInfo zone = TimeZoneInfo.FindSystemTimeZoneById(state.Value.TimeZone);

    /// <summary>Said when an incident may not be opened (someone else's, or none): the two are not told apart.</summary>
    public const string NotYours = "This incident is not available to you. You can open the incidents you raised; only the safeguarding lead and administrators open everyone's.";

    /// <summary>Said to a role with no part in the incident log.</summary>
    public const string NoAccess = "The incident log is for school staff who raise incidents and for the safeguarding lead.";

    /// <summary>Said when someone other than the safeguarding lead or an administrator tries to record a step.</summary>
    public const string OnlyLead = "Only the safeguarding lead or an administrator records actions, outcomes and notes, and moves an incident on.";

    /// <summary>What a report from the classroom view records as its first action.</summary>
    public const string ReportedAction = "Reported to the safeguarding lead from the classroom view";

    /// <summary>How recent a tile's last blocked attempt must be to be taken as the site reported (when the tile shows no site).</summary>
    public static readonly TimeSpan RecentBlock = TimeSpan.FromMinutes(10);

    /// <summary>Whether <paramref name="user"/> reads every incident.</summary>
    public static bool ReadsAll(ConsoleUser? user) => user is not null && Policies.IncidentReaderRoles.Any(user.Roles.Contains);

    /// <summary>Whether <paramref name="user"/> may use the incident log at all (raise, read their own).</summary>
    public static bool MayUse(ConsoleUser? user) => user is not null && Policies.ClassroomRoles.Any(user.Roles.Contains);

    /// <summary>The log's filter choices (categories and rooms by name).</summary>
    public async Task<IncidentLogChoices> ChoicesAsync(ConsoleUser? user, CancellationToken cancellationToken)
    {
        if (!MayUse(user))
        {
            return new IncidentLogChoices([], [], false);
        }

        var categories = (await store.Policy.ListCategoriesAsync(cancellationToken)).OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase).Select(c => new IncidentChoice(c.Key, c.Name)).ToList();
        var roomList = (await store.Sites.ListRoomsAsync(null, cancellationToken)).OrderBy(r => r.Name, StringComparer.OrdinalIgnoreCase)
            .Select(r => new IncidentChoice(r.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), r.Name)).ToList();
        return new IncidentLogChoices(categories, roomList, ReadsAll(user));
    }

    /// <summary>One page of the log, newest first: every incident for the lead and administrators, only their own for everyone else.</summary>
    public async Task<IncidentLogPage> ListAsync(ConsoleUser? user, IncidentFilter filter, int offset, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (!MayUse(user))
        {
            IncidentsLog.LogRefused(logger, user?.UserName ?? "?", NoAccess);
            return new IncidentLogPage([], 0);
        }

        var page = await store.Incidents.QueryAsync(
            new IncidentQuery(ReadsAll(user) ? null : user!.Id, filter.Status, filter.Category, filter.RoomId, filter.Pupil, StartOf(filter.From), StartOf(filter.To?.AddDays(1)),
                Math.Max(0, offset), Math.Clamp(limit, 1, 100)),
            cancellationToken);
        var (names, people) = await NamesAsync(cancellationToken);
        return new IncidentLogPage(page.Items.Select(i => Row(i, names, people)).ToList(), page.Total);
    }

    /// <summary>
    /// The incident for <paramref name="user"/>, with the view recorded; or the refusal (someone else's incident for a
    /// teacher, a technician or anyone without the log; or no such incident), which is logged.
    /// </summary>
    public async Task<IncidentOpen> OpenAsync(ConsoleUser? user, long id, CancellationToken cancellationToken)
    {
        var incident = await ReadableAsync(user, id, cancellationToken);
        if (incident is null)
        {
            return new IncidentOpen(null, MayUse(user) ? NotYours : NoAccess);
        }

        await store.Incidents.RecordViewAsync(id, user!.Id, cancellationToken);
        var (names, people) = await NamesAsync(cancellationToken);
        var all = ReadsAll(user);
        var title = Title(incident);

        // Whoever raised it and is not the lead or an administrator sees their report, its status and its outcome: the
        // lead's steps (actions, notes, reasons) and the pupil's copied activity are for the lead and administrators only.
        var steps = all ? (await store.Incidents.ChronologyAsync(id, cancellationToken)).Select(s => Step(s, title)).ToList() : null;
        var evidence = all ? Evidence(await store.Incidents.EvidenceAsync(id, cancellationToken), incident, names) : null;
        var views = all ? (await store.Incidents.ViewsAsync(id, cancellationToken)).Select(v => new IncidentViewLine(v.UserName, Short(v.At))).ToList() : null;
        return new IncidentOpen(
            new IncidentDetail(
                incident.Id, title, incident.Person ?? "Not known", incident.DeviceLabel ?? "Not known", incident.RoomLabel ?? "No room", When(incident.OccurredAt),
                IncidentWords.Category(incident.Category, names) ?? "Not known", incident.Url ?? "Not known", incident.Description ?? incident.ActionTaken,
                all ? incident.ActionTaken : null, incident.Outcome ?? "Not recorded yet", incident.Status, Person(incident.ReportedBy, people),
                steps, evidence, views, all, incident.Person is not null),
            null);
    }

    /// <summary>
    /// The chronology of the pupil of incident <paramref name="id"/>: every incident of theirs (for the lead and
    /// administrators) or those the viewer raised, and every step, in time order (for anyone else only the reports
    /// themselves, as <see cref="OpenAsync"/>). A view of every incident listed is recorded. Null when the viewer may
    /// not open that incident or it names no pupil.
    /// </summary>
    public async Task<PupilChronology?> PupilAsync(ConsoleUser? user, long id, CancellationToken cancellationToken)
    {
        if (await ReadableAsync(user, id, cancellationToken) is not { Person: { } person })
        {
            return null;
        }

        var all = ReadsAll(user);
        var (incidents, events) = await store.Incidents.PersonChronologyAsync(person, all ? null : user!.Id, cancellationToken);
        foreach (var listed in incidents)
        {
            await store.Incidents.RecordViewAsync(listed.Id, user!.Id, cancellationToken); // each incident shown is a view (one per minute per person)
        }

        if (!all)
        {
            events = events.Where(e => e.Kind == IncidentEventKind.Raised).ToList();
        }

        var (names, people) = await NamesAsync(cancellationToken);
        var titles = incidents.ToDictionary(i => i.Id, i => "Incident of " + Short(i.OccurredAt));
        return new PupilChronology(person, incidents.Select(i => Row(i, names, people)).ToList(),
            events.Select(e => Step(e, titles.GetValueOrDefault(e.IncidentId, ""))).ToList(), all);
    }

    /// <summary>Records an action taken, an outcome or a note (the safeguarding lead and administrators only).</summary>
    public async Task<IncidentActionResult> RecordStepAsync(ConsoleUser? user, long id, IncidentStepForm form, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(form);
        if (await ActorCheckAsync(user, id, cancellationToken) is { } refusal)
        {
            return refusal;
        }

        if (form.Kind is not (IncidentEventKind.Action or IncidentEventKind.Outcome or IncidentEventKind.Note))
        {
            return IncidentActionResult.Field(nameof(IncidentStepForm.Kind), "Choose an action taken, an outcome or a note.");
        }

        var text = form.Text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return IncidentActionResult.Field(nameof(IncidentStepForm.Text), form.Kind switch
            {
                IncidentEventKind.Action => "Say what was done, such as \"Spoke to the pupil\".",
                IncidentEventKind.Outcome => "Say how it ended, such as \"Parents informed; no further action\".",
                _ => "Write the note.",
            });
        }

        if (text.Length > IncidentStepForm.MaxText)
        {
            return IncidentActionResult.Field(nameof(IncidentStepForm.Text), $"Keep it to {IncidentStepForm.MaxText} characters; add a second note for more.");
        }

        if (!await store.Incidents.AddStepAsync(id, user!.Id, form.Kind, text, cancellationToken))
        {
            return IncidentActionResult.Refused("The incident is no longer in the log.");
        }

        IncidentsLog.StepRecorded(logger, user.UserName, IncidentWords.StepNoun(form.Kind), id);
        return IncidentActionResult.Done(IncidentWords.Step(form.Kind, null) + " recorded.");
    }

    /// <summary>Moves the incident to another status with a reason (the safeguarding lead and administrators only).</summary>
    public async Task<IncidentActionResult> ChangeStatusAsync(ConsoleUser? user, long id, IncidentStatusForm form, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(form);
        if (await ActorCheckAsync(user, id, cancellationToken) is { } refusal)
        {
            return refusal;
        }

        if (!Enum.IsDefined(form.Status))
        {
            return IncidentActionResult.Field(nameof(IncidentStatusForm.Status), "Choose Raised, In progress or Closed.");
        }

        var reason = form.Reason?.Trim();
        if (string.IsNullOrEmpty(reason))
        {
            return IncidentActionResult.Field(nameof(IncidentStatusForm.Reason), form.Status == IncidentStatus.Closed
                ? "Say why it can be closed, such as \"Dealt with: parents informed\"; it goes in the chronology."
                : "Say why; it goes in the chronology.");
        }

        if (reason.Length > IncidentStatusForm.MaxReason)
        {
            return IncidentActionResult.Field(nameof(IncidentStatusForm.Reason), $"Keep the reason to {IncidentStatusForm.MaxReason} characters; add a note for more.");
        }

        if (!await store.Incidents.ChangeStatusAsync(id, user!.Id, form.Status, reason, cancellationToken))
        {
            return IncidentActionResult.Field(nameof(IncidentStatusForm.Status), $"The incident is already {IncidentWords.Status(form.Status)}.");
        }

        IncidentsLog.StepRecorded(logger, user.UserName, "status " + IncidentWords.Status(form.Status), id);
        return IncidentActionResult.Done(form.Status == IncidentStatus.Closed ? "Incident closed." : $"Incident moved to {IncidentWords.Status(form.Status)}.");
    }

    /// <summary>
    /// A teacher's report from a device tile in the live view: the device must be in a room they may use; the pupil,
    /// the site the tile shows (else its last blocked attempt of the last few minutes) and its category come from the
    /// tile; it happened now. Returns the new incident's id for the link, or the reason it was not recorded.
    /// </summary>
    public async Task<(IncidentActionResult Result, long? IncidentId)> ReportFromTileAsync(ConsoleUser? user, long roomId, DeviceTile tile, IncidentReportForm form,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tile);
        ArgumentNullException.ThrowIfNull(form);
        // A classroom display reports from its own room (RoomAccess); it reads no incident log.
        if (!(MayUse(user) || user?.Display is not null) || !await rooms.CanUseRoomAsync(user, roomId, cancellationToken)
            || await store.Devices.GetAsync(tile.Id, cancellationToken) is not { } device || device.RoomId != roomId)
        {
            IncidentsLog.ReportRefused(logger, user?.UserName ?? "?", roomId, "not their room, or the device is not in it");
            return (IncidentActionResult.Refused("You can report only devices in the rooms you teach in."), null);
        }

        if (!IncidentWords.WhatSeen.Contains(form.WhatSeen, StringComparer.Ordinal))
        {
            return (IncidentActionResult.Field(nameof(IncidentReportForm.WhatSeen), "Choose what you saw."), null);
        }

        var note = form.Note?.Trim();
        if (form.WhatSeen == IncidentWords.Other && string.IsNullOrEmpty(note))
        {
            return (IncidentActionResult.Field(nameof(IncidentReportForm.Note), "Say in a few words what you saw."), null);
        }

        if (note?.Length > IncidentReportForm.MaxNote)
        {
            return (IncidentActionResult.Field(nameof(IncidentReportForm.Note), $"Keep the note to {IncidentReportForm.MaxNote} characters; the safeguarding lead can add more."), null);
        }

        var now = clock.Now;
        var recentBlock = tile.LastBlocked is { } b && now - DateTimeOffset.FromUnixTimeMilliseconds(b.At) <= RecentBlock ? b : null;
        var (site, category) = tile.Site is not null ? (tile.Site, tile.Category) : (recentBlock?.Domain, recentBlock?.Category);
        var description = string.IsNullOrEmpty(note) ? form.WhatSeen : $"{form.WhatSeen}: {note}";
        var incident = await store.Incidents.RecordAsync(
            new NewIncident(user!.Id, now, ReportedAction, tile.Id, tile.Pupil, site, category, RoomId: roomId, Description: description), cancellationToken);
        copier.Poke();
        IncidentsLog.Raised(logger, user.UserName, incident.Id, tile.Id, roomId);
        return (IncidentActionResult.Done("Reported to the safeguarding lead."), incident.Id);
    }

    private async Task<IncidentActionResult?> ActorCheckAsync(ConsoleUser? user, long id, CancellationToken cancellationToken)
    {
        if (!ReadsAll(user))
        {
            IncidentsLog.Refused(logger, user?.UserName ?? "?", id, "not the safeguarding lead or an administrator: may not record steps");
            return IncidentActionResult.Refused(OnlyLead);
        }

        return await store.Incidents.GetAsync(id, cancellationToken) is null ? IncidentActionResult.Refused("The incident is no longer in the log.") : null;
    }

    /// <summary>The incident when <paramref name="user"/> may read it; otherwise null, and the refusal is logged.</summary>
    private async Task<Incident?> ReadableAsync(ConsoleUser? user, long id, CancellationToken cancellationToken)
    {
        if (!MayUse(user))
        {
            IncidentsLog.Refused(logger, user?.UserName ?? "?", id, "no role with the incident log");
            return null;
        }

        var incident = await store.Incidents.GetAsync(id, cancellationToken);
        if (incident is null)
        {
            IncidentsLog.Refused(logger, user!.UserName, id, "no such incident");
            return null;
        }

        if (!ReadsAll(user) && incident.ReportedBy != user!.Id)
        {
            IncidentsLog.Refused(logger, user!.UserName, id, "raised by someone else");
            return null;
        }

        return incident;
    }

    private EvidenceView Evidence(IncidentEvidenceRecord? evidence, Incident incident, IReadOnlyDictionary<string, string> names)
    {
        var around = $"the {options.Value.WindowWords} around the incident";
        if (evidence is null)
        {
            return new EvidenceView(EvidenceState.Unavailable, "", "No evidence was recorded with this incident.", []);
        }

        var window = $"{clock.Time(evidence.From)} to {clock.Time(evidence.To)} on {IncidentWords.Day(clock.Local(evidence.From))}";
        var rows = EvidenceRows.Parse(evidence.Rows);
        if (rows is null)
        {
            return new EvidenceView(evidence.State, window, "The copied activity could not be read. A technician should check the console's log.", []);
        }

        var lines = rows.Select(r => Line(r, names)).ToList();
        var note = evidence.Note is null ? "" : " " + evidence.Note;
        var message = evidence.State switch
        {
            EvidenceState.Unavailable => "The device's activity could not be copied." + note,
            EvidenceState.Pending when lines.Count == 0 => $"Copying the device's activity from {around}: it appears here within a minute of the window's end ({clock.Time(evidence.To + EvidenceCopier.FlushMargin)})." + note,
            EvidenceState.Pending => $"The activity so far is shown; the rest of {around} is added after {clock.Time(evidence.To + EvidenceCopier.FlushMargin)}." + note,
            _ when incident.DeviceId is null && incident.DeviceLabel is null => "No device was named with this incident, so there is no device activity to show.",
            _ when lines.Count == 0 => $"No DNS or site activity was recorded for this device in {around}." + note,
            _ => $"The device's DNS and site activity in {around}, copied into the incident so that it is kept after the raw records expire." + note,
        };
        return new EvidenceView(evidence.State, window, message.Trim(), lines);
    }

    private EvidenceLine Line(EvidenceRow row, IReadOnlyDictionary<string, string> names)
    {
        var time = IncidentWords.Second(clock.Local(DateTimeOffset.FromUnixTimeMilliseconds(row.At)));
        static string Names(IReadOnlyList<EvidenceName>? top, Func<long, string> count)
            => top is null or { Count: 0 } ? "" : string.Join(", ", top.Select(n => $"{n.Name} ({count(n.Count)})"));
        return row.Kind switch
        {
            EvidenceRow.Block => new EvidenceLine(time, "Blocked", string.Join(" · ", new[]
            {
                row.Domain ?? "",
                IncidentWords.Category(row.Category, names) ?? "",
                IncidentWords.Rule(row.Rule, row.Reason),
            }.Where(s => s.Length > 0)), true),
            EvidenceRow.Net => new EvidenceLine(time, "Site traffic", Names(row.Top, IncidentWords.Bytes) is { Length: > 0 } sites ? sites : $"{IncidentWords.Bytes(row.Bytes ?? 0)}, no site names", false),
            _ => new EvidenceLine(time, "Looked up",
                (Names(row.Top, n => n == 1 ? "once" : $"{n} times") is { Length: > 0 } asked ? asked : $"{row.Queries ?? 0} names")
                + (row.Blocked is > 0 ? $" · {row.Blocked} blocked" : ""), false),
        };
    }

    private IncidentRow Row(Incident i, IReadOnlyDictionary<string, string> names, IReadOnlyDictionary<long, string> people)
        => new(i.Id, IncidentWords.Short(clock.Local(i.OccurredAt)), i.Person ?? "Not known", Where(i), IncidentWords.Category(i.Category, names), i.Url,
            i.Description ?? i.ActionTaken, i.Status, Person(i.ReportedBy, people));

    private IncidentStepLine Step(IncidentEvent e, string incident)
        => new(Short(e.At), e.UserId is null ? "ClassroomGuard" : e.UserName ?? "A removed account", IncidentWords.Step(e.Kind, e.Status), e.Text, e.IncidentId, incident);

    private static string Where(Incident i) => (i.DeviceLabel, i.RoomLabel) switch
    {
        ({ } d, { } r) => $"{d} in {r}",
        ({ } d, null) => d,
        (null, { } r) => r,
        _ => "Not known",
    };

    private string Title(Incident i) => $"Incident raised {clock.Time(i.OccurredAt)} on {IncidentWords.Day(clock.Local(i.OccurredAt))}";

    private string When(DateTimeOffset at) => IncidentWords.When(clock.Local(at));

    private string Short(DateTimeOffset at) => IncidentWords.Short(clock.Local(at));

    private static string Person(long id, IReadOnlyDictionary<long, string> people) => people.GetValueOrDefault(id, "A removed account");

    private async Task<(IReadOnlyDictionary<string, string> Categories, IReadOnlyDictionary<long, string> People)> NamesAsync(CancellationToken cancellationToken)
    {
        var categories = (await store.Policy.ListCategoriesAsync(cancellationToken)).ToDictionary(c => c.Key, c => c.Name, StringComparer.Ordinal);
        var people = (await store.Users.ListAsync(cancellationToken)).ToDictionary(u => u.Id, u => u.DisplayName);
        return (categories, people);
    }

    private DateTimeOffset? StartOf(DateOnly? day)
    {
        if (day is not { } d)
        {
            return null;
        }

        var local = d.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, zone.GetUtcOffset(local)); // the school's midnight
    }
}

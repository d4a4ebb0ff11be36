using System.Globalization;
using ClassroomGuard.Console.Classroom;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Safeguarding.Alerts;

/// <summary>
/// The school's alerts for the alerts page, in words: list with filters, acknowledge with a note, turn into an incident.
/// Every call checks the caller again (SafeguardingLead, Technician, Administrator; appliance alerts only for the last
/// two), whatever the page's policy already did.
/// </summary>
public sealed class AlertsService(StateStore store, AlertSeverities severities, IOptions<StateOptions> stateOptions, TimeProvider time, ILogger<AlertsService> logger)
{
    /// <summary>Longest acknowledgement note.</summary>
    public const int MaxNoteLength = 500;

    private static readonly CultureInfo English = CultureInfo.InvariantCulture;

    /// <summary>Raised after an alert is acknowledged or turned into an incident here (the menu's count reads again).</summary>
    public event Action? Changed;
    private readonly TimeZoneInfo zone = TimeZoneInfo.FindSystemTimeZoneById(stateOptions.Value.TimeZone);

    /// <summary>Whether <paramref name="actor"/> may see the school's alerts.</summary>
    public static bool MayRead(ConsoleUser? actor) => actor is not null && Policies.SafeguardingRoles.Any(actor.Roles.Contains);

    /// <summary>Whether <paramref name="actor"/> sees the appliance's own alerts (technicians and administrators).</summary>
    public static bool SeesAppliance(ConsoleUser? actor) => actor is not null && actor.IsAdministration;

    /// <summary>What the filters offer this person.</summary>
    public async Task<AlertChoices> ChoicesAsync(ConsoleUser actor, CancellationToken cancellationToken)
    {
        Require(actor);
        var rooms = await store.Sites.ListRoomsAsync(null, cancellationToken);
        var names = await CategoryNamesAsync(cancellationToken);
        var categories = names.Select(n => new FilterChoice<string>(n.Key, n.Value))
            .Concat(AlertWords.CircumventionKeys.Where(k => !names.ContainsKey(k)).Select(k => new FilterChoice<string>(k, AlertWords.Category(k, names))))
            .OrderBy(c => c.Text, StringComparer.OrdinalIgnoreCase).ToList();
        AlertSeverity[] shown = SeesAppliance(actor)
            ? [AlertSeverity.Danger, AlertSeverity.Caution, AlertSeverity.Advisory, AlertSeverity.Appliance]
            : [AlertSeverity.Danger, AlertSeverity.Caution, AlertSeverity.Advisory];
        return new AlertChoices(
            rooms.OrderBy(r => r.Name, StringComparer.OrdinalIgnoreCase).Select(r => new FilterChoice<long>(r.Id, r.Name)).ToList(), categories, shown);
    }

    /// <summary>One page of alerts, newest first.</summary>
    public async Task<AlertRows> PageAsync(ConsoleUser actor, AlertFilter filter, int offset, int limit, CancellationToken cancellationToken)
    {
        Require(actor);
        ArgumentNullException.ThrowIfNull(filter);
        if (filter.Severity == AlertSeverity.Appliance && !SeesAppliance(actor))
        {
            return new AlertRows([], 0);
        }

        var query = AlertFilterQuery.Build(filter, severities, SeesAppliance(actor), From(filter.Period), Math.Max(0, offset), Math.Clamp(limit, 1, AlertRepository.MaxPageSize));
        var page = await store.Alerts.QueryAsync(query, cancellationToken);
        return new AlertRows(await RowsAsync(page.Items, cancellationToken), page.Total);
    }

    /// <summary>One alert (the e-mail's link), or null when it is gone or not for this person.</summary>
    public async Task<AlertRow?> GetAsync(ConsoleUser actor, long id, CancellationToken cancellationToken)
    {
        Require(actor);
        var alert = await store.Alerts.GetAsync(id, cancellationToken);
        if (alert is null || (alert.Kind == AlertKind.Appliance && !SeesAppliance(actor)))
        {
            return null;
        }

        return (await RowsAsync([alert], cancellationToken))[0];
    }

    /// <summary>How many danger alerts nobody has acknowledged (the menu's count).</summary>
    public async Task<int> OpenDangerCountAsync(ConsoleUser actor, CancellationToken cancellationToken)
    {
        Require(actor);
        var (include, exclude) = severities.Filter(AlertSeverity.Danger);
        return await store.Alerts.CountUnacknowledgedAsync(include!, exclude, cancellationToken);
    }

    /// <summary>Why a note is refused, or null when it is fine (required: what was done, or why nothing is needed).</summary>
    public static string? NoteProblem(string? note) => string.IsNullOrWhiteSpace(note)
        ? "Write what you did, or why nothing more is needed: the note is kept with the alert."
        : note.Trim().Length > MaxNoteLength ? $"Keep the note to {MaxNoteLength} characters; record the detail in an incident." : null;

    /// <summary>Acknowledges an alert with a note.</summary>
    public async Task<AlertActionResult> AcknowledgeAsync(ConsoleUser actor, long alertId, string? note, CancellationToken cancellationToken)
    {
        Require(actor);
        if (NoteProblem(note) is { } problem)
        {
            return new AlertActionResult(false, problem);
        }

        if (!await VisibleAsync(actor, alertId, cancellationToken))
        {
            return Refuse(actor, alertId, "This alert no longer exists (acknowledged alerts are removed after the retention period).");
        }

        var outcome = await store.Alerts.AcknowledgeAsync(alertId, actor.Id, note!.Trim(), cancellationToken);
        switch (outcome)
        {
            case AcknowledgeOutcome.Acknowledged:
                AlertsLog.Acknowledged(logger, actor.UserName, alertId);
                Changed?.Invoke();
                return new AlertActionResult(true, "Alert acknowledged. Your note is kept with it.");
            case AcknowledgeOutcome.AlreadyAcknowledged:
                return Refuse(actor, alertId, "Someone acknowledged this alert already; the list now shows their note.");
            default:
                return Refuse(actor, alertId, "This alert no longer exists.");
        }
    }

    /// <summary>
    /// Raises an incident from an alert in one step (who raised it, when the alert was raised, the device, site, category
    /// and room), links the two and acknowledges the alert. An alert already turned into one answers with that incident.
    /// </summary>
    public async Task<AlertActionResult> TurnIntoIncidentAsync(ConsoleUser actor, long alertId, CancellationToken cancellationToken)
    {
        Require(actor);
        var alert = await store.Alerts.GetAsync(alertId, cancellationToken);
        if (alert is null || (alert.Kind == AlertKind.Appliance && !SeesAppliance(actor)))
        {
            return Refuse(actor, alertId, "This alert no longer exists.");
        }

        if (alert.Kind == AlertKind.Appliance)
        {
            return Refuse(actor, alertId, "An alert about the appliance itself is not a safeguarding incident: fix the cause and acknowledge it.");
        }

        if (alert.IncidentId is { } existing)
        {
            return new AlertActionResult(false, "This alert was already turned into an incident.", existing);
        }

        var row = (await RowsAsync([alert], cancellationToken))[0];
        var description = $"{row.What}: {(row.Domain.Length == 0 ? "" : row.Domain + " ")}{(row.Category.Length == 0 ? "" : $"({row.Category}) ")}"
                          + $"on {row.Device}{(row.Address is null ? "" : $" ({row.Address})")} in {(alert.RoomId is null ? "no room" : row.Room)}, {row.When}; {row.CountText}.";
        // Refused inside the repository when the alert already has its incident (two people pressing together): the
        // check, the record, the link and the acknowledgement are one step there, so a second incident is never made.
        var outcome = await store.Alerts.TurnIntoIncidentAsync(
            alert.Id, actor.Id, "Turned into an incident.",
            async ct => (await store.Incidents.RecordAsync(
                new NewIncident(
                    ReportedBy: actor.Id, OccurredAt: alert.At, ActionTaken: "Raised from an alert", DeviceId: alert.DeviceId, Person: row.Pupil, Url: alert.Domain,
                    Category: alert.Category, RoomId: alert.RoomId, Description: description, AlertId: alert.Id),
                ct)).Id,
            cancellationToken);
        if (outcome.IncidentId is not { } incidentId)
        {
            return Refuse(actor, alertId, "This alert no longer exists.");
        }

        if (!outcome.Created)
        {
            return new AlertActionResult(false, "Someone turned this alert into an incident a moment ago.", incidentId);
        }

        AlertsLog.TurnedIntoIncident(logger, actor.UserName, alert.Id, incidentId);
        Changed?.Invoke();
        return new AlertActionResult(true, "Incident raised from the alert; the alert is acknowledged.", incidentId);
    }

    /// <summary>An instant as the school reads it: "Today 09:14" or "Mon 7 Dec 2026, 09:14".</summary>
    public string When(DateTimeOffset at)
    {
        var local = TimeZoneInfo.ConvertTime(at, zone);
        var today = TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone).Date;
        return local.Date == today ? "Today " + local.ToString("HH:mm", English)
            : local.Date == today.AddDays(-1) ? "Yesterday " + local.ToString("HH:mm", English)
            : local.ToString("ddd d MMM yyyy, HH:mm", English);
    }

    private DateTimeOffset? From(AlertPeriod period)
    {
        var now = time.GetUtcNow();
        switch (period)
        {
            case AlertPeriod.Today:
                var local = TimeZoneInfo.ConvertTime(now, zone).Date;
                return new DateTimeOffset(local, zone.GetUtcOffset(local));
            case AlertPeriod.Week:
                return now.AddDays(-7);
            case AlertPeriod.Month:
                return now.AddDays(-30);
            default:
                return null;
        }
    }

    private async Task<bool> VisibleAsync(ConsoleUser actor, long alertId, CancellationToken cancellationToken)
        => await store.Alerts.GetAsync(alertId, cancellationToken) is { } alert && (alert.Kind != AlertKind.Appliance || SeesAppliance(actor));

    private async Task<Dictionary<string, string>> CategoryNamesAsync(CancellationToken cancellationToken)
        => (await store.Policy.ListCategoriesAsync(cancellationToken)).ToDictionary(c => c.Key, c => c.Name, StringComparer.Ordinal);

    /// <summary>Alerts in words without a reader's check: for the alert e-mails, which go to the safeguarding leads.</summary>
    internal Task<IReadOnlyList<AlertRow>> DescribeAsync(IReadOnlyList<Alert> list, CancellationToken cancellationToken) => RowsAsync(list, cancellationToken);

    private async Task<IReadOnlyList<AlertRow>> RowsAsync(IReadOnlyList<Alert> alerts, CancellationToken cancellationToken)
    {
        if (alerts.Count == 0)
        {
            return [];
        }

        var names = await CategoryNamesAsync(cancellationToken);
        var rooms = (await store.Sites.ListRoomsAsync(null, cancellationToken)).ToDictionary(r => r.Id, r => r.Name);
        var devices = new Dictionary<long, Device?>();
        foreach (var id in alerts.Select(a => a.DeviceId).OfType<long>().Distinct())
        {
            devices[id] = await store.Devices.GetAsync(id, cancellationToken);
        }

        var people = alerts.Any(a => a.AcknowledgedBy is not null)
            ? (await store.Users.ListAsync(cancellationToken)).ToDictionary(u => u.Id, u => u.DisplayName)
            : [];
        return alerts.Select(a => Row(a, a.DeviceId is { } d ? devices.GetValueOrDefault(d) : null, names, rooms, people)).ToList();
    }

    private AlertRow Row(Alert a, Device? device, IReadOnlyDictionary<string, string> names, Dictionary<long, string> rooms, Dictionary<long, string> people)
    {
        var severity = severities.Of(a.Kind, a.Category);
        var address = AlertRepository.ClientOf(a.Evidence) ?? device?.Ips.FirstOrDefault();
        var deviceName = device is not null ? RoomSnapshotReader.NameOf(device)
            : a.DeviceId is not null ? "A device no longer in the inventory"
            : a.Kind == AlertKind.Appliance ? "The appliance"
            : "A device not in the inventory";
        var room = a.RoomId is { } r && rooms.TryGetValue(r, out var name) ? name : a.RoomId is null ? "No room" : "A room since removed";
        var count = a.Count == 1 ? "1 attempt"
            : $"{a.Count} attempts{(a.LastAt is { } last ? $", the last {When(last).Replace("Today ", "at ", StringComparison.Ordinal)}" : "")}";
        string? acknowledged = null;
        if (a.AcknowledgedAt is { } at)
        {
            var who = a.AcknowledgedBy is { } u && people.TryGetValue(u, out var person) ? person : "a former user";
            acknowledged = $"Acknowledged by {who}, {When(at)}{(string.IsNullOrWhiteSpace(a.AcknowledgedNote) ? "" : ": " + a.AcknowledgedNote)}";
        }

        return new AlertRow(
            a.Id, severity, AlertSeverities.Word(severity), AlertWords.Kind(a.Kind), deviceName, address, device?.DisplayName, room, When(a.At), a.Domain ?? string.Empty,
            AlertWords.Category(a.Category, names), a.Count, count, a.Kind == AlertKind.Appliance ? a.Evidence : null, a.AcknowledgedAt is not null, acknowledged, a.IncidentId);
    }

    private AlertActionResult Refuse(ConsoleUser actor, long alertId, string reason)
    {
        AlertsLog.Refused(logger, actor.UserName, alertId, reason);
        return new AlertActionResult(false, reason);
    }

    private static void Require(ConsoleUser actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!MayRead(actor))
        {
            throw new UnauthorizedAccessException("Only the safeguarding lead, a technician or an administrator may see the school's alerts.");
        }
    }
}

using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Safeguarding.Alerts;

/// <summary>Which alerts the page lists, by whether they are acknowledged.</summary>
public enum AlertState
{
    /// <summary>Not yet acknowledged.</summary>
    Open,

    /// <summary>Acknowledged.</summary>
    Acknowledged,

    /// <summary>Both.</summary>
    All,
}

/// <summary>How far back the page looks.</summary>
public enum AlertPeriod
{
    /// <summary>Since the school's midnight.</summary>
    Today,

    /// <summary>The last 7 days.</summary>
    Week,

    /// <summary>The last 30 days.</summary>
    Month,

    /// <summary>Everything kept.</summary>
    All,
}

/// <summary>The page's filters.</summary>
/// <param name="Severity">One severity, or all.</param>
/// <param name="RoomId">One room, or all.</param>
/// <param name="NoRoom">Only devices in no room.</param>
/// <param name="Category">One category key, or all.</param>
/// <param name="State">Open, acknowledged or both.</param>
/// <param name="Period">How far back.</param>
public sealed record AlertFilter(
    AlertSeverity? Severity = null, long? RoomId = null, bool NoRoom = false, string? Category = null, AlertState State = AlertState.Open, AlertPeriod Period = AlertPeriod.All);

/// <summary>One alert as the page shows it: every field in words.</summary>
/// <param name="Id">The alert (for actions and the e-mail link; never shown).</param>
/// <param name="Severity">Its severity.</param>
/// <param name="SeverityWord">"Danger", "Caution", "Advisory", "Appliance".</param>
/// <param name="What">What happened.</param>
/// <param name="Device">The device as the console names it, or why there is none.</param>
/// <param name="Address">Its address (the evidence's client address, else the device's current one), if known.</param>
/// <param name="Pupil">The pupil signed in on the device, as its agent reported, if known.</param>
/// <param name="Room">The room the device was in, or "No room".</param>
/// <param name="When">When it was raised, in the school's time zone.</param>
/// <param name="Domain">The site, if any.</param>
/// <param name="Category">The category's name, if any.</param>
/// <param name="Count">Attempts folded into it.</param>
/// <param name="CountText">"1 attempt", "3 attempts, the last at 09:20".</param>
/// <param name="Detail">The appliance alert's text (appliance alerts only).</param>
/// <param name="Acknowledged">Whether it is acknowledged.</param>
/// <param name="AcknowledgedText">"Acknowledged by Ms Khan, Mon 7 Dec 09:20: spoke to the pupil", if so.</param>
/// <param name="IncidentId">The incident it became, if any.</param>
public sealed record AlertRow(
    long Id, AlertSeverity Severity, string SeverityWord, string What, string Device, string? Address, string? Pupil, string Room, string When, string Domain,
    string Category, int Count, string CountText, string? Detail, bool Acknowledged, string? AcknowledgedText, long? IncidentId);

/// <summary>A choice in a filter.</summary>
/// <param name="Value">What is filtered on.</param>
/// <param name="Text">What the person reads.</param>
public sealed record FilterChoice<T>(T Value, string Text);

/// <summary>What the page's filters offer.</summary>
/// <param name="Rooms">The rooms.</param>
/// <param name="Categories">The categories (state categories and circumvention kinds).</param>
/// <param name="Severities">The severities this person may see.</param>
public sealed record AlertChoices(IReadOnlyList<FilterChoice<long>> Rooms, IReadOnlyList<FilterChoice<string>> Categories, IReadOnlyList<AlertSeverity> Severities);

/// <summary>The result of an action on an alert.</summary>
/// <param name="Done">Whether it was done.</param>
/// <param name="Message">What to tell the person.</param>
/// <param name="IncidentId">The incident, when one was raised (or already existed).</param>
public sealed record AlertActionResult(bool Done, string Message, long? IncidentId = null);

/// <summary>A page of rows.</summary>
/// <param name="Items">The rows.</param>
/// <param name="Total">Matching in all.</param>
public sealed record AlertRows(IReadOnlyList<AlertRow> Items, int Total);

/// <summary>The query the filter makes, for the state.</summary>
internal static class AlertFilterQuery
{
    public static AlertQuery Build(AlertFilter filter, AlertSeverities severities, bool seesAppliance, DateTimeOffset? from, int offset, int limit)
    {
        var (include, exclude) = filter.Severity is { } s ? severities.Filter(s) : (null, null);
        if (!seesAppliance)
        {
            exclude = exclude is null
                ? new AlertMatch([], [AlertKind.Appliance])
                : new AlertMatch(exclude.Categories, [.. exclude.Kinds.Append(AlertKind.Appliance).Distinct()]);
        }

        return new AlertQuery(
            offset, limit, include, exclude, filter.Category, filter.RoomId, filter.NoRoom && filter.RoomId is null, null,
            filter.State switch { AlertState.Open => false, AlertState.Acknowledged => true, _ => null }, from);
    }
}

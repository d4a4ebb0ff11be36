using ClassroomGuard.Storage.State;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Safeguarding.Alerts;

/// <summary>How urgent an alert is.</summary>
public enum AlertSeverity
{
    /// <summary>Self-harm, extremism, abuse: e-mailed to the safeguarding leads at once.</summary>
    Danger,

    /// <summary>Adult content, violence, getting round the filter.</summary>
    Caution,

    /// <summary>Anything else.</summary>
    Advisory,

    /// <summary>The appliance itself needs the technician (a list download failing): not a safeguarding matter.</summary>
    Appliance,
}

/// <summary>
/// Maps alerts to severities from <see cref="SafeguardingOptions"/>, and severities to the state's alert filters. Appliance
/// alerts are for technicians and administrators only.
/// </summary>
public sealed class AlertSeverities(IOptions<SafeguardingOptions> options)
{
    private readonly HashSet<string> danger = [.. options.Value.DangerKeys];
    private readonly HashSet<string> caution = [.. options.Value.CautionKeys];

    /// <summary>The danger category keys.</summary>
    public IReadOnlyCollection<string> DangerKeys => danger;

    /// <summary>The severity of an alert of <paramref name="kind"/> in <paramref name="category"/>.</summary>
    public AlertSeverity Of(AlertKind kind, string? category)
    {
        if (kind == AlertKind.Appliance)
        {
            return AlertSeverity.Appliance;
        }

        if (category is not null && danger.Contains(category))
        {
            return AlertSeverity.Danger;
        }

        return (category is not null && caution.Contains(category)) || kind == AlertKind.Circumvention ? AlertSeverity.Caution : AlertSeverity.Advisory;
    }

    /// <summary>The state filter (include, exclude) that keeps exactly the alerts of <paramref name="severity"/>.</summary>
    public (AlertMatch? Include, AlertMatch? Exclude) Filter(AlertSeverity severity) => severity switch
    {
        AlertSeverity.Danger => (new AlertMatch(danger, []), new AlertMatch([], [AlertKind.Appliance])),
        AlertSeverity.Caution => (new AlertMatch(caution, [AlertKind.Circumvention]), new AlertMatch(danger, [AlertKind.Appliance])),
        AlertSeverity.Advisory => (null, new AlertMatch([.. danger, .. caution], [AlertKind.Circumvention, AlertKind.Appliance])),
        _ => (new AlertMatch([], [AlertKind.Appliance]), null),
    };

    /// <summary>The words for a severity: "Danger", "Caution", "Advisory", "Appliance".</summary>
    public static string Word(AlertSeverity severity) => severity switch
    {
        AlertSeverity.Danger => "Danger",
        AlertSeverity.Caution => "Caution",
        AlertSeverity.Advisory => "Advisory",
        _ => "Appliance",
    };
}

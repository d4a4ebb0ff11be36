using System.ComponentModel.DataAnnotations;

namespace ClassroomGuard.Console.ChangeLog;

/// <summary>Change-control settings of the console (configuration section <c>Console</c>, beside <see cref="Hosting.ConsoleOptions"/>).</summary>
public sealed class ChangeControlOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string Section = "Console";

    /// <summary>
    /// A proposed change nobody approves or rejects within this long expires and can no longer be approved (the log
    /// records the expiry). Default 14 days (1 hour to 365 days).
    /// </summary>
    [Range(typeof(TimeSpan), "01:00:00", "365.00:00:00", ErrorMessage = "Console:ChangeExpiry must be between 01:00:00 and 365.00:00:00.")]
    public TimeSpan ChangeExpiry { get; set; } = TimeSpan.FromDays(14);
}

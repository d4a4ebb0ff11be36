using System.ComponentModel.DataAnnotations;

namespace ClassroomGuard.Console.Reports;

/// <summary>Settings of the reports (configuration section <c>Reports</c>; issue #14).</summary>
public sealed class ReportOptions : IValidatableObject
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string Section = "Reports";

    /// <summary>The school's name on every report's header. Default: the names of the appliance's sites, joined.</summary>
    public string? SchoolName { get; set; }

    /// <summary>Where generated reports (PDF) are kept. Default <c>/var/lib/classroomguard/reports</c>; created at start if missing.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Reports:Directory must be a folder path.")]
    public string Directory { get; set; } = "/var/lib/classroomguard/reports";

    /// <summary>The headless Chromium that prints the PDFs. Default <c>/usr/bin/chromium</c> (Debian's package).</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Reports:ChromiumPath must be the path of Chromium.")]
    public string ChromiumPath { get; set; } = "/usr/bin/chromium";

    /// <summary>Longest a report may take from its first query to its PDF before it is abandoned. Default 2 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "01:00:00", ErrorMessage = "Reports:Timeout must be between 00:00:10 and 01:00:00.")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The weekly traffic report: Mondays 07:00 for the week before, to the technicians.</summary>
    public ReportScheduleOptions Weekly { get; set; } = new() { Schedule = "0 7 * * 1", RetentionDays = 365 };

    /// <summary>The governors' report: on the 1st of the month 07:00 for the month before, to the governors.</summary>
    public ReportScheduleOptions Governors { get; set; } = new() { Schedule = "0 7 1 * *", RetentionDays = 2190 };

    /// <summary>The period a scheduled governors' report covers: <c>Month</c> (the last whole month, default) or <c>Term</c> (the last term that ended, from the school calendar).</summary>
    public GovernorsPeriod GovernorsPeriod { get; set; } = GovernorsPeriod.Month;

    /// <inheritdoc/>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, kind) in new[] { ("Weekly", Weekly), ("Governors", Governors) })
        {
            if (kind is null)
            {
                continue;
            }

            if (kind.Enabled && !ReportScheduleOptions.IsCron(kind.Schedule, out var why))
            {
                yield return new ValidationResult($"Reports:{name}:Schedule '{kind.Schedule}' is not a cron expression ({why}); for example \"0 7 * * 1\" is Mondays at 07:00.", [name]);
            }

            if (kind.RetentionDays is < 7 or > 3650)
            {
                yield return new ValidationResult($"Reports:{name}:RetentionDays must be between 7 and 3650 (it is {kind.RetentionDays}).", [name]);
            }

            for (var i = 0; i < kind.Recipients.Count; i++)
            {
                if (!System.Net.Mail.MailAddress.TryCreate(kind.Recipients[i], out _))
                {
                    yield return new ValidationResult($"Reports:{name}:Recipients:{i} '{kind.Recipients[i]}' is not an e-mail address.", [name]);
                }
            }
        }
    }
}

/// <summary>When one kind of report is generated and sent, to whom, and how long it is kept.</summary>
public sealed class ReportScheduleOptions
{
    /// <summary>Whether it is generated on its schedule (it can always be generated on demand). Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>A five-field cron expression in the school's time zone (Cronos).</summary>
    public string Schedule { get; set; } = "0 7 * * 1";

    /// <summary>
    /// Addresses that receive it besides the users of its roles with an e-mail address (weekly: technicians; governors':
    /// governors). Default none.
    /// </summary>
    public List<string> Recipients { get; set; } = [];

    /// <summary>Days a generated report is kept, then deleted. Weekly default 365, governors' default 2190 (six years).</summary>
    public int RetentionDays { get; set; } = 365;

    /// <summary>True when <paramref name="expression"/> parses as a five-field cron expression.</summary>
    public static bool IsCron(string? expression, out string why)
    {
        why = string.Empty;
        try
        {
            Cronos.CronExpression.Parse(expression ?? string.Empty);
            return true;
        }
        catch (Cronos.CronFormatException e)
        {
            why = e.Message;
            return false;
        }
    }
}

/// <summary>The period of a scheduled governors' report.</summary>
public enum GovernorsPeriod
{
    /// <summary>The last whole calendar month.</summary>
    Month,

    /// <summary>The last term that ended, from the school calendar's term dates.</summary>
    Term,
}

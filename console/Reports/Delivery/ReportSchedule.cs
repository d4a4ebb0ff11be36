using System.Globalization;
using ClassroomGuard.Storage.State;
using Cronos;

namespace ClassroomGuard.Console.Reports.Delivery;

/// <summary>
/// When each kind of report falls due and which days it then covers, in the school's time zone (summer time included:
/// Cronos moves an occurrence in a skipped hour to the hour's end and runs one in a repeated hour once).
/// </summary>
public static class ReportSchedule
{
    private static readonly CultureInfo English = CultureInfo.InvariantCulture;

    /// <summary>The roles whose users receive a kind by e-mail (besides Reports:&lt;Kind&gt;:Recipients).</summary>
    public static Role RecipientRole(ReportKind kind) => kind == ReportKind.Weekly ? Role.Technician : Role.Governor;

    /// <summary>The kind's settings.</summary>
    public static ReportScheduleOptions Of(ReportOptions options, ReportKind kind)
    {
        ArgumentNullException.ThrowIfNull(options);
        return kind == ReportKind.Weekly ? options.Weekly : options.Governors;
    }

    /// <summary>The kind's cron expression, parsed.</summary>
    public static CronExpression Cron(ReportOptions options, ReportKind kind) => CronExpression.Parse(Of(options, kind).Schedule);

    /// <summary>The first occurrence after <paramref name="after"/>, or null (an expression that never fires again).</summary>
    public static DateTimeOffset? Next(ReportOptions options, ReportKind kind, DateTimeOffset after, TimeZoneInfo zone)
        => Cron(options, kind).GetNextOccurrence(after, zone);

    /// <summary>The latest occurrence in (<paramref name="after"/>, <paramref name="upTo"/>], or null when none falls there.</summary>
    public static DateTimeOffset? Latest(ReportOptions options, ReportKind kind, DateTimeOffset after, DateTimeOffset upTo, TimeZoneInfo zone)
    {
        if (upTo <= after)
        {
            return null;
        }

        DateTimeOffset? latest = null;
        foreach (var occurrence in Cron(options, kind).GetOccurrences(after, upTo, zone, fromInclusive: false, toInclusive: true))
        {
            latest = occurrence;
        }

        return latest;
    }

    /// <summary>The week a weekly report due at <paramref name="occurrence"/> covers: the last whole ISO week before that day.</summary>
    public static IsoWeek WeekFor(DateTimeOffset occurrence, TimeZoneInfo zone)
        => IsoWeek.Containing(DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(occurrence, zone).DateTime)).Previous;

    /// <summary>
    /// The days a governors' report due at <paramref name="occurrence"/> covers: the last whole month before that day, or
    /// (<see cref="GovernorsPeriod.Term"/>) the term of <paramref name="calendar"/> that ended last before that day; null
    /// when no term has ended.
    /// </summary>
    public static (DateOnly First, DateOnly Last)? GovernorsFor(DateTimeOffset occurrence, TimeZoneInfo zone, GovernorsPeriod period, SchoolCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(occurrence, zone).DateTime);
        if (period == GovernorsPeriod.Month)
        {
            var first = new DateOnly(day.Year, day.Month, 1).AddMonths(-1);
            return (first, first.AddMonths(1).AddDays(-1));
        }

        var term = calendar.Entries.Where(e => e.Kind == CalendarEntryKind.Term && e.LastDay < day).OrderBy(e => e.LastDay).ThenBy(e => e.FirstDay).LastOrDefault();
        return term is null ? null : (term.FirstDay, term.LastDay);
    }

    /// <summary>
    /// The schedule in words: "Every Monday at 07:00", "On the 1st of every month at 07:00"; an expression with ranges,
    /// lists or steps is quoted ("On the schedule '0 7 * * 1-5'").
    /// </summary>
    public static string Describe(string expression)
    {
        var fields = (expression ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (fields.Length == 5 && Number(fields[0], 0, 59) is { } minute && Number(fields[1], 0, 23) is { } hour && fields[3] == "*")
        {
            var at = string.Create(CultureInfo.InvariantCulture, $"{hour:D2}:{minute:D2}");
            if (fields[2] == "*" && fields[4] == "*")
            {
                return $"Every day at {at}";
            }

            if (fields[2] == "*" && Number(fields[4], 0, 7) is { } weekday)
            {
                return $"Every {English.DateTimeFormat.GetDayName((DayOfWeek)(weekday % 7))} at {at}";
            }

            if (fields[4] == "*" && Number(fields[2], 1, 31) is { } dayOfMonth)
            {
                return $"On the {Ordinal(dayOfMonth)} of every month at {at}";
            }
        }

        return $"On the schedule '{expression}'";
    }

    /// <summary>What a scheduled report of the kind covers, in words ("for the week before").</summary>
    public static string CoversWords(ReportKind kind, GovernorsPeriod period)
        => kind == ReportKind.Weekly ? "for the week before (Monday to Sunday)"
            : period == GovernorsPeriod.Month ? "for the month before" : "for the term that ended last (from the school calendar's term dates)";

    private static int? Number(string field, int min, int max)
        => int.TryParse(field, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max ? n : null;

    private static string Ordinal(int n) => n + (n % 100 is 11 or 12 or 13 ? "th" : (n % 10) switch { 1 => "st", 2 => "nd", 3 => "rd", _ => "th" });
}

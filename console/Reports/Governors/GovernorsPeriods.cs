using System.Globalization;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Reports.Governors;

/// <summary>Days a governors' report covers, first to last inclusive, with a name a person reads ("November 2026", "Autumn term").</summary>
/// <param name="First">First day.</param>
/// <param name="Last">Last day.</param>
/// <param name="Name">The period's name.</param>
public readonly record struct GovernorsDays(DateOnly First, DateOnly Last, string Name);

/// <summary>
/// The periods a governors' report is read for (a month or a term, <c>Reports:GovernorsPeriod</c>) and the check of a
/// period typed by a person. Days are the school's calendar dates.
/// </summary>
public static class GovernorsPeriods
{
    /// <summary>Longest period a report covers (a school year and a bit; the hourly rollups keep 400 days).</summary>
    public const int MaxDays = 400;

    private static readonly CultureInfo English = CultureInfo.InvariantCulture;

    /// <summary>The month so far: the 1st to <paramref name="today"/>.</summary>
    public static GovernorsDays ThisMonth(DateOnly today)
        => new(new DateOnly(today.Year, today.Month, 1), today, today.ToString("MMMM yyyy", English) + " so far");

    /// <summary>The last whole calendar month before <paramref name="today"/>'s.</summary>
    public static GovernorsDays LastMonth(DateOnly today)
    {
        var first = new DateOnly(today.Year, today.Month, 1).AddMonths(-1);
        return new GovernorsDays(first, first.AddMonths(1).AddDays(-1), first.ToString("MMMM yyyy", English));
    }

    /// <summary>
    /// The last term of <paramref name="calendar"/> that ended before <paramref name="today"/>, or null when the calendar
    /// has none (no terms set on the policy editor's calendar page, or the first term has not ended yet).
    /// </summary>
    public static GovernorsDays? LastTerm(DateOnly today, SchoolCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        var term = calendar.Entries.Where(e => e.Kind == CalendarEntryKind.Term && e.LastDay < today)
            .OrderBy(e => e.LastDay).ThenBy(e => e.FirstDay).LastOrDefault();
        return term is null ? null : new GovernorsDays(term.FirstDay, term.LastDay, term.Name);
    }

    /// <summary>
    /// The period a scheduled report covers: the last month, or with <see cref="GovernorsPeriod.Term"/> the last term that
    /// ended (the last month when the calendar has no term that ended).
    /// </summary>
    public static GovernorsDays Scheduled(GovernorsPeriod kind, DateOnly today, SchoolCalendar calendar)
        => kind == GovernorsPeriod.Term && LastTerm(today, calendar) is { } term ? term : LastMonth(today);

    /// <summary>
    /// Whether <paramref name="first"/> to <paramref name="last"/> is a period a report can cover: both given, the first
    /// not after the last, at most <see cref="MaxDays"/> days, nothing after <paramref name="today"/>. False, with the
    /// reason in a sentence, otherwise.
    /// </summary>
    public static bool TryPeriod(DateOnly? first, DateOnly? last, DateOnly today, out string error)
    {
        var (from, to) = Check(first, last, today);
        error = from ?? to ?? string.Empty;
        return error.Length == 0;
    }

    /// <summary>As <see cref="TryPeriod"/>, with the reason against the field it belongs to (for a form): (first's, last's).</summary>
    public static (string? First, string? Last) Check(DateOnly? first, DateOnly? last, DateOnly today)
    {
        string? from = null;
        string? to = null;
        if (first is null)
        {
            from = "Choose the first day of the period.";
        }
        else if (first > today)
        {
            from = $"The first day, {Day(first.Value)}, is in the future: a report covers days that have begun.";
        }

        if (last is null)
        {
            to = "Choose the last day of the period.";
        }
        else if (last > today)
        {
            to = $"The last day, {Day(last.Value)}, is in the future: choose today ({Day(today)}) or earlier.";
        }

        if (from is null && to is null && first is { } f && last is { } l)
        {
            if (l < f)
            {
                to = $"The last day ({Day(l)}) is before the first ({Day(f)}).";
            }
            else if (l.DayNumber - f.DayNumber + 1 > MaxDays)
            {
                to = $"That is {l.DayNumber - f.DayNumber + 1} days: a report covers at most {MaxDays} days (a school year). Choose a shorter period.";
            }
        }

        return (from, to);
    }

    /// <summary>Reads a date written as YYYY-MM-DD (the page's address, the command line); false for anything else.</summary>
    public static bool TryParseDay(string? text, out DateOnly day)
        => DateOnly.TryParseExact(text?.Trim(), "yyyy-MM-dd", English, DateTimeStyles.None, out day);

    /// <summary>"2026-11-30", as addresses and the command line write a day.</summary>
    public static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", English);

    private static string Day(DateOnly day) => day.ToString("d MMMM yyyy", English);
}

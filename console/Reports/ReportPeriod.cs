using System.Globalization;

namespace ClassroomGuard.Console.Reports;

/// <summary>
/// The days a report covers, first to last inclusive, as the school's calendar dates; <see cref="Start"/> and
/// <see cref="End"/> are the instants of the first day's and the day after the last day's local midnight (summer time
/// included), so a week across the clock change is 167 or 169 hours long.
/// </summary>
public sealed record ReportPeriod(DateOnly First, DateOnly Last, DateTimeOffset Start, DateTimeOffset End)
{
    /// <summary>The period from <paramref name="first"/> to <paramref name="last"/> in <paramref name="zone"/>.</summary>
    public static ReportPeriod Of(DateOnly first, DateOnly last, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        if (last < first)
        {
            throw new ArgumentException($"The period ends ({last:yyyy-MM-dd}) before it starts ({first:yyyy-MM-dd}).", nameof(last));
        }

        return new ReportPeriod(first, last, Midnight(first, zone), Midnight(last.AddDays(1), zone));
    }

    /// <summary>The ISO week (Monday to Sunday) in <paramref name="zone"/>.</summary>
    public static ReportPeriod OfWeek(IsoWeek week, TimeZoneInfo zone) => Of(week.Monday, week.Monday.AddDays(6), zone);

    /// <summary>"Mon 30 Nov – Sun 6 Dec 2026": the period as a person reads it.</summary>
    public string Label => First.Year == Last.Year
        ? $"{First.ToString("ddd d MMM", CultureInfo.InvariantCulture)} – {Last.ToString("ddd d MMM yyyy", CultureInfo.InvariantCulture)}"
        : $"{First.ToString("ddd d MMM yyyy", CultureInfo.InvariantCulture)} – {Last.ToString("ddd d MMM yyyy", CultureInfo.InvariantCulture)}";

    /// <summary>Number of calendar days covered.</summary>
    public int Days => Last.DayNumber - First.DayNumber + 1;

    private static DateTimeOffset Midnight(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        // Midnight never falls in a UK summer-time gap (01:00), but a zone where it does starts the day at the gap's end.
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(30);
        }

        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }
}

/// <summary>An ISO 8601 week ("2026-W49"): Monday to Sunday, week 1 holds the year's first Thursday.</summary>
public readonly record struct IsoWeek(int Year, int Week)
{
    /// <summary>The week's Monday.</summary>
    public DateOnly Monday => DateOnly.FromDateTime(ISOWeek.ToDateTime(Year, Week, DayOfWeek.Monday));

    /// <summary>The week before.</summary>
    public IsoWeek Previous => Containing(Monday.AddDays(-7));

    /// <summary>The week holding <paramref name="day"/>.</summary>
    public static IsoWeek Containing(DateOnly day)
    {
        var date = day.ToDateTime(TimeOnly.MinValue);
        return new IsoWeek(ISOWeek.GetYear(date), ISOWeek.GetWeekOfYear(date));
    }

    /// <summary>Reads "2026-W49" (also "2026-w49", "2026W49"); false, with the reason, for anything else.</summary>
    public static bool TryParse(string? text, out IsoWeek week, out string error)
    {
        week = default;
        error = "Write the week as YYYY-Www, for example 2026-W49.";
        var s = text?.Trim() ?? string.Empty;
        var w = s.IndexOfAny(['W', 'w']);
        // Digits only, checked first: int.TryParse would also accept a trailing NUL ("2026-W4\0").
        if (w is not (4 or 5) || (w == 5 && s[4] != '-') || s.Length - w - 1 is < 1 or > 2
            || s.AsSpan(0, 4).ContainsAnyExcept("0123456789") || s.AsSpan(w + 1).ContainsAnyExcept("0123456789")
            || !int.TryParse(s.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            || !int.TryParse(s.AsSpan(w + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        if (year is < 2000 or > 9998 || number < 1 || number > ISOWeek.GetWeeksInYear(year))
        {
            error = $"{s} is not a week: {year} has weeks 1 to {(year is >= 2000 and <= 9998 ? ISOWeek.GetWeeksInYear(year) : 52)}.";
            return false;
        }

        week = new IsoWeek(year, number);
        return true;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Year:D4}-W{Week:D2}";
}

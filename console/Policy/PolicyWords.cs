using System.Globalization;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Policy;

/// <summary>Policy values as a technician reads them: words, never keys.</summary>
public static class PolicyWords
{
    /// <summary>The weekdays in the order the forms show them.</summary>
    public static readonly IReadOnlyList<(SchoolDays Day, string Name, string Short)> WeekDays =
    [
        (SchoolDays.Monday, "Monday", "Mon"), (SchoolDays.Tuesday, "Tuesday", "Tue"), (SchoolDays.Wednesday, "Wednesday", "Wed"),
        (SchoolDays.Thursday, "Thursday", "Thu"), (SchoolDays.Friday, "Friday", "Fri"), (SchoolDays.Saturday, "Saturday", "Sat"),
        (SchoolDays.Sunday, "Sunday", "Sun"),
    ];

    public static string Kind(GroupKind kind) => kind switch
    {
        GroupKind.Pupils => "Pupils",
        GroupKind.Staff => "Staff",
        _ => "Guests",
    };

    public static string SafeSearch(SafeSearchMode mode) => mode switch
    {
        SafeSearchMode.Off => "Off",
        SafeSearchMode.Moderate => "Moderate",
        _ => "Strict",
    };

    public static string SafeSearchHelp(SafeSearchMode mode) => mode switch
    {
        SafeSearchMode.Off => "Search engines are not asked to filter results.",
        SafeSearchMode.Moderate => "Search engines hide explicit images and videos.",
        _ => "Search engines hide explicit results of every kind.",
    };

    public static string YouTube(SafeSearchMode mode) => mode switch
    {
        SafeSearchMode.Off => "Off (no restriction)",
        SafeSearchMode.Moderate => "Moderate restricted mode",
        _ => "Strict restricted mode",
    };

    public static string Effect(ScheduleEffect effect) => effect == ScheduleEffect.Allow ? "Allowed" : "Blocked";

    /// <summary>"Monday to Friday", "every day", "Monday, Wednesday and Friday".</summary>
    public static string Days(SchoolDays days)
    {
        if ((days & SchoolDays.All) == SchoolDays.All)
        {
            return "every day";
        }

        if (days == SchoolDays.Weekdays)
        {
            return "Monday to Friday";
        }

        if (days == (SchoolDays.Saturday | SchoolDays.Sunday))
        {
            return "Saturday and Sunday";
        }

        var names = WeekDays.Where(d => (days & d.Day) != 0).Select(d => d.Name).ToList();
        return names.Count switch
        {
            0 => "no day",
            1 => names[0],
            _ => string.Join(", ", names.Take(names.Count - 1)) + " and " + names[^1],
        };
    }

    /// <summary>Minutes after midnight as "08:45"; 1440 as "24:00" (midnight at the end of the day).</summary>
    public static string Clock(int minute) => string.Create(CultureInfo.InvariantCulture, $"{minute / 60:00}:{minute % 60:00}");

    /// <summary>"Monday to Friday, 12:00 to 13:00, term time only".</summary>
    public static string Window(SchoolDays days, int start, int end, bool termTimeOnly)
        => $"{Days(days)}, {Clock(start)} to {Clock(end)}{(termTimeOnly ? ", term time only" : string.Empty)}";

    /// <summary>A calendar day: "Mon 2 Sep 2026".</summary>
    public static string Day(DateOnly day) => day.ToString("ddd d MMM yyyy", CultureInfo.InvariantCulture);

    /// <summary>The school's time zone named for people: "Europe/London (Greenwich Mean Time; British Summer Time in summer)".</summary>
    public static string Zone(TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return zone.SupportsDaylightSavingTime && zone.DaylightName != zone.StandardName
            ? $"{zone.Id} ({zone.StandardName}; {zone.DaylightName} in summer)"
            : $"{zone.Id} ({zone.StandardName})";
    }
}

using System.Globalization;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Unblocking;

/// <summary>The times an unblock request is about, in the school's time zone: the lesson, the end of the school day, "11:20".</summary>
internal sealed class UnblockTimes(IOptions<StateOptions> state, IOptions<ClassroomOptions> classroom, TimeProvider time)
{
    private readonly TimeZoneInfo zone = TimeZoneInfo.FindSystemTimeZoneById(state.Value.TimeZone);

    /// <summary>Longest unblock the state accepts (12 hours).</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromHours(12);

    public DateTimeOffset Now => time.GetUtcNow();

    public TimeSpan LessonLength => classroom.Value.LessonLength;

    /// <summary>"16:00".</summary>
    public string DayEndText => Text(classroom.Value.SchoolDayEnd);

    /// <summary>Today's school-day end as an instant.</summary>
    public DateTimeOffset DayEnd(DateTimeOffset now) => At(now, classroom.Value.SchoolDayEnd);

    /// <summary>The school's midnight that began today.</summary>
    public DateTimeOffset DayStart(DateTimeOffset now) => At(now, TimeOnly.MinValue);

    /// <summary>When "for this lesson", asked at <paramref name="now"/>, ends: a lesson later, at most at the end of the school day.</summary>
    public DateTimeOffset LessonEnd(DateTimeOffset now)
    {
        var end = now + LessonLength;
        var dayEnd = DayEnd(now);
        return end < dayEnd ? end : dayEnd;
    }

    /// <summary>Today's <paramref name="clock"/> (school time) as an instant.</summary>
    public DateTimeOffset At(DateTimeOffset now, TimeOnly clock)
    {
        var local = TimeZoneInfo.ConvertTime(now, zone).DateTime.Date + clock.ToTimeSpan();
        var wall = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        return new DateTimeOffset(wall, zone.GetUtcOffset(wall)); // the gap hour of a clock change maps to the offset before it
    }

    /// <summary>"HH:mm" school time.</summary>
    public string Time(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, zone).ToString("HH:mm", CultureInfo.InvariantCulture);

    /// <summary>Whether <paramref name="instant"/> falls on today (school time).</summary>
    public bool IsToday(DateTimeOffset instant, DateTimeOffset now) => TimeZoneInfo.ConvertTime(instant, zone).Date == TimeZoneInfo.ConvertTime(now, zone).Date;

    /// <summary>"HH:mm", or "Tue 8 Dec HH:mm" when not today.</summary>
    public string When(DateTimeOffset instant, DateTimeOffset now)
        => IsToday(instant, now) ? Time(instant) : TimeZoneInfo.ConvertTime(instant, zone).ToString("ddd d MMM HH:mm", CultureInfo.InvariantCulture);

    private static string Text(TimeOnly clock) => clock.ToString("HH:mm", CultureInfo.InvariantCulture);
}

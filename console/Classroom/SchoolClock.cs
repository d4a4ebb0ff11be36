using ClassroomGuard.Storage.State;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Classroom;

/// <summary>The school's local time (<c>State:TimeZone</c>) for what teachers read: "blanked until 10:45", "until the end of the day".</summary>
internal sealed class SchoolClock(IOptions<StateOptions> options, TimeProvider time)
{
    private readonly TimeZoneInfo zone = TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);

    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>An instant as the school's wall-clock time.</summary>
    public DateTimeOffset Local(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, zone);

    /// <summary>"HH:mm" in the school's time zone.</summary>
    public string Time(DateTimeOffset instant) => Local(instant).ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Minutes from now to the school's next midnight, at most <see cref="ClassroomActions.MaxMinutes"/>.</summary>
    public int MinutesToEndOfDay()
    {
        var local = Local(Now);
        var midnight = new DateTimeOffset(local.Date.AddDays(1), zone.GetUtcOffset(local.Date.AddDays(1)));
        var minutes = (int)Math.Floor((midnight - local).TotalMinutes);
        return Math.Clamp(minutes, 1, ClassroomActions.MaxMinutes);
    }
}

using System.Globalization;
using ClassroomGuard.Console.Classroom;

namespace ClassroomGuard.Console.Unblocking;

/// <summary>What a teacher fills in to ask for a site: bound by the dialog's form, checked again by <see cref="UnblockService"/>.</summary>
public sealed class UnblockAsk
{
    /// <summary>The site: a name such as <c>poki.com</c>, or a pasted address.</summary>
    public string? Domain { get; set; }

    /// <summary>Why the class needs it (required; the approver reads it and the change log keeps it).</summary>
    public string? Reason { get; set; }

    /// <summary>One device of the room, or null for the whole room.</summary>
    public long? DeviceId { get; set; }

    /// <summary>True: for this lesson (<see cref="ClassroomOptions.LessonLength"/>); false: until <see cref="Until"/>.</summary>
    public bool ForLesson { get; set; } = true;

    /// <summary>"14:30", school time, today; used when <see cref="ForLesson"/> is false.</summary>
    public string? Until { get; set; }
}

/// <summary>The checks of an <see cref="UnblockAsk"/>, each with the sentence shown next to its field.</summary>
internal static class UnblockAskRules
{
    /// <summary>Longest reason kept.</summary>
    public const int MaxReason = 500;

    private static readonly string[] TimeFormats = ["HH:mm", "H:mm", "HH:mm:ss"];

    /// <summary>The site's name, or why not.</summary>
    public static (string? Site, string? Problem) Domain(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return (null, "Type the site to unblock, like poki.com.");
        }

        return FocusSites.Site(text) is { } site
            ? (site, null)
            : (null, $"'{Shorten(text.Trim())}' is not a web site's name: type it like poki.com (a pasted address works too).");
    }

    /// <summary>Why the reason will not do, or null.</summary>
    public static string? Reason(string? text)
        => string.IsNullOrWhiteSpace(text) ? "Say why the class needs this site: the person who approves reads it."
            : text.Trim().Length > MaxReason ? string.Create(CultureInfo.InvariantCulture, $"Keep the reason under {MaxReason} characters.")
            : null;

    /// <summary>
    /// When the unblock ends: for this lesson, or at the typed time today; never after the end of the school day, never
    /// in the past. Or why not.
    /// </summary>
    public static (DateTimeOffset? Until, string? Problem) End(UnblockAsk ask, UnblockTimes times, DateTimeOffset now)
    {
        var dayEnd = times.DayEnd(now);
        if (now >= dayEnd)
        {
            return (null, $"The school day ended at {times.DayEndText}: unblock requests are for lessons. Ask again tomorrow.");
        }

        if (ask.ForLesson)
        {
            return (times.LessonEnd(now), null);
        }

        if (string.IsNullOrWhiteSpace(ask.Until))
        {
            return (null, $"Choose the time it closes, at the latest {times.DayEndText}.");
        }

        if (!TimeOnly.TryParseExact(ask.Until.Trim(), TimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var clock))
        {
            return (null, "Type a time of day like 14:30.");
        }

        var until = times.At(now, clock);
        if (until <= now)
        {
            return (null, $"{times.Time(until)} has passed: choose a later time today.");
        }

        if (until > dayEnd)
        {
            return (null, $"At most the end of the school day, {times.DayEndText}.");
        }

        return until - now > UnblockTimes.Longest ? (null, "At most 12 hours from now.") : (until, null);
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}

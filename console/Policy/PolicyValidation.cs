using System.Globalization;
using System.Text;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Policy;

/// <summary>A refusal that concerns one form field.</summary>
/// <param name="Field">The form property (see <see cref="PolicyFields"/>).</param>
/// <param name="Message">Why, in words.</param>
public sealed record FieldProblem(string Field, string Message);

/// <summary>Server-side checks of what people enter in the policy editor; each failure says why.</summary>
public static class PolicyValidation
{
    /// <summary>Longest block page text.</summary>
    public const int MaxBlockPageText = PolicyLimits.MaxBlockPageText;

    /// <summary>Longest derived group key.</summary>
    public const int MaxKeyLength = PolicyLimits.MaxGroupKeyLength;

    /// <summary>Longest group, term or holiday name.</summary>
    public const int MaxNameLength = PolicyLimits.MaxNameLength;

    /// <summary>Why <paramref name="days"/> is not a usable set of weekdays, or null.</summary>
    public static string? Days(SchoolDays days)
        => (days & SchoolDays.All) == SchoolDays.None || (days & ~SchoolDays.All) != SchoolDays.None
            ? "Tick at least one day."
            : null;

    /// <summary>A time of day as minutes after midnight; 00:00 as an end means midnight at the end of the day.</summary>
    public static int Minute(TimeSpan time, bool isEnd)
    {
        var minute = (int)Math.Floor(time.TotalMinutes);
        return isEnd && minute == 0 ? 1440 : minute;
    }

    /// <summary>Why a window from <paramref name="start"/> to <paramref name="end"/> is not acceptable, or null.</summary>
    public static FieldProblem? Window(TimeSpan? start, TimeSpan? end)
    {
        if (start is not { } s || s < TimeSpan.Zero || s >= TimeSpan.FromDays(1))
        {
            return new(PolicyFields.Start, "Choose a start time between 00:00 and 23:59.");
        }

        if (end is not { } e || e < TimeSpan.Zero || e >= TimeSpan.FromDays(1))
        {
            return new(PolicyFields.End, "Choose an end time between 00:00 and 23:59 (00:00 means midnight at the end of the day).");
        }

        return Minute(e, isEnd: true) <= Minute(s, isEnd: false)
            ? new(PolicyFields.End, "The window must end after it starts (a window cannot run past midnight: make two).")
            : null;
    }

    /// <summary>Whether two windows can be in force at the same moment: a shared day and overlapping times.</summary>
    public static bool Overlaps(SchoolDays days, int start, int end, PolicySchedule other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return (days & other.Days) != SchoolDays.None && start < other.EndMinute && other.StartMinute < end;
    }

    /// <summary>Why a calendar entry from <paramref name="first"/> to <paramref name="last"/> is not acceptable, or null.</summary>
    public static string? Dates(DateTime? first, DateTime? last)
    {
        if (first is not { } f || last is not { } l)
        {
            return null; // [Required] says so beside the empty field
        }

        if (l.Date < f.Date)
        {
            return "The last day cannot be before the first day.";
        }

        return (l.Date - f.Date).TotalDays + 1 > PolicyLimits.MaxCalendarEntryDays ? $"A term or holiday lasts at most {PolicyLimits.MaxCalendarEntryDays} days." : null;
    }

    /// <summary>Why <paramref name="text"/> is not acceptable as block page text, or null.</summary>
    public static string? BlockPageText(string? text)
    {
        if (text is null)
        {
            return null;
        }

        if (text.Length > MaxBlockPageText)
        {
            return $"The block page text is at most {MaxBlockPageText} characters.";
        }

        return text.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t'))
            ? "The block page text cannot contain control characters."
            : null;
    }

    /// <summary>Why <paramref name="name"/> is not acceptable as a group name, or null.</summary>
    public static string? GroupName(string? name) => Name(name, "group name");

    /// <summary>Why <paramref name="name"/> is not acceptable as a group, term or holiday name, or null.</summary>
    public static string? Name(string? name, string what)
    {
        var trimmed = name?.Trim() ?? string.Empty;
        if (trimmed.Length == 0)
        {
            return $"Enter a {what}.";
        }

        if (trimmed.Length > MaxNameLength)
        {
            return $"A {what} is at most {MaxNameLength} characters.";
        }

        return trimmed.Any(char.IsControl) ? $"A {what} is plain text on one line." : null;
    }

    // The service runs globalization-invariant (no Unicode decomposition), so the accented Latin letters a school's
    // names may carry are mapped here: é → e, ß → s; anything else that is not a-z or 0-9 separates words.
    private const string Accented = "àáâãäåāăąçćčďđèéêëēėęěìíîïīįłñńňòóôõöøōőŕřśšşßťţùúûüūůűųýÿźżž";
    private const string Unaccented = "aaaaaaaaacccddeeeeeeeeiiiiiilnnnoooooooorrssssttuuuuuuuuyyzzz";

    private static char Plain(char c)
    {
        var i = Accented.IndexOf(c, StringComparison.Ordinal);
        return i < 0 ? c : Unaccented[i];
    }

    /// <summary>
    /// The stable key for a new group, from its name: lower-case ASCII letters, digits and hyphens ("Key stage 3" →
    /// "key-stage-3"), made unique against <paramref name="taken"/> with a number. People never see or type it.
    /// </summary>
    public static string KeyFromName(string name, IReadOnlySet<string> taken)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(taken);
        var key = new StringBuilder();
        foreach (var c in name)
        {
            var lower = Plain(char.ToLowerInvariant(c));
            if (lower is (>= 'a' and <= 'z') or (>= '0' and <= '9'))
            {
                key.Append(lower);
            }
            else if (key.Length > 0 && key[^1] != '-')
            {
                key.Append('-');
            }
        }

        var stem = key.ToString().Trim('-');
        stem = stem.Length == 0 ? "group" : stem[..Math.Min(stem.Length, MaxKeyLength)].TrimEnd('-');
        var candidate = stem;
        for (var n = 2; taken.Contains(candidate); n++)
        {
            candidate = $"{stem}-{n.ToString(CultureInfo.InvariantCulture)}";
        }

        return candidate;
    }
}

using System.Globalization;
using System.Text;

namespace ClassroomGuard.Console.Classroom;

/// <summary>
/// The words and the sparkline of a tile. The sparkline points are computed once per snapshot by the reader
/// (<see cref="DeviceTile.QueriesLine"/>), not by each viewer's render.
/// </summary>
internal static class LiveText
{
    /// <summary>Sparkline view box width.</summary>
    public const int SparkWidth = 120;

    /// <summary>Sparkline view box height.</summary>
    public const int SparkHeight = 32;

    /// <summary>A category key as words: "social_networks" → "social networks".</summary>
    public static string Category(string? key) => key is null ? string.Empty : key.Replace('_', ' ');

    /// <summary>"Blocked: example.com (adult) 10:42", or empty.</summary>
    public static string Blocked(BlockedAttempt? blocked, SchoolClock clock)
        => blocked is null
            ? string.Empty
            : $"Blocked: {blocked.Domain}{(blocked.Category is null ? "" : " (" + Category(blocked.Category) + ")")} {clock.Time(DateTimeOffset.FromUnixTimeMilliseconds(blocked.At))}";

    /// <summary>"Blanked until 10:45" (device) or "Blanked (whole room) until 10:45", or empty.</summary>
    public static string Action(string what, ActionState? state, SchoolClock clock)
        => state is null
            ? string.Empty
            : $"{what}{(state.Scope == "room" && !what.StartsWith("Room", StringComparison.Ordinal) ? " (whole room)" : "")} until {clock.Time(DateTimeOffset.FromUnixTimeMilliseconds(state.Until))}";

    /// <summary>One line of the alert banner.</summary>
    public static string Alert(RoomAlert alert, SchoolClock clock)
    {
        var what = alert.Kind == "Circumvention" ? "tried to get round the filter" : "tried a high-risk site";
        var detail = string.Join(", ", new[] { alert.Domain, Category(alert.Category) }.Where(s => !string.IsNullOrEmpty(s)));
        return $"⚠ {alert.Device} {what}{(detail.Length == 0 ? "" : ": " + detail)} at {clock.Time(DateTimeOffset.FromUnixTimeMilliseconds(alert.At))}";
    }

    /// <summary>Polyline points for values, scaled to their own maximum (a flat line at the bottom when all are zero).</summary>
    public static string SparkPoints(IReadOnlyList<long> values)
    {
        if (values.Count == 0)
        {
            return string.Empty;
        }

        var max = Math.Max(1, values.Max());
        var text = new StringBuilder(values.Count * 10);
        for (var i = 0; i < values.Count; i++)
        {
            var x = values.Count == 1 ? 0 : (double)i * SparkWidth / (values.Count - 1);
            var y = SparkHeight - 1 - ((double)values[i] / max * (SparkHeight - 3));
            text.Append(text.Length == 0 ? "" : " ").Append(x.ToString("0.#", CultureInfo.InvariantCulture)).Append(',').Append(y.ToString("0.#", CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }
}

using System.Globalization;

namespace ClassroomGuard.Console.Components.Pages.Reports.Charts;

/// <summary>
/// What the report charts share: a colour-blind-safe palette (Okabe and Ito's eight colours, the grey kept for "Other"),
/// a sequential scale for the heat map, round axis steps, and numbers written the same way in the SVG as in the tables.
/// </summary>
public static class ChartMath
{
    /// <summary>Okabe–Ito: told apart by the common colour-vision deficiencies and in greyscale print by lightness order.</summary>
    public static readonly IReadOnlyList<string> Palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442"];

    /// <summary>The colour of the "Other" series.</summary>
    public const string OtherColour = "#999999";

    /// <summary>A light-to-dark blue scale (ColorBrewer "Blues"), readable by every colour-vision type; index 0 is "none".</summary>
    public static readonly IReadOnlyList<string> Sequential = ["#F4F4F4", "#DEEBF7", "#9ECAE1", "#6BAED6", "#3182BD", "#08519C"];

    /// <summary>The colour of series <paramref name="index"/>.</summary>
    public static string Colour(int index) => Palette[index % Palette.Count];

    /// <summary>"1,234": counts as the tables write them.</summary>
    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A number for an SVG attribute (always a dot, at most two decimals).</summary>
    public static string N(double value) => Math.Round(value, 2).ToString(CultureInfo.InvariantCulture);

    /// <summary>A round step (1, 2 or 5 times a power of ten) giving at most <paramref name="ticks"/> steps up to <paramref name="max"/>.</summary>
    public static long Step(long max, int ticks = 4)
    {
        if (max <= 0)
        {
            return 1;
        }

        var raw = (double)max / ticks;
        var power = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var step = (raw / power) switch
        {
            <= 1 => power,
            <= 2 => 2 * power,
            <= 5 => 5 * power,
            _ => 10 * power,
        };
        return Math.Max(1, (long)Math.Ceiling(step));
    }

    /// <summary>The heat map class of <paramref name="value"/> out of <paramref name="max"/>: 0 for none, else 1 to 5.</summary>
    public static int Level(long value, long max)
    {
        if (value <= 0 || max <= 0)
        {
            return 0;
        }

        return Math.Clamp((int)Math.Ceiling(5.0 * value / max), 1, 5);
    }

    /// <summary>The lowest value of heat map class <paramref name="level"/> (1 to 5) out of <paramref name="max"/>.</summary>
    public static long LevelFloor(int level, long max) => level <= 1 ? 1 : (long)Math.Floor(max * (level - 1) / 5.0) + 1;

    /// <summary><paramref name="text"/> cut to <paramref name="length"/> characters with an ellipsis (the whole name stays in the title).</summary>
    public static string Cut(string text, int length) => text.Length <= length ? text : string.Concat(text.AsSpan(0, length - 1), "…");
}

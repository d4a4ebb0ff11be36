using System.Globalization;
using ClassroomGuard.Console.Reports.Weekly;

namespace ClassroomGuard.Console.Components.Pages.Reports.Weekly;

/// <summary>How the weekly report words its numbers: bytes in human units, changes as sentences, health as plain words.</summary>
public static class WeeklyReportText
{
    private static readonly CultureInfo English = CultureInfo.InvariantCulture; // the build is globalization-invariant

    /// <summary>"1,234".</summary>
    public static string Count(long value) => value.ToString("N0", English);

    /// <summary>Bytes in binary units with one decimal: "512 bytes", "1.5 KB", "20.0 MB", "1.2 GB", "3.4 TB".</summary>
    public static string Bytes(long bytes)
    {
        var size = Math.Abs((double)bytes);
        var sign = bytes < 0 ? "-" : "";
        if (size < 1024)
        {
            return $"{sign}{size.ToString("0", English)} {(size == 1 ? "byte" : "bytes")}";
        }

        string[] units = ["KB", "MB", "GB", "TB", "PB"];
        var unit = -1;
        do
        {
            size /= 1024;
            unit++;
        }
        while (size >= 1024 && unit < units.Length - 1);

        // 1023.96 KB would round to "1024.0 KB": say "1.0 MB" instead.
        if (Math.Round(size, 1) >= 1024 && unit < units.Length - 1)
        {
            size /= 1024;
            unit++;
        }

        return $"{sign}{size.ToString("0.0", English)} {units[unit]}";
    }

    /// <summary>"12 more than the week before", "3 fewer than the week before", "the same as the week before".</summary>
    public static string Change(Compared figure) => figure.Change switch
    {
        0 => "the same as the week before",
        > 0 => $"{Count(figure.Change)} more than the week before",
        _ => $"{Count(-figure.Change)} fewer than the week before",
    };

    /// <summary>"1.2 GB more than the week before", "300.0 MB less than the week before".</summary>
    public static string BytesChange(Compared figure) => figure.Change switch
    {
        0 => "the same as the week before",
        > 0 => $"{Bytes(figure.Change)} more than the week before",
        _ => $"{Bytes(-figure.Change)} less than the week before",
    };

    /// <summary>"+12", "−3", "0": a change in a table cell.</summary>
    public static string Signed(long change) => change switch
    {
        0 => "0",
        > 0 => "+" + Count(change),
        _ => "−" + Count(-change),
    };

    /// <summary>"+1.2 GB", "−300.0 MB", "0".</summary>
    public static string SignedBytes(long change) => change switch
    {
        0 => "0",
        > 0 => "+" + Bytes(change),
        _ => "−" + Bytes(-change),
    };

    /// <summary>"3 h 20 min", "45 min", "2 days 3 h", "less than a minute".</summary>
    public static string Duration(TimeSpan span)
    {
        var minutes = (long)Math.Round(span.TotalMinutes);
        if (minutes < 1)
        {
            return "less than a minute";
        }

        var days = minutes / (24 * 60);
        var hours = minutes / 60 % 24;
        var rest = minutes % 60;
        var parts = new List<string>(3);
        if (days > 0)
        {
            parts.Add(days == 1 ? "1 day" : $"{days} days");
        }

        if (hours > 0)
        {
            parts.Add($"{hours} h");
        }

        if (rest > 0 && days == 0)
        {
            parts.Add($"{rest} min");
        }

        return string.Join(' ', parts);
    }

    /// <summary>
    /// A service's week in a sentence: "The DNS filter answered all week." or "The sniffer was not running for 3 h 20 min
    /// (98.0% of the week; the week before 100.0%)." Uptime is the share of the measured minutes the service reported:
    /// <see cref="ComponentHealth.MeasuredSpan"/> when the reader gives it (the week's complete hours so far), else
    /// <paramref name="week"/>. <paramref name="soFar"/>: the week is in progress ("so far").
    /// </summary>
    public static string Uptime(ComponentHealth health, TimeSpan week, bool soFar = false)
    {
        ArgumentNullException.ThrowIfNull(health);
        var name = ServiceName(health);
        var span = health.MeasuredSpan ?? week;
        var down = TimeSpan.FromMinutes(span.TotalMinutes * Math.Clamp(100 - health.UptimePercent, 0, 100) / 100);
        var before = $"the week before {PreviousUptime(health)}";
        var ofTheWeek = soFar ? "of the week so far" : "of the week";
        if (span <= TimeSpan.Zero)
        {
            return soFar ? $"Nothing is measured yet for {name} this week ({before})." : $"The running time of {name} was not measured this week ({before}).";
        }

        if (down < TimeSpan.FromMinutes(1))
        {
            var verb = health.Component.Contains("dns", StringComparison.OrdinalIgnoreCase) ? "answered" : "ran";
            return soFar ? $"{Capital(name)} {verb} all week so far ({before})." : $"{Capital(name)} {verb} all week ({before}).";
        }

        if (health.UptimePercent <= 0)
        {
            return soFar ? $"{Capital(name)} has not reported at all this week so far ({before})." : $"{Capital(name)} did not report at all this week ({before}).";
        }

        return $"{Capital(name)} was not running for {Duration(down)} (up {Percent(health.UptimePercent)} {ofTheWeek}; {before}).";
    }

    /// <summary>
    /// Capture drops, lost points and the measurements waiting to be written (InfluxDB unreachable) of one service, in
    /// sentences; empty when there is nothing to say.
    /// </summary>
    public static IReadOnlyList<string> Losses(ComponentHealth health)
    {
        ArgumentNullException.ThrowIfNull(health);
        var name = ServiceName(health);
        var lines = new List<string>(3);
        var isSniffer = health.Component.Contains("sniff", StringComparison.OrdinalIgnoreCase);
        if (health.CaptureDrops > 0)
        {
            lines.Add($"The capture of {name} dropped {Plural(health.CaptureDrops, "packet")}: traffic at the busiest moments is under-counted.");
        }
        else if (isSniffer)
        {
            lines.Add($"The capture of {name} dropped no packets.");
        }

        if (health.PointsDropped > 0)
        {
            lines.Add($"{Capital(name)} lost {Plural(health.PointsDropped, "measurement")} it could not write to InfluxDB.");
        }

        if (health.PeakSpoolPoints > 0)
        {
            lines.Add(health.PeakSpoolExact
                ? $"While InfluxDB could not be reached, at most {Plural(health.PeakSpoolPoints, "measurement")} of {name} waited to be written; they are written once it answers."
                : $"While InfluxDB could not be reached, {name} had on average up to {Plural(health.PeakSpoolPoints, "measurement")} an hour waiting to be written; they are written once it answers.");
        }

        return lines;
    }

    /// <summary>A cell of measurements waiting to be written: "2,000", or "550 (hourly average)" when only the hourly average is known.</summary>
    public static string Waiting(ComponentHealth health)
    {
        ArgumentNullException.ThrowIfNull(health);
        return health.PeakSpoolExact || health.PeakSpoolPoints == 0 ? Count(health.PeakSpoolPoints) : $"{Count(health.PeakSpoolPoints)} (hourly average)";
    }

    /// <summary>"99.5%", or "not measured" when the week before had no measured hour (before the service recorded its running time).</summary>
    public static string PreviousUptime(ComponentHealth health)
    {
        ArgumentNullException.ThrowIfNull(health);
        return health.PreviousMeasuredSpan == TimeSpan.Zero ? "not measured" : Percent(health.PreviousUptimePercent);
    }

    /// <summary>"99.5%".</summary>
    public static string Percent(double value) => value.ToString("0.0", English) + "%";

    /// <summary>"1 packet", "1,204 packets".</summary>
    public static string Plural(long count, string noun) => count == 1 ? $"1 {noun}" : $"{Count(count)} {noun}s";

    /// <summary>"Mon 7 Dec 2026 at 07:00".</summary>
    public static string When(DateTimeOffset local) => local.ToString("ddd d MMM yyyy 'at' HH:mm", English);

    /// <summary>"Tue 1 Dec 09:14".</summary>
    public static string Short(DateTimeOffset local) => local.ToString("ddd d MMM HH:mm", English);

    private static string ServiceName(ComponentHealth health) => "the " + (string.IsNullOrWhiteSpace(health.Label) ? "service" : LowerFirst(health.Label));

    private static string LowerFirst(string label)
        => label.Length > 1 && char.IsUpper(label[0]) && !char.IsUpper(label[1]) ? char.ToLowerInvariant(label[0]) + label[1..] : label;

    private static string Capital(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}

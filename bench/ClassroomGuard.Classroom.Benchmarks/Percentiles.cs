using System.Globalization;

namespace ClassroomGuard.Classroom.Benchmarks;

/// <summary>Summary of one series of latencies in milliseconds (nearest-rank percentiles).</summary>
internal static class Percentiles
{
    public static double Of(IReadOnlyList<double> samples, double percentile)
    {
        var sorted = samples.Order().ToArray();
        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public static string Describe(string name, IReadOnlyList<double> samples) => string.Create(CultureInfo.InvariantCulture,
        $"{name}: n={samples.Count} min={samples.Min():0.0} median={Of(samples, 50):0.0} p95={Of(samples, 95):0.0} max={samples.Max():0.0} ms");
}

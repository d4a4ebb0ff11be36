using ClassroomGuard.Storage.TimeSeries;

namespace ClassroomGuard.Storage.Benchmarks;

/// <summary>
/// The realistic per-device shape: one <c>dns_activity</c> point per device per second, as dnsfilter's 1 s
/// aggregation would write it. Point i is device i % devices at second i / devices: every point is a distinct
/// (series, time), so the server must store exactly N. The script passes the same <c>--base</c> second to both
/// modes so that the curl and writer runs carry identical points.
/// </summary>
internal static class Workload
{
    /// <summary>Time of the first second, Unix ns; inside the raw retention policy (7 days), so set from "now".</summary>
    public static long BaseTime { get; set; } = (DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 3600) * 1_000_000_000L;
    private static string[] s_devices = [];
    private static string[] s_rooms = [];

    public static void Prepare(int devices)
    {
        s_devices = new string[devices];
        s_rooms = new string[devices];
        for (var d = 0; d < devices; d++)
        {
            s_devices[d] = "dev-" + d.ToString("D5", System.Globalization.CultureInfo.InvariantCulture);
            s_rooms[d] = "room-" + (d / 30).ToString("D3", System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    public static PointBuilder Build(PointBuilder point, long i)
    {
        var devices = s_devices.Length;
        var device = (int)(i % devices);
        var second = i / devices;
        return point
            .Tag("device", s_devices[device])
            .Tag("room", s_rooms[device])
            .Field("queries", 5 + (i % 37))
            .Field("blocked", i % 5)
            .Field("nxdomain", i % 3)
            .Field("bytes", 900 + (i % 4096))
            .Field("latency_ms", 0.5 + ((i % 200) / 8.0))
            .Timestamp(BaseTime + (second * 1_000_000_000L));
    }
}

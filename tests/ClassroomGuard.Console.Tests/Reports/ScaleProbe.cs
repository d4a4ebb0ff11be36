using System.Diagnostics;
using ClassroomGuard.Console.Tests.Reports.Support;
using Xunit.Abstractions;

namespace ClassroomGuard.Console.Tests.Reports;

public sealed class ScaleProbe(ITestOutputHelper output)
{
    [Fact]
    public async Task Probe()
    {
        if (Environment.GetEnvironmentVariable("CG_SCALE_PROBE") != "1")
        {
            return;
        }

        var watch = Stopwatch.StartNew();
        await using var world = await WeeklyReportWorld.CreateAsync(new ReportWeekSpec { Devices = 1000, Rooms = 40, Sites = 2 });
        output.WriteLine($"generated in {watch.Elapsed.TotalSeconds:F1} s, {world.Data.PointsWritten} points");
        watch.Restart();
        var report = await world.Reader().ReadAsync(null, world.Data.Spec.Week, CancellationToken.None);
        output.WriteLine($"read in {watch.Elapsed.TotalSeconds:F1} s, {report.Rooms.Count} rooms, rss {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576} MB");
    }
}

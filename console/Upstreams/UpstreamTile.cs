using System.Globalization;
using ClassroomGuard.Console.Classroom;
using ClassroomGuard.Console.Dashboard;

namespace ClassroomGuard.Console.Upstreams;

/// <summary>The technician's home tile for the upstream resolvers: a line per upstream, and what to do when one fails.</summary>
internal static class UpstreamTile
{
    public const string Title = "Upstream DNS resolvers";

    private const string Where = "Dns:Upstreams in /etc/classroomguard/dns.json";

    public static HealthTile Of(UpstreamReport? report, SchoolClock clock)
    {
        if (report is null)
        {
            return new HealthTile(Title, Condition.NotReported, "Checking",
                "The console has just started and is still asking them; the page shows the answers at its next refresh.");
        }

        if (report.Upstreams.Count == 0)
        {
            return new HealthTile(Title, Condition.NotReported, "Not known",
                $"The console's settings have no Dns:Upstreams, so it cannot check the resolvers the DNS filter asks. Set-up writes them to /etc/classroomguard/dns.json; restart the console (sudo systemctl restart classroomguard-console) once they are there.");
        }

        var lines = report.Upstreams.Select(u => Line(u, clock)).ToList();
        var total = report.Upstreams.Count;
        var failing = report.Failing;
        var checkedAt = $" Each is asked every {Every(report.Interval)}; last asked at {clock.Time(report.Upstreams.Max(u => u.CheckedAt))}.";
        if (failing == 0)
        {
            return new HealthTile(Title, Condition.Good, total == 1 ? "Answering" : "All answering",
                "The DNS filter asks these for every name it has not cached." + checkedAt, lines);
        }

        var advice = Advice(report.Upstreams.Where(u => !u.Answering).ToList());
        return failing < total
            ? new HealthTile(Title, Condition.Attention, $"{failing} of {total} not answering",
                "The DNS filter asks the others meanwhile. " + advice + checkedAt, lines)
            : new HealthTile(Title, Condition.Problem, "Not answering",
                "Only names the DNS filter has cached still work: other websites do not open. " + advice + checkedAt, lines);
    }

    private static string Line(UpstreamState u, SchoolClock clock)
    {
        if (u.Answering)
        {
            var ms = u.RoundTrip!.Value.TotalMilliseconds;
            return $"{u.Upstream} answering in {(ms < 1 ? "under\u00a01" : ms.ToString("0", CultureInfo.InvariantCulture))}\u00a0ms"; // the number and its unit on one line
        }

        return $"{u.Upstream} not answering since {Since(u.FailingSince!.Value, u.CheckedAt, clock)} ({u.Problem})";
    }

    private static string Advice(IReadOnlyList<UpstreamState> failing)
    {
        if (failing.Any(u => u.EndPoint is null))
        {
            return $"Correct the address in {Where}, then restart the DNS filter and the console.";
        }

        if (failing.All(u => u.Problem!.Contains("REFUSED", StringComparison.Ordinal)))
        {
            return $"Ask whoever runs it to allow the appliance's address, or use another resolver in {Where}.";
        }

        return $"Check the school's internet connection, then the address in {Where}.";
    }

    private static string Since(DateTimeOffset since, DateTimeOffset now, SchoolClock clock)
        => clock.Local(since).Date == clock.Local(now).Date
            ? clock.Time(since)
            : clock.Local(since).ToString("ddd d MMM HH:mm", CultureInfo.InvariantCulture);

    private static string Every(TimeSpan interval) => interval.TotalSeconds < 120
        ? interval.TotalSeconds.ToString("0", CultureInfo.InvariantCulture) + " seconds"
        : interval.TotalMinutes.ToString("0", CultureInfo.InvariantCulture) + " minutes";
}

using ClassroomGuard.Console.Classroom;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Storage.State;
using ClassroomGuard.Storage.TimeSeries;

namespace ClassroomGuard.Console.Reports.Weekly;

/// <summary>What the weekly report's page offers: the sites to choose from and the weeks that can be read.</summary>
/// <param name="Sites">The sites; the picker shows only when there is more than one.</param>
/// <param name="LastComplete">The last week that has ended (the default).</param>
/// <param name="Current">This week, the latest that can be read (so far).</param>
/// <param name="LinkDevices">Whether the reader may open the device list (technicians, administrators).</param>
public sealed record WeeklyReportChoices(IReadOnlyList<Site> Sites, IsoWeek LastComplete, IsoWeek Current, bool LinkDevices);

/// <summary>A report, or why there is none (a sentence for the page; never a stack trace).</summary>
public sealed record WeeklyReportOutcome(WeeklyReport? Report, string? Problem, bool Unfinished = false);

/// <summary>
/// The weekly report's page service: checks the caller's role again, offers the sites and weeks, reads the report and
/// turns a failure into a sentence (InfluxDB down, a site gone, a week not yet begun).
/// </summary>
internal sealed class WeeklyReportScreen(StateStore store, WeeklyReportReader reader, SchoolClock clock, ILogger<WeeklyReportScreen> logger)
{
    /// <summary>True when <paramref name="actor"/> may read the weekly report.</summary>
    public static bool MayRead(ConsoleUser? actor) => actor is not null && Policies.WeeklyReportRoles.Any(actor.Roles.Contains);

    /// <summary>The sites and weeks to choose from; null when <paramref name="actor"/> may not read the report.</summary>
    public async Task<WeeklyReportChoices?> ChoicesAsync(ConsoleUser? actor, CancellationToken cancellationToken)
    {
        if (!MayRead(actor))
        {
            return null;
        }

        var sites = await store.Sites.ListSitesAsync(cancellationToken);
        var current = IsoWeek.Containing(DateOnly.FromDateTime(clock.Local(clock.Now).DateTime));
        return new WeeklyReportChoices(sites, current.Previous, current, Policies.AdministrationRoles.Any(actor!.Roles.Contains));
    }

    /// <summary>The report of <paramref name="siteId"/> (null: every site) for <paramref name="week"/>, or why not.</summary>
    public async Task<WeeklyReportOutcome> ReadAsync(ConsoleUser? actor, long? siteId, IsoWeek week, CancellationToken cancellationToken)
    {
        if (!MayRead(actor))
        {
            const string Reason = "Only technicians, administrators and the safeguarding lead can read the weekly traffic report.";
            WeeklyReportScreenLog.Refused(logger, actor?.UserName ?? "(signed out)", Reason);
            return new WeeklyReportOutcome(null, Reason);
        }

        var current = IsoWeek.Containing(DateOnly.FromDateTime(clock.Local(clock.Now).DateTime));
        if (week.Monday > current.Monday)
        {
            return new WeeklyReportOutcome(null, $"{week} has not started yet: the latest week is {current} (this week, so far).");
        }

        if (siteId is { } id && (await store.Sites.ListSitesAsync(cancellationToken)).All(s => s.Id != id))
        {
            return new WeeklyReportOutcome(null, "That site is no longer on the appliance: choose another.");
        }

        var site = siteId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "all";
        try
        {
            var report = await reader.ReadAsync(siteId, week, cancellationToken);
            return new WeeklyReportOutcome(report, null, week == current);
        }
        catch (InfluxException e)
        {
            WeeklyReportScreenLog.InfluxUnavailable(logger, week.ToString(), site, e.Message);
            return new WeeklyReportOutcome(null,
                "The report could not be read because InfluxDB, which keeps the traffic and DNS figures, did not answer. "
                + "Filtering is not affected. Try again in a few minutes; if it persists, check InfluxDB on the home page's health card.");
        }
        catch (HttpRequestException e)
        {
            WeeklyReportScreenLog.InfluxUnavailable(logger, week.ToString(), site, e.Message);
            return new WeeklyReportOutcome(null,
                "The report could not be read because InfluxDB, which keeps the traffic and DNS figures, could not be reached. "
                + "Filtering is not affected. Try again in a few minutes; if it persists, check InfluxDB on the home page's health card.");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            WeeklyReportScreenLog.ReadFailed(logger, e, week.ToString(), site);
            return new WeeklyReportOutcome(null, "The report could not be made: the console's log has the details for a technician. Try again later.");
        }
    }
}

using System.Globalization;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.Primitives;

namespace ClassroomGuard.Console.Reports.Delivery;

/// <summary>
/// The reports as PDF downloads:
/// <c>GET /reports/{id}/pdf</c> (a kept report: 404 when it is of a kind the caller may not read, the same as none);
/// <c>GET /reports/weekly.pdf?week=2026-W49&amp;site=N</c> (weekly roles) and
/// <c>GET /reports/governors.pdf?from=2026-09-01&amp;to=2026-12-31</c> (governors' roles), generated now and kept as
/// 'manual', then sent. A bad query value is a 400 with the reason. Every download is on the audit log
/// ("report.download"). Never cached.
/// </summary>
internal static class ReportDownloads
{
    public const string WeeklyPath = "/reports/weekly.pdf";
    public const string GovernorsPath = "/reports/governors.pdf";

    /// <summary>The audit key of a download.</summary>
    public const string AuditKey = "report.download";

    public static IEndpointRouteBuilder Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/reports/{id:long}/pdf", KeptAsync).RequireAuthorization(Policies.Reports);
        endpoints.MapGet(WeeklyPath, WeeklyAsync).RequireAuthorization(Policies.WeeklyReport);
        endpoints.MapGet(GovernorsPath, GovernorsAsync).RequireAuthorization(Policies.GovernorsReport);
        return endpoints;
    }

    /// <summary>The download address of a kept report.</summary>
    public static string KeptPath(long id) => string.Create(CultureInfo.InvariantCulture, $"/reports/{id}/pdf");

    /// <summary>The address of a weekly report generated on demand.</summary>
    public static string WeeklyLink(IsoWeek week, long? siteId)
        => siteId is { } site ? string.Create(CultureInfo.InvariantCulture, $"{WeeklyPath}?week={week}&site={site}") : $"{WeeklyPath}?week={week}";

    /// <summary>The address of a governors' report generated on demand.</summary>
    public static string GovernorsLink(DateOnly from, DateOnly to)
        => string.Create(CultureInfo.InvariantCulture, $"{GovernorsPath}?from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}");

    private static async Task<IResult> KeptAsync(long id, HttpContext context, ReportsService reports, ReportArchive archive, StateStore store, ILogger<ReportsService> logger)
    {
        if (ConsoleUser.From(context.User) is not { } actor)
        {
            return NoIdentity();
        }

        var report = await reports.GetAsync(actor, id, context.RequestAborted);
        if (report is null)
        {
            ReportDeliveryLog.NotFound(logger, actor.UserName);
            return Results.Problem("There is no such report, or your role may not read it.", statusCode: StatusCodes.Status404NotFound, title: "Report not found");
        }

        return await SendAsync(context, actor, report, "kept", archive, store, logger);
    }

    private static async Task<IResult> WeeklyAsync(HttpContext context, ReportsService reports, ReportArchive archive, StateStore store, ILogger<ReportsService> logger)
    {
        if (ConsoleUser.From(context.User) is not { } actor)
        {
            return NoIdentity();
        }

        if (!Single(context, "week", out var week, out var problem) || !Single(context, "site", out var siteText, out problem))
        {
            return Bad(problem);
        }

        long? site = null;
        if (!string.IsNullOrEmpty(siteText))
        {
            if (!long.TryParse(siteText, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0)
            {
                return Bad($"site must be a site's number, for example site=2 (it is '{Clip(siteText)}'); leave it out for all sites.");
            }

            site = id;
        }

        var form = new GenerateReportForm { Week = week, SiteId = site };
        var (_, problems) = await reports.CheckWeeklyAsync(week, site, context.RequestAborted);
        if (problems.Count > 0)
        {
            return Bad(string.Join(" ", problems.Values));
        }

        return await GenerateAsync(context, actor, ReportKind.Weekly, form, reports, archive, store, logger);
    }

    private static async Task<IResult> GovernorsAsync(HttpContext context, ReportsService reports, ReportArchive archive, StateStore store, ILogger<ReportsService> logger)
    {
        if (ConsoleUser.From(context.User) is not { } actor)
        {
            return NoIdentity();
        }

        if (!Single(context, "from", out var fromText, out var problem) || !Single(context, "to", out var toText, out problem))
        {
            return Bad(problem);
        }

        if (!Day(fromText, "from", out var from, out problem) || !Day(toText, "to", out var to, out problem))
        {
            return Bad(problem);
        }

        var problems = reports.CheckGovernors(from, to);
        if (problems.Count > 0)
        {
            return Bad(string.Join(" ", problems.Values));
        }

        var form = new GenerateReportForm { From = from!.Value.ToDateTime(TimeOnly.MinValue), To = to!.Value.ToDateTime(TimeOnly.MinValue) };
        return await GenerateAsync(context, actor, ReportKind.Governors, form, reports, archive, store, logger);
    }

    private static async Task<IResult> GenerateAsync(
        HttpContext context, ConsoleUser actor, ReportKind kind, GenerateReportForm form, ReportsService reports, ReportArchive archive, StateStore store, ILogger<ReportsService> logger)
    {
        var result = await reports.GenerateAsync(actor, kind, form, context.RequestAborted);
        if (result.Report is not { } report)
        {
            if (result.Busy)
            {
                context.Response.Headers.RetryAfter = ((int)ReportsBusyException.RetryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
                return Results.Problem(result.Problems[string.Empty], statusCode: StatusCodes.Status429TooManyRequests, title: "Reports are being generated");
            }

            return result.Problems.ContainsKey(string.Empty)
                ? Results.Problem(result.Problems[string.Empty], statusCode: StatusCodes.Status503ServiceUnavailable, title: "The report could not be generated")
                : Bad(string.Join(" ", result.Problems.Values));
        }

        return await SendAsync(context, actor, report, "generated now", archive, store, logger);
    }

    private static async Task<IResult> SendAsync(HttpContext context, ConsoleUser actor, KeptReport report, string how, ReportArchive archive, StateStore store, ILogger<ReportsService> logger)
    {
        var path = archive.PathOf(report);
        if (!File.Exists(path))
        {
            ReportDeliveryLog.FileMissing(logger, report.FileName);
            return Results.Problem("The report's file is no longer in the reports folder (Reports:Directory). Generate it again.", statusCode: StatusCodes.Status404NotFound, title: "Report file missing");
        }

        // Who read which report is on the audit log, as block history downloads are.
        await store.AdminAudit.RecordAsync(actor.Id, AuditKey, $"the report '{report.Title}'", how, CancellationToken.None);
        ReportDeliveryLog.Downloaded(logger, actor.UserName, report.Kind, report.Title);
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.Pragma = "no-cache";
        context.Response.Headers["X-Content-Type-Options"] = "nosniff";
        return Results.File(path, "application/pdf", DownloadName(report));
    }

    /// <summary>"Weekly traffic report, Mon 30 Nov – Sun 6 Dec 2026 (Main).pdf": the title, the site, nothing a file system refuses.</summary>
    internal static string DownloadName(KeptReport report)
    {
        var name = report.Title + (report.SiteName is { } site && !report.Title.Contains(site, StringComparison.Ordinal) ? $" ({site})" : string.Empty);
        var invalid = Path.GetInvalidFileNameChars().Concat(['\\', ':', '*', '?', '"', '<', '>', '|']).ToHashSet();
        var clean = new string([.. name.Select(c => invalid.Contains(c) || char.IsControl(c) ? '-' : c)]).Trim();
        return (clean.Length > 150 ? clean[..150] : clean) + ".pdf";
    }

    private static bool Single(HttpContext context, string key, out string? value, out string problem)
    {
        value = null;
        problem = string.Empty;
        if (!context.Request.Query.TryGetValue(key, out StringValues values))
        {
            return true;
        }

        if (values.Count > 1)
        {
            problem = $"{key} is given {values.Count} times; give it once.";
            return false;
        }

        value = values[0];
        return true;
    }

    private static bool Day(string? text, string key, out DateOnly? day, out string problem)
    {
        day = null;
        problem = string.Empty;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true; // CheckGovernors says it is missing
        }

        if (text.Any(char.IsControl) // parsing ignores a trailing NUL
            || !DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            problem = $"{key} must be a day written YYYY-MM-DD, for example {key}=2026-09-01 (it is '{Clip(text)}').";
            return false;
        }

        day = parsed;
        return true;
    }

    private static string Clip(string text) => text.Length > 40 ? text[..40] + "…" : text;

    /// <summary>Signed in, yet no console user can be read from the sign-in (an old or foreign cookie): refused, not "could not be generated".</summary>
    private static IResult NoIdentity()
        => Results.Problem("Your sign-in does not name a console user. Sign out and sign in again.", statusCode: StatusCodes.Status403Forbidden, title: "Not allowed");

    private static IResult Bad(string problem) => Results.Problem(problem, statusCode: StatusCodes.Status400BadRequest, title: "The report's period is not valid");
}

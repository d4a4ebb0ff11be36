using System.Globalization;
using ClassroomGuard.Console.Mail;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Reports.Delivery;

/// <summary>A kept report as the Reports page lists it: words, no ids but the download address.</summary>
/// <param name="Kind">Weekly or governors'.</param>
/// <param name="KindName">"Weekly traffic report" or "Governors' report".</param>
/// <param name="Title">Its title.</param>
/// <param name="Site">"Site: Main" for one site's weekly report, or null.</param>
/// <param name="Period">"Mon 30 Nov – Sun 6 Dec 2026".</param>
/// <param name="Generated">"Mon 7 Dec 2026, 07:00".</param>
/// <param name="By">"By the schedule", "By Tom Jones", "By the report command".</param>
/// <param name="Size">"240 KB".</param>
/// <param name="Mail">"Sent to 3 people", "Not sent yet: …", "Not e-mailed".</param>
/// <param name="MailProblem">True when the e-mail is failing.</param>
/// <param name="DownloadUrl">Its download address.</param>
public sealed record ReportRow(
    ReportKind Kind, string KindName, string Title, string? Site, string Period, string Generated, string By, string Size, string Mail, bool MailProblem, string DownloadUrl);

/// <summary>One kind of report the caller may read, with its schedule in words.</summary>
/// <param name="Kind">Weekly or governors'.</param>
/// <param name="Name">"Weekly traffic report".</param>
/// <param name="Summary">What it holds, one sentence.</param>
/// <param name="Schedule">"Every Monday at 07:00, for the week before; e-mailed to 3 technicians".</param>
/// <param name="Next">"The next one: Mon 14 Dec 2026 at 07:00", or why none comes.</param>
/// <param name="PageUrl">The kind's page in the console.</param>
/// <param name="MayGenerate">Whether the caller may generate it now (always, for a kind they read).</param>
public sealed record ReportKindView(ReportKind Kind, string Name, string Summary, string Schedule, string Next, string PageUrl, bool MayGenerate);

/// <summary>What a "Generate now" asks for: a week and a site (weekly) or two days (governors').</summary>
public sealed class GenerateReportForm
{
    /// <summary>The week, "2026-W49" (weekly).</summary>
    public string? Week { get; set; }

    /// <summary>The site (weekly; null: the whole appliance).</summary>
    public long? SiteId { get; set; }

    /// <summary>The first day (governors').</summary>
    public DateTime? From { get; set; }

    /// <summary>The last day (governors').</summary>
    public DateTime? To { get; set; }
}

/// <summary>The result of a generation: the kept report, or the problems by field ("" for the whole form).</summary>
/// <param name="Report">The report, when it was generated.</param>
/// <param name="Problems">What is wrong, by field name.</param>
/// <param name="Busy">True when it was refused because other reports are being generated (try again in a minute).</param>
public sealed record GenerateResult(KeptReport? Report, IReadOnlyDictionary<string, string> Problems, bool Busy = false)
{
    /// <summary>How long a report of the same kind, site and period is handed out again instead of printing another copy.</summary>
    public static readonly TimeSpan ReusedFor = TimeSpan.FromMinutes(10);

    /// <summary>True when the report was generated.</summary>
    public bool Ok => Report is not null;
}

/// <summary>
/// The Reports page's and the download endpoints' application service: which kinds a person reads (weekly:
/// <see cref="Policies.WeeklyReportRoles"/>; governors': <see cref="Policies.GovernorsReportRoles"/>), the kept
/// reports of those kinds, the schedules in words, and generating a report now. Every call checks the caller's roles
/// again.
/// </summary>
public sealed class ReportsService(
    StateStore store, ReportArchive archive, ReportMailer mailer, IOptions<ReportOptions> options, IOptions<MailOptions> mail, TimeProvider time,
    ILogger<ReportsService> logger)
{
    /// <summary>The longest period of a governors' report on demand (a school year and a bit).</summary>
    public const int MaxGovernorsDays = 400;

    private static readonly CultureInfo English = CultureInfo.InvariantCulture;

    /// <summary>The kinds <paramref name="actor"/> may read.</summary>
    public static IReadOnlyList<ReportKind> KindsFor(ConsoleUser? actor)
    {
        if (actor is null)
        {
            return [];
        }

        var kinds = new List<ReportKind>();
        if (Policies.WeeklyReportRoles.Any(actor.Roles.Contains))
        {
            kinds.Add(ReportKind.Weekly);
        }

        if (Policies.GovernorsReportRoles.Any(actor.Roles.Contains))
        {
            kinds.Add(ReportKind.Governors);
        }

        return kinds;
    }

    /// <summary>True when <paramref name="actor"/> may read reports of <paramref name="kind"/>.</summary>
    public static bool MayRead(ConsoleUser? actor, ReportKind kind) => KindsFor(actor).Contains(kind);

    /// <summary>"Weekly traffic report" / "Governors' report".</summary>
    public static string KindName(ReportKind kind) => kind == ReportKind.Weekly ? "Weekly traffic report" : "Governors' report";

    /// <summary>The school's "today".</summary>
    public DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), archive.Zone).DateTime);

    /// <summary>A kept report <paramref name="actor"/> may read, or null (none, or of a kind they may not read: the same answer).</summary>
    public async Task<KeptReport?> GetAsync(ConsoleUser? actor, long id, CancellationToken cancellationToken)
    {
        var report = await store.Reports.GetAsync(id, cancellationToken);
        return report is not null && MayRead(actor, report.Kind) ? report : null;
    }

    /// <summary>One page of the kept reports of the caller's kinds, newest first.</summary>
    public async Task<(IReadOnlyList<ReportRow> Rows, int Total)> ListAsync(ConsoleUser? actor, int offset, int limit, CancellationToken cancellationToken)
    {
        var page = await store.Reports.ListAsync(KindsFor(actor), offset, limit, cancellationToken);
        return ([.. page.Reports.Select(Row)], page.Total);
    }

    /// <summary>The caller's kinds with their schedules in words.</summary>
    public async Task<IReadOnlyList<ReportKindView>> KindsAsync(ConsoleUser? actor, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var views = new List<ReportKindView>();
        foreach (var kind in KindsFor(actor))
        {
            var settings = ReportSchedule.Of(o, kind);
            var summary = kind == ReportKind.Weekly
                ? "For the technicians: a site's devices, traffic, blocks, circumvention attempts, alerts and the appliance's health over a week, beside the week before."
                : "For the governors: the filtering changes of a month or term with the change log's check, an anonymised summary of incidents, what the filter covers and the annual review.";
            string schedule;
            string next;
            if (!settings.Enabled)
            {
                schedule = $"Not generated on a schedule (Reports:{kind}:Enabled is off); generate it here when you need it.";
                next = "None will come by itself.";
            }
            else
            {
                var (users, otherAddresses) = await mailer.RecipientGroupsAsync(kind, cancellationToken);
                var others = otherAddresses.Count;
                var recipients = users.Count + others;
                var role = kind == ReportKind.Weekly ? "technician" : "governor";
                var to = !mail.Value.Enabled ? "not e-mailed, because e-mail is off (Mail:Host)"
                    : recipients == 0 ? $"e-mailed to nobody yet: no {role} has an e-mail address"
                    : "e-mailed to " + string.Join(" and ", new[]
                    {
                        users.Count > 0 ? $"{users.Count} {role}{(users.Count == 1 ? "" : "s")}" : null,
                        others > 0 ? $"{others} other address{(others == 1 ? "" : "es")}" : null,
                    }.Where(s => s is not null));
                schedule = $"{ReportSchedule.Describe(settings.Schedule)}, {ReportSchedule.CoversWords(kind, o.GovernorsPeriod)}; {to}.";
                next = ReportSchedule.Next(o, kind, time.GetUtcNow(), archive.Zone) is { } at
                    ? $"The next one comes {When(at)}."
                    : "The schedule never fires again; check its cron expression.";
            }

            views.Add(new ReportKindView(kind, KindName(kind), summary, schedule, next, kind == ReportKind.Weekly ? "/reports/weekly" : "/reports/governors", true));
        }

        return views;
    }

    /// <summary>The sites to choose from for a weekly report (more than one: a report each, or one for all).</summary>
    public Task<IReadOnlyList<Site>> SitesAsync(CancellationToken cancellationToken) => store.Sites.ListSitesAsync(cancellationToken);

    /// <summary>Checks a weekly request: the week ("2026-W49") and the site (null: the whole appliance). Problems by field.</summary>
    public async Task<(IsoWeek Week, Dictionary<string, string> Problems)> CheckWeeklyAsync(string? week, long? siteId, CancellationToken cancellationToken)
    {
        var problems = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!IsoWeek.TryParse(week, out var parsed, out var error)) // digits only: a NUL or other control character is refused there
        {
            problems[nameof(GenerateReportForm.Week)] = string.IsNullOrWhiteSpace(week) ? "Give the week as YYYY-Www, for example 2026-W49." : error;
        }
        else if (parsed.Monday > Today)
        {
            problems[nameof(GenerateReportForm.Week)] = $"{parsed} has not started yet; choose this week or an earlier one.";
        }

        if (siteId is { } id && (await store.Sites.ListSitesAsync(cancellationToken)).All(s => s.Id != id))
        {
            problems[nameof(GenerateReportForm.SiteId)] = "There is no such site; choose one from the list, or all sites.";
        }

        return (parsed, problems);
    }

    /// <summary>Checks a governors' request: two days, the first not after the last, the first not in the future, at most <see cref="MaxGovernorsDays"/> days.</summary>
    public Dictionary<string, string> CheckGovernors(DateOnly? from, DateOnly? to)
    {
        var problems = new Dictionary<string, string>(StringComparer.Ordinal);
        if (from is null)
        {
            problems[nameof(GenerateReportForm.From)] = "Give the first day, for example 2026-09-01.";
        }
        else if (from > Today)
        {
            problems[nameof(GenerateReportForm.From)] = "The period has not started yet; choose a first day up to today.";
        }

        if (to is null)
        {
            problems[nameof(GenerateReportForm.To)] = "Give the last day, for example 2026-12-31.";
        }
        else if (from is { } f && to < f)
        {
            problems[nameof(GenerateReportForm.To)] = "The last day is before the first; swap them.";
        }
        else if (from is { } g && to.Value.DayNumber - g.DayNumber + 1 > MaxGovernorsDays)
        {
            problems[nameof(GenerateReportForm.To)] = $"A governors' report covers at most {MaxGovernorsDays} days; choose a term or a school year.";
        }

        return problems;
    }

    /// <summary>
    /// Generates and keeps a report of <paramref name="kind"/> now for <paramref name="actor"/> (trigger 'manual'), after
    /// checking their roles and the form. It is not e-mailed: it appears on the Reports page and downloads.
    /// </summary>
    public async Task<GenerateResult> GenerateAsync(ConsoleUser? actor, ReportKind kind, GenerateReportForm form, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(form);
        if (actor is null || !MayRead(actor, kind))
        {
            return new GenerateResult(null, new Dictionary<string, string> { [""] = "Your role may not generate this kind of report." });
        }

        try
        {
            if (kind == ReportKind.Weekly)
            {
                var (week, problems) = await CheckWeeklyAsync(form.Week, form.SiteId, cancellationToken);
                if (problems.Count > 0)
                {
                    return new GenerateResult(null, problems);
                }

                // The same report asked for again moments later (a second click, a loop) is the one just kept.
                var recent = await archive.RecentAsync(kind, form.SiteId, ReportPeriod.OfWeek(week, archive.Zone), time.GetUtcNow() - GenerateResult.ReusedFor, cancellationToken);
                return new GenerateResult(recent ?? await archive.KeepWeeklyAsync(form.SiteId, week, ReportTrigger.Manual, actor.Id, cancellationToken), problems);
            }

            DateOnly? from = form.From is { } f ? DateOnly.FromDateTime(f) : null;
            DateOnly? to = form.To is { } t ? DateOnly.FromDateTime(t) : null;
            var refused = CheckGovernors(from, to);
            if (refused.Count > 0)
            {
                return new GenerateResult(null, refused);
            }

            var again = await archive.RecentAsync(kind, null, ReportPeriod.Of(from!.Value, to!.Value, archive.Zone), time.GetUtcNow() - GenerateResult.ReusedFor, cancellationToken);
            return new GenerateResult(again ?? await archive.KeepGovernorsAsync(from.Value, to.Value, ReportTrigger.Manual, actor.Id, cancellationToken), refused);
        }
        catch (ReportsBusyException)
        {
            return new GenerateResult(null, new Dictionary<string, string>
            {
                [""] = "Other reports are being generated right now. Try again in a minute.",
            }, Busy: true);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            ReportDeliveryLog.ManualFailed(logger, actor.UserName, kind, e);
            return new GenerateResult(null, new Dictionary<string, string>
            {
                [""] = $"The report could not be generated: {ReportFailureWords.Of(e)}. Try again; if it fails again, ask the school's technician (the console's log has the detail).",
            });
        }
    }

    /// <summary>"Mon 7 Dec 2026 at 07:00" in the school's time zone.</summary>
    public string When(DateTimeOffset at) => When(at, archive.Zone);

    /// <summary>"Mon 7 Dec 2026 at 07:00" in <paramref name="zone"/> (the e-mail's words too).</summary>
    public static string When(DateTimeOffset at, TimeZoneInfo zone) => TimeZoneInfo.ConvertTime(at, zone).ToString("ddd d MMM yyyy 'at' HH:mm", English);

    /// <summary>"240 KB".</summary>
    public static string Size(long bytes) => bytes >= 1024 * 1024
        ? string.Create(English, $"{bytes / 1024d / 1024d:0.0} MB")
        : string.Create(English, $"{Math.Max(1, (bytes + 1023) / 1024)} KB");

    private ReportRow Row(KeptReport r)
    {
        var by = r.Trigger switch
        {
            ReportTrigger.Schedule => "By the schedule",
            ReportTrigger.Command => "By the report command", // reserved: the command prints to a file and keeps nothing here
            _ => r.GeneratedByName is { } name ? $"By {name}" : "By a person whose account is gone",
        };
        var people = r.MailRecipients == 1 ? "1 address" : $"{r.MailRecipients} addresses";
        var mailWords = r.MailState switch
        {
            ReportMailState.Sent when r.MailError == Mail.MailSender.AttachmentGone => $"Not e-mailed: {r.MailError}",
            ReportMailState.Sent when r.MailError is not null => $"Sent to {people}, but some were refused: {r.MailError}",
            ReportMailState.Sent => $"E-mailed to {people}",
            ReportMailState.Waiting => $"Waiting to be e-mailed to {people}",
            ReportMailState.Failing => $"Not e-mailed yet (tried again by itself): {r.MailError}",
            _ => r.Trigger != ReportTrigger.Schedule ? "Not e-mailed (generated on request)"
                : !mail.Value.Enabled ? "Not e-mailed: e-mail is off (Mail:Host is not set)"
                : "Not e-mailed: nobody was set to receive it when it was made (no e-mail address on a user of the role, nothing in the kind's Recipients setting)",
        };
        return new ReportRow(
            r.Kind, KindName(r.Kind), r.Title, r.SiteName is { } s ? $"Site: {s}" : null, ReportPeriod.Of(r.First, r.Last, archive.Zone).Label,
            TimeZoneInfo.ConvertTime(r.GeneratedAt, archive.Zone).ToString("ddd d MMM yyyy, HH:mm", English), by, Size(r.Bytes), mailWords,
            r.MailState == ReportMailState.Failing || (r.MailState == ReportMailState.Sent && r.MailError is not null),
            ReportDownloads.KeptPath(r.Id));
    }
}

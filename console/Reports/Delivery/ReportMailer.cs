using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using ClassroomGuard.Console.Hosting;
using ClassroomGuard.Console.Mail;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Reports.Delivery;

/// <summary>
/// Queues a kept report's e-mail in the outbox (the mail sender attaches the PDF and retries a failed send with a
/// growing delay, never dropping it): to the enabled users of the kind's role with an e-mail address (weekly:
/// technicians; governors': governors) and Reports:&lt;Kind&gt;:Recipients. The body says what the report is, its
/// period, and links to it in the console (Console:PublicUrl).
/// </summary>
public sealed class ReportMailer(
    StateStore store, ReportArchive archive, IOptions<ReportOptions> options, IOptions<MailOptions> mail, IOptions<ConsoleOptions> console, MailSignal signal,
    ILogger<ReportMailer> logger)
{
    /// <summary>The addresses a kind goes to, without repeats (case-insensitive), users' first.</summary>
    public async Task<IReadOnlyList<string>> RecipientsAsync(ReportKind kind, CancellationToken cancellationToken)
    {
        var (users, others) = await RecipientGroupsAsync(kind, cancellationToken);
        return [.. users, .. others];
    }

    /// <summary>
    /// The same addresses in two groups, from one de-duplicated list (case-insensitive): the users' and the setting's
    /// others (an address both a user has and the setting lists counts once, as a user's).
    /// </summary>
    public async Task<(IReadOnlyList<string> Users, IReadOnlyList<string> Others)> RecipientGroupsAsync(ReportKind kind, CancellationToken cancellationToken)
    {
        var users = (await store.Users.ListEmailsInRoleAsync(ReportSchedule.RecipientRole(kind), cancellationToken))
            .Select(a => a.Trim()).Where(a => a.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var others = ReportSchedule.Of(options.Value, kind).Recipients
            .Select(a => a.Trim()).Where(a => a.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase)
            .Where(a => !users.Contains(a, StringComparer.OrdinalIgnoreCase)).ToList();
        return (users, others);
    }

    /// <summary>Queues the report's e-mail. Returns the outbox message's id, or null (mail off, or nobody to send it to).</summary>
    public async Task<long?> QueueAsync(KeptReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (!mail.Value.Enabled)
        {
            ReportDeliveryLog.MailOff(logger, report.Kind);
            return null;
        }

        var recipients = await RecipientsAsync(report.Kind, cancellationToken);
        if (recipients.Count == 0)
        {
            ReportDeliveryLog.NoRecipients(logger, report.Kind);
            return null;
        }

        var (text, html) = Body(report);
        var id = await store.MailOutbox.EnqueueAsync(
            new NewMail(MailKind.Report, recipients, "ClassroomGuard: " + report.Title, text, html, archive.PathOf(report)), cancellationToken);
        await store.Reports.SetMailAsync(report.Id, id, recipients.Count, cancellationToken);
        signal.Notify();
        ReportDeliveryLog.MailQueued(logger, id, report.Kind, report.Title, recipients.Count);
        return id;
    }

    /// <summary>The plain-text and HTML bodies.</summary>
    public (string Text, string Html) Body(KeptReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var links = console.Value.PublicBase();
        var download = links + ReportDownloads.KeptPath(report.Id);
        var list = links + "/reports";
        var what = report.Kind == ReportKind.Weekly
            ? "the technicians' weekly traffic report: devices, traffic, blocks, circumvention attempts, alerts and the appliance's health over the week, with the week before beside it"
            : "the governors' report: the filtering changes of the period with the change log's verification, an anonymised summary of incidents, what the filter covers and the annual review's status";
        var period = ReportPeriod.Of(report.First, report.Last, archive.Zone).Label;
        var site = report.SiteName is { } s && !report.Title.Contains(s, StringComparison.Ordinal) ? $" for the site {s}" : string.Empty;
        var generated = ReportsService.When(report.GeneratedAt, archive.Zone);
        var size = ReportsService.Size(report.Bytes); // the same words as the Reports page

        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"{report.Title}{site}\n\n")
            .Append(CultureInfo.InvariantCulture, $"Attached is {what}.\n\n")
            .Append(CultureInfo.InvariantCulture, $"Period:     {period}\n")
            .Append(CultureInfo.InvariantCulture, $"Generated:  {generated} (school time), by the schedule\n")
            .Append(CultureInfo.InvariantCulture, $"File:       {report.FileName} ({size}, PDF)\n")
            .Append(CultureInfo.InvariantCulture, $"SHA-256:    {report.Sha256}\n\n")
            .Append(CultureInfo.InvariantCulture, $"Open it in the console: {download}\n")
            .Append(CultureInfo.InvariantCulture, $"Every kept report: {list}\n\n")
            .Append("You receive this because of your role in ClassroomGuard, or because the appliance's settings list your address. ")
            .Append("Ask the school's technician to change who receives it.\n")
            .ToString();

        var e = HtmlEncoder.Default;
        var html = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"<p><strong>{e.Encode(report.Title + site)}</strong></p>")
            .Append(CultureInfo.InvariantCulture, $"<p>Attached is {e.Encode(what)}.</p>")
            .Append("<table>")
            .Append(CultureInfo.InvariantCulture, $"<tr><td>Period</td><td>{e.Encode(period)}</td></tr>")
            .Append(CultureInfo.InvariantCulture, $"<tr><td>Generated</td><td>{e.Encode(generated)} (school time), by the schedule</td></tr>")
            .Append(CultureInfo.InvariantCulture, $"<tr><td>File</td><td>{e.Encode(report.FileName)} ({e.Encode(size)}, PDF)</td></tr>")
            .Append(CultureInfo.InvariantCulture, $"<tr><td>SHA-256</td><td><code>{report.Sha256}</code></td></tr>")
            .Append("</table>")
            .Append(CultureInfo.InvariantCulture, $"<p><a href=\"{e.Encode(download)}\">Open it in the console</a> · <a href=\"{e.Encode(list)}\">Every kept report</a></p>")
            .Append("<p>You receive this because of your role in ClassroomGuard, or because the appliance's settings list your address. Ask the school's technician to change who receives it.</p>")
            .ToString();
        return (text, html);
    }
}

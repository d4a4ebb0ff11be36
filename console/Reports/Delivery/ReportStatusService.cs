using ClassroomGuard.Console.Mail;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Reports.Delivery;

/// <summary>
/// Scheduled reports that could not be generated, for the technician's and administrator's home (a failed e-mail of a
/// report shows on the e-mail card like any other). Nothing when all is well; the caller's role is checked again.
/// </summary>
public sealed class ReportStatusService(
    ReportScheduler scheduler, ReportsService reports, ReportMailer mailer, IOptions<ReportOptions> options, IOptions<MailOptions> mail)
{
    /// <summary>
    /// The home card: a scheduled report failing (<see cref="Read"/>), else, while e-mail is set up, a kind on its
    /// schedule that nobody would receive (no enabled user of its role with an address, nothing in its Recipients).
    /// </summary>
    public async Task<MailStatusView?> ReadAsync(ConsoleUser? actor, CancellationToken cancellationToken)
    {
        if (Read(actor) is { } failing)
        {
            return failing;
        }

        if (actor is not { IsAdministration: true } || !mail.Value.Enabled)
        {
            return null;
        }

        foreach (var kind in new[] { ReportKind.Weekly, ReportKind.Governors })
        {
            if (ReportSchedule.Of(options.Value, kind).Enabled && (await mailer.RecipientsAsync(kind, cancellationToken)).Count == 0)
            {
                var (who, setting) = kind == ReportKind.Weekly ? ("a technician", "Reports:Weekly:Recipients") : ("a governor", "Reports:Governors:Recipients");
                return new MailStatusView("warning",
                    $"Nobody receives the {ReportsService.KindName(kind).ToLowerInvariant()} by e-mail: it is made on its schedule but sent to no one.",
                    $"Add an e-mail address to {who} on the Users page, or set {setting}.");
            }
        }

        return null;
    }

    /// <summary>The home card for <paramref name="actor"/>, or null.</summary>
    public MailStatusView? Read(ConsoleUser? actor)
    {
        if (actor is not { IsAdministration: true })
        {
            return null;
        }

        var failures = scheduler.Failures;
        if (failures.Count == 0)
        {
            return null;
        }

        var first = failures[0];
        var what = $"The {ReportsService.KindName(first.Kind).ToLowerInvariant()} for {first.Period}";
        var more = failures.Count > 1 ? $" ({failures.Count} scheduled reports are failing)" : string.Empty;
        return new MailStatusView("error",
            $"{what} could not be generated since {reports.When(first.Since)}: {first.Reason}.{more}",
            $"It is tried again by itself ({first.Attempts} attempt{(first.Attempts == 1 ? "" : "s")} so far; the next {reports.When(first.RetryAt)}). Check Reports:ChromiumPath and Reports:Timeout; the console's log has each attempt. You can also generate it on the Reports page.");
    }
}

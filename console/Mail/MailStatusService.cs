using ClassroomGuard.Console.Safeguarding.Alerts;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Mail;

/// <summary>What the technician's home says about e-mail.</summary>
/// <param name="Severity">"error" (messages failing), "warning" (nobody to tell), "info" (mail off).</param>
/// <param name="Headline">One sentence.</param>
/// <param name="Detail">What to do.</param>
public sealed record MailStatusView(string Severity, string Headline, string Detail);

/// <summary>
/// The e-mail outbox for the technician's and administrator's home: messages not sent and why, addresses the SMTP server
/// refused for good (per address, for a week), nobody to send alerts to, or mail off. Nothing when all is well. The
/// caller's role is checked again.
/// </summary>
public sealed class MailStatusService(
    StateStore store, IOptions<MailOptions> mail, IOptions<SafeguardingOptions> safeguarding, AlertsService alerts, TimeProvider time)
{
    /// <summary>How long an address the SMTP server refused for good stays on the card.</summary>
    public static readonly TimeSpan RefusedShownFor = TimeSpan.FromDays(7);

    /// <summary>The home card for <paramref name="actor"/>, or null (all well, or not a technician or administrator).</summary>
    public async Task<MailStatusView?> ReadAsync(ConsoleUser? actor, CancellationToken cancellationToken)
    {
        if (actor is not { IsAdministration: true })
        {
            return null;
        }

        if (!mail.Value.Enabled)
        {
            return new MailStatusView("info", "E-mail is off: danger alerts are shown on the Alerts page only, not e-mailed to the safeguarding leads.",
                "Set Mail:Host, Mail:From and the account in the appliance's settings (README, 'Safeguarding alerts and e-mail'), then restart the console.");
        }

        var status = await store.MailOutbox.GetStatusAsync(cancellationToken);
        if (status is { Failing: > 0, OldestWaitingSince: { } since })
        {
            var count = status.Waiting == 1 ? "1 e-mail" : $"{status.Waiting} e-mails";
            return new MailStatusView("error", $"{count} not sent since {alerts.When(since)}: {status.LastError}.",
                "Each is kept and tried again by itself, never dropped. Fix the cause in the Mail settings (or secrets.json), then wait a minute; the console's log has each attempt.");
        }

        var refused = await store.MailOutbox.ListRefusedAsync(time.GetUtcNow() - RefusedShownFor, cancellationToken);
        if (refused.Count > 0)
        {
            var latest = refused[0];
            if (latest.LastError == MailSender.AttachmentGone)
            {
                return new MailStatusView("error", $"An e-mail of {alerts.When(latest.CreatedAt)} was not sent: {latest.LastError}.",
                    "Nothing else to do for that e-mail; this notice goes by itself after a week.");
            }

            var more = refused.Count == 1 ? "" : $" ({refused.Count} e-mails in the last {RefusedShownFor.TotalDays:0} days had a refused address)";
            return new MailStatusView("error", $"An e-mail sent {alerts.When(latest.SentAt!.Value)} did not reach everyone: {latest.LastError}.{more}",
                latest.Kind == MailKind.Report
                    ? "The other recipients received it. Correct or remove that address on the Users page (or in Reports:Weekly:Recipients / Reports:Governors:Recipients); until then that person gets no reports by e-mail."
                    : "The other recipients received it. Correct or remove that address on the Users page (or in Safeguarding:AlertRecipients); until then that person gets no danger alert e-mails.");
        }

        if (safeguarding.Value.AlertRecipients.Count == 0 && (await store.Users.ListEmailsInRoleAsync(Role.SafeguardingLead, cancellationToken)).Count == 0)
        {
            return new MailStatusView("warning", "Nobody receives danger alert e-mails: no safeguarding lead has an e-mail address.",
                "Give the safeguarding lead an e-mail address on the Users page, or list addresses in Safeguarding:AlertRecipients.");
        }

        return null;
    }
}

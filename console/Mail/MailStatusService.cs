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
/// The e-mail outbox for the technician's and administrator's home: messages not sent and why, nobody to send alerts
/// to, or mail off. Nothing when all is well. The caller's role is checked again.
/// </summary>
public sealed class MailStatusService(
    StateStore store, IOptions<MailOptions> mail, IOptions<SafeguardingOptions> safeguarding, AlertsService alerts)
{
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
                "Set Mail:Host, Mail:From and the account in the appliance's settings (README, 'E-mail'), then restart the console.");
        }

        var status = await store.MailOutbox.GetStatusAsync(cancellationToken);
        if (status is { Failing: > 0, OldestWaitingSince: { } since })
        {
            var count = status.Waiting == 1 ? "1 e-mail" : $"{status.Waiting} e-mails";
            return new MailStatusView("error", $"{count} not sent since {alerts.When(since)}: {status.LastError}.",
                "Each is kept and tried again by itself, never dropped. Fix the cause in the Mail settings (or secrets.json), then wait a minute; the console's log has each attempt.");
        }

        if (safeguarding.Value.AlertRecipients.Count == 0 && (await store.Users.ListEmailsInRoleAsync(Role.SafeguardingLead, cancellationToken)).Count == 0)
        {
            return new MailStatusView("warning", "Nobody receives danger alert e-mails: no safeguarding lead has an e-mail address.",
                "Give the safeguarding lead an e-mail address on the Users page, or list addresses in Safeguarding:AlertRecipients.");
        }

        return null;
    }
}

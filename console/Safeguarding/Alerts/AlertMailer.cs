using System.Text;
using ClassroomGuard.Console.Hosting;
using ClassroomGuard.Console.Mail;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Safeguarding.Alerts;

/// <summary>
/// Turns new danger alerts into outbox messages for the safeguarding leads: at most one per device (or, without one,
/// client address) and category per Safeguarding:AlertMailInterval. Decided from the state alone — an alert is mailed
/// when it has an outbox row; an alert within the interval before or after a mailed one of the same device and category
/// is not — so a restart neither sends twice nor forgets one, and two mailers at once queue it once (the check and the
/// write are one transaction; one outbox row per alert at most). Alerts raised more than <see cref="Lookback"/> ago, or already
/// acknowledged, are not mailed. The subject names the severity and category, never the pupil or the device.
/// </summary>
public sealed class AlertMailer(
    StateStore store, AlertSeverities severities, AlertsService alerts, IOptions<SafeguardingOptions> options, IOptions<MailOptions> mail,
    IOptions<ConsoleOptions> console, MailSignal signal, TimeProvider time, ILogger<AlertMailer> logger) : BackgroundService
{
    /// <summary>How far back an alert not yet mailed is still mailed (e.g. after the console was down).</summary>
    public static readonly TimeSpan Lookback = TimeSpan.FromDays(1);

    /// <summary>How often the state is looked at for new danger alerts.</summary>
    public static readonly TimeSpan Tick = TimeSpan.FromSeconds(5);

    private long lastUntold = -1;

    /// <summary>The subject of an alert e-mail: severity and category only.</summary>
    public static string Subject(string category) => $"ClassroomGuard: danger alert — {(category.Length == 0 ? "a high-risk site" : category)}";

    /// <summary>Queues one message per danger alert that needs one now. Returns how many were queued.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var interval = options.Value.AlertMailInterval;
        var candidates = await store.MailOutbox.ListAlertsNotMailedAsync(now - Lookback, severities.DangerKeys, cancellationToken);
        if (candidates.Count == 0)
        {
            return 0;
        }

        // What was mailed from the interval before the oldest candidate on, per device-or-address and category (a quick look; the
        // enqueue decides again in its transaction).
        var mailed = (await store.MailOutbox.ListMailedAlertsAsync(candidates[0].At - interval, cancellationToken))
            .Select(m => (Key: Key(m.DeviceId, m.Evidence, m.AlertId), m.Category, m.At)).ToList();
        var recipients = await RecipientsAsync(cancellationToken);
        var queued = 0;
        foreach (var alert in candidates)
        {
            var key = Key(alert.DeviceId, alert.Evidence, alert.Id);
            if (mailed.Any(m => m.Key == key && m.Category == alert.Category && (alert.At - m.At).Duration() < interval))
            {
                continue; // one e-mail per device and category per interval: the alert's count and the page tell the rest
            }

            if (recipients.Count == 0)
            {
                if (lastUntold != alert.Id)
                {
                    AlertsLog.NoRecipients(logger, alert.Id); // once per alert, not every round
                    lastUntold = alert.Id;
                }

                return queued;
            }

            var row = (await alerts.DescribeAsync([alert], cancellationToken))[0];
            // Decided again and written in one transaction: another mailer (a second console) may have queued it meanwhile.
            var id = await store.MailOutbox.EnqueueAlertAsync(
                alert.Id, new NewMail(MailKind.Alert, recipients, Subject(row.Category), Body(row, console.Value.PublicBase(), interval)), interval, cancellationToken);
            if (id is null)
            {
                continue; // the transaction's own check refused it (mailed already, or a neighbour was)
            }

            mailed.Add((key, alert.Category, alert.At));
            AlertsLog.MailQueued(logger, id.Value, alert.Id, recipients.Count);
            queued++;
        }

        if (queued > 0)
        {
            signal.Notify();
        }

        return queued;
    }

    /// <summary>The plain-text body: what, when, where, who where known, and the link to the alert.</summary>
    public static string Body(AlertRow row, string publicBase, TimeSpan interval)
    {
        ArgumentNullException.ThrowIfNull(row);
        var text = new StringBuilder();
        text.AppendLine("ClassroomGuard raised a danger alert.").AppendLine();
        text.AppendLine($"What:      {row.What}");
        if (row.Category.Length > 0)
        {
            text.AppendLine($"Category:  {row.Category}");
        }

        if (row.Domain.Length > 0)
        {
            text.AppendLine($"Site:      {row.Domain}");
        }

        text.AppendLine($"When:      {row.When} (school time)");
        text.AppendLine($"Room:      {row.Room}");
        text.AppendLine($"Device:    {row.Device}{(row.Address is null ? "" : $" ({row.Address})")}");
        if (!string.IsNullOrWhiteSpace(row.Pupil))
        {
            text.AppendLine($"Pupil:     {row.Pupil}");
        }

        text.AppendLine($"Attempts:  {row.CountText}").AppendLine();
        text.AppendLine($"Open the alert: {publicBase}/alerts?alert={row.Id}").AppendLine();
        text.AppendLine($"You receive this as a safeguarding lead in ClassroomGuard (or a recipient the technician set). At most one e-mail is sent per device and category every {Words(interval)}; later attempts are counted on the alert.");
        return text.ToString();
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await WarnUnknownKeysAsync(stoppingToken);
        if (!mail.Value.Enabled)
        {
            AlertsLog.MailOff(logger);
            return;
        }

        using var timer = new PeriodicTimer(Tick, time);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                AlertsLog.MailerFailed(logger, e);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task WarnUnknownKeysAsync(CancellationToken cancellationToken)
    {
        try
        {
            var known = (await store.Policy.ListCategoriesAsync(cancellationToken)).Select(c => c.Key).Concat(AlertWords.CircumventionKeys).ToHashSet(StringComparer.Ordinal);
            foreach (var (setting, keys) in new[] { ("Danger", options.Value.DangerKeys), ("Caution", options.Value.CautionKeys) })
            {
                foreach (var key in keys.Where(k => !known.Contains(k)))
                {
                    AlertsLog.UnknownCategory(logger, key, setting);
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            AlertsLog.MailerFailed(logger, e);
        }
    }

    private async Task<IReadOnlyList<string>> RecipientsAsync(CancellationToken cancellationToken)
    {
        var leads = await store.Users.ListEmailsInRoleAsync(Role.SafeguardingLead, cancellationToken);
        return leads.Concat(options.Value.AlertRecipients).Where(MailAddresses.IsValid).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }

    private static string Key(long? deviceId, string evidence, long alertId)
        => deviceId is { } d ? "d" + d.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : AlertRepository.ClientOf(evidence) is { } client ? "c" + client
            : "a" + alertId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Words(TimeSpan interval) => interval.TotalMinutes switch
    {
        1 => "minute",
        < 60 and var m when m == Math.Floor(m) => $"{m:0} minutes",
        60 => "hour",
        var m when m % 60 == 0 => $"{m / 60:0} hours",
        _ => interval.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
    };
}

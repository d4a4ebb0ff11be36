namespace ClassroomGuard.Console.Safeguarding.Alerts;

/// <summary>Log messages of the alerts page and the alert e-mails (EventIds 3100–3149). Never a pupil's name, never a secret.</summary>
internal static partial class AlertsLog
{
    [LoggerMessage(3100, LogLevel.Information, "Alerts: {UserName} acknowledged alert {AlertId}")]
    public static partial void Acknowledged(ILogger logger, string userName, long alertId);

    [LoggerMessage(3101, LogLevel.Information, "Alerts: {UserName} turned alert {AlertId} into incident {IncidentId}")]
    public static partial void TurnedIntoIncident(ILogger logger, string userName, long alertId, long incidentId);

    [LoggerMessage(3102, LogLevel.Warning, "Alerts: {UserName} was refused an action on alert {AlertId}: {Reason}")]
    public static partial void Refused(ILogger logger, string userName, long alertId, string reason);

    [LoggerMessage(3110, LogLevel.Information, "Alert mail: queued message {MessageId} for alert {AlertId} to {Recipients} recipient(s)")]
    public static partial void MailQueued(ILogger logger, long messageId, long alertId, int recipients);

    [LoggerMessage(3111, LogLevel.Warning, "Alert mail: a danger alert ({AlertId}) has nobody to tell: give the safeguarding lead an e-mail address (Users page) or set Safeguarding:AlertRecipients")]
    public static partial void NoRecipients(ILogger logger, long alertId);

    [LoggerMessage(3112, LogLevel.Error, "Alert mail: deciding which alerts to e-mail failed; the next round tries again")]
    public static partial void MailerFailed(ILogger logger, Exception exception);

    [LoggerMessage(3113, LogLevel.Information, "Alert mail: e-mail is off (Mail:Host is empty); alerts are shown on the alerts page only")]
    public static partial void MailOff(ILogger logger);

    [LoggerMessage(3114, LogLevel.Warning, "Safeguarding: the category key '{Key}' in Safeguarding:{Setting} is not a category the state knows nor a circumvention kind; check the spelling")]
    public static partial void UnknownCategory(ILogger logger, string key, string setting);

    [LoggerMessage(3120, LogLevel.Information, "Mail: message {MessageId} accepted by {Host} after {Attempts} earlier failed attempt(s)")]
    public static partial void Sent(ILogger logger, long messageId, string host, int attempts);

    [LoggerMessage(3121, LogLevel.Warning, "Mail: message {MessageId} not sent ({Reason}); kept and tried again at {NextAttempt:O}")]
    public static partial void SendFailed(ILogger logger, long messageId, string reason, DateTimeOffset? nextAttempt);

    [LoggerMessage(3122, LogLevel.Error, "Mail: reading the outbox failed; the next round tries again")]
    public static partial void OutboxFailed(ILogger logger, Exception exception);

    [LoggerMessage(3123, LogLevel.Information, "Mail: pruned {Count} sent message(s) older than {Days} days")]
    public static partial void Pruned(ILogger logger, int count, int days);

    [LoggerMessage(3124, LogLevel.Warning, "Mail: message {MessageId} sent, but not to everyone: {Refused}; correct or remove the address")]
    public static partial void RecipientsRefused(ILogger logger, long messageId, string refused);

    [LoggerMessage(3103, LogLevel.Warning, "Alerts: reading the danger count for the menu failed; the next round tries again")]
    public static partial void CountFailed(ILogger logger, Exception exception);
}

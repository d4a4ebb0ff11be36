using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Reports.Delivery;

/// <summary>Log messages of keeping, scheduling, sending and downloading reports (EventIds 3440–3499). Never a secret.</summary>
internal static partial class ReportDeliveryLog
{
    [LoggerMessage(3440, LogLevel.Information, "Reports: kept {Kind} report '{Title}' as {FileName} ({Bytes} bytes, {Trigger})")]
    public static partial void Kept(ILogger logger, ReportKind kind, string title, string fileName, long bytes, ReportTrigger trigger);

    [LoggerMessage(3441, LogLevel.Information, "Reports: the schedule's {Kind} report for {Period} exists already; nothing to do")]
    public static partial void AlreadyKept(ILogger logger, ReportKind kind, string period);

    [LoggerMessage(3442, LogLevel.Error, "Reports: generating the {Kind} report for {Period} failed (attempt {Attempt}); tried again at {RetryAt:o}")]
    public static partial void GenerationFailed(ILogger logger, ReportKind kind, string period, int attempt, DateTimeOffset retryAt, Exception exception);

    [LoggerMessage(3443, LogLevel.Information, "Reports: catching up the {Kind} report missed at {Occurrence:o} while the console was down")]
    public static partial void CatchingUp(ILogger logger, ReportKind kind, DateTimeOffset occurrence);

    [LoggerMessage(3444, LogLevel.Information, "Reports: queued e-mail {MessageId} with the {Kind} report '{Title}' to {Recipients} recipient(s)")]
    public static partial void MailQueued(ILogger logger, long messageId, ReportKind kind, string title, int recipients);

    [LoggerMessage(3445, LogLevel.Warning, "Reports: nobody receives the {Kind} report: no user of its roles has an e-mail address and Reports:{Kind}:Recipients is empty; it is kept on the Reports page")]
    public static partial void NoRecipients(ILogger logger, ReportKind kind);

    [LoggerMessage(3446, LogLevel.Information, "Reports: e-mail is off (Mail:Host is empty); the {Kind} report is kept on the Reports page, not e-mailed")]
    public static partial void MailOff(ILogger logger, ReportKind kind);

    [LoggerMessage(3447, LogLevel.Information, "Reports: retention deleted the {Kind} report {FileName} generated {GeneratedAt:o} (kept {Days} days)")]
    public static partial void Expired(ILogger logger, ReportKind kind, string fileName, DateTimeOffset generatedAt, int days);

    [LoggerMessage(3448, LogLevel.Warning, "Reports: the file {FileName} of a kept report could not be deleted: {Reason}")]
    public static partial void DeleteFailed(ILogger logger, string fileName, string reason);

    [LoggerMessage(3449, LogLevel.Information, "Reports: {UserName} downloaded the {Kind} report '{Title}'")]
    public static partial void Downloaded(ILogger logger, string userName, ReportKind kind, string title);

    [LoggerMessage(3450, LogLevel.Warning, "Reports: {UserName} asked for a report they may not read (or that does not exist); answered 404")]
    public static partial void NotFound(ILogger logger, string userName);

    [LoggerMessage(3451, LogLevel.Error, "Reports: {UserName}'s {Kind} report could not be generated")]
    public static partial void ManualFailed(ILogger logger, string userName, ReportKind kind, Exception exception);

    [LoggerMessage(3452, LogLevel.Warning, "Reports: no term in the school calendar has ended before {Day}; the governors' report by term (Reports:GovernorsPeriod=Term) waits for term dates")]
    public static partial void NoTerm(ILogger logger, DateOnly day);

    [LoggerMessage(3453, LogLevel.Error, "Reports: the schedule's round failed; it tries again shortly")]
    public static partial void RoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(3454, LogLevel.Information, "Reports: the kept reports are in {Directory}; weekly {WeeklySchedule}, governors' {GovernorsSchedule}")]
    public static partial void Started(ILogger logger, string directory, string weeklySchedule, string governorsSchedule);

    [LoggerMessage(3455, LogLevel.Warning, "Reports: the kept report {FileName} is missing from the reports folder")]
    public static partial void FileMissing(ILogger logger, string fileName);

    [LoggerMessage(3456, LogLevel.Warning, "Mail: message {Id} given up: its attachment {FileName} is gone")]
    public static partial void AttachmentGone(ILogger logger, long id, string fileName);

    [LoggerMessage(3457, LogLevel.Information, "Reports: {FileName} kept past its retention: its e-mail is not sent yet")]
    public static partial void KeptForMail(ILogger logger, string fileName);

    [LoggerMessage(3458, LogLevel.Warning, "Reports: deleted {FileName} from the reports folder: no kept report names it (left by a failed or interrupted generation)")]
    public static partial void OrphanDeleted(ILogger logger, string fileName);
}

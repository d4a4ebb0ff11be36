using ClassroomGuard.Storage.State.Internal;
using Microsoft.Data.Sqlite;

namespace ClassroomGuard.Storage.State;

/// <summary>What made a kept report.</summary>
public enum ReportTrigger
{
    /// <summary>The report's schedule (Reports:&lt;Kind&gt;:Schedule).</summary>
    Schedule,

    /// <summary>A person in the console (the Reports page or a download of a period).</summary>
    Manual,

    /// <summary>The <c>report</c> command.</summary>
    Command,
}

/// <summary>Where a kept report's e-mail is.</summary>
public enum ReportMailState
{
    /// <summary>Not e-mailed (generated on demand, or nobody to send it to).</summary>
    NotMailed,

    /// <summary>In the outbox, not yet tried.</summary>
    Waiting,

    /// <summary>In the outbox; the SMTP server has not taken it yet (retried).</summary>
    Failing,

    /// <summary>The SMTP server took it.</summary>
    Sent,
}

/// <summary>A report to keep: the PDF is already in the reports folder under <paramref name="FileName"/>.</summary>
/// <param name="Kind">Weekly or governors'.</param>
/// <param name="SiteId">The site of a weekly report; null for the whole appliance and for every governors' report.</param>
/// <param name="First">The first day covered (the school's date).</param>
/// <param name="Last">The last day covered.</param>
/// <param name="Title">As a person reads it ("Weekly traffic report, Mon 30 Nov – Sun 6 Dec 2026").</param>
/// <param name="FileName">The file's name in the reports folder (letters, digits, dots and dashes only).</param>
/// <param name="Bytes">The file's size.</param>
/// <param name="Sha256">The file's SHA-256, lower-case hex.</param>
/// <param name="Trigger">What made it.</param>
/// <param name="GeneratedBy">The user who asked for it (null for the schedule and the command).</param>
public sealed record NewReport(
    ReportKind Kind, long? SiteId, DateOnly First, DateOnly Last, string Title, string FileName, long Bytes, string Sha256, ReportTrigger Trigger, long? GeneratedBy);

/// <summary>A kept report.</summary>
/// <param name="Id">Database id (in the download address; never shown).</param>
/// <param name="Kind">Weekly or governors'.</param>
/// <param name="SiteId">The site of a weekly report (null: the whole appliance).</param>
/// <param name="SiteName">That site's name, if any.</param>
/// <param name="First">The first day covered.</param>
/// <param name="Last">The last day covered.</param>
/// <param name="Title">As a person reads it.</param>
/// <param name="FileName">The file's name in the reports folder.</param>
/// <param name="Bytes">The file's size.</param>
/// <param name="Sha256">The file's SHA-256, lower-case hex.</param>
/// <param name="GeneratedAt">When it was generated.</param>
/// <param name="GeneratedBy">Who asked for it (null: the schedule or the command).</param>
/// <param name="GeneratedByName">Their display name.</param>
/// <param name="Trigger">What made it.</param>
/// <param name="MailRecipients">How many addresses it was e-mailed to (0: not e-mailed).</param>
/// <param name="MailState">Where its e-mail is.</param>
/// <param name="MailQueuedAt">When the e-mail was queued.</param>
/// <param name="MailSentAt">When the SMTP server took it (null once the outbox has pruned it, or before).</param>
/// <param name="MailError">Why the last attempt failed, or which recipients were refused.</param>
public sealed record KeptReport(
    long Id, ReportKind Kind, long? SiteId, string? SiteName, DateOnly First, DateOnly Last, string Title, string FileName, long Bytes, string Sha256,
    DateTimeOffset GeneratedAt, long? GeneratedBy, string? GeneratedByName, ReportTrigger Trigger, int MailRecipients, ReportMailState MailState,
    DateTimeOffset? MailQueuedAt, DateTimeOffset? MailSentAt, string? MailError);

/// <summary>One page of kept reports and how many match in all.</summary>
/// <param name="Reports">This page, newest first.</param>
/// <param name="Total">How many match.</param>
public sealed record KeptReportPage(IReadOnlyList<KeptReport> Reports, int Total);

/// <summary>
/// The kept reports (table <c>reports</c>): one row per PDF file in the reports folder, with what made it and the
/// e-mail that sent it. A scheduled report is kept at most once per kind, site and period. Rows are deleted with their
/// files by the retention sweep (<see cref="DeleteAsync"/>). Writes leave the state revision alone: nothing the DNS
/// filter acts on changes.
/// </summary>
public sealed class ReportRepository
{
    private const string Select = """
        SELECT r.id, r.kind, r.site_id, s.name, r.period_first, r.period_last, r.title, r.file_name, r.bytes, r.sha256, r.generated_at,
               r.generated_by, u.display_name, r.trigger_kind, r.mail_recipients, r.mail_id, m.sent_at, m.attempts, m.last_error, r.mail_queued_at
        FROM reports r
        LEFT JOIN sites s ON s.id = r.site_id
        LEFT JOIN users u ON u.id = r.generated_by
        LEFT JOIN mail_outbox m ON m.id = r.mail_id
        """;

    private readonly StateDb db;

    internal ReportRepository(StateDb db) => this.db = db;

    /// <summary>
    /// Keeps a report generated now. Returns it, or null when it is a scheduled report and the same kind, site and period
    /// was kept by the schedule already (the caller then deletes its file).
    /// </summary>
    public Task<KeptReport?> AddAsync(NewReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentException.ThrowIfNullOrWhiteSpace(report.Title);
        ArgumentException.ThrowIfNullOrWhiteSpace(report.FileName);
        if (!IsFileName(report.FileName))
        {
            throw new ArgumentException($"A kept report's file name is lower-case letters, digits, dots and dashes only, 5 to 120 characters; '{report.FileName}' is not.", nameof(report));
        }
        if (report.Last < report.First)
        {
            throw new ArgumentException("A report's period must not end before it starts.", nameof(report));
        }

        return db.WriteAsync(tx =>
        {
            if (report.Trigger == ReportTrigger.Schedule && FindScheduled(tx, report.Kind, report.SiteId, report.First, report.Last) is not null)
            {
                return null;
            }

            var id = tx.Long(
                "INSERT INTO reports (kind, site_id, period_first, period_last, title, file_name, bytes, sha256, generated_at, generated_by, trigger_kind) "
                + "VALUES ($k, $s, $f, $l, $t, $n, $b, $h, $now, $u, $tr) RETURNING id",
                ("$k", EnumText.Lower(report.Kind)), ("$s", report.SiteId), ("$f", Sql.Day(report.First)), ("$l", Sql.Day(report.Last)), ("$t", report.Title),
                ("$n", report.FileName), ("$b", report.Bytes), ("$h", report.Sha256), ("$now", tx.Now), ("$u", report.GeneratedBy),
                ("$tr", EnumText.Lower(report.Trigger)))!.Value;
            return Get(tx, id);
        }, cancellationToken);
    }

    /// <summary>True for a name a kept report's file may have: lower-case letters, digits, dots and dashes, 5 to 120 characters, not starting with a dot.</summary>
    public static bool IsFileName(string? name)
        => name is { Length: >= 5 and <= 120 } && name[0] != '.' && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '-');

    /// <summary>The report, or null.</summary>
    public Task<KeptReport?> GetAsync(long id, CancellationToken cancellationToken) => db.ReadAsync(tx => Get(tx, id), cancellationToken);

    /// <summary>The scheduled report of <paramref name="kind"/>, site and period, or null when the schedule has not kept one.</summary>
    public Task<KeptReport?> FindScheduledAsync(ReportKind kind, long? siteId, DateOnly first, DateOnly last, CancellationToken cancellationToken)
        => db.ReadAsync(tx => FindScheduled(tx, kind, siteId, first, last), cancellationToken);

    /// <summary>
    /// The newest report of <paramref name="kind"/>, site and period generated on request (not by the schedule) at or after
    /// <paramref name="since"/>, or null: a request for the same report moments later gets that one again.
    /// </summary>
    public Task<KeptReport?> FindRecentAsync(ReportKind kind, long? siteId, DateOnly first, DateOnly last, DateTimeOffset since, CancellationToken cancellationToken)
        => db.ReadAsync(
            tx => tx.Single(
                $"{Select} WHERE r.kind = $k AND ifnull(r.site_id, 0) = ifnull($s, 0) AND r.period_first = $f AND r.period_last = $l AND r.trigger_kind = 'manual' AND r.generated_at >= $since "
                + "ORDER BY r.generated_at DESC, r.id DESC LIMIT 1",
                Read, ("$k", EnumText.Lower(kind)), ("$s", siteId), ("$f", Sql.Day(first)), ("$l", Sql.Day(last)), ("$since", Sql.Ms(since))),
            cancellationToken);

    /// <summary>When the schedule last kept a report of <paramref name="kind"/>, or null when it never has.</summary>
    public Task<DateTimeOffset?> LastScheduledAtAsync(ReportKind kind, CancellationToken cancellationToken)
        => db.ReadAsync(
            tx => tx.Long("SELECT max(generated_at) FROM reports WHERE kind = $k AND trigger_kind = 'schedule'", ("$k", EnumText.Lower(kind))) is { } ms ? Sql.Time(ms) : (DateTimeOffset?)null,
            cancellationToken);

    /// <summary>Records the e-mail that sends the report: its outbox message and how many addresses it goes to.</summary>
    public Task<bool> SetMailAsync(long id, long mailId, int recipients, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(recipients);
        return db.WriteAsync(
            tx => tx.Execute("UPDATE reports SET mail_id = $m, mail_recipients = $r, mail_queued_at = $now WHERE id = $id", ("$m", mailId), ("$r", recipients), ("$now", tx.Now), ("$id", id)) == 1,
            cancellationToken);
    }

    /// <summary>One page of the reports of <paramref name="kinds"/>, newest first, and how many there are.</summary>
    public Task<KeptReportPage> ListAsync(IReadOnlyCollection<ReportKind> kinds, int offset, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        if (kinds.Count == 0)
        {
            return Task.FromResult(new KeptReportPage([], 0));
        }

        var weekly = kinds.Contains(ReportKind.Weekly) ? 1 : 0;
        var governors = kinds.Contains(ReportKind.Governors) ? 1 : 0;
        const string Where = "WHERE ((r.kind = 'weekly' AND $w = 1) OR (r.kind = 'governors' AND $g = 1))";
        return db.ReadAsync(tx =>
        {
            var total = tx.Long($"SELECT count(*) FROM reports r {Where}", ("$w", weekly), ("$g", governors)) ?? 0;
            var page = tx.Query($"{Select} {Where} ORDER BY r.generated_at DESC, r.id DESC LIMIT $l OFFSET $o", Read,
                ("$w", weekly), ("$g", governors), ("$l", limit), ("$o", offset));
            return new KeptReportPage(page, (int)total);
        }, cancellationToken);
    }

    /// <summary>The reports of <paramref name="kind"/> generated before <paramref name="before"/>, oldest first (the retention sweep).</summary>
    public Task<IReadOnlyList<KeptReport>> ListGeneratedBeforeAsync(ReportKind kind, DateTimeOffset before, CancellationToken cancellationToken)
        => db.ReadAsync<IReadOnlyList<KeptReport>>(
            tx => tx.Query($"{Select} WHERE r.kind = $k AND r.generated_at < $b ORDER BY r.generated_at, r.id", Read, ("$k", EnumText.Lower(kind)), ("$b", Sql.Ms(before))),
            cancellationToken);

    /// <summary>Every kept file name (to find files in the folder that no row names).</summary>
    public Task<IReadOnlyList<string>> ListFileNamesAsync(CancellationToken cancellationToken)
        => db.ReadAsync<IReadOnlyList<string>>(tx => tx.Query("SELECT file_name FROM reports", r => r.GetString(0)), cancellationToken);

    /// <summary>Forgets a report (its file is deleted by the caller). False when it was gone.</summary>
    public Task<bool> DeleteAsync(long id, CancellationToken cancellationToken)
        => db.WriteAsync(tx => tx.Execute("DELETE FROM reports WHERE id = $id", ("$id", id)) == 1, cancellationToken);

    private static KeptReport? FindScheduled(Tx tx, ReportKind kind, long? siteId, DateOnly first, DateOnly last)
        => tx.Single(
            $"{Select} WHERE r.kind = $k AND ifnull(r.site_id, 0) = ifnull($s, 0) AND r.period_first = $f AND r.period_last = $l AND r.trigger_kind = 'schedule'",
            Read, ("$k", EnumText.Lower(kind)), ("$s", siteId), ("$f", Sql.Day(first)), ("$l", Sql.Day(last)));

    private static KeptReport? Get(Tx tx, long id) => tx.Single($"{Select} WHERE r.id = $id", Read, ("$id", id));

    private static KeptReport Read(SqliteDataReader r)
    {
        var recipients = r.GetInt32(14);
        var mailId = Sql.LongOrNull(r, 15);
        var sentAt = Sql.TimeOrNull(r, 16);
        var attempts = r.IsDBNull(17) ? 0 : r.GetInt32(17);
        var state = recipients == 0 ? ReportMailState.NotMailed
            : mailId is null || sentAt is not null ? ReportMailState.Sent // the outbox prunes only what it sent
            : attempts > 0 ? ReportMailState.Failing
            : ReportMailState.Waiting;
        return new KeptReport(
            r.GetInt64(0), EnumText.Parse<ReportKind>(r.GetString(1)), Sql.LongOrNull(r, 2), Sql.StringOrNull(r, 3), Sql.Day(r.GetString(4)), Sql.Day(r.GetString(5)),
            r.GetString(6), r.GetString(7), r.GetInt64(8), r.GetString(9), Sql.Time(r, 10), Sql.LongOrNull(r, 11), Sql.StringOrNull(r, 12),
            EnumText.Parse<ReportTrigger>(r.GetString(13)), recipients, state, Sql.TimeOrNull(r, 19), sentAt, mailId is null ? null : Sql.StringOrNull(r, 18));
    }
}

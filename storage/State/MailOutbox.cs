using System.Text.Json;
using ClassroomGuard.Storage.State.Internal;
using Microsoft.Data.Sqlite;

namespace ClassroomGuard.Storage.State;

/// <summary>What an outbox message is for.</summary>
public enum MailKind
{
    /// <summary>A safeguarding alert for the safeguarding leads.</summary>
    Alert,

    /// <summary>A generated report (issue #14), with its file attached.</summary>
    Report,

    /// <summary>A test message a technician sent.</summary>
    Test,
}

/// <summary>A message to put in the outbox.</summary>
/// <param name="Kind">What it is for.</param>
/// <param name="Recipients">Addresses (at least one).</param>
/// <param name="Subject">Subject line.</param>
/// <param name="BodyText">Plain-text body.</param>
/// <param name="BodyHtml">HTML body, if any.</param>
/// <param name="AttachmentPath">A file to attach when sending (a generated report), if any.</param>
/// <param name="AlertId">The alert it tells of, if any.</param>
public sealed record NewMail(MailKind Kind, IReadOnlyList<string> Recipients, string Subject, string BodyText, string? BodyHtml = null, string? AttachmentPath = null, long? AlertId = null);

/// <summary>A message in the outbox.</summary>
/// <param name="Id">Database id.</param>
/// <param name="Kind">What it is for.</param>
/// <param name="Recipients">Addresses.</param>
/// <param name="Subject">Subject line.</param>
/// <param name="BodyText">Plain-text body.</param>
/// <param name="BodyHtml">HTML body, if any.</param>
/// <param name="AttachmentPath">File to attach, if any.</param>
/// <param name="AlertId">The alert it tells of, if any (null once the alert is pruned).</param>
/// <param name="CreatedAt">Queued.</param>
/// <param name="Attempts">Failed attempts so far.</param>
/// <param name="NextAttemptAt">When it is next tried.</param>
/// <param name="LastError">Why the last attempt failed.</param>
/// <param name="SentAt">When the SMTP server accepted it.</param>
public sealed record OutboxMessage(
    long Id, MailKind Kind, IReadOnlyList<string> Recipients, string Subject, string BodyText, string? BodyHtml, string? AttachmentPath, long? AlertId,
    DateTimeOffset CreatedAt, int Attempts, DateTimeOffset NextAttemptAt, string? LastError, DateTimeOffset? SentAt);

/// <summary>The outbox at a glance (the technician's home page).</summary>
/// <param name="Waiting">Messages not yet accepted by the SMTP server.</param>
/// <param name="Failing">Of those, how many have failed at least once.</param>
/// <param name="OldestWaitingSince">When the oldest waiting message was queued.</param>
/// <param name="LastError">The most recent failure's reason, if any message is failing.</param>
public sealed record OutboxStatus(int Waiting, int Failing, DateTimeOffset? OldestWaitingSince, string? LastError);

/// <summary>An alert that has an outbox message (what the alert mailer's rate limit looks back on).</summary>
/// <param name="AlertId">The alert.</param>
/// <param name="DeviceId">Its device.</param>
/// <param name="Evidence">Its evidence (the client address when there is no device).</param>
/// <param name="Category">Its category.</param>
/// <param name="At">When the alert was raised.</param>
public sealed record MailedAlert(long AlertId, long? DeviceId, string Evidence, string? Category, DateTimeOffset At);

/// <summary>
/// The e-mail outbox (table <c>mail_outbox</c>): a message stays here until the school's SMTP server accepts it, so a
/// failed send is retried (with a growing delay) and shown, never lost. Sent messages are pruned by
/// <see cref="PruneSentAsync"/>; unsent ones never.
/// </summary>
public sealed class MailOutboxRepository
{
    /// <summary>Longest error text kept per message.</summary>
    public const int MaxErrorLength = 500;

    private const string Columns = "id, kind, recipients, subject, body_text, body_html, attachment_path, alert_id, created_at, attempts, next_attempt_at, last_error, sent_at";
    private readonly StateDb db;

    internal MailOutboxRepository(StateDb db) => this.db = db;

    /// <summary>The delay before attempt <paramref name="attempts"/> + 1: <paramref name="first"/> doubled per earlier failure, at most <paramref name="longest"/>.</summary>
    public static TimeSpan Backoff(int attempts, TimeSpan first, TimeSpan longest)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(attempts);
        var factor = Math.Pow(2, Math.Min(attempts - 1, 30));
        var ticks = first.Ticks * factor;
        return ticks >= longest.Ticks ? longest : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>Queues a message, due now. Returns its id.</summary>
    public Task<long> EnqueueAsync(NewMail mail, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mail);
        Check(mail);
        return db.WriteAsync(
            tx => tx.Long(
                "INSERT INTO mail_outbox (kind, recipients, subject, body_text, body_html, attachment_path, alert_id, created_at, next_attempt_at) "
                + "VALUES ($k, $r, $s, $t, $h, $a, $al, $now, $now) RETURNING id",
                ("$k", EnumText.Lower(mail.Kind)), ("$r", JsonSerializer.Serialize(mail.Recipients)), ("$s", mail.Subject), ("$t", mail.BodyText), ("$h", mail.BodyHtml),
                ("$a", mail.AttachmentPath), ("$al", mail.AlertId), ("$now", tx.Now))!.Value,
            cancellationToken);
    }

    /// <summary>
    /// Queues the e-mail of alert <paramref name="alertId"/> (its <see cref="NewMail.AlertId"/> is set to it), due now,
    /// unless the alert already has one, is gone, or an alert of the same device (without one, the same client address)
    /// and category raised less than <paramref name="interval"/> before or after it has one. Decided and written in
    /// one transaction, and the outbox holds at most one message per alert (a unique index), so two mailers never send
    /// the same alert, nor two for one device and category within the interval. Returns the message's id, or null when
    /// refused.
    /// </summary>
    public Task<long?> EnqueueAlertAsync(long alertId, NewMail mail, TimeSpan interval, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mail);
        ArgumentOutOfRangeException.ThrowIfLessThan(interval, TimeSpan.Zero);
        Check(mail);
        return db.WriteAsync(tx =>
        {
            var found = tx.Query("SELECT device_id, evidence, category, at FROM alerts WHERE id = $id",
                r => (Device: Sql.LongOrNull(r, 0), Evidence: r.GetString(1), Category: Sql.StringOrNull(r, 2), At: r.GetInt64(3)), ("$id", alertId));
            if (found.Count == 0 || tx.Long("SELECT 1 FROM mail_outbox WHERE alert_id = $id", ("$id", alertId)) is not null)
            {
                return (long?)null;
            }

            var alert = found[0];

            var client = alert.Device is null ? AlertRepository.ClientOf(alert.Evidence) : null;
            if (alert.Device is not null || client is not null)
            {
                // The mailed alerts of the same category within the interval either side (|at - alert's at| < interval).
                var near = tx.Query(
                    "SELECT a.device_id, a.evidence FROM alerts a WHERE a.id <> $id AND a.category IS $c AND a.at > $from AND a.at < $to "
                    + (alert.Device is null ? "AND a.device_id IS NULL " : "AND a.device_id = $d ")
                    + "AND EXISTS (SELECT 1 FROM mail_outbox m WHERE m.alert_id = a.id)",
                    r => (Device: Sql.LongOrNull(r, 0), Evidence: r.GetString(1)),
                    ("$id", alertId), ("$c", alert.Category), ("$from", alert.At - (long)interval.TotalMilliseconds), ("$to", alert.At + (long)interval.TotalMilliseconds),
                    ("$d", alert.Device));
                if (near.Any(n => alert.Device is not null || string.Equals(AlertRepository.ClientOf(n.Evidence), client, StringComparison.Ordinal)))
                {
                    return null;
                }
            }

            return tx.Long(
                "INSERT INTO mail_outbox (kind, recipients, subject, body_text, body_html, attachment_path, alert_id, created_at, next_attempt_at) "
                + "VALUES ($k, $r, $s, $t, $h, $a, $al, $now, $now) RETURNING id",
                ("$k", EnumText.Lower(mail.Kind)), ("$r", JsonSerializer.Serialize(mail.Recipients)), ("$s", mail.Subject), ("$t", mail.BodyText), ("$h", mail.BodyHtml),
                ("$a", mail.AttachmentPath), ("$al", alertId), ("$now", tx.Now));
        }, cancellationToken);
    }

    /// <summary>The message, or null.</summary>
    public Task<OutboxMessage?> GetAsync(long id, CancellationToken cancellationToken)
        => db.ReadAsync(tx => tx.Single($"SELECT {Columns} FROM mail_outbox WHERE id = $id", Read, ("$id", id)), cancellationToken);

    /// <summary>Unsent messages due at <paramref name="now"/>, longest waiting first, at most <paramref name="limit"/>.</summary>
    public Task<IReadOnlyList<OutboxMessage>> ListDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return db.ReadAsync<IReadOnlyList<OutboxMessage>>(
            tx => tx.Query(
                $"SELECT {Columns} FROM mail_outbox WHERE sent_at IS NULL AND next_attempt_at <= $now ORDER BY next_attempt_at, id LIMIT $n",
                Read, ("$now", Sql.Ms(now)), ("$n", limit)),
            cancellationToken);
    }

    /// <summary>When the next unsent message is due, or null when none waits.</summary>
    public Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken)
        => db.ReadAsync(
            tx => tx.Long("SELECT min(next_attempt_at) FROM mail_outbox WHERE sent_at IS NULL") is { } ms ? Sql.Time(ms) : (DateTimeOffset?)null,
            cancellationToken);

    /// <summary>Records that the SMTP server accepted the message. Returns false when it was sent already or is gone.</summary>
    public Task<bool> MarkSentAsync(long id, CancellationToken cancellationToken) => MarkSentAsync(id, null, cancellationToken);

    /// <summary>
    /// Records that the SMTP server accepted the message, for some recipients at least: <paramref name="refused"/> says
    /// which it refused for good and why (at most <see cref="MaxErrorLength"/> characters, no secret; shown to the
    /// technician by <see cref="ListRefusedAsync"/>), or null when it took them all. An earlier failure's reason is
    /// cleared. Returns false when it was sent already or is gone.
    /// </summary>
    public Task<bool> MarkSentAsync(long id, string? refused, CancellationToken cancellationToken)
    {
        var note = string.IsNullOrWhiteSpace(refused) ? null : refused.Length > MaxErrorLength ? refused[..MaxErrorLength] : refused;
        return db.WriteAsync(
            tx => tx.Execute("UPDATE mail_outbox SET sent_at = $now, last_error = $e WHERE id = $id AND sent_at IS NULL", ("$now", tx.Now), ("$e", note), ("$id", id)) == 1,
            cancellationToken);
    }

    /// <summary>
    /// The recipients the SMTP server refused for good on messages sent at or after <paramref name="since"/>, newest
    /// first: the sent message and the reason (see <see cref="MarkSentAsync(long, string?, CancellationToken)"/>).
    /// </summary>
    public Task<IReadOnlyList<OutboxMessage>> ListRefusedAsync(DateTimeOffset since, CancellationToken cancellationToken)
        => db.ReadAsync<IReadOnlyList<OutboxMessage>>(
            tx => tx.Query(
                $"SELECT {Columns} FROM mail_outbox WHERE sent_at >= $s AND last_error IS NOT NULL ORDER BY sent_at DESC, id DESC LIMIT 20",
                Read, ("$s", Sql.Ms(since))),
            cancellationToken);

    /// <summary>
    /// Records a failed attempt: one more attempt, the reason (at most <see cref="MaxErrorLength"/> characters; it must
    /// hold no secret) and the next attempt after <see cref="Backoff"/>. The message is kept. Returns the next attempt's time.
    /// </summary>
    public Task<DateTimeOffset?> MarkFailedAsync(long id, string error, TimeSpan firstDelay, TimeSpan longestDelay, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(error);
        var reason = error.Length > MaxErrorLength ? error[..MaxErrorLength] : error;
        return db.WriteAsync(tx =>
        {
            var attempts = tx.Long("SELECT attempts FROM mail_outbox WHERE id = $id AND sent_at IS NULL", ("$id", id));
            if (attempts is null)
            {
                return (DateTimeOffset?)null;
            }

            var next = tx.Now + (long)Backoff((int)attempts.Value + 1, firstDelay, longestDelay).TotalMilliseconds;
            tx.Execute(
                "UPDATE mail_outbox SET attempts = attempts + 1, last_error = $e, next_attempt_at = $next WHERE id = $id",
                ("$e", reason), ("$next", next), ("$id", id));
            return Sql.Time(next);
        }, cancellationToken);
    }

    /// <summary>The outbox at a glance: messages waiting, failing, since when, and the latest reason.</summary>
    public Task<OutboxStatus> GetStatusAsync(CancellationToken cancellationToken)
        => db.ReadAsync(tx =>
        {
            var counts = tx.Query(
                "SELECT count(*), count(CASE WHEN attempts > 0 THEN 1 END), min(created_at) FROM mail_outbox WHERE sent_at IS NULL",
                r => (Waiting: r.GetInt32(0), Failing: r.GetInt32(1), Oldest: Sql.TimeOrNull(r, 2)))[0];
            // The latest failure: the one retried last is the one that failed most recently (its next attempt is furthest on).
            var last = tx.Scalar(
                "SELECT last_error FROM mail_outbox WHERE sent_at IS NULL AND attempts > 0 ORDER BY next_attempt_at DESC, id DESC LIMIT 1") as string;
            return new OutboxStatus(counts.Waiting, counts.Failing, counts.Oldest, last);
        }, cancellationToken);

    /// <summary>The alerts raised at or after <paramref name="since"/> that have an outbox message, oldest first.</summary>
    public Task<IReadOnlyList<MailedAlert>> ListMailedAlertsAsync(DateTimeOffset since, CancellationToken cancellationToken)
        => db.ReadAsync<IReadOnlyList<MailedAlert>>(
            tx => tx.Query(
                "SELECT a.id, a.device_id, a.evidence, a.category, a.at FROM alerts a WHERE a.at >= $s "
                + "AND EXISTS (SELECT 1 FROM mail_outbox m WHERE m.alert_id = a.id) ORDER BY a.at, a.id",
                r => new MailedAlert(r.GetInt64(0), Sql.LongOrNull(r, 1), r.GetString(2), Sql.StringOrNull(r, 3), Sql.Time(r, 4)),
                ("$s", Sql.Ms(since))),
            cancellationToken);

    /// <summary>
    /// Unacknowledged alerts raised at or after <paramref name="since"/>, in one of <paramref name="categories"/>, not
    /// of kind appliance, that have no outbox message yet, oldest first (what the alert mailer decides on).
    /// </summary>
    public Task<IReadOnlyList<Alert>> ListAlertsNotMailedAsync(DateTimeOffset since, IReadOnlyCollection<string> categories, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(categories);
        if (categories.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<Alert>>([]);
        }

        var query = new AlertQuery(Include: new AlertMatch(categories, []), Exclude: new AlertMatch([], [AlertKind.Appliance]), Acknowledged: false, From: since);
        return db.ReadAsync<IReadOnlyList<Alert>>(tx =>
        {
            var (where, args) = AlertRepository.Where(query);
            return tx.Query(
                "SELECT a.id, a.device_id, a.at, a.kind, a.category, a.domain, a.evidence, a.acknowledged_by, a.acknowledged_at, a.count, a.last_at, a.room_id, "
                + $"a.acknowledged_note, a.incident_id FROM alerts a WHERE {where} AND NOT EXISTS (SELECT 1 FROM mail_outbox m WHERE m.alert_id = a.id) ORDER BY a.at, a.id",
                AlertRepository.Read, args);
        }, cancellationToken);
    }

    /// <summary>Deletes messages sent before <paramref name="before"/>. Unsent messages are never deleted. Returns how many went.</summary>
    public Task<int> PruneSentAsync(DateTimeOffset before, CancellationToken cancellationToken)
        => db.WriteAsync(tx => tx.Execute("DELETE FROM mail_outbox WHERE sent_at IS NOT NULL AND sent_at < $b", ("$b", Sql.Ms(before))), cancellationToken);

    private static void Check(NewMail mail)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(mail.Subject);
        ArgumentNullException.ThrowIfNull(mail.BodyText);
        if (mail.Recipients is not { Count: > 0 } || mail.Recipients.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("A message needs at least one recipient, none empty.", nameof(mail));
        }
    }

    private static OutboxMessage Read(SqliteDataReader r) => new(
        r.GetInt64(0), EnumText.Parse<MailKind>(r.GetString(1)), JsonSerializer.Deserialize<string[]>(r.GetString(2)) ?? [], r.GetString(3), r.GetString(4),
        Sql.StringOrNull(r, 5), Sql.StringOrNull(r, 6), Sql.LongOrNull(r, 7), Sql.Time(r, 8), r.GetInt32(9), Sql.Time(r, 10), Sql.StringOrNull(r, 11),
        Sql.TimeOrNull(r, 12));
}

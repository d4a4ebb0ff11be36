using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ClassroomGuard.Console.Safeguarding.Alerts;
using ClassroomGuard.Storage.State;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace ClassroomGuard.Console.Mail;

/// <summary>
/// Sends the outbox's due messages to the school's SMTP server through MailKit, one connection per round. A message
/// the server does not accept stays in the outbox and is tried again after a growing delay (Mail:RetryDelay doubling
/// up to Mail:RetryMaxDelay), forever: never dropped. The reason is kept for the technician's home page, in words and
/// without secrets. Any kind of message (alerts now, reports with <c>attachment_path</c> later) goes the same way.
/// </summary>
public sealed class MailSender(
    StateStore store, IOptions<MailOptions> options, MailSignal signal, TimeProvider time, ILogger<MailSender> logger) : BackgroundService
{
    /// <summary>Messages sent per round at most (the rest go in the next, straight after).</summary>
    public const int BatchSize = 20;

    /// <summary>Longest sleep between rounds when nothing is due sooner.</summary>
    public static readonly TimeSpan IdleWait = TimeSpan.FromSeconds(30);

    private DateTimeOffset lastPrune = DateTimeOffset.MinValue;

    /// <summary>Sends every message due now. Returns how many the server accepted.</summary>
    public async Task<int> SendDueAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (!o.Enabled)
        {
            return 0;
        }

        var listed = await store.MailOutbox.ListDueAsync(time.GetUtcNow(), BatchSize, cancellationToken);
        var due = new List<OutboxMessage>(listed.Count);
        foreach (var message in listed)
        {
            if (message.AttachmentPath is { } attachment && !File.Exists(attachment))
            {
                // Deleted by hand (the sweep keeps a report until its e-mail is sent): retrying can never succeed.
                await store.MailOutbox.MarkSentAsync(message.Id, AttachmentGone, cancellationToken);
                Reports.Delivery.ReportDeliveryLog.AttachmentGone(logger, message.Id, Path.GetFileName(attachment));
                continue;
            }

            due.Add(message);
        }

        if (due.Count == 0)
        {
            return 0;
        }

        using var client = new RecipientRecordingClient();
        client.Timeout = (int)o.Timeout.TotalMilliseconds;
        client.CheckCertificateRevocation = false; // a school's network often cannot reach the CA's revocation servers
        client.ServerCertificateValidationCallback = (_, certificate, _, errors) => Trusted(certificate, errors, o.AcceptCertificateThumbprint);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(o.Timeout);
            await client.ConnectAsync(o.Host!, o.Port, Socket(o.Security), timeout.Token);
            if (!string.IsNullOrEmpty(o.Username))
            {
                await client.AuthenticateAsync(o.Username, o.Password ?? string.Empty, timeout.Token);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var reason = Reason(e, o);
            foreach (var message in due)
            {
                await FailAsync(message, reason, o, cancellationToken);
            }

            return 0;
        }

        var sent = 0;
        foreach (var message in due)
        {
            try
            {
                using var mime = await BuildAsync(message, o, cancellationToken);
                client.Refused.Clear();
                await client.SendAsync(mime, cancellationToken);
                await SentAsync(message, client.Refused, o, cancellationToken);
                AlertsLog.Sent(logger, message.Id, o.Host!, message.Attempts);
                sent++;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                await FailAsync(message, Reason(e, o), o, cancellationToken);
                if (!client.IsConnected)
                {
                    break; // the rest stay due and go in the next round
                }
            }
        }

        try
        {
            await client.DisconnectAsync(quit: true, cancellationToken);
        }
        catch (Exception e) when (e is IOException or SocketException or ProtocolException or SmtpCommandException)
        {
            // The messages were accepted; a failed goodbye changes nothing.
        }

        return sent;
    }

    /// <summary>Deletes sent messages older than Mail:SentRetentionDays (once an hour at most).</summary>
    public async Task PruneAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (now - lastPrune < TimeSpan.FromHours(1))
        {
            return;
        }

        lastPrune = now;
        var days = options.Value.SentRetentionDays;
        var count = await store.MailOutbox.PruneSentAsync(now - TimeSpan.FromDays(days), cancellationToken);
        if (count > 0)
        {
            AlertsLog.Pruned(logger, count, days);
        }
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = IdleWait;
            try
            {
                await PruneAsync(stoppingToken);
                var sent = await SendDueAsync(stoppingToken);
                if (sent >= BatchSize)
                {
                    continue;
                }

                if (await store.MailOutbox.NextDueAsync(stoppingToken) is { } next)
                {
                    var until = next - time.GetUtcNow();
                    wait = until <= TimeSpan.Zero ? TimeSpan.FromMilliseconds(200) : until < wait ? until : wait;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                AlertsLog.OutboxFailed(logger, e);
            }

            try
            {
                await signal.WaitAsync(wait, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// The note on a message given up because its attached file is gone (shown on the technician's home and the
    /// Reports page instead of a refused address).
    /// </summary>
    public const string AttachmentGone = "its attached file was deleted from the appliance before it could be sent, so it was given up (not tried again); open the Reports page to make the report again if it is still needed";

    /// <summary>Why a send failed, in words a technician can act on; never a password.</summary>
    internal static string Reason(Exception e, MailOptions o) => e switch
    {
        AuthenticationException => "the SMTP server refused the user name or password (Mail:Username, Mail:Password in secrets.json)",
        SslHandshakeException => $"the secure connection to {o.Host}:{o.Port} failed: its certificate is not trusted by this machine, or Mail:Security does not match the port (StartTls on 587, Tls on 465)",
        SocketException s => $"could not connect to {o.Host}:{o.Port} ({SocketWords(s.SocketErrorCode)})",
        SmtpCommandException c => $"the SMTP server refused {(c.ErrorCode == SmtpErrorCode.RecipientNotAccepted ? $"the recipient {c.Mailbox?.Address}" : c.ErrorCode == SmtpErrorCode.SenderNotAccepted ? "the sender address (Mail:From)" : "the message")}: {(int)c.StatusCode} {Short(c.Message)}",
        SmtpProtocolException p => $"the SMTP server broke off the conversation ({Short(p.Message)})",
        NotSupportedException n => $"the SMTP server does not support what Mail:Security asks ({Short(n.Message)})",
        OperationCanceledException or TimeoutException => $"no answer from {o.Host}:{o.Port} within {o.Timeout.TotalSeconds:0} seconds",
        IOException io when io.InnerException is SocketException s => $"the connection to {o.Host}:{o.Port} broke ({SocketWords(s.SocketErrorCode)})",
        IOException io => $"the connection or the attachment failed ({Short(io.Message)})",
        UnauthorizedAccessException => "the attachment could not be read by the service user",
        _ => $"an unexpected error ({e.GetType().Name})",
    };

    private static string SocketWords(SocketError error) => error switch
    {
        SocketError.ConnectionRefused => "nothing is listening there: is the server up, and the port right?",
        SocketError.HostNotFound or SocketError.NoData => "the name does not resolve",
        SocketError.TimedOut => "it did not answer",
        SocketError.NetworkUnreachable or SocketError.HostUnreachable => "the network cannot reach it",
        _ => error.ToString(),
    };

    private static string Short(string text) => text.Length > 200 ? text[..200] + "…" : text;

    private static SecureSocketOptions Socket(MailSecurity security) => security switch
    {
        MailSecurity.Tls => SecureSocketOptions.SslOnConnect,
        MailSecurity.None => SecureSocketOptions.None,
        _ => SecureSocketOptions.StartTls,
    };

    private static bool Trusted(X509Certificate? certificate, SslPolicyErrors errors, string? thumbprint)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (string.IsNullOrEmpty(thumbprint) || certificate is null)
        {
            return false;
        }

        var raw = certificate.GetRawCertData();
        var hex = thumbprint.Length == 64 ? Convert.ToHexString(SHA256.HashData(raw)) : Convert.ToHexString(SHA1.HashData(raw));
        return string.Equals(hex, thumbprint, StringComparison.OrdinalIgnoreCase);
    }

    private static async Task<MimeMessage> BuildAsync(OutboxMessage message, MailOptions o, CancellationToken cancellationToken)
    {
        var mime = new MimeMessage();
        mime.From.Add(MailboxAddress.Parse(o.From!));
        if (message.Kind == MailKind.Report)
        {
            // A report goes to governors, technicians and outside addresses who need not see each other's: each is
            // a hidden recipient (MailKit leaves the Bcc header out of what it sends), To: the empty group "undisclosed-recipients:;".
            mime.To.Add(new GroupAddress("undisclosed-recipients"));
            foreach (var to in message.Recipients)
            {
                mime.Bcc.Add(MailboxAddress.Parse(to));
            }
        }
        else
        {
            foreach (var to in message.Recipients)
            {
                mime.To.Add(MailboxAddress.Parse(to));
            }
        }

        mime.Subject = message.Subject;
        mime.Headers.Add("Auto-Submitted", "auto-generated");
        var body = new BodyBuilder { TextBody = message.BodyText, HtmlBody = message.BodyHtml };
        if (message.AttachmentPath is { } path)
        {
            await body.Attachments.AddAsync(path, cancellationToken);
        }

        mime.Body = body.ToMessageBody();
        return mime;
    }

    /// <summary>
    /// The server took the message for some recipients at least. A recipient it refused for good (5xx: a departed
    /// lead's dead mailbox) is noted on the message for the technician's home; one it refused for now (4xx) gets its own
    /// copy, kept and tried again like any failed message. The others have it: one bad address never holds the alert
    /// back from every lead.
    /// </summary>
    private async Task SentAsync(OutboxMessage message, IReadOnlyList<(string Address, SmtpStatusCode Code, string Text)> refused, MailOptions o, CancellationToken cancellationToken)
    {
        var permanent = refused.Where(r => (int)r.Code >= 500).ToList();
        var note = permanent.Count == 0 ? null : string.Join("; ", permanent.Select(r => $"the SMTP server refused the recipient {r.Address}: {(int)r.Code} {Short(r.Text)}"));
        await store.MailOutbox.MarkSentAsync(message.Id, note, cancellationToken);
        if (note is not null)
        {
            AlertsLog.RecipientsRefused(logger, message.Id, note);
        }

        var later = refused.Where(r => (int)r.Code < 500).ToList();
        if (later.Count > 0)
        {
            var copy = await store.MailOutbox.EnqueueAsync(
                new NewMail(message.Kind, [.. later.Select(r => r.Address)], message.Subject, message.BodyText, message.BodyHtml, message.AttachmentPath), cancellationToken);
            var reason = string.Join("; ", later.Select(r => $"the SMTP server refused the recipient {r.Address} for now: {(int)r.Code} {Short(r.Text)}"));
            await FailAsync(copy, reason, o, cancellationToken);
        }
    }

    private async Task FailAsync(long id, string reason, MailOptions o, CancellationToken cancellationToken)
    {
        var next = await store.MailOutbox.MarkFailedAsync(id, reason, o.RetryDelay, o.RetryMaxDelay, cancellationToken);
        AlertsLog.SendFailed(logger, id, reason, next);
    }

    private async Task FailAsync(OutboxMessage message, string reason, MailOptions o, CancellationToken cancellationToken)
    {
        await FailAsync(message.Id, reason, o, cancellationToken);
    }

    /// <summary>
    /// MailKit's client that carries on past a refused recipient (its default throws on the first, and then no lead
    /// gets the alert) and keeps what was refused; only when nobody was accepted does the send fail.
    /// </summary>
    private sealed class RecipientRecordingClient : SmtpClient
    {
        public List<(string Address, SmtpStatusCode Code, string Text)> Refused { get; } = [];

        protected override void OnRecipientNotAccepted(MimeMessage message, MailboxAddress mailbox, SmtpResponse response)
            => Refused.Add((mailbox.Address, response.StatusCode, response.Response));

        protected override void OnNoRecipientsAccepted(MimeMessage message)
        {
            var first = Refused.FirstOrDefault();
            throw new SmtpCommandException(
                SmtpErrorCode.RecipientNotAccepted, first.Code, MailboxAddress.Parse(first.Address ?? "unknown@invalid"),
                string.Join("; ", Refused.Select(r => $"{r.Address}: {(int)r.Code} {r.Text}")));
        }
    }
}

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ClassroomGuard.Console.Hosting;
using ClassroomGuard.Console.Mail;
using ClassroomGuard.Console.Safeguarding.Alerts;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Tests.Safeguarding;

/// <summary>
/// Alert e-mails end to end against a real SMTP server (aiosmtpd) on loopback: the rate limit, the recipients, the
/// subject without the pupil, a restart that neither resends nor forgets, a dead server that delays and never drops,
/// and STARTTLS with a test certificate.
/// </summary>
public sealed class AlertMailTests : IDisposable
{
    private const string Pupil = "Jamie Testpupil";
    private const string Hostname = "IT1-PC07";
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly string root = Directory.CreateTempSubdirectory("cg-mail-").FullName;
    private readonly ManualClock clock = new(DateTimeOffset.UtcNow);
    private readonly StateStore store;

    public AlertMailTests()
    {
        store = StateStore.Open(new StateOptions { Path = Path.Combine(root, "state.db"), TimeZone = "Europe/London" }, clock);
    }

    [Fact]
    public async Task DangerAlert_RealSmtp_OneMessagePerDeviceAndCategoryPerInterval_RightRecipients_NoPupilInSubject()
    {
        using var smtp = await AiosmtpdServer.StartAsync(Path.Combine(root, "mail"));
        var (device, room) = await SchoolAsync();
        var (mailer, sender) = Services(smtp.Port);

        var first = await RaiseAsync(device, "self_harm", "harm.example", TimeSpan.Zero);
        await RaiseAsync(device, "adult", "adult.example", TimeSpan.Zero); // caution: never e-mailed
        Assert.Equal(1, await mailer.RunOnceAsync(None));
        var sentFirst = await sender.SendDueAsync(None);
        Assert.True(sentFirst == 1, (await store.MailOutbox.GetStatusAsync(None)).LastError + smtp.Output);

        clock.Advance(TimeSpan.FromMinutes(3));
        await RaiseAsync(device, "self_harm", "other-harm.example", TimeSpan.Zero); // same device and category inside 10 minutes
        Assert.Equal(0, await mailer.RunOnceAsync(None));
        await RaiseAsync(device, "extremism", "extreme.example", TimeSpan.Zero); // another category
        Assert.Equal(1, await mailer.RunOnceAsync(None));
        Assert.Equal(1, await sender.SendDueAsync(None));

        // A restart: a new mailer decides from the state alone, so nothing is sent again and nothing is owed.
        var (restarted, _) = Services(smtp.Port);
        Assert.Equal(0, await restarted.RunOnceAsync(None));

        clock.Advance(TimeSpan.FromMinutes(8)); // 11 minutes after the first: a new e-mail is due for the same pair
        await RaiseAsync(device, "self_harm", "third-harm.example", TimeSpan.Zero);
        Assert.Equal(1, await restarted.RunOnceAsync(None));
        Assert.Equal(1, await sender.SendDueAsync(None));

        var messages = smtp.Messages();
        Assert.Equal(3, messages.Count);
        // Maildir file names do not sort in delivery order within a second: compare as a set.
        Assert.Equal(
            ["ClassroomGuard: danger alert — Extremism and radicalisation", "ClassroomGuard: danger alert — Self-harm and suicide", "ClassroomGuard: danger alert — Self-harm and suicide"],
            messages.Select(m => m.Subject).Order(StringComparer.Ordinal));
        foreach (var message in messages)
        {
            Assert.DoesNotContain("Jamie", message.Subject, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(Hostname, message.Subject, StringComparison.OrdinalIgnoreCase);
            Assert.Equal(["deputy@school.example", "dsl@school.example", "head@school.example"],
                message.Headers["X-RcptTo"]!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
            Assert.Equal("classroomguard@school.example", message.From.Mailboxes.Single().Address);
        }

        var body = Assert.Single(messages, m => System.Text.RegularExpressions.Regex.Match(m.TextBody ?? "", @"\?alert=(\d+)").Groups[1].Value
                                                == first.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)).TextBody;
        Assert.Contains($"https://classroomguard.school.example/alerts?alert={first.Id}", body, StringComparison.Ordinal);
        Assert.Contains("Pupil:     " + Pupil, body, StringComparison.Ordinal);
        Assert.Contains("Room:      Room 12", body, StringComparison.Ordinal);
        Assert.Contains($"Device:    {Hostname} (10.0.0.7)", body, StringComparison.Ordinal);
        Assert.Contains("Site:      harm.example", body, StringComparison.Ordinal);
        Assert.Equal(new OutboxStatus(0, 0, null, null), await store.MailOutbox.GetStatusAsync(None));
        _ = room;
    }

    [Fact]
    public async Task DeadSmtpServer_MessageDelayedNeverDropped_ArrivesOnceTheServerIsUp()
    {
        var port = AiosmtpdServer.FreePort(); // nothing listens there
        var (device, _) = await SchoolAsync();
        var (mailer, sender) = Services(port);
        await RaiseAsync(device, "self_harm", "harm.example", TimeSpan.Zero);
        Assert.Equal(1, await mailer.RunOnceAsync(None));

        Assert.Equal(0, await sender.SendDueAsync(None));
        Assert.Equal(0, await sender.SendDueAsync(None)); // not due again yet: the backoff holds it
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(0, await sender.SendDueAsync(None));
        var status = await store.MailOutbox.GetStatusAsync(None);
        Assert.Equal((1, 1), (status.Waiting, status.Failing));
        Assert.Contains("could not connect to 127.0.0.1:", status.LastError, StringComparison.Ordinal);
        Assert.Contains("nothing is listening", status.LastError, StringComparison.Ordinal);
        var message = Assert.Single(await store.MailOutbox.ListDueAsync(clock.GetUtcNow() + TimeSpan.FromDays(1), 10, None));
        Assert.Equal(2, message.Attempts);

        // The server comes up (on a port of its own: the one above may be taken by now; the outbox is in the state).
        using var smtp = await AiosmtpdServer.StartAsync(Path.Combine(root, "mail"));
        (_, sender) = Services(smtp.Port);
        Assert.Equal(0, await sender.SendDueAsync(None)); // still waiting out its backoff (2 minutes after the second failure)
        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(1, await sender.SendDueAsync(None));

        Assert.Equal("ClassroomGuard: danger alert — Self-harm and suicide", Assert.Single(smtp.Messages()).Subject);
        Assert.Equal(0, (await store.MailOutbox.GetStatusAsync(None)).Waiting);
        Assert.Equal(0, await sender.SendDueAsync(None));
        Assert.Single(smtp.Messages());
    }

    [Fact]
    public async Task StartTls_TestCertificate_AcceptedByThumbprintOnly_OtherwiseKeptWithTheReason()
    {
        var (cert, key, sha256) = WriteCertificate();
        using var smtp = await AiosmtpdServer.StartAsync(Path.Combine(root, "mail"), (cert, key));
        var (device, _) = await SchoolAsync();
        var (mailer, untrusting) = Services(smtp.Port, MailSecurity.StartTls);
        await RaiseAsync(device, "self_harm", "harm.example", TimeSpan.Zero);
        Assert.Equal(1, await mailer.RunOnceAsync(None));

        Assert.Equal(0, await untrusting.SendDueAsync(None));
        Assert.Contains("certificate is not trusted", (await store.MailOutbox.GetStatusAsync(None)).LastError, StringComparison.Ordinal);
        Assert.Empty(smtp.Messages());

        clock.Advance(TimeSpan.FromMinutes(1));
        var (_, trusting) = Services(smtp.Port, MailSecurity.StartTls, sha256);
        Assert.Equal(1, await trusting.SendDueAsync(None));
        Assert.Single(smtp.Messages());
    }

    [Fact]
    public async Task WrongPassword_RefusedInWordsWithoutTheSecret_ThenSentWithTheRightOne()
    {
        using var smtp = await AiosmtpdServer.StartAsync(Path.Combine(root, "mail"), login: ("cg", "right-horse-battery"));
        var (device, _) = await SchoolAsync();
        var logs = new ListLogger();
        var (mailer, wrong) = Services(smtp.Port, username: "cg", password: "wrong-Sesame-4711", logger: logs);
        await RaiseAsync(device, "self_harm", "harm.example", TimeSpan.Zero);
        Assert.Equal(1, await mailer.RunOnceAsync(None));

        Assert.Equal(0, await wrong.SendDueAsync(None));
        var status = await store.MailOutbox.GetStatusAsync(None);
        Assert.Equal("the SMTP server refused the user name or password (Mail:Username, Mail:Password in secrets.json)", status.LastError);
        Assert.Contains(logs.Lines, l => l.Contains("refused the user name or password", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, l => l.Contains("Sesame", StringComparison.Ordinal));
        Assert.Empty(smtp.Messages());

        clock.Advance(TimeSpan.FromMinutes(1));
        var (_, right) = Services(smtp.Port, username: "cg", password: "right-horse-battery", logger: logs);
        Assert.Equal(1, await right.SendDueAsync(None));
        Assert.Single(smtp.Messages());
        Assert.DoesNotContain(logs.Lines, l => l.Contains("right-horse", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReportWithAttachment_SameSender_FileAttached_MissingFileGivenUpWithTheReason()
    {
        using var smtp = await AiosmtpdServer.StartAsync(Path.Combine(root, "mail"));
        var (_, sender) = Services(smtp.Port);
        var pdf = Path.Combine(root, "governors-report.pdf");
        await File.WriteAllBytesAsync(pdf, "%PDF-1.4 test report"u8.ToArray());
        await store.MailOutbox.EnqueueAsync(new NewMail(MailKind.Report, ["governor@school.example"], "ClassroomGuard: the termly report", "Attached.", AttachmentPath: pdf), None);
        var missing = await store.MailOutbox.EnqueueAsync(
            new NewMail(MailKind.Report, ["governor@school.example"], "ClassroomGuard: a lost report", "Attached.", AttachmentPath: Path.Combine(root, "gone.pdf")), None);

        Assert.Equal(1, await sender.SendDueAsync(None));

        var message = Assert.Single(smtp.Messages());
        var attachment = Assert.Single(message.Attachments.OfType<MimeKit.MimePart>());
        Assert.Equal("governors-report.pdf", attachment.FileName);
        var lost = (await store.MailOutbox.GetAsync(missing, None))!;
        Assert.Equal((0, MailSender.AttachmentGone), (lost.Attempts, lost.LastError)); // never sent, never retried: the file cannot come back
        Assert.NotNull(lost.SentAt);
        Assert.Equal(0, (await store.MailOutbox.GetStatusAsync(None)).Waiting);
    }

    [Fact]
    public async Task NoRecipients_NothingQueued_UntilALeadHasAnAddress()
    {
        var (device, _) = await SchoolAsync(withAddresses: false);
        var (mailer, _) = Services(AiosmtpdServer.FreePort(), extraRecipients: []);
        await RaiseAsync(device, "self_harm", "harm.example", TimeSpan.Zero);
        Assert.Equal(0, await mailer.RunOnceAsync(None));

        var dsl = await store.Users.FindByNameAsync("dsl", None);
        await store.Users.SetEmailAsync(dsl!.Id, "dsl@school.example", None);
        Assert.Equal(1, await mailer.RunOnceAsync(None));
    }

    [Fact]
    public async Task TwoMailersAtOnce_OneMessagePerAlert_TheOutboxRefusesASecond()
    {
        var (device, _) = await SchoolAsync();
        var alert = await RaiseAsync(device, "self_harm", "harm.example", TimeSpan.Zero);
        var mailers = Enumerable.Range(0, 4).Select(_ => Services(AiosmtpdServer.FreePort()).Mailer).ToList();

        var queued = await Task.WhenAll(mailers.Select(m => Task.Run(() => m.RunOnceAsync(None))));

        Assert.Equal(1, queued.Sum());
        Assert.Single(await store.MailOutbox.ListDueAsync(clock.GetUtcNow(), 10, None));
        // The same alert again, straight to the outbox: the check refuses it, and the unique index refuses it without the check.
        var mail = new NewMail(MailKind.Alert, ["dsl@school.example"], "ClassroomGuard: danger alert — again", "Again.");
        Assert.Null(await store.MailOutbox.EnqueueAlertAsync(alert.Id, mail, TimeSpan.FromMinutes(10), None));
        await Assert.ThrowsAsync<Microsoft.Data.Sqlite.SqliteException>(() => store.MailOutbox.EnqueueAsync(mail with { AlertId = alert.Id }, None));
        Assert.Single(await store.MailOutbox.ListDueAsync(clock.GetUtcNow(), 10, None));
    }

    [Fact]
    public async Task LateAlert_RaisedEarlierThanAMailedOne_WithinTheInterval_NotMailed()
    {
        var (device, _) = await SchoolAsync();
        var (mailer, _) = Services(AiosmtpdServer.FreePort());
        await RaiseAsync(device, "self_harm", "harm.example", TimeSpan.Zero);
        Assert.Equal(1, await mailer.RunOnceAsync(None));

        // Written late (e.g. by the sniffer after a delay): raised 4 minutes before the mailed one, same device and category.
        var late = await RaiseAsync(device, "self_harm", "late-harm.example", TimeSpan.FromMinutes(4));
        Assert.Equal(0, await mailer.RunOnceAsync(None));
        Assert.Equal(0, await Services(AiosmtpdServer.FreePort()).Mailer.RunOnceAsync(None));
        Assert.Null(await store.MailOutbox.EnqueueAlertAsync(
            late.Id, new NewMail(MailKind.Alert, ["dsl@school.example"], "ClassroomGuard: danger alert", "Late."), TimeSpan.FromMinutes(10), None));

        // Outside the interval (11 minutes before): mailed.
        await RaiseAsync(device, "self_harm", "early-harm.example", TimeSpan.FromMinutes(11));
        Assert.Equal(1, await mailer.RunOnceAsync(None));
    }

    [Fact]
    public async Task OneLeadsDeadMailbox_TheOthersStillGetTheAlert_TheRefusalIsShownPerAddress()
    {
        using var smtp = await AiosmtpdServer.StartAsync(Path.Combine(root, "mail"), refuse: new Dictionary<string, int> { ["deputy@school.example"] = 550 });
        var (device, _) = await SchoolAsync();
        var (mailer, sender) = Services(smtp.Port);
        await RaiseAsync(device, "self_harm", "harm.example", TimeSpan.Zero);
        Assert.Equal(1, await mailer.RunOnceAsync(None));

        Assert.Equal(1, await sender.SendDueAsync(None));

        var message = Assert.Single(smtp.Messages());
        Assert.Equal(["dsl@school.example", "head@school.example"],
            message.Headers["X-RcptTo"]!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
        Assert.Equal(0, (await store.MailOutbox.GetStatusAsync(None)).Waiting); // sent: not retried for ever because of one address
        var refused = Assert.Single(await store.MailOutbox.ListRefusedAsync(clock.GetUtcNow().AddDays(-1), None));
        Assert.Contains("refused the recipient deputy@school.example: 550", refused.LastError, StringComparison.Ordinal);
        var card = await StatusAsync().ReadAsync(Technician(), None);
        Assert.Equal("error", card!.Severity);
        Assert.Contains("deputy@school.example", card.Headline, StringComparison.Ordinal);
        Assert.DoesNotContain("dsl@school.example", card.Headline, StringComparison.Ordinal);
        Assert.Null(await StatusAsync().ReadAsync(new Console.Security.ConsoleUser(99, "dsl", "dsl", new HashSet<Role> { Role.SafeguardingLead }, false), None));
        clock.Advance(MailStatusService.RefusedShownFor + TimeSpan.FromMinutes(1));
        Assert.Null(await StatusAsync().ReadAsync(Technician(), None)); // a week on, the card is quiet again
    }

    [Fact]
    public async Task RecipientRefusedForNow_ItsOwnCopyIsKeptAndRetried_TheOthersHaveItAlready()
    {
        var (device, _) = await SchoolAsync();
        using (var busy = await AiosmtpdServer.StartAsync(Path.Combine(root, "busy"), refuse: new Dictionary<string, int> { ["head@school.example"] = 450 }))
        {
            var (mailer, sender) = Services(busy.Port);
            await RaiseAsync(device, "self_harm", "harm.example", TimeSpan.Zero);
            Assert.Equal(1, await mailer.RunOnceAsync(None));
            Assert.Equal(1, await sender.SendDueAsync(None));
            Assert.Equal(["deputy@school.example", "dsl@school.example"],
                Assert.Single(busy.Messages()).Headers["X-RcptTo"]!.Split(',', StringSplitOptions.TrimEntries).Order(StringComparer.Ordinal));
        }

        var status = await store.MailOutbox.GetStatusAsync(None);
        Assert.Equal((1, 1), (status.Waiting, status.Failing));
        Assert.Contains("head@school.example for now: 450", status.LastError, StringComparison.Ordinal);
        Assert.Empty(await store.MailOutbox.ListRefusedAsync(clock.GetUtcNow().AddDays(-1), None)); // not a dead address

        using var smtp = await AiosmtpdServer.StartAsync(Path.Combine(root, "mail"));
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await Services(smtp.Port).Sender.SendDueAsync(None));
        Assert.Equal("head@school.example", Assert.Single(smtp.Messages()).Headers["X-RcptTo"]!.Trim());
        Assert.Equal(0, (await store.MailOutbox.GetStatusAsync(None)).Waiting);
    }

    [Fact]
    public async Task EveryRecipientRefused_KeptAndRetried_WithTheReason()
    {
        using var smtp = await AiosmtpdServer.StartAsync(
            Path.Combine(root, "mail"), refuse: new Dictionary<string, int> { ["dsl@school.example"] = 550, ["deputy@school.example"] = 550, ["head@school.example"] = 550 });
        var (device, _) = await SchoolAsync();
        var (mailer, sender) = Services(smtp.Port);
        await RaiseAsync(device, "self_harm", "harm.example", TimeSpan.Zero);
        Assert.Equal(1, await mailer.RunOnceAsync(None));

        Assert.Equal(0, await sender.SendDueAsync(None));

        Assert.Empty(smtp.Messages());
        var status = await store.MailOutbox.GetStatusAsync(None);
        Assert.Equal((1, 1), (status.Waiting, status.Failing));
        Assert.Contains("the SMTP server refused the recipient", status.LastError, StringComparison.Ordinal);
        Assert.Contains("550", status.LastError, StringComparison.Ordinal);
    }

    private MailStatusService StatusAsync()
    {
        var safeguarding = Options.Create(new SafeguardingOptions { AlertRecipients = ["head@school.example"] });
        var mail = Options.Create(new MailOptions { Host = "127.0.0.1", Port = 25, Security = MailSecurity.None, From = "classroomguard@school.example" });
        var alerts = new AlertsService(store, new AlertSeverities(safeguarding), Options.Create(new StateOptions { TimeZone = "Europe/London" }), clock, NullLogger<AlertsService>.Instance);
        return new MailStatusService(store, mail, safeguarding, alerts, clock);
    }

    private static Console.Security.ConsoleUser Technician() => new(98, "tech", "tech", new HashSet<Role> { Role.Technician }, false);

    public void Dispose()
    {
        store.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(root, recursive: true);
    }

    private (AlertMailer Mailer, MailSender Sender) Services(
        int port, MailSecurity security = MailSecurity.None, string? thumbprint = null, string[]? extraRecipients = null, string? username = null, string? password = null,
        ILogger<MailSender>? logger = null)
    {
        var safeguarding = Options.Create(new SafeguardingOptions { AlertRecipients = [.. extraRecipients ?? ["head@school.example"]] });
        var mail = Options.Create(new MailOptions
        {
            Host = "127.0.0.1", Port = port, Security = security, From = "classroomguard@school.example", Timeout = TimeSpan.FromSeconds(10),
            AcceptCertificateThumbprint = thumbprint, Username = username, Password = password,
        });
        var console = Options.Create(new ConsoleOptions { PublicUrl = "https://classroomguard.school.example" });
        var severities = new AlertSeverities(safeguarding);
        var alerts = new AlertsService(store, severities, Options.Create(new StateOptions { TimeZone = "Europe/London" }), clock, NullLogger<AlertsService>.Instance);
        var signal = new MailSignal();
        return (
            new AlertMailer(store, severities, alerts, safeguarding, mail, console, signal, clock, NullLogger<AlertMailer>.Instance),
            new MailSender(store, mail, signal, clock, logger ?? NullLogger<MailSender>.Instance));
    }

    private async Task<(long Device, long Room)> SchoolAsync(bool withAddresses = true)
    {
        var site = await store.Sites.CreateSiteAsync("Main", None);
        var room = await store.Sites.CreateRoomAsync(site.Id, "Room 12", None);
        var device = await store.Devices.ObserveAsync(new DeviceObservation(clock.GetUtcNow(), DeviceSource.Agent, "02:00:00:00:00:07", "10.0.0.7", Hostname, Pupil), None);
        await store.Devices.SetRoomAsync(device, room.Id, None);
        foreach (var (name, role, email) in new[]
                 {
                     ("dsl", Role.SafeguardingLead, "dsl@school.example"), ("deputy", Role.SafeguardingLead, "deputy@school.example"),
                     ("away", Role.SafeguardingLead, "away@school.example"), ("tech", Role.Technician, "tech@school.example"), ("teacher", Role.Teacher, "teacher@school.example"),
                 })
        {
            var (_, user) = await store.Users.CreateUserAsync(name, name, [role], "correct horse battery staple", None);
            if (withAddresses)
            {
                await store.Users.SetEmailAsync(user!.Id, email, None);
            }

            if (name == "away")
            {
                await store.Users.SetDisabledAsync(user!.Id, true, None);
            }
        }

        return (device, room.Id);
    }

    private Task<Alert> RaiseAsync(long device, string category, string domain, TimeSpan ago)
        => store.Alerts.RaiseAsync(new NewAlert(AlertKind.HighRiskCategory, clock.GetUtcNow() - ago, $"DNS query for {domain} blocked; client 10.0.0.7", device, category, domain), None);

    private (string Cert, string Key, string Sha256) WriteCertificate()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var cert = Path.Combine(root, "smtp.crt");
        var key = Path.Combine(root, "smtp.key");
        File.WriteAllText(cert, certificate.ExportCertificatePem());
        File.WriteAllText(key, rsa.ExportPkcs8PrivateKeyPem());
        return (cert, key, Convert.ToHexString(SHA256.HashData(certificate.RawData)));
    }

    /// <summary>Keeps every formatted log line, with its exception, to prove no secret is written.</summary>
    private sealed class ListLogger : ILogger<MailSender>
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Lines)
            {
                Lines.Add(formatter(state, exception) + " " + exception);
            }
        }
    }

    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset now = start;

        public override DateTimeOffset GetUtcNow() => now;

        public void Advance(TimeSpan by) => now += by;
    }
}

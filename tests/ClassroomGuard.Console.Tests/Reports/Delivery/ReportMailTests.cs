using ClassroomGuard.Console.Reports.Delivery;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Console.Tests.Safeguarding;
using ClassroomGuard.Storage.State;
using MimeKit;

namespace ClassroomGuard.Console.Tests.Reports.Delivery;

/// <summary>
/// A scheduled report's e-mail end to end against a real SMTP server (python3-aiosmtpd) on loopback: the PDF attached
/// byte for byte as kept, the recipients (enabled users of the kind's role with an address, plus the setting's), the
/// subject and the body's words and links; a server that is down: the e-mail kept, retried, shown on the technician's
/// home and on the Reports page, then delivered.
/// </summary>
public sealed class ReportMailTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 10, 19, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Monday = new(2026, 10, 26, 7, 0, 0, TimeSpan.Zero);
    private readonly string maildir = Directory.CreateTempSubdirectory("cg-report-mail-").FullName;

    [Fact]
    public async Task Weekly_RealSmtp_PdfAttachedAsKept_ToTheTechniciansAndTheSettingsAddresses()
    {
        using var smtp = await AiosmtpdServer.StartAsync(maildir);
        using var world = new ReportWorld(Start, o =>
        {
            o.Governors.Enabled = false;
            o.Weekly.Recipients = ["itsupport@trust.example", "TECH@school.example"];
        }, smtpPort: smtp.Port);
        await SchoolAsync(world);

        Assert.Equal(1, await world.RunAtAsync(Monday));
        var sent = await world.Sender().SendDueAsync(ReportWorld.None);
        Assert.True(sent == 1, (await world.Store.MailOutbox.GetStatusAsync(ReportWorld.None)).LastError + smtp.Output);

        var report = Assert.Single((await world.Store.Reports.ListAsync([ReportKind.Weekly], 0, 10, ReportWorld.None)).Reports);
        var message = Assert.Single(smtp.Messages());
        Assert.Equal("ClassroomGuard: Weekly traffic report, Mon 19 Oct – Sun 25 Oct 2026", message.Subject);
        Assert.Equal(["deputy-tech@school.example", "itsupport@trust.example", "tech@school.example"],
            message.Headers["X-RcptTo"]!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
        // Nobody's copy shows the other recipients: To: is "undisclosed-recipients:;", no Cc, no Bcc header in what arrived.
        Assert.Empty(message.To.Mailboxes);
        Assert.Equal("undisclosed-recipients", Assert.IsType<GroupAddress>(Assert.Single(message.To)).Name);
        Assert.Empty(message.Cc);
        Assert.Empty(message.Bcc);
        foreach (var address in new[] { "deputy-tech@school.example", "itsupport@trust.example", "tech@school.example" })
        {
            Assert.DoesNotContain(message.Headers, h => h.Field != "X-RcptTo" && h.Value.Contains(address, StringComparison.OrdinalIgnoreCase));
        }

        var attachment = Assert.IsType<MimePart>(Assert.Single(message.Attachments));
        Assert.Equal("application/pdf", attachment.ContentType.MimeType);
        Assert.Equal(report.FileName, attachment.FileName);
        using var bytes = new MemoryStream();
        await attachment.Content!.DecodeToAsync(bytes);
        Assert.Equal(await File.ReadAllBytesAsync(world.Archive.PathOf(report)), bytes.ToArray());

        var body = message.TextBody ?? string.Empty;
        Assert.Contains("weekly traffic report", body, StringComparison.Ordinal);
        Assert.Contains("Period:     Mon 19 Oct – Sun 25 Oct 2026", body, StringComparison.Ordinal);
        Assert.Contains($"https://classroomguard.school.example/reports/{report.Id}/pdf", body, StringComparison.Ordinal);
        Assert.Contains(report.Sha256, body, StringComparison.Ordinal);
        Assert.Contains($"({ReportsService.Size(report.Bytes)}, PDF)", body, StringComparison.Ordinal); // the Reports page's words
        Assert.Contains("Mon 26 Oct 2026 at 07:00", body, StringComparison.Ordinal); // generated, in school time (GMT now)

        var after = (await world.Store.Reports.GetAsync(report.Id, ReportWorld.None))!;
        Assert.Equal((ReportMailState.Sent, 3), (after.MailState, after.MailRecipients));
        Assert.Contains("E-mailed to 3 addresses", (await world.Reports.ListAsync(Technician, 0, 10, ReportWorld.None)).Rows[0].Mail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RetentionSweep_KeepsAReportWhoseEmailWaits_TheSenderGivesUpOneWhoseFileIsGone_AndSaysSo()
    {
        using var world = new ReportWorld(Start, o =>
        {
            o.Governors.Enabled = false;
            o.Weekly.RetentionDays = 7;
            o.Weekly.Recipients = ["tech@school.example"];
        }, smtpPort: AiosmtpdServer.FreePort()); // nothing listens there: a long SMTP outage
        Assert.Equal(1, await world.RunAtAsync(Monday));
        Assert.Equal(0, await world.Sender().SendDueAsync(ReportWorld.None));
        var report = Assert.Single((await world.Store.Reports.ListAsync([ReportKind.Weekly], 0, 10, ReportWorld.None)).Reports);

        world.Clock.Advance(TimeSpan.FromDays(8)); // past the 7 days' retention, the e-mail still not sent
        Assert.Equal(0, await world.Archive.SweepAsync(world.Clock.GetUtcNow(), ReportWorld.None));
        Assert.True(File.Exists(world.Archive.PathOf(report)));

        File.Delete(world.Archive.PathOf(report)); // by hand: the e-mail can never be sent now
        Assert.Equal(0, await world.Sender().SendDueAsync(ReportWorld.None));
        Assert.Equal(0, (await world.Store.MailOutbox.GetStatusAsync(ReportWorld.None)).Waiting); // given up, not retried forever
        var card = await world.MailStatus().ReadAsync(Technician, ReportWorld.None);
        Assert.NotNull(card);
        Assert.Contains("was not sent: its attached file was deleted", card.Headline, StringComparison.Ordinal);
        var row = Assert.Single((await world.Reports.ListAsync(Technician, 0, 10, ReportWorld.None)).Rows);
        Assert.StartsWith("Not e-mailed: its attached file was deleted", row.Mail, StringComparison.Ordinal);
        Assert.True(row.MailProblem);
        Assert.Equal(1, await world.Archive.SweepAsync(world.Clock.GetUtcNow(), ReportWorld.None)); // no e-mail waits now: swept
    }

    [Fact]
    public async Task NotEmailed_TheListSaysWhy_EmailOff_OrNobodyToReceiveIt()
    {
        using (var off = new ReportWorld(Start, o => o.Governors.Enabled = false)) // no Mail:Host
        {
            Assert.Equal(1, await off.RunAtAsync(Monday));
            Assert.Equal("Not e-mailed: e-mail is off (Mail:Host is not set)", Assert.Single((await off.Reports.ListAsync(Technician, 0, 10, ReportWorld.None)).Rows).Mail);
        }

        using var nobody = new ReportWorld(Start, o => o.Governors.Enabled = false, smtpPort: AiosmtpdServer.FreePort()); // mail on, no technician with an address
        Assert.Equal(1, await nobody.RunAtAsync(Monday));
        Assert.StartsWith("Not e-mailed: nobody was set to receive it", Assert.Single((await nobody.Reports.ListAsync(Technician, 0, 10, ReportWorld.None)).Rows).Mail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmailOn_NobodyToReceiveTheGovernorsReport_TheTechniciansHomeSaysSo_UntilAGovernorHasAnAddress()
    {
        using var world = new ReportWorld(Start, o => o.Weekly.Recipients = ["tech@school.example"], smtpPort: AiosmtpdServer.FreePort());
        ReportStatusService Status() => new(world.Scheduler, world.Reports, world.Mailer, Microsoft.Extensions.Options.Options.Create(world.Options), Microsoft.Extensions.Options.Options.Create(world.Mail));

        var card = await Status().ReadAsync(Technician, ReportWorld.None);
        Assert.NotNull(card);
        Assert.Equal("warning", card.Severity);
        Assert.Equal("Nobody receives the governors' report by e-mail: it is made on its schedule but sent to no one.", card.Headline);
        Assert.Contains("Reports:Governors:Recipients", card.Detail, StringComparison.Ordinal);
        Assert.Null(await Status().ReadAsync(Governor, ReportWorld.None));

        await world.UserAsync("chair", Role.Governor, "chair@school.example");
        Assert.Null(await Status().ReadAsync(Technician, ReportWorld.None));
    }

    [Fact]
    public async Task RecipientCount_OneDeduplicatedList_AnAddressInBothCountsOnce()
    {
        using var world = new ReportWorld(Start, o =>
        {
            o.Governors.Enabled = false;
            o.Weekly.Recipients = ["tech@school.example", " TECH@SCHOOL.EXAMPLE ", "itsupport@trust.example"];
        }, smtpPort: AiosmtpdServer.FreePort());
        await world.UserAsync("tech", Role.Technician, "Tech@School.example");
        await world.UserAsync("deputy", Role.Technician, "deputy@school.example");

        var (users, others) = await world.Mailer.RecipientGroupsAsync(ReportKind.Weekly, ReportWorld.None);
        Assert.Equal((2, 1), (users.Count, others.Count));
        Assert.Equal(3, (await world.Mailer.RecipientsAsync(ReportKind.Weekly, ReportWorld.None)).Count);
        var weekly = Assert.Single(await world.Reports.KindsAsync(Technician, ReportWorld.None), k => k.Kind == ReportKind.Weekly);
        Assert.Contains("e-mailed to 2 technicians and 1 other address", weekly.Schedule, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SmtpDown_ReportMailKeptAndRetried_ShownOnTheTechniciansHome_ThenDelivered()
    {
        using var world = new ReportWorld(Start, o => o.Weekly.Enabled = false, smtpPort: AiosmtpdServer.FreePort()); // nothing listens there
        await SchoolAsync(world);

        Assert.Equal(1, await world.RunAtAsync(new DateTimeOffset(2026, 11, 1, 7, 0, 0, TimeSpan.Zero))); // October's governors' report
        Assert.Equal(0, await world.Sender().SendDueAsync(ReportWorld.None));

        var card = await world.MailStatus().ReadAsync(Technician, ReportWorld.None);
        Assert.NotNull(card);
        Assert.Equal("error", card.Severity);
        Assert.Contains("1 e-mail not sent since", card.Headline, StringComparison.Ordinal);
        Assert.Contains("nothing is listening", card.Headline, StringComparison.Ordinal);
        var row = Assert.Single((await world.Reports.ListAsync(Governor, 0, 10, ReportWorld.None)).Rows);
        Assert.True(row.MailProblem);
        Assert.StartsWith("Not e-mailed yet (tried again by itself): could not connect to 127.0.0.1:", row.Mail, StringComparison.Ordinal);

        using var smtp = await AiosmtpdServer.StartAsync(maildir);
        world.SmtpPort = smtp.Port;
        world.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await world.Sender().SendDueAsync(ReportWorld.None));

        var message = Assert.Single(smtp.Messages());
        Assert.Equal("ClassroomGuard: Governors' report, Thu 1 Oct – Sat 31 Oct 2026", message.Subject);
        Assert.Equal(["governor@school.example"], message.Headers["X-RcptTo"]!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
        Assert.Single(message.Attachments);
        Assert.NotEqual("error", (await world.MailStatus().ReadAsync(Technician, ReportWorld.None))?.Severity);
    }

    [Fact]
    public async Task RecipientRefusedForGood_OthersReceiveIt_TheHomeAndTheListSayWho()
    {
        using var smtp = await AiosmtpdServer.StartAsync(maildir, refuse: new Dictionary<string, int> { ["gone@school.example"] = 550 });
        using var world = new ReportWorld(Start, o =>
        {
            o.Governors.Enabled = false;
            o.Weekly.Recipients = ["gone@school.example"];
        }, smtpPort: smtp.Port);
        await world.UserAsync("tech", Role.Technician, "tech@school.example");

        Assert.Equal(1, await world.RunAtAsync(Monday));
        Assert.Equal(1, await world.Sender().SendDueAsync(ReportWorld.None));

        Assert.Equal(["tech@school.example"], Assert.Single(smtp.Messages()).Headers["X-RcptTo"]!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
        var card = await world.MailStatus().ReadAsync(Technician, ReportWorld.None);
        Assert.NotNull(card);
        Assert.Contains("gone@school.example", card.Headline, StringComparison.Ordinal);
        Assert.Contains("Reports:Weekly:Recipients", card.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("danger alert", card.Detail, StringComparison.Ordinal);
        var row = Assert.Single((await world.Reports.ListAsync(Technician, 0, 10, ReportWorld.None)).Rows);
        Assert.True(row.MailProblem);
        Assert.StartsWith("Sent to 2 addresses, but some were refused: the SMTP server refused the recipient gone@school.example: 550", row.Mail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NobodyToSendTo_OrMailOff_KeptButNotQueued()
    {
        using var nobody = new ReportWorld(Start, o => o.Governors.Enabled = false, smtpPort: AiosmtpdServer.FreePort());
        await nobody.UserAsync("teacher", Role.Teacher, "teacher@school.example");
        await nobody.UserAsync("tech", Role.Technician, null);
        Assert.Equal(1, await nobody.RunAtAsync(Monday));
        Assert.Equal(0, (await nobody.Store.MailOutbox.GetStatusAsync(ReportWorld.None)).Waiting);

        using var off = new ReportWorld(Start, o => o.Governors.Enabled = false);
        await off.UserAsync("tech", Role.Technician, "tech@school.example");
        Assert.Equal(1, await off.RunAtAsync(Monday));
        Assert.Equal(0, (await off.Store.MailOutbox.GetStatusAsync(ReportWorld.None)).Waiting);
        var kinds = await off.Reports.KindsAsync(Technician, ReportWorld.None);
        Assert.Contains("not e-mailed, because e-mail is off", Assert.Single(kinds).Schedule, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Schedule_InWords_CountsTheRecipients()
    {
        using var world = new ReportWorld(Start, o => o.Weekly.Recipients = ["itsupport@trust.example"], smtpPort: AiosmtpdServer.FreePort());
        await SchoolAsync(world);

        var kinds = await world.Reports.KindsAsync(Administrator, ReportWorld.None);

        Assert.Equal("Every Monday at 07:00, for the week before (Monday to Sunday); e-mailed to 2 technicians and 1 other address.", kinds[0].Schedule);
        Assert.Equal("The next one comes Mon 26 Oct 2026 at 07:00.", kinds[0].Next);
        Assert.Equal("On the 1st of every month at 07:00, for the month before; e-mailed to 1 governor.", kinds[1].Schedule);
        Assert.Equal("The next one comes Sun 1 Nov 2026 at 07:00.", kinds[1].Next);
    }

    public void Dispose() => Directory.Delete(maildir, recursive: true);

    private static ConsoleUser Technician => new(1, "tech", "Tech", new HashSet<Role> { Role.Technician }, false);

    private static ConsoleUser Governor => new(4, "governor", "Governor", new HashSet<Role> { Role.Governor }, false);

    private static ConsoleUser Administrator => new(9, "admin", "Admin", new HashSet<Role> { Role.Administrator }, false);

    private static async Task SchoolAsync(ReportWorld world)
    {
        await world.UserAsync("tech", Role.Technician, "tech@school.example");
        await world.UserAsync("deputy-tech", Role.Technician, "deputy-tech@school.example");
        await world.UserAsync("former-tech", Role.Technician, "former@school.example", disabled: true);
        await world.UserAsync("teacher", Role.Teacher, "teacher@school.example");
        await world.UserAsync("governor", Role.Governor, "governor@school.example");
        await world.UserAsync("dsl", Role.SafeguardingLead, "dsl@school.example");
    }
}

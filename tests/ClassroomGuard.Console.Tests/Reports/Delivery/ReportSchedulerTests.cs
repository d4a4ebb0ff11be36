using ClassroomGuard.Console.Reports;
using ClassroomGuard.Console.Reports.Delivery;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Console.Tests.Safeguarding;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Tests.Reports.Delivery;

/// <summary>
/// The schedule on a clock the test moves, in Europe/London: Monday 07:00 is 07:00 local on both sides of the October
/// clock change; the month's end; a term's end from the school calendar; nothing made twice after a restart; one
/// missed occurrence caught up at start; a failed generation retried at a growing delay and shown on the technician's
/// home; one weekly report per site; the retention sweep deleting file and row.
/// </summary>
public sealed class ReportSchedulerTests
{
    // Sunday 25 October 2026 the clocks go back (BST → GMT) at 02:00.
    private static readonly DateTimeOffset BeforeChange = new(2026, 10, 19, 12, 0, 0, TimeSpan.Zero); // Mon 19 Oct, 13:00 BST

    [Fact]
    public async Task Weekly_Monday0700London_AcrossTheOctoberClockChange_FiresAt0700LocalForTheWeekBefore()
    {
        using var world = new ReportWorld(BeforeChange, o => o.Governors.Enabled = false);
        await world.Scheduler.InitializeAsync(ReportWorld.None);

        // 06:59 GMT on Monday 26 October is 06:59 local (it would be 07:59 had summer time not ended).
        Assert.Equal(new DateTimeOffset(2026, 10, 26, 7, 0, 0, TimeSpan.Zero), ReportSchedule.Next(world.Options, ReportKind.Weekly, BeforeChange, world.Archive.Zone));
        Assert.Equal(0, await world.RunAtAsync(new DateTimeOffset(2026, 10, 26, 6, 0, 0, TimeSpan.Zero))); // 07:00 BST would have been now
        Assert.Equal(0, await world.RunAtAsync(new DateTimeOffset(2026, 10, 26, 6, 59, 0, TimeSpan.Zero)));
        Assert.Empty(world.Generator.Calls);

        Assert.Equal(1, await world.RunAtAsync(new DateTimeOffset(2026, 10, 26, 7, 0, 0, TimeSpan.Zero)));

        Assert.Equal(["weekly 2026-W43 site -"], world.Generator.Calls);
        var report = Assert.Single((await world.Store.Reports.ListAsync([ReportKind.Weekly], 0, 10, ReportWorld.None)).Reports);
        Assert.Equal((new DateOnly(2026, 10, 19), new DateOnly(2026, 10, 25), ReportTrigger.Schedule, (long?)null), (report.First, report.Last, report.Trigger, report.GeneratedBy));
        var period = ReportPeriod.Of(report.First, report.Last, world.Archive.Zone);
        Assert.Equal(TimeSpan.FromHours(169), period.End - period.Start); // the week holds the repeated hour
        Assert.True(File.Exists(world.Archive.PathOf(report)));

        // The week before, in summer time: Monday 19 October 07:00 BST was 06:00 UTC.
        Assert.Equal(new DateTimeOffset(2026, 10, 19, 6, 0, 0, TimeSpan.Zero),
            ReportSchedule.Next(world.Options, ReportKind.Weekly, new DateTimeOffset(2026, 10, 18, 12, 0, 0, TimeSpan.Zero), world.Archive.Zone));
    }

    [Fact]
    public async Task Governors_MonthEnd_TheWholeMonthBefore()
    {
        using var world = new ReportWorld(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero), o => o.Weekly.Enabled = false);

        Assert.Equal(0, await world.RunAtAsync(new DateTimeOffset(2026, 12, 1, 6, 59, 59, TimeSpan.Zero)));
        Assert.Equal(1, await world.RunAtAsync(new DateTimeOffset(2026, 12, 1, 7, 0, 30, TimeSpan.Zero)));

        Assert.Equal(["governors 2026-11-01 2026-11-30"], world.Generator.Calls);
        var report = Assert.Single((await world.Store.Reports.ListAsync([ReportKind.Governors], 0, 10, ReportWorld.None)).Reports);
        Assert.Equal("Governors' report, Sun 1 Nov – Mon 30 Nov 2026", report.Title);
        Assert.Null(report.SiteId);

        // A year end: December's report on 1 January.
        Assert.Equal(1, await world.RunAtAsync(new DateTimeOffset(2027, 1, 1, 7, 0, 0, TimeSpan.Zero)));
        Assert.Equal("governors 2026-12-01 2026-12-31", world.Generator.Calls[^1]);
    }

    [Fact]
    public async Task Governors_ByTerm_TheTermThatEnded_OnceEach_NothingWithoutTermDates()
    {
        using var world = new ReportWorld(new DateTimeOffset(2026, 10, 1, 12, 0, 0, TimeSpan.Zero), o =>
        {
            o.Weekly.Enabled = false;
            o.GovernorsPeriod = GovernorsPeriod.Term;
        });

        Assert.Equal(0, await world.RunAtAsync(new DateTimeOffset(2026, 11, 1, 7, 0, 0, TimeSpan.Zero))); // no term dates: nothing, no failure
        Assert.Empty(world.Scheduler.Failures);

        world.Term("Autumn 1", new DateOnly(2026, 9, 2), new DateOnly(2026, 10, 23));
        world.Term("Autumn 2", new DateOnly(2026, 11, 2), new DateOnly(2026, 12, 18));
        world.Term("Spring 1", new DateOnly(2027, 1, 5), new DateOnly(2027, 2, 12));
        Assert.Equal(1, await world.RunAtAsync(new DateTimeOffset(2026, 12, 1, 7, 0, 0, TimeSpan.Zero))); // the term that ended since the last report
        Assert.Equal("governors 2026-09-02 2026-10-23", world.Generator.Calls[^1]);

        world.Restart();
        Assert.Equal(0, await world.RunAtAsync(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero))); // kept already; Autumn 2 has not ended
        Assert.Equal(1, await world.RunAtAsync(new DateTimeOffset(2027, 1, 1, 7, 0, 0, TimeSpan.Zero)));
        Assert.Equal("governors 2026-11-02 2026-12-18", world.Generator.Calls[^1]);
        Assert.Equal(0, await world.RunAtAsync(new DateTimeOffset(2027, 2, 1, 7, 0, 0, TimeSpan.Zero))); // Spring 1 ends on the 12th
        Assert.Equal(2, world.Generator.Calls.Count);
    }

    [Fact]
    public async Task Restart_AfterTheReportWasKept_NothingMadeOrSentTwice()
    {
        using var world = new ReportWorld(BeforeChange, o => o.Governors.Enabled = false, smtpPort: Safeguarding.AiosmtpdServer.FreePort());
        await world.UserAsync("tech", Role.Technician, "tech@school.example");
        var monday = new DateTimeOffset(2026, 10, 26, 7, 0, 0, TimeSpan.Zero);
        Assert.Equal(1, await world.RunAtAsync(monday));

        world.Restart();
        Assert.Equal(0, await world.RunAtAsync(monday + TimeSpan.FromMinutes(1)));
        world.Restart();
        Assert.Equal(0, await world.RunAtAsync(monday + TimeSpan.FromHours(3)));

        Assert.Single(world.Generator.Calls);
        Assert.Single(Directory.GetFiles(world.Folder, "*.pdf"));
        Assert.Equal(1, (await world.Store.MailOutbox.GetStatusAsync(ReportWorld.None)).Waiting);
    }

    [Fact]
    public async Task Restart_AfterMissedOccurrences_TheLatestIsCaughtUpOnce()
    {
        using var world = new ReportWorld(BeforeChange, o => o.Governors.Enabled = false);
        Assert.Equal(1, await world.RunAtAsync(new DateTimeOffset(2026, 10, 26, 7, 0, 0, TimeSpan.Zero))); // W43

        // The console is down from then until Tuesday 10 November: 2 and 9 November are missed.
        world.Restart();
        Assert.Equal(1, await world.RunAtAsync(new DateTimeOffset(2026, 11, 10, 9, 30, 0, TimeSpan.Zero)));
        Assert.Equal(0, await world.Scheduler.RunDueAsync(ReportWorld.None));
        world.Restart();
        Assert.Equal(0, await world.RunAtAsync(new DateTimeOffset(2026, 11, 10, 9, 31, 0, TimeSpan.Zero)));

        Assert.Equal(["weekly 2026-W43 site -", "weekly 2026-W45 site -"], world.Generator.Calls);
    }

    [Fact]
    public async Task TwoSites_OneFails_ConsoleRestarts_TheFailedSitesWeekIsStillMade()
    {
        using var world = new ReportWorld(BeforeChange, o => o.Governors.Enabled = false);
        await world.Store.Sites.CreateSiteAsync("Main", ReportWorld.None);
        await world.Store.Sites.CreateSiteAsync("Annexe", ReportWorld.None);
        world.Generator.FailNext = 1; // the first site's report fails, the second's is kept
        var monday = new DateTimeOffset(2026, 10, 26, 7, 0, 0, TimeSpan.Zero);

        Assert.Equal(0, await world.RunAtAsync(monday));
        Assert.Single((await world.Store.Reports.ListAsync([ReportKind.Weekly], 0, 10, ReportWorld.None)).Reports);

        world.Clock.Set(monday + TimeSpan.FromMinutes(10));
        world.Restart(); // the retry was in memory only
        Assert.Equal(1, await world.Scheduler.RunDueAsync(ReportWorld.None));

        var kept = (await world.Store.Reports.ListAsync([ReportKind.Weekly], 0, 10, ReportWorld.None)).Reports;
        Assert.Equal(["Annexe", "Main"], kept.Select(r => r.SiteName).Order(StringComparer.Ordinal));
        Assert.Empty(world.Scheduler.Failures);
        Assert.Equal(3, world.Generator.Calls.Count); // the kept site's report is not made again
    }

    [Fact]
    public async Task KeptWithoutItsEmail_AfterRestart_TheEmailIsQueued_Once()
    {
        using var world = new ReportWorld(BeforeChange, o =>
        {
            o.Governors.Enabled = false;
            o.Weekly.Recipients = ["tech@school.example"];
        }); // no SMTP server set: the report is kept, its e-mail not queued
        var monday = new DateTimeOffset(2026, 10, 26, 7, 0, 0, TimeSpan.Zero);
        Assert.Equal(1, await world.RunAtAsync(monday));
        Assert.Equal(0, (await world.Store.MailOutbox.GetStatusAsync(ReportWorld.None)).Waiting);

        world.SmtpPort = AiosmtpdServer.FreePort(); // as if queuing had failed after keeping: the e-mail is missing
        world.Clock.Set(monday + TimeSpan.FromMinutes(5));
        world.Restart();
        Assert.Equal(0, await world.Scheduler.RunDueAsync(ReportWorld.None));
        world.Restart();
        Assert.Equal(0, await world.Scheduler.RunDueAsync(ReportWorld.None));

        Assert.Equal(1, (await world.Store.MailOutbox.GetStatusAsync(ReportWorld.None)).Waiting);
        var report = Assert.Single((await world.Store.Reports.ListAsync([ReportKind.Weekly], 0, 10, ReportWorld.None)).Reports);
        Assert.Equal(ReportMailState.Waiting, report.MailState);
        Assert.Single(world.Generator.Calls);
    }

    [Fact]
    public async Task StillFailingAtTheNextOccurrence_TheOlderWeekIsRetriedNotDropped_AndStaysOnTheCard()
    {
        using var world = new ReportWorld(BeforeChange, o => o.Governors.Enabled = false);
        world.Generator.FailNext = 2;

        Assert.Equal(0, await world.RunAtAsync(new DateTimeOffset(2026, 10, 26, 7, 0, 0, TimeSpan.Zero))); // W43 fails
        Assert.Equal(1, await world.RunAtAsync(new DateTimeOffset(2026, 11, 2, 7, 0, 0, TimeSpan.Zero))); // W43 fails again, W44 kept
        var failure = Assert.Single(world.Scheduler.Failures);
        Assert.Contains("19 Oct", failure.Period, StringComparison.Ordinal);
        Assert.DoesNotContain("26 Oct", failure.Period, StringComparison.Ordinal);

        Assert.Equal(1, await world.RunAtAsync(new DateTimeOffset(2026, 11, 2, 8, 0, 0, TimeSpan.Zero))); // the retry: W43 kept
        Assert.Empty(world.Scheduler.Failures);
        Assert.Equal(["weekly 2026-W43 site -", "weekly 2026-W43 site -", "weekly 2026-W44 site -", "weekly 2026-W43 site -"], world.Generator.Calls);
    }

    [Fact]
    public async Task NewAppliance_NoReportsForBeforeItWasInstalled_TheFirstAtTheNextOccurrence()
    {
        using var world = new ReportWorld(new DateTimeOffset(2026, 10, 27, 9, 0, 0, TimeSpan.Zero), o => o.Governors.Enabled = false); // a Tuesday

        Assert.Equal(0, await world.Scheduler.RunDueAsync(ReportWorld.None));
        Assert.Equal(1, await world.RunAtAsync(new DateTimeOffset(2026, 11, 2, 7, 0, 0, TimeSpan.Zero)));
        Assert.Equal(["weekly 2026-W44 site -"], world.Generator.Calls);
    }

    [Fact]
    public async Task SeveralSites_OneWeeklyReportEach()
    {
        using var world = new ReportWorld(BeforeChange, o => o.Governors.Enabled = false);
        var main = await world.Store.Sites.CreateSiteAsync("Main", ReportWorld.None);
        var annexe = await world.Store.Sites.CreateSiteAsync("Annexe", ReportWorld.None);

        Assert.Equal(2, await world.RunAtAsync(new DateTimeOffset(2026, 10, 26, 7, 0, 0, TimeSpan.Zero)));

        Assert.Equal(new[] { $"weekly 2026-W43 site {annexe.Id}", $"weekly 2026-W43 site {main.Id}" }.Order(StringComparer.Ordinal), world.Generator.Calls.Order(StringComparer.Ordinal));
        var kept = (await world.Store.Reports.ListAsync([ReportKind.Weekly], 0, 10, ReportWorld.None)).Reports;
        Assert.Equal(["Annexe", "Main"], kept.Select(r => r.SiteName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task FailedGeneration_RetriedAtAGrowingDelay_ShownToTheTechnicianOnly_ThenKept()
    {
        using var world = new ReportWorld(BeforeChange, o => o.Governors.Enabled = false);
        var status = new ReportStatusService(world.Scheduler, world.Reports, world.Mailer, Microsoft.Extensions.Options.Options.Create(world.Options), Microsoft.Extensions.Options.Options.Create(world.Mail));
        var technician = new ConsoleUser(1, "tech", "Tech", new HashSet<Role> { Role.Technician }, false);
        var governor = new ConsoleUser(2, "gov", "Gov", new HashSet<Role> { Role.Governor }, false);
        world.Generator.FailNext = 2;
        var monday = new DateTimeOffset(2026, 10, 26, 7, 0, 0, TimeSpan.Zero);

        Assert.Equal(0, await world.RunAtAsync(monday));
        var failure = Assert.Single(world.Scheduler.Failures);
        Assert.Equal((ReportKind.Weekly, 1, monday + TimeSpan.FromMinutes(1)), (failure.Kind, failure.Attempts, failure.RetryAt));
        var card = status.Read(technician);
        Assert.NotNull(card);
        Assert.Contains("The weekly traffic report for Mon 19 Oct – Sun 25 Oct 2026 could not be generated", card.Headline, StringComparison.Ordinal);
        Assert.Contains(ReportFailureWords.Unexpected, card.Headline, StringComparison.Ordinal); // a fixed sentence, not the exception's text
        Assert.DoesNotContain("Chromium exited", card.Headline, StringComparison.Ordinal);
        Assert.Null(status.Read(governor));

        Assert.Equal(0, await world.RunAtAsync(monday + TimeSpan.FromSeconds(59))); // waiting out the first delay
        Assert.Single(world.Generator.Calls);
        Assert.Equal(0, await world.RunAtAsync(monday + TimeSpan.FromMinutes(1)));
        Assert.Equal((2, monday + TimeSpan.FromMinutes(3)), (world.Scheduler.Failures[0].Attempts, world.Scheduler.Failures[0].RetryAt)); // 2 minutes after
        Assert.Equal(0, await world.RunAtAsync(monday + TimeSpan.FromMinutes(2)));
        Assert.Equal(1, await world.RunAtAsync(monday + TimeSpan.FromMinutes(3)));

        Assert.Equal(3, world.Generator.Calls.Count);
        Assert.Empty(world.Scheduler.Failures);
        Assert.Null(status.Read(technician));
        Assert.Empty(Directory.GetFiles(world.Folder, ".*")); // no half-written file left behind
    }

    [Fact]
    public async Task RetentionSweep_DeletesOldFilesNoRowNames_AndCrashLeftPartFiles_NeverAFreshOneOrAKeptOne()
    {
        using var world = new ReportWorld(BeforeChange);
        var kept = await world.Archive.KeepWeeklyAsync(null, new IsoWeek(2026, 42), ReportTrigger.Manual, null, ReportWorld.None);
        var old = world.Clock.GetUtcNow().UtcDateTime - TimeSpan.FromDays(1);
        string WriteFile(string name, bool aged)
        {
            var path = Path.Combine(world.Folder, name);
            File.WriteAllBytes(path, FakeReportGenerator.Pdf(name));
            File.SetLastWriteTimeUtc(path, aged ? old : world.Clock.GetUtcNow().UtcDateTime);
            return path;
        }

        var orphan = WriteFile("weekly-2026-w40-20261005-070000.pdf", aged: true);
        var part = WriteFile(".0123456789abcdef0123456789abcdef.part.pdf", aged: true);
        var fresh = WriteFile("weekly-2026-w41-20261012-070000.pdf", aged: false);
        File.SetLastWriteTimeUtc(world.Archive.PathOf(kept), old);

        await world.Archive.SweepAsync(world.Clock.GetUtcNow(), ReportWorld.None);

        Assert.False(File.Exists(orphan));
        Assert.False(File.Exists(part));
        Assert.True(File.Exists(fresh)); // perhaps a generation's, its row not written yet
        Assert.True(File.Exists(world.Archive.PathOf(kept)));
    }

    [Fact]
    public async Task RetentionSweep_DeletesFileAndRowOfTheKindPastItsDays_KeepsTheOthers()
    {
        using var world = new ReportWorld(BeforeChange, o =>
        {
            o.Weekly.RetentionDays = 7;
            o.Governors.RetentionDays = 30;
        });
        var old = await world.Archive.KeepWeeklyAsync(null, new IsoWeek(2026, 42), ReportTrigger.Manual, null, ReportWorld.None);
        var governors = await world.Archive.KeepGovernorsAsync(new DateOnly(2026, 9, 1), new DateOnly(2026, 9, 30), ReportTrigger.Manual, null, ReportWorld.None);
        world.Clock.Advance(TimeSpan.FromDays(6));
        var recent = await world.Archive.KeepWeeklyAsync(null, new IsoWeek(2026, 43), ReportTrigger.Manual, null, ReportWorld.None);

        world.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1)); // the first is now 7 days and a minute old
        Assert.Equal(1, await world.Archive.SweepAsync(world.Clock.GetUtcNow(), ReportWorld.None));

        Assert.False(File.Exists(world.Archive.PathOf(old)));
        Assert.Null(await world.Store.Reports.GetAsync(old.Id, ReportWorld.None));
        Assert.True(File.Exists(world.Archive.PathOf(recent)));
        Assert.True(File.Exists(world.Archive.PathOf(governors)));
        Assert.Equal(0, await world.Archive.SweepAsync(world.Clock.GetUtcNow(), ReportWorld.None));
    }

    [Fact]
    public async Task KeptFile_OwnerOnly_NamedFromKindAndPeriod_DigestOfTheBytes()
    {
        using var world = new ReportWorld(BeforeChange);
        var site = await world.Store.Sites.CreateSiteAsync("Main", ReportWorld.None);
        var report = await world.Archive.KeepWeeklyAsync(site.Id, new IsoWeek(2026, 42), ReportTrigger.Manual, null, ReportWorld.None);

        Assert.Equal($"weekly-2026-w42-site-{site.Id}-20261019-130000.pdf", report.FileName); // school time: 13:00 BST
        var path = world.Archive.PathOf(report);
        var bytes = await File.ReadAllBytesAsync(path);
        Assert.Equal(bytes.Length, report.Bytes);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), report.Sha256);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(world.Folder));
        }

        var again = await world.Archive.KeepWeeklyAsync(site.Id, new IsoWeek(2026, 42), ReportTrigger.Manual, null, ReportWorld.None); // same second
        Assert.Equal($"weekly-2026-w42-site-{site.Id}-20261019-130000-2.pdf", again.FileName);
    }

    [Theory]
    [InlineData("0 7 * * 1", "Every Monday at 07:00")]
    [InlineData("30 6 * * 0", "Every Sunday at 06:30")]
    [InlineData("0 7 * * 7", "Every Sunday at 07:00")]
    [InlineData("0 7 1 * *", "On the 1st of every month at 07:00")]
    [InlineData("0 18 22 * *", "On the 22nd of every month at 18:00")]
    [InlineData("0 7 11 * *", "On the 11th of every month at 07:00")]
    [InlineData("15 8 * * *", "Every day at 08:15")]
    [InlineData("0 7 * * 1-5", "On the schedule '0 7 * * 1-5'")]
    [InlineData("*/5 * * * *", "On the schedule '*/5 * * * *'")]
    [InlineData("0 7 1 1 *", "On the schedule '0 7 1 1 *'")]
    public void Describe_CommonSchedules_InWords(string cron, string words) => Assert.Equal(words, ReportSchedule.Describe(cron));
}

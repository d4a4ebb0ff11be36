using ClassroomGuard.Storage.State;
using ClassroomGuard.Storage.State.Internal;
using Microsoft.Data.Sqlite;

namespace ClassroomGuard.Storage.Tests.State;

/// <summary>
/// The kept reports (V10): one scheduled report per kind, site and period; the mail state followed through the outbox
/// (also after it prunes a sent message); pages by kind; the retention sweep's list; the table's checks refusing a file
/// name that could leave the folder; a V9 database migrates.
/// </summary>
public sealed class ReportRepositoryTests
{
    private static readonly DateOnly Monday = new(2026, 11, 30);
    private static readonly DateOnly Sunday = new(2026, 12, 6);

    private static CancellationToken Token => StateTestContext.Token;

    [Fact]
    public async Task AddAsync_Scheduled_OncePerKindSiteAndPeriod_ManualAlwaysKept()
    {
        using var context = new StateTestContext();
        var reports = context.Store.Reports;
        var site = await context.Store.Sites.CreateSiteAsync("Main", Token);
        var teacher = await context.UserAsync("tech", Role.Technician);
        var revision = await context.Store.GetRevisionAsync(Token);

        var first = await reports.AddAsync(Weekly("weekly-2026-w49-site-1.pdf", site.Id, ReportTrigger.Schedule), Token);
        Assert.NotNull(first);
        Assert.Null(await reports.AddAsync(Weekly("weekly-2026-w49-site-1-b.pdf", site.Id, ReportTrigger.Schedule), Token));
        Assert.NotNull(await reports.AddAsync(Weekly("weekly-2026-w49.pdf", null, ReportTrigger.Schedule), Token)); // another site (the whole appliance)
        var manual = await reports.AddAsync(Weekly("weekly-2026-w49-site-1-m.pdf", site.Id, ReportTrigger.Manual, teacher.Id), Token);

        Assert.Equal((ReportKind.Weekly, site.Id, "Main", Monday, Sunday, ReportTrigger.Schedule, (long?)null),
            (first!.Kind, first.SiteId, first.SiteName, first.First, first.Last, first.Trigger, first.GeneratedBy));
        Assert.Equal(context.Clock.Now, first.GeneratedAt);
        Assert.Equal(("tech", ReportTrigger.Manual), (manual!.GeneratedByName, manual.Trigger));
        Assert.Equal(first.Id, (await reports.FindScheduledAsync(ReportKind.Weekly, site.Id, Monday, Sunday, Token))!.Id);
        Assert.Null(await reports.FindScheduledAsync(ReportKind.Governors, site.Id, Monday, Sunday, Token));
        Assert.Equal(context.Clock.Now, await reports.LastScheduledAtAsync(ReportKind.Weekly, Token));
        Assert.Null(await reports.LastScheduledAtAsync(ReportKind.Governors, Token));
        Assert.Equal(revision, await context.Store.GetRevisionAsync(Token)); // nothing the DNS filter acts on
    }

    [Fact]
    public async Task MailState_FollowsTheOutbox_SentStaysSentAfterThePrune()
    {
        using var context = new StateTestContext();
        var store = context.Store;
        var report = (await store.Reports.AddAsync(Weekly("weekly-2026-w49.pdf", null, ReportTrigger.Schedule), Token))!;
        Assert.Equal((ReportMailState.NotMailed, 0), (report.MailState, report.MailRecipients));

        var mail = await store.MailOutbox.EnqueueAsync(new NewMail(MailKind.Report, ["a@school.example", "b@school.example"], "s", "b", AttachmentPath: "/x.pdf"), Token);
        Assert.True(await store.Reports.SetMailAsync(report.Id, mail, 2, Token));
        Assert.Equal((ReportMailState.Waiting, 2), await State());
        await store.MailOutbox.MarkFailedAsync(mail, "could not connect", TimeSpan.FromMinutes(1), TimeSpan.FromHours(1), Token);
        Assert.Equal((ReportMailState.Failing, 2), await State());
        Assert.Equal("could not connect", (await store.Reports.GetAsync(report.Id, Token))!.MailError);
        await store.MailOutbox.MarkSentAsync(mail, Token);
        Assert.Equal((ReportMailState.Sent, 2), await State());

        context.Clock.Advance(TimeSpan.FromDays(40));
        Assert.Equal(1, await store.MailOutbox.PruneSentAsync(context.Clock.Now, Token));
        Assert.Equal((ReportMailState.Sent, 2), await State());

        async Task<(ReportMailState, int)> State()
        {
            var r = (await store.Reports.GetAsync(report.Id, Token))!;
            return (r.MailState, r.MailRecipients);
        }
    }

    [Fact]
    public async Task ListAsync_OnlyTheKindsAsked_NewestFirst_Paged()
    {
        using var context = new StateTestContext();
        var reports = context.Store.Reports;
        for (var i = 0; i < 5; i++)
        {
            await reports.AddAsync(Weekly($"weekly-{i}.pdf", null, ReportTrigger.Manual), Token);
            context.Clock.Advance(TimeSpan.FromMinutes(1));
            await reports.AddAsync(new NewReport(ReportKind.Governors, null, new(2026, 11, 1), new(2026, 11, 30), "Governors' report", $"governors-{i}.pdf", 10, Hash, ReportTrigger.Manual, null), Token);
            context.Clock.Advance(TimeSpan.FromMinutes(1));
        }

        var weekly = await reports.ListAsync([ReportKind.Weekly], 0, 3, Token);
        Assert.Equal(5, weekly.Total);
        Assert.Equal(["weekly-4.pdf", "weekly-3.pdf", "weekly-2.pdf"], weekly.Reports.Select(r => r.FileName));
        Assert.Equal(["weekly-1.pdf", "weekly-0.pdf"], (await reports.ListAsync([ReportKind.Weekly], 3, 3, Token)).Reports.Select(r => r.FileName));
        Assert.All((await reports.ListAsync([ReportKind.Governors], 0, 10, Token)).Reports, r => Assert.Equal(ReportKind.Governors, r.Kind));
        Assert.Equal(10, (await reports.ListAsync([ReportKind.Weekly, ReportKind.Governors], 0, 10, Token)).Total);
        Assert.Equal(new KeptReportPage([], 0), await reports.ListAsync([], 0, 10, Token));

        var old = await reports.ListGeneratedBeforeAsync(ReportKind.Weekly, context.Clock.Now - TimeSpan.FromMinutes(5), Token);
        Assert.Equal(["weekly-0.pdf", "weekly-1.pdf", "weekly-2.pdf"], old.Select(r => r.FileName));
        Assert.True(await reports.DeleteAsync(old[0].Id, Token));
        Assert.False(await reports.DeleteAsync(old[0].Id, Token));
        Assert.Equal(9, (await reports.ListFileNamesAsync(Token)).Count);
    }

    [Theory]
    [InlineData("../etc/passwd.pdf")]
    [InlineData("/etc/passwd")]
    [InlineData(".hidden.pdf")]
    [InlineData("Weekly report.pdf")]
    [InlineData("a.p")]
    [InlineData("weekly\u0000.pdf")]
    public async Task AddAsync_FileNameThatCouldLeaveTheFolderOrIsNotOurs_Refused(string name)
    {
        using var context = new StateTestContext();
        await Assert.ThrowsAsync<ArgumentException>(() => context.Store.Reports.AddAsync(Weekly(name, null, ReportTrigger.Manual), Token));
    }

    [Fact]
    public async Task AddAsync_BadPeriodOrHash_Refused()
    {
        using var context = new StateTestContext();
        await Assert.ThrowsAsync<ArgumentException>(() => context.Store.Reports.AddAsync(Weekly("w.pdf", null, ReportTrigger.Manual) with { First = Sunday, Last = Monday }, Token));
        await Assert.ThrowsAsync<SqliteException>(() => context.Store.Reports.AddAsync(Weekly("w.pdf", null, ReportTrigger.Manual) with { Sha256 = "ABC" }, Token));
    }

    [Fact]
    public async Task Open_V9Database_MigratesToV10WithAnEmptyReportsTable()
    {
        using var context = new StateTestContext();
        using (var connection = new SqliteConnection($"Data Source={context.DbPath};Pooling=False"))
        {
            connection.Open();
            StateMigrations.Migrate(connection, 9, 0);
        }

        Assert.Equal(StateStore.LatestSchemaVersion, context.Store.SchemaVersion);
        Assert.True(StateStore.LatestSchemaVersion >= 10);
        Assert.Equal(0L, context.RawScalar("SELECT count(*) FROM reports"));
        Assert.Equal(0, (await context.Store.Reports.ListAsync([ReportKind.Weekly], 0, 5, Token)).Total);
    }

    private const string Hash = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private static NewReport Weekly(string file, long? site, ReportTrigger trigger, long? by = null)
        => new(ReportKind.Weekly, site, Monday, Sunday, "Weekly traffic report, Mon 30 Nov – Sun 6 Dec 2026", file, 1234, Hash, trigger, by);
}

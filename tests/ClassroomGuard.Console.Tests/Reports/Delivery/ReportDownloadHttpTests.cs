using System.Net;
using ClassroomGuard.Console.Reports;
using ClassroomGuard.Console.Reports.Delivery;
using ClassroomGuard.Console.Reports.Printing;
using ClassroomGuard.Console.Tests.Support;
using ClassroomGuard.Storage.State;
using ClassroomGuard.Storage.Tests.TimeSeries.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ClassroomGuard.Console.Tests.Reports.Delivery;

/// <summary>A console whose report printer is the fake one (these tests are about roles, queries and headers, not printing).</summary>
public sealed class ReportsConsoleFixture : IAsyncDisposable
{
    internal ConsoleFactory Factory { get; } = new(new Uri($"http://127.0.0.1:{InfluxdServer.FreePort()}"))
    {
        TestServices = services =>
        {
            services.RemoveAll<IReportGenerator>();
            services.AddSingleton<IReportGenerator>(new FakeReportGenerator());
        },
    };

    public ValueTask DisposeAsync() => Factory.DisposeAsync();
}

/// <summary>
/// The report downloads and the Reports page over HTTP for every role: a teacher is refused everything; a governor gets
/// no weekly report (a kept one is a 404, as if it did not exist); a technician no governors' report; the safeguarding
/// lead and administrators both. Bad query values are a 400 with the reason. PDFs are attachments with a readable
/// name, never cached, and each download is on the audit log.
/// </summary>
public sealed class ReportDownloadHttpTests(ReportsConsoleFixture fixture) : IClassFixture<ReportsConsoleFixture>
{
    private ConsoleFactory Factory => fixture.Factory;

    public static TheoryData<Role, bool, bool> Roles() => new()
    {
        { Role.Teacher, false, false },
        { Role.Technician, true, false },
        { Role.Governor, false, true },
        { Role.SafeguardingLead, true, true },
        { Role.Administrator, true, true },
    };

    [Theory]
    [MemberData(nameof(Roles))]
    public async Task EveryRole_GetsOnlyItsKinds_KeptAndOnDemand(Role role, bool weekly, bool governors)
    {
        var (keptWeekly, keptGovernors) = await KeptAsync();
        using var session = await SessionAsync(role);

        using var weeklyKept = await session.GetAsync(ReportDownloads.KeptPath(keptWeekly.Id));
        using var governorsKept = await session.GetAsync(ReportDownloads.KeptPath(keptGovernors.Id));
        using var weeklyNow = await session.GetAsync("/reports/weekly.pdf?week=2025-W10");
        using var governorsNow = await session.GetAsync("/reports/governors.pdf?from=2025-09-01&to=2025-12-19");
        using var page = await session.GetAsync("/reports");

        var refusedKept = role == Role.Teacher ? HttpStatusCode.Forbidden : HttpStatusCode.NotFound; // a teacher may not ask at all
        Assert.Equal(weekly ? HttpStatusCode.OK : refusedKept, weeklyKept.StatusCode);
        Assert.Equal(governors ? HttpStatusCode.OK : refusedKept, governorsKept.StatusCode);
        Assert.Equal(weekly ? HttpStatusCode.OK : HttpStatusCode.Forbidden, weeklyNow.StatusCode);
        Assert.Equal(governors ? HttpStatusCode.OK : HttpStatusCode.Forbidden, governorsNow.StatusCode);
        Assert.Equal(role == Role.Teacher ? HttpStatusCode.Forbidden : HttpStatusCode.OK, page.StatusCode);
        foreach (var response in new[] { weeklyKept, governorsKept, weeklyNow, governorsNow }.Where(r => r.StatusCode == HttpStatusCode.OK))
        {
            await AssertPdfAsync(response);
        }

        if (!weekly && role != Role.Teacher)
        {
            // The same answer as for a report that does not exist: nothing tells a governor a weekly report is there.
            using var none = await session.GetAsync(ReportDownloads.KeptPath(long.MaxValue));
            Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
            Assert.Equal(await none.Content.ReadAsStringAsync(), await weeklyKept.Content.ReadAsStringAsync());
        }

        if (role != Role.Teacher)
        {
            var html = await page.Content.ReadAsStringAsync();
            Assert.Equal(weekly, html.Contains("data-report-kind=\"Weekly\"", StringComparison.Ordinal));
            Assert.Equal(governors, html.Contains("data-report-kind=\"Governors\"", StringComparison.Ordinal));
            Assert.Equal(weekly, html.Contains("href=\"/reports/weekly\"", StringComparison.Ordinal));
            Assert.Equal(governors, html.Contains("href=\"/reports/governors\"", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Download_KeptReport_AttachmentWithItsTitle_NoCache_BytesOfTheKeptFile_OnTheAuditLog()
    {
        var (keptWeekly, _) = await KeptAsync();
        using var session = await SessionAsync(Role.Technician);

        using var response = await session.GetAsync(ReportDownloads.KeptPath(keptWeekly.Id));

        await AssertPdfAsync(response);
        var disposition = response.Content.Headers.ContentDisposition!;
        Assert.Equal("attachment", disposition.DispositionType);
        Assert.Equal("Weekly traffic report, Mon 2 Mar – Sun 8 Mar 2026.pdf", disposition.FileNameStar);
        var archive = Factory.Services.GetRequiredService<ReportArchive>();
        Assert.Equal(await File.ReadAllBytesAsync(archive.PathOf(keptWeekly)), await response.Content.ReadAsByteArrayAsync());
        var audit = await ConsoleSession.Store(Factory).AdminAudit.ListAsync(50, CancellationToken.None);
        Assert.Contains(audit, e => e.Action == ReportDownloads.AuditKey && e.Target == $"the report '{keptWeekly.Title}'" && e.ActorName == session.UserName);
    }

    [Fact]
    public async Task OnDemand_KeptAsManual_ByThePerson_AndListedForThem()
    {
        using var session = await SessionAsync(Role.Governor);
        var store = ConsoleSession.Store(Factory);
        var user = await store.Users.FindByNameAsync(session.UserName, CancellationToken.None);

        using var response = await session.GetAsync("/reports/governors.pdf?from=2025-01-06&to=2025-04-04");

        await AssertPdfAsync(response);
        var page = await store.Reports.ListAsync([ReportKind.Governors], 0, 100, CancellationToken.None);
        var kept = Assert.Single(page.Reports, r => r.First == new DateOnly(2025, 1, 6) && r.Last == new DateOnly(2025, 4, 4));
        Assert.Equal((ReportTrigger.Manual, user!.Id, ReportMailState.NotMailed), (kept.Trigger, kept.GeneratedBy, kept.MailState));
    }

    [Theory]
    [InlineData("/reports/weekly.pdf", "Give the week as YYYY-Www")]
    [InlineData("/reports/weekly.pdf?week=", "Give the week as YYYY-Www")]
    [InlineData("/reports/weekly.pdf?week=2026-W99", "2026 has weeks 1 to 53")]
    [InlineData("/reports/weekly.pdf?week=2026-W00", "has weeks 1 to")]
    [InlineData("/reports/weekly.pdf?week=banana", "Write the week as YYYY-Www")]
    [InlineData("/reports/weekly.pdf?week=2026-W4%00", "Write the week as YYYY-Www")]
    [InlineData("/reports/weekly.pdf?week=%27%3B--", "Write the week as YYYY-Www")]
    [InlineData("/reports/weekly.pdf?week=9998-W01", "has not started yet")]
    [InlineData("/reports/weekly.pdf?week=2025-W10&week=2025-W11", "week is given 2 times")]
    [InlineData("/reports/weekly.pdf?week=2025-W10&site=abc", "site must be a site's number")]
    [InlineData("/reports/weekly.pdf?week=2025-W10&site=-1", "site must be a site's number")]
    [InlineData("/reports/weekly.pdf?week=2025-W10&site=99999999999999999999", "site must be a site's number")]
    [InlineData("/reports/weekly.pdf?week=2025-W10&site=987654", "There is no such site")]
    [InlineData("/reports/governors.pdf", "Give the first day")]
    [InlineData("/reports/governors.pdf?from=2025-09-01", "Give the last day")]
    [InlineData("/reports/governors.pdf?from=2025-13-01&to=2025-12-31", "from must be a day written YYYY-MM-DD")]
    [InlineData("/reports/governors.pdf?from=2025-09-01&to=31/12/2025", "to must be a day written YYYY-MM-DD")]
    [InlineData("/reports/governors.pdf?from=2025-09-01T00:00&to=2025-12-31", "from must be a day written YYYY-MM-DD")]
    [InlineData("/reports/governors.pdf?from=2025-09-01%00&to=2025-12-31", "from must be a day written YYYY-MM-DD")]
    [InlineData("/reports/governors.pdf?from=2025-09-01&to=2025-12-3", "to must be a day written YYYY-MM-DD")]
    [InlineData("/reports/governors.pdf?from=2025-12-31&to=2025-09-01", "The last day is before the first")]
    [InlineData("/reports/governors.pdf?from=2024-01-01&to=2025-12-31", "at most 400 days")]
    [InlineData("/reports/governors.pdf?from=9998-01-01&to=9998-01-31", "has not started yet")]
    [InlineData("/reports/governors.pdf?from=2025-09-01&from=2025-09-02&to=2025-12-31", "from is given 2 times")]
    public async Task BadQueryValue_Is400WithTheReason_NothingGenerated(string path, string reason)
    {
        using var session = await SessionAsync(Role.Administrator);
        var before = (await ConsoleSession.Store(Factory).Reports.ListAsync([ReportKind.Weekly, ReportKind.Governors], 0, 1, CancellationToken.None)).Total;

        using var response = await session.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Null(response.Content.Headers.ContentDisposition);
        Assert.Equal(before, (await ConsoleSession.Store(Factory).Reports.ListAsync([ReportKind.Weekly, ReportKind.Governors], 0, 1, CancellationToken.None)).Total);
    }

    [Fact]
    public async Task Anonymous_RedirectedToSignIn()
    {
        using var anonymous = ConsoleSession.Anonymous(Factory);

        using var kept = await anonymous.GetAsync("/reports/1/pdf");
        using var weekly = await anonymous.GetAsync("/reports/weekly.pdf?week=2025-W10");

        Assert.Equal(HttpStatusCode.Redirect, kept.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, weekly.StatusCode);
        Assert.StartsWith("/signin", ConsoleSession.LocationOf(kept), StringComparison.Ordinal);
    }

    private static async Task AssertPdfAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.EndsWith(".pdf", response.Content.Headers.ContentDisposition?.FileNameStar, StringComparison.Ordinal);
        Assert.True(response.Headers.CacheControl?.NoStore, "a report must not be cached");
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal("%PDF-"u8.ToArray(), bytes[..5]);
    }

    private async Task<(KeptReport Weekly, KeptReport Governors)> KeptAsync()
    {
        var archive = Factory.Services.GetRequiredService<ReportArchive>();
        _ = Factory.Server;
        var weekly = await archive.KeepWeeklyAsync(null, new IsoWeek(2026, 10), ReportTrigger.Schedule, null, CancellationToken.None);
        var governors = await archive.KeepGovernorsAsync(new DateOnly(2026, 2, 1), new DateOnly(2026, 2, 28), ReportTrigger.Schedule, null, CancellationToken.None);
        return (weekly, governors);
    }

    private async Task<NamedSession> SessionAsync(Role role)
    {
        var name = "http.reports." + role.ToString().ToLowerInvariant();
        await ConsoleSession.EnsureUserAsync(Factory, name, role);
        return new NamedSession(await ConsoleSession.SignInAsync(Factory, name), name);
    }

    private sealed class NamedSession(ConsoleSession session, string userName) : IDisposable
    {
        public string UserName { get; } = userName;

        public Task<HttpResponseMessage> GetAsync(string path) => session.GetAsync(path);

        public void Dispose() => session.Dispose();
    }
}

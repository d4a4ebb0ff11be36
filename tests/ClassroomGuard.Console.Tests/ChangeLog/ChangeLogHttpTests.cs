using System.Net;
using ClassroomGuard.Console.ChangeLog;
using ClassroomGuard.Console.Tests.Support;
using ClassroomGuard.Storage.State;
using CsvHelper;

namespace ClassroomGuard.Console.Tests.ChangeLog;

/// <summary>The change-control log and Approvals over HTTP, for every role; the CSV export authorised like the page.</summary>
public sealed class ChangeLogHttpTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    private ConsoleFactory Factory => fixture.Factory;

    [Theory]
    [InlineData(Role.Governor)]
    [InlineData(Role.SafeguardingLead)]
    [InlineData(Role.Technician)]
    [InlineData(Role.Administrator)]
    public async Task Log_RolesThatReadIt_GetThePageAndTheExport(Role role)
    {
        using var session = await SessionAsync(role);

        var html = await session.PageAsync("/change-log");
        using var export = await session.GetAsync("/change-log/export.csv?kind=All");

        Assert.Contains(">Change-control log</h1>", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/change-log\"", html, StringComparison.Ordinal); // the navigation links it
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("text/csv", export.Content.Headers.ContentType?.MediaType);
        using var reader = CsvReader.Create(await export.Content.ReadAsStreamAsync());
        Assert.NotNull(reader.GetRecords<ChangeLogCsvRow>().ToList());
    }

    [Fact]
    public async Task Log_Teacher_Is403_PageAndExport()
    {
        using var teacher = await SessionAsync(Role.Teacher);

        using var page = await teacher.GetAsync("/change-log");
        using var export = await teacher.GetAsync("/change-log/export.csv");
        var home = await teacher.PageAsync("/");

        Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, export.StatusCode);
        Assert.DoesNotContain("href=\"/change-log\"", home, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Approvals_Governor_Is403_AndNoLinkToIt()
    {
        using var governor = await SessionAsync(Role.Governor);

        using var approvals = await governor.GetAsync("/admin/changes");
        var home = await governor.PageAsync("/");

        Assert.Equal(HttpStatusCode.Forbidden, approvals.StatusCode);
        Assert.DoesNotContain("href=\"/admin/changes\"", home, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_Anonymous_RedirectedToSignIn()
    {
        using var anonymous = ConsoleSession.Anonymous(Factory);

        using var export = await anonymous.GetAsync("/change-log/export.csv");

        Assert.Equal(HttpStatusCode.Redirect, export.StatusCode);
        Assert.StartsWith("/signin", ConsoleSession.LocationOf(export), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("kind=Everything")]
    [InlineData("from=yesterday")]
    [InlineData("from=2026-12-05&to=2026-12-01")]
    public async Task Export_MalformedFilter_Is400(string query)
    {
        using var governor = await SessionAsync(Role.Governor);

        using var export = await governor.GetAsync("/change-log/export.csv?" + query);

        Assert.Equal(HttpStatusCode.BadRequest, export.StatusCode);
    }

    [Fact]
    public async Task Export_ContainsAnApprovedChange_InWords()
    {
        var store = ConsoleSession.Store(Factory);
        await ConsoleSession.EnsureUserAsync(Factory, "http.log.sam", Role.Technician);
        await ConsoleSession.EnsureUserAsync(Factory, "http.log.kim", Role.Technician);
        var sam = await store.Users.FindByNameAsync("http.log.sam", CancellationToken.None);
        var kim = await store.Users.FindByNameAsync("http.log.kim", CancellationToken.None);
        var domain = $"export{Guid.NewGuid():N}.example";
        var proposed = await store.ChangeControl.ProposeAsync(sam!.Id, new SetDomainRuleChange(domain, null, RuleAction.Deny), "Export test", CancellationToken.None);
        await store.ChangeControl.ApproveAsync(kim!.Id, proposed.Entry!.ChangeId, "ok", CancellationToken.None);
        using var governor = await SessionAsync(Role.Governor);

        using var export = await governor.GetAsync("/change-log/export.csv?kind=PolicyChanges");
        using var reader = CsvReader.Create(await export.Content.ReadAsStreamAsync());
        var row = reader.GetRecords<ChangeLogCsvRow>().Single(r => r.ChangeId == proposed.Entry.ChangeId);

        Assert.Equal($"Always block {domain} for every group", row.What);
        Assert.Equal($"{domain} for every group: no rule (the categories decide) → always blocked", row.BeforeAfter);
        Assert.Equal("http.log.sam Name", row.ProposedBy);
        Assert.Equal("Approved by http.log.kim Name and applied", row.Outcome);
        Assert.Contains("attachment", export.Content.Headers.ContentDisposition?.DispositionType ?? string.Empty, StringComparison.Ordinal);
    }

    private async Task<ConsoleSession> SessionAsync(Role role)
    {
        var name = "http.log." + role.ToString().ToLowerInvariant();
        await ConsoleSession.EnsureUserAsync(Factory, name, role);
        return await ConsoleSession.SignInAsync(Factory, name);
    }
}

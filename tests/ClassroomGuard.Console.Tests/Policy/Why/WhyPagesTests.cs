using System.Net;
using ClassroomGuard.Console.Tests.Support;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Tests.Policy.Why;

/// <summary>
/// /policy/why and /policy/lists over HTTP: the roles that get them, the roles refused, and what they say when the DNS
/// filter is not running (this console has no filter: its control socket beside the test's state database does not exist).
/// </summary>
public sealed class WhyPagesTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    private ConsoleFactory Factory => fixture.Factory;

    [Theory]
    [InlineData(Role.Technician)]
    [InlineData(Role.Administrator)]
    [InlineData(Role.SafeguardingLead)]
    public async Task WhyPage_FilteringRoles_GetTheFormInteractively(Role role)
    {
        using var session = await SignInAsync(role);

        var html = await session.PageAsync("/policy/why");

        Assert.Contains(">Why is this blocked?</h1>", html, StringComparison.Ordinal);
        Assert.Contains("Ask about a site", html, StringComparison.Ordinal);
        Assert.Contains("<!--Blazor:{", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Role.Teacher, "/policy/why")]
    [InlineData(Role.Governor, "/policy/why")]
    [InlineData(Role.Teacher, "/policy/lists")]
    [InlineData(Role.Governor, "/policy/lists")]
    public async Task Pages_TeacherOrGovernor_Are403(Role role, string path)
    {
        using var session = await SignInAsync(role);

        using var response = await session.GetAsync(path);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task ListsPage_FilterNotRunning_SaysSoAndWhatToDo()
    {
        using var session = await SignInAsync(Role.SafeguardingLead);

        var html = WebUtility.HtmlDecode(await session.PageAsync("/policy/lists"));

        Assert.Contains(">Blocklists</h1>", html, StringComparison.Ordinal);
        Assert.Contains("The DNS filter cannot be asked.", html, StringComparison.Ordinal);
        Assert.Contains("systemctl start classroomguard-dnsfilter", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WhyPage_QueryForAGroup_AnswersOnArrivalAndSaysTheFilterIsNotRunning()
    {
        using var session = await SignInAsync(Role.Technician);

        var html = WebUtility.HtmlDecode(await session.PageAsync("/policy/why?domain=poki.com&group=ks3"));

        Assert.Contains("The DNS filter cannot be asked.", html, StringComparison.Ordinal);
        Assert.Contains("value=\"poki.com\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Navigation_SafeguardingLead_SeesWhyAndBlocklistsButNotApprovals()
    {
        using var session = await SignInAsync(Role.SafeguardingLead);

        var html = await session.PageAsync("/");

        Assert.Contains("href=\"/policy/why\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/policy/lists\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/admin/changes\"", html, StringComparison.Ordinal);
    }

    private async Task<ConsoleSession> SignInAsync(Role role)
    {
        var name = "whypages." + role.ToString().ToLowerInvariant();
        await ConsoleSession.EnsureUserAsync(Factory, name, role);
        return await ConsoleSession.SignInAsync(Factory, name);
    }
}

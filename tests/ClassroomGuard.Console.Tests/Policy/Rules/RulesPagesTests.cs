using System.Net;
using ClassroomGuard.Console.Tests.Support;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Tests.Policy.Rules;

/// <summary>
/// The two rules pages over HTTP: a technician or administrator gets each (interactive, its heading, a link in the
/// navigation); a teacher or governor is refused (403) and does not see the links.
/// </summary>
public sealed class RulesPagesTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    public static TheoryData<string, string> Pages => new()
    {
        { "/policy/membership", "Who is in which group" },
        { "/policy/domains", "Allow and deny lists" },
    };

    private ConsoleFactory Factory => fixture.Factory;

    [Theory]
    [InlineData(Role.Technician)]
    [InlineData(Role.Administrator)]
    public async Task TechnicianOrAdministrator_GetsBothPages_InteractiveWithLinksInTheMenu(Role role)
    {
        var name = "rules." + role.ToString().ToLowerInvariant();
        await ConsoleSession.EnsureUserAsync(Factory, name, role);
        using var session = await ConsoleSession.SignInAsync(Factory, name);

        foreach (var (path, heading) in new[] { ("/policy/membership", "Who is in which group"), ("/policy/domains", "Allow and deny lists") })
        {
            var html = await session.PageAsync(path);

            Assert.Contains($">{heading}</h1>", html, StringComparison.Ordinal);
            Assert.Contains("<!--Blazor:{", html, StringComparison.Ordinal);
            Assert.Contains("href=\"/policy/membership\"", html, StringComparison.Ordinal);
            Assert.Contains("href=\"/policy/domains\"", html, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(Role.Teacher)]
    [InlineData(Role.Governor)]
    [InlineData(Role.SafeguardingLead)]
    public async Task TeacherGovernorOrSafeguardingLead_BothPagesAre403AndTheMenuHasNoLinks(Role role)
    {
        var name = "rules.no." + role.ToString().ToLowerInvariant();
        await ConsoleSession.EnsureUserAsync(Factory, name, role);
        using var session = await ConsoleSession.SignInAsync(Factory, name);

        foreach (var path in new[] { "/policy/membership", "/policy/domains" })
        {
            using var response = await session.GetAsync(path);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }

        var home = await session.PageAsync("/");
        Assert.DoesNotContain("href=\"/policy/membership\"", home, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/policy/domains\"", home, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Anonymous_RedirectedToSignIn(string path, string heading)
    {
        using var session = ConsoleSession.Anonymous(Factory);

        using var response = await session.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/signin?", ConsoleSession.LocationOf(response), StringComparison.Ordinal);
        Assert.DoesNotContain(heading, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

using System.Net;
using ClassroomGuard.Console.Tests.Support;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Tests.Policy;

/// <summary>
/// The editor pages over HTTP, as the console serves them: a technician or administrator gets each (prerendered, then
/// interactive) with the navigation links to them; a teacher, governor or safeguarding lead is refused (403), and the
/// anonymous are sent to sign in.
/// </summary>
public sealed class PolicyPagesTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    public static TheoryData<string, string> Pages => new()
    {
        { "/policy/groups", "Filtering groups" },
        { "/policy/groups/ks3", "Pupils: Key Stage 3" },
        { "/policy/groups/no-such-group", "No such group" },
        { "/policy/calendar", "School calendar" },
    };

    public static TheoryData<string, Role> Refusals
    {
        get
        {
            var data = new TheoryData<string, Role>();
            foreach (var path in new[] { "/policy/groups", "/policy/groups/ks3", "/policy/calendar" })
            {
                foreach (var role in new[] { Role.Teacher, Role.Governor, Role.SafeguardingLead })
                {
                    data.Add(path, role);
                }
            }

            return data;
        }
    }

    private ConsoleFactory Factory => fixture.Factory;

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task TechnicianAndAdministrator_GetEachPage_WithItsHeadingInteractively(string path, string heading)
    {
        foreach (var role in new[] { Role.Technician, Role.Administrator })
        {
            using var session = await SessionAsync(role);

            var html = await session.PageAsync(path);

            Assert.Contains($">{heading}</h1>", html, StringComparison.Ordinal);
            Assert.Contains("<!--Blazor:{", html, StringComparison.Ordinal);
            Assert.Contains("href=\"/policy/groups\"", html, StringComparison.Ordinal); // the navigation's Filtering policy links
            Assert.Contains("href=\"/policy/calendar\"", html, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task OtherRoles_AreRefused403(string path, Role role)
    {
        using var session = await SessionAsync(role);

        using var response = await session.GetAsync(path);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain("href=\"/policy/groups\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Role.Teacher)]
    [InlineData(Role.Governor)]
    [InlineData(Role.SafeguardingLead)]
    public async Task OtherRoles_HomeNavigation_HasNoPolicyEditorLinks(Role role)
    {
        using var session = await SessionAsync(role);

        var html = await session.PageAsync("/");

        Assert.DoesNotContain("href=\"/policy/groups\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/policy/calendar\"", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/policy/groups")]
    [InlineData("/policy/groups/ks3")]
    [InlineData("/policy/calendar")]
    public async Task Anonymous_IsSentToSignIn(string path)
    {
        using var session = ConsoleSession.Anonymous(Factory);

        using var response = await session.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/signin?", ConsoleSession.LocationOf(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GroupsPage_ListsGroupsInWords_WithTheDefaultMarked()
    {
        using var session = await SessionAsync(Role.Technician);

        var html = await session.PageAsync("/policy/groups");

        Assert.Contains("Guests and BYOD", html, StringComparison.Ordinal);
        Assert.Contains("Default for unknown devices", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/policy/groups/ks3\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain(">ks3<", html, StringComparison.Ordinal); // the key is a link target only, never shown
        Assert.DoesNotContain("SafeSearchMode", html, StringComparison.Ordinal);
    }

    private async Task<ConsoleSession> SessionAsync(Role role)
    {
        var name = "policy." + role.ToString().ToLowerInvariant();
        await ConsoleSession.EnsureUserAsync(Factory, name, role);
        return await ConsoleSession.SignInAsync(Factory, name);
    }
}

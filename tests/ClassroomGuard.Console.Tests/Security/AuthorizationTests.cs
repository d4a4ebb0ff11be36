using System.Net;
using ClassroomGuard.Console.Tests.Support;
using ClassroomGuard.Storage.State;
using Microsoft.AspNetCore.Http;

namespace ClassroomGuard.Console.Tests.Security;

public sealed class AuthorizationTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    public static TheoryData<string> AdministrationPages => ["/admin/users", "/admin/users/1", "/admin/rooms", "/admin/rooms/1", "/admin/devices", "/admin/changes", "/admin/audit"];

    public static TheoryData<string> EveryPage => ["/", "/rooms", "/rooms/1", "/account/password", "/admin/users", "/admin/users/1", "/admin/rooms", "/admin/rooms/1", "/admin/devices", "/admin/changes", "/admin/audit", "/no-such-page"];

    /// <summary>Every administrative form: page, handler, fields.</summary>
    public static TheoryData<string, string, string[]> AdministrationPosts => new()
    {
        { "/admin/users", "create-user", ["Input.UserName", "intruder", "Input.DisplayName", "Intruder", "Input.Teacher", "true", "Input.Password", "a long enough passphrase"] },
        { "/admin/users/1", "status", ["Input.Disable", "true"] },
        { "/admin/users/1", "roles", ["Input.Teacher", "true"] },
        { "/admin/users/1", "reset", ["Input.Password", "a long enough passphrase"] },
        { "/admin/rooms", "create-site", ["Input.Name", "Intruder site"] },
        { "/admin/rooms", "create-room", ["Input.SiteId", "1", "Input.Name", "Intruder room"] },
        { "/admin/rooms/1", "create-token", [] },
        { "/admin/devices", "add-device", ["Input.Mac", "02:00:00:00:00:99"] },
        { "/admin/changes", "decide-1", ["Input.Decision", "approve"] },
    };

    private ConsoleFactory Factory => fixture.Factory;

    [Theory]
    [MemberData(nameof(EveryPage))]
    public async Task Page_Anonymous_RedirectsToSignIn(string path)
    {
        using var session = ConsoleSession.Anonymous(Factory);

        using var response = await session.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/signin?", ConsoleSession.LocationOf(response), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AdministrationPages))]
    public async Task AdministrationPage_Teacher_Is403(string path)
    {
        await EnsureUserAsync("authz.teacher", Role.Teacher);
        using var session = await ConsoleSession.SignInAsync(Factory, "authz.teacher");

        using var response = await session.GetAsync(path);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Not for your role", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AdministrationPosts))]
    public async Task AdministrationPost_TeacherOrGovernor_Is403AndChangesNothing(string path, string handler, string[] fields)
    {
        await EnsureUserAsync("authz.teacher", Role.Teacher);
        await EnsureUserAsync("authz.governor", Role.Governor);
        var store = ConsoleSession.Store(Factory);
        var revision = await store.GetRevisionAsync(CancellationToken.None);
        var audit = (await store.AdminAudit.ListAsync(1000, CancellationToken.None)).Count;

        foreach (var user in new[] { "authz.teacher", "authz.governor" })
        {
            using var session = await ConsoleSession.SignInAsync(Factory, user);
            using var response = await session.PostFormAsync(path, handler, Pairs(fields));
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }

        Assert.Equal(revision, await store.GetRevisionAsync(CancellationToken.None));
        Assert.Equal(audit, (await store.AdminAudit.ListAsync(1000, CancellationToken.None)).Count);
    }

    [Theory]
    [InlineData("/rooms")]
    [InlineData("/rooms/1")]
    [InlineData("/admin/users")]
    public async Task Governor_ClassroomAndAdministration_Is403(string path)
    {
        await EnsureUserAsync("authz.governor", Role.Governor);
        using var session = await ConsoleSession.SignInAsync(Factory, "authz.governor");

        using var response = await session.GetAsync(path);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Theory]
    [InlineData(Role.Governor, "/admin/changes", "Your account cannot open the page “Approvals”", "/change-log")]
    [InlineData(Role.Governor, "/admin/users/1", "Your account cannot open the page “Users”", "/change-log")]
    [InlineData(Role.Governor, "/alerts", "Your account cannot open the page “Alerts”", "/change-log")]
    [InlineData(Role.Governor, "/blocks", "Your account cannot open the page “Block history”", "/change-log")]
    [InlineData(Role.Governor, "/incidents", "Your account cannot open the page “Incident log”", "/change-log")]
    [InlineData(Role.Teacher, "/alerts", "Your account cannot open the page “Alerts”", "/rooms")]
    [InlineData(Role.Teacher, "/blocks?device=1", "Your account cannot open the page “Block history”", "/rooms")]
    [InlineData(Role.Teacher, "/change-log", "Your account cannot open the page “Change-control log”", "/rooms")]
    [InlineData(Role.Teacher, "/review/1", "Your account cannot open the page “Annual review”", "/rooms")]
    public async Task Refused_NamesThePage_AndWhereToGoInstead(Role role, string path, string names, string instead)
    {
        var user = "authz.refused." + role.ToString().ToLowerInvariant();
        await EnsureUserAsync(user, role);
        using var session = await ConsoleSession.SignInAsync(Factory, user);

        using var response = await session.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Not for your role", html, StringComparison.Ordinal);
        Assert.Contains(names, WebUtility.HtmlDecode(html), StringComparison.Ordinal);
        Assert.Contains($"Instead, you can open <a href=\"{instead}\">", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/\">Back to the console</a>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refused_Governor_IsAlsoOfferedTheAnnualReview()
    {
        await EnsureUserAsync("authz.refused.governor", Role.Governor);
        using var session = await ConsoleSession.SignInAsync(Factory, "authz.refused.governor");

        using var response = await session.GetAsync("/alerts");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("<a href=\"/review\">the annual review</a>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void RefusedPageTitle_UnknownOrHostilePath_InWordsAndEncodedLater()
    {
        Assert.Equal("the page “Approvals”", ClassroomGuard.Console.Security.RefusedPages.Title(new PathString("/admin/changes")));
        Assert.Equal("the page “Groups”", ClassroomGuard.Console.Security.RefusedPages.Title(new PathString("/policy/groups/ks3")));
        Assert.Equal("the page “Weekly traffic report”", ClassroomGuard.Console.Security.RefusedPages.Title(new PathString("/reports/weekly")));
        Assert.Equal("the page at /admin/changesX", ClassroomGuard.Console.Security.RefusedPages.Title(new PathString("/admin/changesX")));
        Assert.Equal(93, ClassroomGuard.Console.Security.RefusedPages.Title(new PathString("/" + new string('a', 200))).Length); // shortened
    }

    [Fact]
    public async Task Governor_Home_ShowsNoActionLinks()
    {
        await EnsureUserAsync("authz.governor", Role.Governor);
        using var session = await ConsoleSession.SignInAsync(Factory, "authz.governor");

        var html = await session.PageAsync("/");

        Assert.DoesNotContain("href=\"/admin", html, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/rooms\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Teacher_Rooms_OpensAndNavigationHidesAdministration()
    {
        await EnsureUserAsync("authz.teacher", Role.Teacher);
        using var session = await ConsoleSession.SignInAsync(Factory, "authz.teacher");

        var html = await session.PageAsync("/rooms");

        Assert.Contains(">Your rooms</h1>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/admin", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Role.Technician)]
    [InlineData(Role.Administrator)]
    public async Task AdministrationPages_TechnicianOrAdministrator_Open(Role role)
    {
        var name = "authz." + role.ToString().ToLowerInvariant();
        await EnsureUserAsync(name, role);
        using var session = await ConsoleSession.SignInAsync(Factory, name);

        foreach (var path in new[] { "/admin/users", "/admin/rooms", "/admin/devices", "/admin/changes", "/admin/audit", "/rooms" })
        {
            await session.PageAsync(path);
        }
    }

    private Task EnsureUserAsync(string name, Role role) => ConsoleSession.EnsureUserAsync(Factory, name, role);

    private static (string, string)[] Pairs(string[] flat) => Enumerable.Range(0, flat.Length / 2).Select(i => (flat[2 * i], flat[(2 * i) + 1])).ToArray();
}

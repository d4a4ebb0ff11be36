using ClassroomGuard.Console.Tests.Support;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Tests.Dashboard;

/// <summary>The home page over HTTP as each role's browser gets it (the server's first render): nothing of another role's section.</summary>
public sealed class HomePageHttpTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    private static readonly string[] TechnicianOnly = ["The appliance", "DNS filter", "Disk space", "Console certificate", "Devices online now", "Blocked today"];

    [Fact]
    public async Task Governor_HomeShowsTheirCard_AndNoTechnicianData()
    {
        await ConsoleSession.EnsureUserAsync(fixture.Factory, "http.governor", Role.Governor);
        using var session = await ConsoleSession.SignInAsync(fixture.Factory, "http.governor");

        var html = await session.PageAsync("/");

        Assert.Contains("Governors&#x27; reading", html, StringComparison.Ordinal);
        Assert.Matches("<a[^>]+href=\"/change-log\"[^>]*>[\\s\\S]*?Open the change-control log", html);
        // The check runs in the server's first render too; other tests share this console's log, so either wording.
        Assert.Matches("Log intact, |No filtering changes yet", html);
        Assert.Matches("<a[^>]+href=\"/reports/governors\"[^>]*>[\\s\\S]*?Open the governors&#x27; report", html);
        Assert.All(TechnicianOnly, text => Assert.DoesNotContain(text, html, StringComparison.Ordinal));
        Assert.DoesNotContain("Open alerts", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Your rooms", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Technician_HomeShowsTheApplianceHealth()
    {
        await ConsoleSession.EnsureUserAsync(fixture.Factory, "http.technician", Role.Technician);
        using var session = await ConsoleSession.SignInAsync(fixture.Factory, "http.technician");

        var html = await session.PageAsync("/");

        Assert.All(TechnicianOnly, text => Assert.Contains(text, html, StringComparison.Ordinal));
        Assert.DoesNotContain("Governors&#x27; reading", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Anonymous_IsSentToSignIn()
    {
        using var session = ConsoleSession.Anonymous(fixture.Factory);

        using var response = await session.GetAsync("/");

        Assert.Equal(System.Net.HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/signin", ConsoleSession.LocationOf(response), StringComparison.Ordinal);
    }
}

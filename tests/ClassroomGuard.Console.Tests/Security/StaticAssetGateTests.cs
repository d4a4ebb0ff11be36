using System.Net;
using ClassroomGuard.Console.Tests.Support;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Tests.Security;

/// <summary>
/// Only the files the app really serves skip the per-request user re-check and the password-change gate; a route with a
/// dot in it (a file extension, as far as a path can tell) is gated like any page.
/// </summary>
public sealed class StaticAssetGateTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    private ConsoleFactory Factory => fixture.Factory;

    [Theory]
    [InlineData("/rooms/1.json")]
    [InlineData("/admin/users/x.y")]
    [InlineData("/admin/users.csv")]
    public async Task DottedRoute_MustChangePassword_RedirectsToPasswordPage(string path)
    {
        using var session = await MustChangeSessionAsync("gate.dotted");

        using var response = await session.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/account/password", ConsoleSession.LocationOf(response));
    }

    [Theory]
    [InlineData("/app.css")]
    [InlineData("/_framework/blazor.web.js")]
    [InlineData("/_content/MudBlazor/MudBlazor.min.css")]
    public async Task StaticAsset_MustChangePassword_IsServed(string path)
    {
        using var session = await MustChangeSessionAsync("gate.assets");

        using var response = await session.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task DottedRoute_AccountDisabledMeanwhile_SessionEnds()
    {
        var user = await ConsoleSession.UserAsync(Factory, "gate.disabled", Role.Teacher);
        using var session = await ConsoleSession.SignInAsync(Factory, "gate.disabled");
        await ConsoleSession.Store(Factory).Users.SetDisabledAsync(user.Id, true, CancellationToken.None);

        using var dotted = await session.GetAsync("/rooms/1.json");
        using var after = await session.GetAsync("/rooms");

        // Re-checked on the dotted path too: the session is rejected there and then, not only on the next page.
        Assert.Equal(HttpStatusCode.Redirect, dotted.StatusCode);
        Assert.StartsWith("/signin", ConsoleSession.LocationOf(dotted), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith("/signin", ConsoleSession.LocationOf(after), StringComparison.Ordinal);
    }

    private async Task<ConsoleSession> MustChangeSessionAsync(string name)
    {
        await ConsoleSession.EnsureUserAsync(Factory, name, Role.Teacher);
        var store = ConsoleSession.Store(Factory);
        var user = await store.Users.FindByNameAsync(name, CancellationToken.None);
        await store.Users.SetPasswordAsync(user!.Id, ConsoleSession.Password, mustChangePassword: true, CancellationToken.None);
        return await ConsoleSession.SignInAsync(Factory, name);
    }
}

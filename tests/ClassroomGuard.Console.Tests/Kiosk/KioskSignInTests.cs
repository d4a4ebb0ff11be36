using System.Globalization;
using System.Net;
using ClassroomGuard.Console.Tests.Support;
using ClassroomGuard.Storage.Tests.TimeSeries.Support;

namespace ClassroomGuard.Console.Tests.Kiosk;

/// <summary>POST /kiosk/sign-in as the classroom display sends it, and what revocation does to its session.</summary>
public sealed class KioskSignInTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    private const string Revoked = "This classroom display's credential was revoked or is not known.";

    private ConsoleFactory Factory => fixture.Factory;

    [Fact]
    public async Task SignIn_Credential_200PageThatMovesToTheRoom_AndSetsTheSessionCookie()
    {
        var (room, _, display, _) = await KioskWorld.ArrangeAsync(Factory, "signin");
        using var session = ConsoleSession.Anonymous(Factory);

        using var response = await session.PostRawAsync("/kiosk/sign-in", ("credential", display.Text));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var path = "/rooms/" + room.Id.ToString(CultureInfo.InvariantCulture);
        Assert.Contains($"<meta http-equiv=\"refresh\" content=\"0; url={path}\">", html, StringComparison.Ordinal);
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("__Host-ClassroomGuard=", StringComparison.Ordinal));
        Assert.DoesNotContain(display.Text, html, StringComparison.Ordinal);
        var roomPage = await session.PageAsync(path);
        Assert.Contains(room.Name, roomPage, StringComparison.Ordinal);
        Assert.DoesNotContain("This room is not available to you", roomPage, StringComparison.Ordinal);
        var credential = await ConsoleSession.Store(Factory).KioskCredentials.GetAsync(display.Credential.Id, CancellationToken.None);
        Assert.NotNull(credential!.LastUsedAt);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1.notthesecret")]
    [InlineData("garbage")]
    public async Task SignIn_UnknownCredential_401SayingWhatToDo_NoCookie(string credential)
    {
        await KioskWorld.ArrangeAsync(Factory, "unknown" + credential.Length);
        using var session = ConsoleSession.Anonymous(Factory);

        using var response = await session.PostRawAsync("/kiosk/sign-in", ("credential", credential));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains(Revoked, html, StringComparison.Ordinal);
        Assert.Contains("Classroom displays", html, StringComparison.Ordinal);
        Assert.False(response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("__Host-ClassroomGuard=", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task SignIn_RevokedCredential_401()
    {
        var (_, _, display, tech) = await KioskWorld.ArrangeAsync(Factory, "revokedfirst");
        await ConsoleSession.Store(Factory).KioskCredentials.RevokeAsync(display.Credential.Id, tech.Id, CancellationToken.None);
        using var session = ConsoleSession.Anonymous(Factory);

        using var response = await session.PostRawAsync("/kiosk/sign-in", ("credential", display.Text));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Revoke_SignedInDisplay_NextPageIsThe401PageNotTheRoom()
    {
        var (room, _, display, tech) = await KioskWorld.ArrangeAsync(Factory, "revokelater");
        using var session = await KioskWorld.SignInAsync(Factory, display.Text);
        var path = "/rooms/" + room.Id.ToString(CultureInfo.InvariantCulture);
        await session.PageAsync(path);

        await ConsoleSession.Store(Factory).KioskCredentials.RevokeAsync(display.Credential.Id, tech.Id, CancellationToken.None);
        using var response = await session.GetAsync(path);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains(Revoked, html, StringComparison.Ordinal);
        Assert.DoesNotContain(room.Name, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Home_Display_RedirectsToItsRoom()
    {
        var (room, _, display, _) = await KioskWorld.ArrangeAsync(Factory, "home");
        using var session = await KioskWorld.SignInAsync(Factory, display.Text);

        using var response = await session.GetAsync("/");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/rooms/" + room.Id.ToString(CultureInfo.InvariantCulture), ConsoleSession.LocationOf(response));
    }

    [Fact]
    public async Task SignIn_CountsTowardsTheSignInRateLimit()
    {
        await using var factory = new ConsoleFactory(new Uri($"http://127.0.0.1:{InfluxdServer.FreePort()}")) { SignInAttemptsPerMinute = 3 };
        using var session = ConsoleSession.Anonymous(factory);

        for (var i = 0; i < 3; i++)
        {
            using var refused = await session.PostRawAsync("/kiosk/sign-in", ("credential", "1.guess" + i));
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        using var limited = await session.PostRawAsync("/kiosk/sign-in", ("credential", "1.guess"));

        Assert.Equal((HttpStatusCode)429, limited.StatusCode);
    }
}

using System.Net;
using ClassroomGuard.Console.Tests.Support;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Tests.Security;

public sealed class SignInTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    private const string WrongPasswordMessage = "The user name or password is not right.";
    private const string LockedMessage = "Too many failed attempts: this account is locked";

    private ConsoleFactory Factory => fixture.Factory;

    [Fact]
    public async Task SignIn_CorrectPassword_SetsHardenedCookieAndRedirectsHome()
    {
        await ConsoleSession.UserAsync(Factory, "signin.ok", Role.Teacher);
        using var session = ConsoleSession.Anonymous(Factory);

        using var response = await session.SignInAttemptAsync("signin.ok", ConsoleSession.Password);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", ConsoleSession.LocationOf(response));
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("__Host-ClassroomGuard=", StringComparison.Ordinal));
        var flags = cookie.ToLowerInvariant();
        Assert.Contains("; secure", flags, StringComparison.Ordinal);
        Assert.Contains("; httponly", flags, StringComparison.Ordinal);
        Assert.Contains("; samesite=strict", flags, StringComparison.Ordinal);
        Assert.Contains("; path=/", flags, StringComparison.Ordinal);
        Assert.DoesNotContain("domain=", flags, StringComparison.Ordinal);
        Assert.Contains("signin.ok Name", await session.PageAsync("/"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_AntiforgeryCookie_IsHardenedToo()
    {
        using var session = ConsoleSession.Anonymous(Factory);

        using var response = await session.GetAsync("/signin");

        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("__Host-ClassroomGuard-Antiforgery=", StringComparison.Ordinal)).ToLowerInvariant();
        Assert.Contains("; secure", cookie, StringComparison.Ordinal);
        Assert.Contains("; samesite=strict", cookie, StringComparison.Ordinal);
        Assert.Contains("; httponly", cookie, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_Page_TellsUsersTheyAreMonitored()
    {
        using var session = ConsoleSession.Anonymous(Factory);

        Assert.Contains("This system is monitored.", await session.PageAsync("/signin"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_WrongPasswordOrUnknownName_SameAnswerAndNoCookie()
    {
        await ConsoleSession.UserAsync(Factory, "signin.known", Role.Teacher);
        using var session = ConsoleSession.Anonymous(Factory);

        using var wrong = await session.SignInAttemptAsync("signin.known", "not the password at all");
        using var unknown = await session.SignInAttemptAsync("signin.nobody", "not the password at all");

        foreach (var response in new[] { wrong, unknown })
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains(WrongPasswordMessage, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.DoesNotContain(response.Headers.TryGetValues("Set-Cookie", out var c) ? c : [], v => v.StartsWith("__Host-ClassroomGuard=", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task SignIn_RepeatedFailures_KnownAndUnknownNamesLockAlikeAndCorrectPasswordIsRefused()
    {
        await ConsoleSession.UserAsync(Factory, "signin.locked", Role.Teacher);
        using var session = ConsoleSession.Anonymous(Factory);
        var known = new List<string>();
        var unknown = new List<string>();

        for (var i = 0; i < Factory.LockoutThreshold; i++)
        {
            known.Add(await BodyAsync(await session.SignInAttemptAsync("signin.locked", "wrong password " + i)));
            unknown.Add(await BodyAsync(await session.SignInAttemptAsync("signin.ghost", "wrong password " + i)));
        }

        // The same sequence of answers for a real account and a made-up one: the threshold-th failure locks both.
        Assert.Equal(known.Select(Outcome), unknown.Select(Outcome));
        Assert.Equal("locked", Outcome(known[^1]));
        using var correct = await session.SignInAttemptAsync("signin.locked", ConsoleSession.Password);
        Assert.Equal(HttpStatusCode.OK, correct.StatusCode);
        Assert.Contains(LockedMessage, await correct.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_DisabledAccount_AnsweredLikeAWrongPassword()
    {
        var user = await ConsoleSession.UserAsync(Factory, "signin.disabled", Role.Teacher);
        await ConsoleSession.Store(Factory).Users.SetDisabledAsync(user.Id, true, CancellationToken.None);
        using var session = ConsoleSession.Anonymous(Factory);

        using var response = await session.SignInAttemptAsync("signin.disabled", ConsoleSession.Password);

        Assert.Contains(WrongPasswordMessage, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/admin/users", "/admin/users")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("//evil.example/", "/")]
    [InlineData("/\\evil.example/", "/")]
    public async Task SignIn_ReturnUrl_FollowedOnlyWithinTheConsole(string returnUrl, string expected)
    {
        await ConsoleSession.EnsureUserAsync(Factory, "signin.return", Role.Technician);
        using var session = ConsoleSession.Anonymous(Factory);

        using var response = await session.SignInAttemptAsync("signin.return", ConsoleSession.Password, returnUrl);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(expected, ConsoleSession.LocationOf(response));
    }

    [Fact]
    public async Task SignIn_PostWithoutAntiforgeryToken_Is400()
    {
        await ConsoleSession.UserAsync(Factory, "signin.noaf", Role.Teacher);
        using var session = ConsoleSession.Anonymous(Factory);

        using var response = await session.PostRawAsync("/signin", ("_handler", "signin"), ("Input.UserName", "signin.noaf"), ("Input.Password", ConsoleSession.Password));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task SignOut_Post_EndsTheSession()
    {
        await ConsoleSession.UserAsync(Factory, "signout.ok", Role.Teacher);
        using var session = await ConsoleSession.SignInAsync(Factory, "signout.ok");

        using var response = await session.PostRawAsync("/signout", ("__RequestVerificationToken", await session.TokenAsync()));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = ConsoleSession.LocationOf(response);
        Assert.StartsWith("/signin", location, StringComparison.Ordinal);

        // Follow the redirect as a browser does: the page it lands on must render and say so.
        using var landing = await session.GetAsync(location);
        var page = await landing.Content.ReadAsStringAsync();
        Assert.True(landing.StatusCode == HttpStatusCode.OK, $"{location}: HTTP {(int)landing.StatusCode} {page}");
        Assert.Contains("You have signed out.", page, StringComparison.Ordinal);

        using var after = await session.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith("/signin", ConsoleSession.LocationOf(after), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("?signedout=1", true)] // what earlier versions redirected to: bookmarks keep it
    [InlineData("?signedout=true", true)]
    [InlineData("?signedout=banana", true)]
    [InlineData("?signedout=false", false)]
    [InlineData("", false)]
    public async Task SignInPage_AnySignedOutValue_Renders(string query, bool saysSignedOut)
    {
        using var session = ConsoleSession.Anonymous(Factory);

        using var response = await session.GetAsync("/signin" + query);
        var page = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"HTTP {(int)response.StatusCode} {page}");
        Assert.Equal(saysSignedOut, page.Contains("You have signed out.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SignOut_WithoutAntiforgeryToken_Is400AndSessionStays()
    {
        await ConsoleSession.UserAsync(Factory, "signout.noaf", Role.Teacher);
        using var session = await ConsoleSession.SignInAsync(Factory, "signout.noaf");

        using var response = await session.PostRawAsync("/signout");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await session.PageAsync("/");
    }

    [Fact]
    public async Task Session_AccountDisabledMeanwhile_EndsAtTheNextRequest()
    {
        var user = await ConsoleSession.UserAsync(Factory, "session.disabled", Role.Teacher);
        using var session = await ConsoleSession.SignInAsync(Factory, "session.disabled");
        await session.PageAsync("/");

        await ConsoleSession.Store(Factory).Users.SetDisabledAsync(user.Id, true, CancellationToken.None);

        using var response = await session.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/signin", ConsoleSession.LocationOf(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Session_RolesChangedMeanwhile_TakeEffectAtTheNextRequest()
    {
        var user = await ConsoleSession.UserAsync(Factory, "session.roles", Role.Technician);
        using var session = await ConsoleSession.SignInAsync(Factory, "session.roles");
        await session.PageAsync("/admin/users");

        await ConsoleSession.Store(Factory).Users.SetRolesAsync(user.Id, [Role.Teacher], CancellationToken.None);

        using var response = await session.GetAsync("/admin/users");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task FirstSignIn_GeneratedPassword_MustBeChangedBeforeAnythingElse()
    {
        var store = ConsoleSession.Store(Factory);
        var (_, user) = await store.Users.CreateUserAsync("first.admin", "First", [Role.Administrator], "a password someone else chose", mustChangePassword: true, CancellationToken.None);
        using var session = ConsoleSession.Anonymous(Factory);

        using var signIn = await session.SignInAttemptAsync("first.admin", "a password someone else chose");
        Assert.Equal("/account/password", ConsoleSession.LocationOf(signIn));
        using var page = await session.GetAsync("/admin/users");
        Assert.Equal("/account/password", ConsoleSession.LocationOf(page));
        using var post = await session.PostFormAsync("/admin/rooms", "create-site", ("Input.Name", "Should not exist"));
        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);

        var changed = await session.SubmitAsync("/account/password", "password",
            ("Input.Current", "a password someone else chose"), ("Input.Next", "my very own passphrase"), ("Input.Confirm", "my very own passphrase"));

        Assert.Contains("Your password is changed.", changed, StringComparison.Ordinal);
        Assert.False((await store.Users.GetAsync(user!.Id, CancellationToken.None))!.MustChangePassword);
        await session.PageAsync("/admin/users");
        Assert.DoesNotContain(await store.Sites.ListSitesAsync(CancellationToken.None), s => s.Name == "Should not exist");
    }

    [Fact]
    public async Task ChangePassword_Mismatch_SaysWhy()
    {
        await ConsoleSession.UserAsync(Factory, "password.mismatch", Role.Teacher);
        using var session = await ConsoleSession.SignInAsync(Factory, "password.mismatch");

        var html = await session.SubmitAsync("/account/password", "password",
            ("Input.Current", ConsoleSession.Password), ("Input.Next", "first new passphrase"), ("Input.Confirm", "second new passphrase"));

        Assert.Contains("The two new passwords are different.", html, StringComparison.Ordinal);
    }

    private static async Task<string> BodyAsync(HttpResponseMessage response)
    {
        using (response)
        {
            return await response.Content.ReadAsStringAsync();
        }
    }

    private static string Outcome(string html)
        => html.Contains(LockedMessage, StringComparison.Ordinal) ? "locked"
            : html.Contains(WrongPasswordMessage, StringComparison.Ordinal) ? "wrong"
            : "other";
}

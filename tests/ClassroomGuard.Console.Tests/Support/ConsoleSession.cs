using System.Net;
using System.Text.RegularExpressions;
using ClassroomGuard.Storage.State;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ClassroomGuard.Console.Tests.Support;

/// <summary>
/// A browser, as far as the console can tell: real HTTP requests over HTTPS (TestServer), its own cookies,
/// no automatic redirects, and forms posted the way a page posts them (handler name and antiforgery token).
/// </summary>
internal sealed partial class ConsoleSession : IDisposable
{
    public const string Password = "correct horse battery staple";
    public static readonly Uri BaseAddress = new("https://console.school.test");

    private ConsoleSession(HttpClient client) => Client = client;

    public HttpClient Client { get; }

    public static ConsoleSession Anonymous(ConsoleFactory factory)
        => new(factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = BaseAddress, AllowAutoRedirect = false, HandleCookies = true }));

    public static async Task<ConsoleSession> SignInAsync(ConsoleFactory factory, string userName, string password = Password)
    {
        var session = Anonymous(factory);
        using var response = await session.SignInAttemptAsync(userName, password);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"sign-in as {userName} answered {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return session;
    }

    /// <summary>Creates a user straight in the store (no password change required).</summary>
    public static async Task<UserAccount> UserAsync(ConsoleFactory factory, string userName, params Role[] roles)
    {
        var store = Store(factory);
        var (outcome, user) = await store.Users.CreateUserAsync(userName, userName + " Name", roles, Password, CancellationToken.None);
        Assert.Equal(CreateUserOutcome.Created, outcome);
        return user!;
    }

    /// <summary>Creates the user unless a test in the same class already did.</summary>
    public static async Task EnsureUserAsync(ConsoleFactory factory, string userName, params Role[] roles)
    {
        if (await Store(factory).Users.FindByNameAsync(userName, CancellationToken.None) is null)
        {
            await UserAsync(factory, userName, roles);
        }
    }

    /// <summary>
    /// Assigns the rooms to the user as a technician would (a teacher sees and acts on only their assigned rooms);
    /// a room the user already has stays assigned.
    /// </summary>
    public static async Task AssignRoomsAsync(ConsoleFactory factory, string userName, params Room[] rooms)
    {
        var user = await Store(factory).Users.FindByNameAsync(userName, CancellationToken.None);
        Assert.NotNull(user);
        await AssignRoomsAsync(factory, user.Id, rooms);
    }

    /// <inheritdoc cref="AssignRoomsAsync(ConsoleFactory, string, Room[])"/>
    public static async Task AssignRoomsAsync(ConsoleFactory factory, long userId, params Room[] rooms)
    {
        var store = Store(factory);
        foreach (var room in rooms)
        {
            var outcome = await store.TeacherRooms.AssignAsync(userId, room.Id, CancellationToken.None);
            Assert.True(outcome is TeacherRoomOutcome.Assigned or TeacherRoomOutcome.AlreadyAssigned, $"assigning {room.Name} to user {userId}: {outcome}");
        }
    }

    /// <summary>Where a redirect points, as a path and query, whether the header is absolute or relative.</summary>
    public static string LocationOf(HttpResponseMessage response)
    {
        var location = response.Headers.Location ?? throw new Xunit.Sdk.XunitException($"{(int)response.StatusCode} without a Location header");
        return location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString;
    }

    public static StateStore Store(ConsoleFactory factory)
    {
        _ = factory.Server; // starts the host
        return factory.Services.GetRequiredService<StateStore>();
    }

    public async Task<HttpResponseMessage> SignInAttemptAsync(string userName, string password, string? returnUrl = null)
        => await PostFormAsync(
            "/signin" + (returnUrl is null ? string.Empty : "?returnUrl=" + Uri.EscapeDataString(returnUrl)),
            "signin",
            ("Input.UserName", userName), ("Input.Password", password), ("Input.ReturnUrl", returnUrl ?? string.Empty));

    public Task<HttpResponseMessage> GetAsync(string path) => Client.GetAsync(new Uri(path, UriKind.Relative));

    /// <summary>GETs a page that must answer 200, and returns its HTML.</summary>
    public async Task<string> PageAsync(string path)
    {
        using var response = await GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path} answered {(int)response.StatusCode}: {html}");
        return html;
    }

    /// <summary>An antiforgery token for this session, from a page it may open (as a browser would have one).</summary>
    public async Task<string> TokenAsync()
    {
        var response = await GetAsync("/signin");
        if (response.StatusCode == HttpStatusCode.Redirect)
        {
            // Someone who must change their password is sent to that page, which has a form too.
            var location = LocationOf(response);
            response.Dispose();
            response = await GetAsync(location);
        }

        var html = await response.Content.ReadAsStringAsync();
        response.Dispose();
        var match = TokenField().Match(html);
        Assert.True(match.Success, "no antiforgery token on /signin:\n" + html);
        return WebUtility.HtmlDecode(match.Groups["v"].Value);
    }

    /// <summary>Posts a form with its handler name and a valid antiforgery token.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string path, string handler, params (string Name, string Value)[] fields)
        => await PostRawAsync(path, [("_handler", handler), ("__RequestVerificationToken", await TokenAsync()), .. fields]);

    /// <summary>Posts exactly these fields (no token added).</summary>
    public async Task<HttpResponseMessage> PostRawAsync(string path, params (string Name, string Value)[] fields)
    {
        using var content = new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));
        return await Client.PostAsync(new Uri(path, UriKind.Relative), content);
    }

    /// <summary>Posts a form that must answer 200 (the page re-rendered with the outcome) and returns the HTML.</summary>
    public async Task<string> SubmitAsync(string path, string handler, params (string Name, string Value)[] fields)
    {
        using var response = await PostFormAsync(path, handler, fields);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"POST {path} ({handler}) answered {(int)response.StatusCode}: {html}");
        return WebUtility.HtmlDecode(html);
    }

    public void Dispose() => Client.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"(?<v>[^\"]+)\"")]
    private static partial Regex TokenField();
}

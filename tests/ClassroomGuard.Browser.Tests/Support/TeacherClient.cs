using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace ClassroomGuard.Browser.Tests.Support;

/// <summary>
/// A teacher's browser without the browser: signs in through the real sign-in form (antiforgery and all) and sends the
/// same form posts the room page's buttons send. The benchmark uses it to time the action path without a browser's
/// own overhead in the measurement.
/// </summary>
public sealed partial class TeacherClient : IDisposable
{
    private readonly HttpClient http;
    private string? antiforgeryToken;

    private TeacherClient(HttpClient http) => this.http = http;

    public static async Task<TeacherClient> SignInAsync(Appliance appliance, string userName, string password)
    {
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) => appliance.Certificate.Matches(certificate),
            AllowAutoRedirect = false,
            CookieContainer = new CookieContainer(),
        };
        var client = new TeacherClient(new HttpClient(handler) { BaseAddress = appliance.ConsoleUrl, Timeout = TimeSpan.FromSeconds(30) });
        try
        {
            var page = await client.http.GetStringAsync(new Uri("/signin", UriKind.Relative));
            using var form = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["_handler"] = "signin",
                ["__RequestVerificationToken"] = TokenIn(page),
                ["Input.UserName"] = userName,
                ["Input.Password"] = password,
            });
            using var response = await client.http.PostAsync(new Uri("/signin", UriKind.Relative), form);
            if (response.StatusCode != HttpStatusCode.Redirect || response.Headers.Location?.OriginalString.Contains("signin", StringComparison.Ordinal) == true)
            {
                throw new InvalidOperationException($"sign-in as {userName} answered {(int)response.StatusCode} → {response.Headers.Location}");
            }

            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Blank (or unblank) one device, as the tile's button does: returns once the console has answered.</summary>
    public async Task PostAsync(string action, long roomId, long deviceId)
    {
        antiforgeryToken ??= TokenIn(await http.GetStringAsync(new Uri("/rooms/" + roomId.ToString(CultureInfo.InvariantCulture), UriKind.Relative)));
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = antiforgeryToken,
            ["deviceId"] = deviceId.ToString(CultureInfo.InvariantCulture),
            ["returnUrl"] = "/rooms/" + roomId.ToString(CultureInfo.InvariantCulture),
        });
        using var response = await http.PostAsync(new Uri("/classroom/" + action, UriKind.Relative), form);
        if (response.StatusCode is not (HttpStatusCode.Redirect or HttpStatusCode.SeeOther or HttpStatusCode.OK or HttpStatusCode.NoContent))
        {
            throw new InvalidOperationException($"POST /classroom/{action} answered {(int)response.StatusCode}");
        }
    }

    private static string TokenIn(string page)
    {
        var match = AntiforgeryField().Match(page);
        return match.Success ? WebUtility.HtmlDecode(match.Groups["v"].Value) : throw new InvalidOperationException("no antiforgery token on the page");
    }

    public void Dispose() => http.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"(?<v>[^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}

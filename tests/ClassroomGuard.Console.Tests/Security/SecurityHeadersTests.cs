using System.Net;
using ClassroomGuard.Console.Tests.Support;

namespace ClassroomGuard.Console.Tests.Security;

public sealed class SecurityHeadersTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    [Theory]
    [InlineData("/signin")]
    [InlineData("/")]
    public async Task Response_AnyPage_CarriesSecurityHeaders(string path)
    {
        using var session = ConsoleSession.Anonymous(fixture.Factory);

        using var response = await session.GetAsync(path);

        var csp = Header(response, "Content-Security-Policy");
        Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("object-src 'none'", csp, StringComparison.Ordinal);
        // No inline or evaluated script anywhere; inline styles only (MudBlazor's theme variables and popover positions).
        var scriptSource = csp.Split(';').Select(d => d.Trim()).Single(d => d.StartsWith("script-src ", StringComparison.Ordinal));
        Assert.Equal("script-src 'self'", scriptSource);
        Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Contains("max-age=31536000", Header(response, "Strict-Transport-Security"), StringComparison.Ordinal);
        Assert.Contains("no-store", response.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_PlainHttp_RefusedWithAnHttpsHint()
    {
        using var client = fixture.Factory.CreateClient(new() { BaseAddress = new Uri("http://console.school.test"), AllowAutoRedirect = false });

        using var response = await client.GetAsync(new Uri("/signin", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("https://", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stylesheet_Anonymous_IsServed()
    {
        using var session = ConsoleSession.Anonymous(fixture.Factory);
        var html = await session.PageAsync("/signin");
        var href = System.Text.RegularExpressions.Regex.Match(html, "href=\"(app[^\"]*\\.css)\"").Groups[1].Value;

        using var css = await session.GetAsync("/" + href);

        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.Equal("text/css", css.Content.Headers.ContentType!.MediaType);
    }

    private static string Header(HttpResponseMessage response, string name)
        => response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values)
            : response.Content.Headers.TryGetValues(name, out var content) ? string.Join(", ", content)
            : throw new Xunit.Sdk.XunitException($"no {name} header");
}

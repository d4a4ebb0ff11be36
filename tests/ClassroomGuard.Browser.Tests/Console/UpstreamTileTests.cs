using System.Globalization;
using System.Text.RegularExpressions;
using ClassroomGuard.Browser.Tests.Support;
using ClassroomGuard.Storage.State;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ClassroomGuard.Browser.Tests.Console;

/// <summary>
/// The technician's home tile for the upstream resolvers, in Chromium against the running console, which probes the
/// real unbound the DNS filter forwards to; then with a second upstream on a loopback port nobody listens on, as when
/// one of the school's two resolvers goes down. /healthz is read from the same console. Screenshots at both sizes.
/// </summary>
[Collection(ClassroomCollection.Name)]
public sealed class UpstreamTileTests(ClassroomFixture fixture)
{
    private const string Technician = "tech.upstreams";

    [Fact]
    public async Task Technician_SeesEachUpstreamAnswering_ThenTheOneThatIsNot()
    {
        var appliance = fixture.Appliance;
        var (outcome, _) = await appliance.Store.Users.CreateUserAsync(Technician, "Jo Evans", [Role.Technician], Appliance.TeacherPassword, mustChangePassword: false, CancellationToken.None);
        Assert.Equal(CreateUserOutcome.Created, outcome);

        await OnHomeAsync("home-upstreams-answering", "Healthy", async tile =>
        {
            await Expect(tile).ToContainTextAsync("Answering");
            await Expect(tile.Locator(".tile-lines li")).ToHaveCountAsync(1);
            await Expect(tile.Locator(".tile-lines li")).ToContainTextAsync(new Regex(@"^127\.0\.0\.1:\d+ answering in (under\s1|\d+)\sms$")); // \s: Playwright folds the no-break space
        });

        var dead = "127.0.0.1:" + Ports.FreeUdpAndTcp().ToString(CultureInfo.InvariantCulture);
        await appliance.RestartConsoleAsync("--Dns:Upstreams:1=" + dead);
        try
        {
            await OnHomeAsync("home-upstreams-one-down", "Degraded", async tile =>
            {
                await Expect(tile).ToContainTextAsync("1 of 2 not answering");
                await Expect(tile.Locator(".tile-lines li").Nth(0)).ToContainTextAsync("answering in");
                await Expect(tile.Locator(".tile-lines li").Nth(1)).ToContainTextAsync(new Regex($@"^{Regex.Escape(dead)} not answering since \d\d:\d\d \(nothing came back within 2 seconds\)$"));
                await Expect(tile).ToContainTextAsync("Check the school's internet connection, then the address in Dns:Upstreams");
            });
        }
        finally
        {
            await appliance.RestartConsoleAsync(); // the collection's other tests share this console
        }
    }

    private async Task OnHomeAsync(string shot, string health, Func<ILocator, Task> check)
    {
        var page = await fixture.NewPageAsync();
        try
        {
            await ClassroomFixture.SignInAsync(page, Technician, Appliance.TeacherPassword);
            await page.GotoAsync("/");
            await Expect(page.Locator("h1")).ToContainTextAsync("Hello");
            var tile = page.Locator(".health-tile", new() { HasText = "Upstream DNS resolvers" });
            await check(tile);
            await Artefacts.ShootBothAsync(page, shot, tile);
            Assert.Equal(health, await UpstreamsHealthAsync(page));
        }
        catch (Exception e) when (e is TimeoutException or PlaywrightException or Xunit.Sdk.XunitException)
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Artefacts.Screenshot("failure-" + shot + ".png"), FullPage = true });
            throw new Xunit.Sdk.XunitException($"{shot} at {page.Url}: {e.Message}\nconsole log:\n{fixture.Appliance.Console.Output}");
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    /// <summary>/healthz's "upstreams" entry, read by the browser from the running console (it trusts the test's certificate).</summary>
    private static async Task<string?> UpstreamsHealthAsync(IPage page)
    {
        var response = await page.GotoAsync("/healthz");
        using var json = System.Text.Json.JsonDocument.Parse(await response!.TextAsync());
        return json.RootElement.GetProperty("checks").GetProperty("upstreams").GetString();
    }
}

using ClassroomGuard.Browser.Tests.Support;
using ClassroomGuard.Storage.State;
using Microsoft.Playwright;

namespace ClassroomGuard.Browser.Tests.Policy;

/// <summary>
/// "Why is this blocked?" and the blocklists page in Chromium against the real console and the real DNS filter (asked
/// over its control socket): the answer agrees with what dig gets from the filter, a malformed site is refused beside
/// its field, and both pages are photographed at 1920x1080 and 1366x768.
/// </summary>
[Collection(ClassroomCollection.Name)]
public sealed class WhyBlockedBrowserTests(ClassroomFixture fixture)
{
    private const string Password = "kettle umbrella marmalade";

    [Fact]
    public async Task BlockPage_BrowserAsksABlockedSiteOverHttp_SaysWhyFromTheRealFilter()
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{fixture.Appliance.BlockPagePort}/games/play?level=3");
        request.Headers.Host = "poki.com"; // as a browser sends it after the DNS filter's block answer pointed poki.com at the appliance

        using var response = await http.SendAsync(request);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(System.Net.HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("poki.com</span> is blocked", html, StringComparison.Ordinal);
        Assert.Contains("It is in the Games category, which is blocked for Guests and BYOD at this time.", html, StringComparison.Ordinal);
        Assert.Contains("This system is monitored.", html, StringComparison.Ordinal);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var page = await fixture.NewPageAsync();
        try
        {
            await page.SetContentAsync(html);
            await Artefacts.ShootBothAsync(page, "block-page");
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task Technician_AsksWhyAGamesSiteIsBlocked_TheRealFilterAnswersAsDigSees()
    {
        var store = fixture.Appliance.Store;
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var (_, tech) = await store.Users.CreateUserAsync("why." + suffix, "Sam Technician", [Role.Technician], Password, mustChangePassword: false, CancellationToken.None);
        await store.Devices.ObserveAsync(new DeviceObservation(DateTimeOffset.UtcNow, DeviceSource.Sniffer, "02:42:ac:19:00:07", "10.19.0.7", "WHY-LAPTOP-" + suffix), CancellationToken.None);
        var dig = await Dig.QueryAsync(fixture.Appliance.DnsPort, "poki.com");
        Assert.Contains("0.0.0.0", dig, StringComparison.Ordinal); // blocked for 127.0.0.1 (the default group) by the games list

        var page = await fixture.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        try
        {
            await ClassroomFixture.SignInAsync(page, tech!.UserName, Password);

            // An address, from the link other pages can use: answered on arrival.
            await page.GotoAsync("/policy/why?domain=poki.com&address=127.0.0.1", new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
            var headline = page.Locator(".cg-verdict h2");
            await headline.WaitForAsync();
            Assert.StartsWith("Blocked for Guests and BYOD at ", await headline.InnerTextAsync(), StringComparison.Ordinal);
            var text = await page.Locator("section[aria-label='The answer']").InnerTextAsync();
            Assert.Contains("‘poki.com’ is in the Games list (games.list", text, StringComparison.Ordinal);
            Assert.Contains("Games is blocked for Guests and BYOD at all times.", text, StringComparison.Ordinal);
            Assert.Contains("the default group", text, StringComparison.Ordinal);
            Assert.DoesNotContain("guests ", text, StringComparison.Ordinal); // names, not keys
            await page.WaitForTimeoutAsync(500);
            await Artefacts.ShootBothAsync(page, "policy-why-blocked", fullPage: true);

            // A device found by name, a site that is allowed.
            await page.GotoAsync("/policy/why", new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
            await page.WaitForTimeoutAsync(700); // the circuit has connected
            await page.FillAsync("#why-domain", "www.bbc.co.uk");
            await page.FillAsync("#why-device", "WHY-LAPTOP-" + suffix);
            // The list opens on focus with every device; wait for the search to narrow it to ours before choosing.
            await page.Locator(".mud-popover-open .mud-list-item", new PageLocatorOptions { HasText = "WHY-LAPTOP-" + suffix }).ClickAsync();
            await page.ClickAsync("button[type=submit]:has-text('Explain')");
            await page.Locator(".cg-verdict h2:has-text('Allowed for Guests and BYOD')").WaitForAsync();
            Assert.Contains($"WHY-LAPTOP-{suffix} (10.19.0.7) is in Guests and BYOD, the default group", await page.Locator("section[aria-label='The answer']").InnerTextAsync(), StringComparison.Ordinal);
            await Artefacts.ShootBothAsync(page, "policy-why-allowed", fullPage: true);

            // A malformed site: refused beside the field, nothing asked.
            await page.FillAsync("#why-domain", "not a site");
            await page.ClickAsync("button[type=submit]:has-text('Explain')");
            await page.GetByText("'not a site' is not a web site's name").WaitForAsync();
            await Artefacts.ShootBothAsync(page, "policy-why-refused");

            // The lists the filter loaded: the always-on lists first, not configured in this test appliance.
            await page.GotoAsync("/policy/lists", new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
            await page.Locator("h2:has-text('Always on')").WaitForAsync();
            var lists = await page.Locator(".cg-lists-page").InnerTextAsync();
            Assert.Contains("Child sexual abuse content (IWF list)", lists, StringComparison.Ordinal);
            Assert.Contains("Not configured.", lists, StringComparison.Ordinal);
            Assert.Contains("games.list", lists, StringComparison.Ordinal);
            Assert.Contains("No list feeds these categories", lists, StringComparison.Ordinal); // e.g. adult in this test appliance
            await page.WaitForTimeoutAsync(500);
            await Artefacts.ShootBothAsync(page, "policy-lists", fullPage: true);

            Assert.Empty(errors);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}

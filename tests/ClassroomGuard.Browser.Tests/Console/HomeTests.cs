using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using ClassroomGuard.Browser.Tests.Support;
using ClassroomGuard.Storage.State;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ClassroomGuard.Browser.Tests.Console;

/// <summary>
/// The home page of each role, in Chromium against the running appliance, with real figures: devices seen by the
/// DNS filter, blocks it made, the DNS filter's own once-a-minute health report, alerts and a blank in the state.
/// Screenshots at the classroom display's 1920×1080 and a laptop's 1366×768, and of the sign-in page.
/// </summary>
[Collection(ClassroomCollection.Name)]
public sealed class HomeTests(ClassroomFixture fixture)
{
    private const string PupilAddress = "127.0.0.41";

    [Fact]
    public async Task SignInPage_LooksLikeTheProduct_AtBothSizes()
    {
        var page = await fixture.NewPageAsync();
        try
        {
            await page.GotoAsync("/signin");
            await Expect(page.Locator(".account-brand img")).ToBeVisibleAsync();
            await Expect(page.Locator("label[for=username]")).ToHaveTextAsync("User name");
            await Expect(page.Locator(".account-notice")).ToContainTextAsync("This system is monitored.");
            await Artefacts.ShootBothAsync(page, "signin", fullPage: true);

            await page.FillAsync("#username", "nobody.here");
            await page.FillAsync("#password", "not the password");
            await page.ClickAsync("form button[type=submit]");
            var error = page.Locator("#signin-error[role=alert]");
            await Expect(error).ToContainTextAsync("not right");
            await Expect(page.Locator("#password")).ToHaveAttributeAsync("aria-describedby", "signin-error");
            await Artefacts.ShootBothAsync(page, "signin-error", fullPage: true);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task ChangePasswordPage_ShowsTheReasonUnderItsField_AtBothSizes()
    {
        await UserAsync("password.home", Role.Teacher);
        var page = await fixture.NewPageAsync();
        try
        {
            await ClassroomFixture.SignInAsync(page, "password.home", Appliance.TeacherPassword);
            await page.GotoAsync("/account/password");
            await Expect(page.Locator(".account-brand img")).ToBeVisibleAsync();
            await Artefacts.ShootBothAsync(page, "password", fullPage: true);

            await page.FillAsync("#current", Appliance.TeacherPassword);
            await page.FillAsync("#next", "first new passphrase here");
            await page.FillAsync("#confirm", "second new passphrase here");
            await page.ClickAsync("form button[type=submit]");
            await Expect(page.Locator("#confirm-error[role=alert]")).ToHaveTextAsync("The two new passwords are different.");
            await Expect(page.Locator("#confirm")).ToHaveAttributeAsync("aria-invalid", "true");
            await Artefacts.ShootBothAsync(page, "password-error", fullPage: true);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task EachRole_SeesItsOwnHome_WithLiveFigures()
    {
        var appliance = fixture.Appliance;
        var store = appliance.Store;
        var ct = CancellationToken.None;
        var classroom = await appliance.AddClassroomAsync("Science 2", "teacher.home");
        var pupil = await store.Devices.ObserveAsync(new DeviceObservation(DateTimeOffset.UtcNow, DeviceSource.Sniffer, "02:00:00:00:41:01", PupilAddress, "SCI2-PC1"), ct);
        await store.Devices.SetRoomAsync(pupil, classroom.Room.Id, ct);
        for (var i = 2; i <= 6; i++)
        {
            var other = await store.Devices.ObserveAsync(
                new DeviceObservation(DateTimeOffset.UtcNow.AddHours(-3), DeviceSource.Manual, $"02:00:00:00:41:0{i}", null, $"SCI2-PC{i}"), ct);
            await store.Devices.SetRoomAsync(other, classroom.Room.Id, ct);
        }

        // Traffic through the real DNS filter: allowed and blocked ("games" in the test's lists), repeated until the filter
        // has picked up the device's room from the state and its per-second counts carry the room.
        var roomTag = classroom.Room.Id.ToString(CultureInfo.InvariantCulture);
        long blocked = 0;
        for (var i = 0; i < 40 && blocked == 0; i++)
        {
            Assert.Contains("status: NOERROR", await Dig.QueryAsync(appliance.DnsPort, "en.wikipedia.org", PupilAddress), StringComparison.Ordinal);
            Assert.Contains("EDE: 15 (Blocked)", await Dig.QueryAsync(appliance.DnsPort, "poki.com", PupilAddress), StringComparison.Ordinal);
            Assert.Contains("EDE: 15 (Blocked)", await Dig.QueryAsync(appliance.DnsPort, "coolmathgames.com", PupilAddress), StringComparison.Ordinal);
            await Task.Delay(1_500); // the DNS filter writes each second's counts at the end of that second
            blocked = await BlockedInRoomAsync(roomTag);
        }

        Assert.True(blocked > 0, "the DNS filter's counts never carried the room");

        // The sniffer is not part of this appliance: write the once-a-minute report it would write, so the tile shows.
        await WriteAsync($"service_health,component=sniffer packets=181234i,dropped=0i,if_dropped=0i,points_dropped=0i,spool_points=0i,spool_bytes=0i {Ns(DateTimeOffset.UtcNow)}");

        await store.Alerts.RaiseAsync(new NewAlert(AlertKind.HighRiskCategory, DateTimeOffset.UtcNow.AddMinutes(-5), "test evidence", pupil, "self_harm", "example-harm.test"), ct);
        await store.Alerts.RaiseAsync(new NewAlert(AlertKind.Circumvention, DateTimeOffset.UtcNow.AddMinutes(-2), "test evidence", pupil, "vpn", "vpn-service.test"), ct);
        await store.TeacherActions.StartAsync(new NewTeacherAction(TeacherActionKind.Blank, classroom.Teacher.Id, "Eyes on me", ActionScope.Room, null,
            classroom.Room.Id, DateTimeOffset.UtcNow.AddMinutes(30)), ct);

        await UserAsync("tech.home", Role.Technician);
        await UserAsync("dsl.home", Role.SafeguardingLead);
        await UserAsync("governor.home", Role.Governor);

        // Teacher: their rooms with live counts; the room links to its live view.
        await AsAsync(classroom.Teacher.UserName, async page =>
        {
            var card = page.Locator("a.room-card", new() { HasText = "Science 2" });
            await Expect(card).ToContainTextAsync("1 of 6 devices online");
            await Expect(card).ToContainTextAsync($"{blocked} blocked in the last hour"); // what the DNS filter wrote
            await Expect(card).ToContainTextAsync("Screens blanked (whole room)");
            Assert.Equal("/rooms/" + classroom.Room.Id.ToString(CultureInfo.InvariantCulture), await card.GetAttributeAsync("href"));
            await Expect(page.Locator("#health-title")).ToHaveCountAsync(0);
            await Artefacts.ShootBothAsync(page, "home-teacher", fullPage: true);
        });

        await AsAsync("dsl.home", async page =>
        {
            await Expect(page.Locator(".alerts-table tbody tr")).ToHaveCountAsync(2);
            await Expect(page.Locator(".alerts-table tbody tr").First).ToContainTextAsync("Tried to get round the filter");
            await Expect(page.Locator(".alerts-table")).ToContainTextAsync("self harm");
            await Expect(page.Locator(".alerts-table")).ToContainTextAsync("Science 2");
            await Expect(page.Locator(".alerts-table")).ToContainTextAsync("SCI2-PC1");
            await Artefacts.ShootBothAsync(page, "home-safeguarding", fullPage: true);
        });

        await AsAsync("governor.home", async page =>
        {
            await Expect(page.Locator("#governor-title")).ToBeVisibleAsync();
            await Expect(page.Locator("#health-title, #rooms-title, #alerts-title")).ToHaveCountAsync(0);
            // The ways on are the change-control log, the governors' report and the annual review, and the log opens
            // (no dead links).
            var links = await page.Locator("main a[href]").AllAsync();
            Assert.NotEmpty(links);
            var hrefs = new List<string?>();
            foreach (var link in links)
            {
                hrefs.Add(await link.GetAttributeAsync("href"));
                Assert.Contains(hrefs[^1], new[] { "/change-log", "/reports/governors", "/review" });
            }

            Assert.Contains("/reports/governors", hrefs);

            links = await page.Locator("main a[href='/change-log']").AllAsync();

            // Intact either way: empty, or holding what other tests on this appliance proposed.
            await Expect(page.Locator("[data-chain-summary]")).ToContainTextAsync(new Regex("No filtering changes yet|Log intact, "));
            await Artefacts.ShootBothAsync(page, "home-governor", fullPage: true);
            await links[0].ClickAsync();
            await Expect(page.Locator("h1")).ToContainTextAsync("Change-control log");
        });

        // Technician: the DNS filter's own report arrives within a minute of its start.
        await AsAsync("tech.home", async page =>
        {
            // By its title: the upstream resolvers' tile speaks of the DNS filter too.
            var dns = page.Locator(".health-tile", new() { Has = page.Locator(".tile-title", new() { HasTextRegex = new Regex("^DNS filter$") }) });
            for (var i = 0; i < 9 && !(await dns.InnerTextAsync()).Contains("Answering", StringComparison.Ordinal); i++)
            {
                await Task.Delay(10_000);
                await page.ClickAsync("button:has-text('Refresh now')");
                await page.WaitForTimeoutAsync(1_000);
            }

            await Expect(dns).ToContainTextAsync("Answering");
            await Expect(page.Locator(".health-tile", new() { HasText = "Traffic monitor" })).ToContainTextAsync("Capturing");
            await Expect(page.Locator(".health-tile", new() { HasText = "InfluxDB" })).ToContainTextAsync("Reachable");
            await Expect(page.Locator(".health-tile", new() { HasText = "Console certificate" })).ToContainTextAsync(
                new System.Text.RegularExpressions.Regex("Valid until|expires on")); // the test's certificate lasts 30 days
            await Expect(page.Locator(".counts")).ToContainTextAsync("games");
            await Artefacts.ShootBothAsync(page, "home-technician", fullPage: true);
        });
    }

    private async Task UserAsync(string name, Role role)
    {
        var (outcome, _) = await fixture.Appliance.Store.Users.CreateUserAsync(name, DisplayName(name), [role], Appliance.TeacherPassword, mustChangePassword: false, CancellationToken.None);
        Assert.Equal(CreateUserOutcome.Created, outcome);
    }

    private static string DisplayName(string name) => name switch
    {
        "tech.home" => "Sam Patel",
        "dsl.home" => "Mrs Okafor",
        "password.home" => "Mr Hughes",
        _ => "Cllr Davies",
    };

    private async Task AsAsync(string userName, Func<IPage, Task> check)
    {
        var page = await fixture.NewPageAsync();
        try
        {
            await ClassroomFixture.SignInAsync(page, userName, Appliance.TeacherPassword);
            await page.GotoAsync("/");
            await Expect(page.Locator("h1")).ToContainTextAsync("Hello");
            await page.WaitForFunctionAsync("() => window.Blazor !== undefined"); // the circuit is up: the page is interactive
            await check(page);
        }
        catch (Exception e) when (e is TimeoutException or PlaywrightException or Xunit.Sdk.XunitException)
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Artefacts.Screenshot("failure-home-" + userName + ".png"), FullPage = true });
            throw new Xunit.Sdk.XunitException($"home of {userName} at {page.Url}: {e.Message}\nconsole log:\n{fixture.Appliance.Console.Output}");
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    private async Task<long> BlockedInRoomAsync(string room)
    {
        var json = await fixture.Appliance.Influx.QueryRawAsync($"SELECT sum(\"blocked\") FROM \"raw\".\"dns_activity\" WHERE \"room\" = '{room}'", "classroomguard");
        using var document = System.Text.Json.JsonDocument.Parse(json);
        var result = document.RootElement.GetProperty("results")[0];
        return result.TryGetProperty("series", out var series) ? series[0].GetProperty("values")[0][1].GetInt64() : 0;
    }

    private async Task WriteAsync(string line)
    {
        using var http = new HttpClient();
        using var content = new StringContent(line, Encoding.UTF8);
        using var response = await http.PostAsync(new Uri(fixture.Appliance.Influx.Url, "write?db=classroomguard&rp=raw"), content);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static string Ns(DateTimeOffset at) => ((at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100).ToString(CultureInfo.InvariantCulture);
}

using ClassroomGuard.Browser.Tests.Support;
using ClassroomGuard.Storage.State;
using Microsoft.Playwright;

namespace ClassroomGuard.Browser.Tests.Safeguarding;

/// <summary>
/// The alerts page in Chromium against the real console: the safeguarding lead opens an alert from its e-mail link,
/// acknowledges another with a note (refused without one, beside the field), turns the danger alert into an incident in
/// one step, and filters to the devices in no room; photographed at 1920x1080 and 1366x768. Devices use the loopback
/// addresses reserved for this test (127.0.0.80, 127.0.0.81).
/// </summary>
[Collection(ClassroomCollection.Name)]
public sealed class AlertsBrowserTests(ClassroomFixture fixture)
{
    private const string Password = "kettle umbrella marmalade";
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task SafeguardingLead_AcknowledgesWithANote_AndTurnsADangerAlertIntoAnIncident()
    {
        var store = fixture.Appliance.Store;
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var (_, dsl) = await store.Users.CreateUserAsync("alerts." + suffix, "Priya Lead", [Role.SafeguardingLead], Password, mustChangePassword: false, None);
        var site = await store.Sites.CreateSiteAsync("Alerts site " + suffix, None);
        var room = await store.Sites.CreateRoomAsync(site.Id, "Science 3", None);
        var now = DateTimeOffset.UtcNow;
        var device = await store.Devices.ObserveAsync(
            new DeviceObservation(now, DeviceSource.Agent, "02:00:00:00:80:" + suffix[..2], "127.0.0.80", "SCI3-PC04-" + suffix, "Robin Example"), None);
        await store.Devices.SetRoomAsync(device, room.Id, None);
        string Evidence(string domain, string category, string client) => $"DNS query for {domain} blocked: category {category}, rule {domain}; client {client}; at {now:O}";

        var danger = await store.Alerts.RaiseAsync(new NewAlert(AlertKind.HighRiskCategory, now.AddMinutes(-6), Evidence("harm-" + suffix + ".test", "self_harm", "127.0.0.80"), device, "self_harm", "harm-" + suffix + ".test"), None);
        await store.Alerts.RaiseAsync(new NewAlert(AlertKind.HighRiskCategory, now.AddMinutes(-4), Evidence("harm-" + suffix + ".test", "self_harm", "127.0.0.80"), device, "self_harm", "harm-" + suffix + ".test"), None);
        var caution = await store.Alerts.RaiseAsync(new NewAlert(AlertKind.Circumvention, now.AddMinutes(-3), $"127.0.0.80 sent a TLS ClientHello for vpn-{suffix}.test to 192.0.2.9:443", device, "vpn", "vpn-" + suffix + ".test"), None);
        var roomless = await store.Alerts.RaiseAsync(new NewAlert(AlertKind.HighRiskCategory, now.AddMinutes(-2), Evidence("extreme-" + suffix + ".test", "extremism", "127.0.0.81"), null, "extremism", "extreme-" + suffix + ".test"), None);

        var page = await fixture.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        try
        {
            await ClassroomFixture.SignInAsync(page, dsl!.UserName, Password);

            // The e-mail's link opens the alert at the top; the folded repeat shows as 2 attempts.
            await page.GotoAsync($"/alerts?alert={danger.Id}", new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
            var highlight = page.Locator("#alert-highlight");
            await highlight.WaitForAsync();
            await page.Locator(".cg-alerts[data-interactive='true']").WaitForAsync();
            var text = await highlight.InnerTextAsync();
            Assert.Contains("Danger", text, StringComparison.Ordinal);
            Assert.Contains("Self-harm and suicide", text, StringComparison.Ordinal);
            Assert.Contains("Robin Example", text, StringComparison.Ordinal);
            Assert.Contains("Science 3", text, StringComparison.Ordinal);
            Assert.Contains("2 attempts", text, StringComparison.Ordinal);
            Assert.DoesNotContain("self_harm", await page.Locator(".cg-alerts").InnerTextAsync(), StringComparison.Ordinal); // names, not keys
            var row = page.Locator($"[data-alert-row='{caution.Id}']");
            await row.WaitForAsync();
            await page.WaitForTimeoutAsync(300);
            await Artefacts.ShootBothAsync(page, "alerts-page", fullPage: true);

            // Acknowledge the caution alert: refused without a note, beside the field; then with one.
            await row.Locator("[data-ack-button]").ClickAsync();
            await page.Locator("#ack-note").WaitForAsync();
            await page.ClickAsync("#ack-confirm");
            await page.GetByText("Write what you did, or why nothing more is needed").First.WaitForAsync();
            await Artefacts.ShootBothAsync(page, "alerts-acknowledge-refused");
            await page.FillAsync("#ack-note", "Spoke to Robin with their form tutor; VPN app removed.");
            await page.ClickAsync("#ack-confirm");
            await page.GetByText("Alert acknowledged.").WaitForAsync();
            await row.WaitForAsync(new() { State = WaitForSelectorState.Detached }); // the list shows alerts not yet acknowledged
            var acknowledged = (await store.Alerts.GetAsync(caution.Id, None))!;
            Assert.Equal(("Spoke to Robin with their form tutor; VPN app removed.", (long?)dsl.Id), (acknowledged.AcknowledgedNote, acknowledged.AcknowledgedBy));

            // Turn the danger alert into an incident in one step; the page offers the incident.
            await highlight.Locator("[data-incident-button]").ClickAsync();
            var link = highlight.Locator("[data-incident-link]");
            await link.WaitForAsync();
            var incidentId = (await store.Alerts.GetAsync(danger.Id, None))!.IncidentId;
            Assert.NotNull(incidentId);
            Assert.Equal($"/incidents/{incidentId}", await link.GetAttributeAsync("href"));
            var incident = (await store.Incidents.GetAsync(incidentId!.Value, None))!;
            Assert.Equal(("Raised from an alert", "harm-" + suffix + ".test", "self_harm", (long?)device, dsl.Id),
                (incident.ActionTaken, incident.Url, incident.Category, incident.DeviceId, incident.ReportedBy));
            Assert.Contains("Acknowledged by Priya Lead", await highlight.InnerTextAsync(), StringComparison.Ordinal);
            await page.WaitForTimeoutAsync(300);
            await Artefacts.ShootBothAsync(page, "alerts-incident-raised");

            // The link leads to the incident, with the pupil the alert named (the incident log's page).
            await link.ClickAsync();
            await page.Locator($"#incident[data-incident-id='{incidentId}']").WaitForAsync();
            Assert.Contains("Robin Example", await page.Locator("[data-fact='pupil']").InnerTextAsync(), StringComparison.Ordinal);
            await page.GotoAsync("/alerts", new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
            await page.Locator(".cg-alerts[data-interactive='true']").WaitForAsync();

            // Devices in no room are not lost: the filter finds the address-only alert.
            await page.Locator(".mud-select:has(#filter-room)").Last.ClickAsync();
            await page.ClickAsync(".mud-popover-open .mud-list-item:has-text('No room')");
            await page.Locator(".mud-popover-open .mud-list-item").First.WaitForAsync(new() { State = WaitForSelectorState.Detached });
            var noRoom = page.Locator($"[data-alert-row='{roomless.Id}']");
            await noRoom.WaitForAsync();
            Assert.Equal(0, await page.Locator($"[data-alert-row='{danger.Id}']").Locator("xpath=ancestor::tr").CountAsync());
            var grid = await page.Locator(".cg-alerts-grid").InnerTextAsync();
            Assert.Contains("127.0.0.81", grid, StringComparison.Ordinal);
            Assert.Contains("Extremism and radicalisation", grid, StringComparison.Ordinal);
            await Artefacts.ShootBothAsync(page, "alerts-no-room", fullPage: true);

            Assert.Empty(errors);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task Technician_SeesMailIsOff_SetsATeachersAddress_RefusedWhenMalformed_ALeadsIsForAnAdministrator()
    {
        var store = fixture.Appliance.Store;
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var (_, tech) = await store.Users.CreateUserAsync("mailtech." + suffix, "Sam Technician", [Role.Technician], Password, mustChangePassword: false, None);
        var (_, dsl) = await store.Users.CreateUserAsync("maildsl." + suffix, "Priya Lead", [Role.SafeguardingLead], Password, mustChangePassword: false, None);
        var (_, teacher) = await store.Users.CreateUserAsync("mailteacher." + suffix, "Tom Teacher", [Role.Teacher], Password, mustChangePassword: false, None);

        var page = await fixture.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        try
        {
            try
            {
                await ClassroomFixture.SignInAsync(page, tech!.UserName, Password);
            }
            catch (TimeoutException e)
            {
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = Artefacts.Screenshot("alerts-tech-signin-timeout.png") });
                var output = fixture.Appliance.Console.Output;
                throw new TimeoutException(e.Message + "\n" + page.Url + "\n" + output[Math.Max(0, output.Length - 6000)..], e);
            }

            // The test appliance has no Mail:Host: the technician's home says e-mail is off and what to set.
            await page.GotoAsync("/"); // the home page refreshes itself: the network is not idle for long
            var card = page.Locator("[data-mail-status='info']");
            await card.WaitForAsync();
            Assert.Contains("E-mail is off", await card.InnerTextAsync(), StringComparison.Ordinal);
            await Artefacts.ShootBothAsync(page, "home-mail-off", card);

            // The safeguarding lead's address is an administrator's to set (their danger alerts go there): locked, and why.
            await page.GotoAsync($"/admin/users/{dsl!.Id}");
            await page.Locator("[data-user-email][data-interactive='true']").WaitForAsync(); // the circuit is connected
            Assert.Contains("Only an administrator can change a safeguarding lead's address", await page.Locator("[data-email-locked]").InnerTextAsync(), StringComparison.Ordinal);
            Assert.True(await page.Locator("#user-email").IsDisabledAsync());
            await Artefacts.ShootBothAsync(page, "admin-user-email-lead-locked", page.Locator("[data-user-email]"));

            // A teacher's address: a malformed one refused beside the field, then saved.
            await page.GotoAsync($"/admin/users/{teacher!.Id}");
            await page.Locator("[data-user-email][data-interactive='true']").WaitForAsync();
            await page.FillAsync("#user-email", "Tom <tom@school.example>");
            await page.ClickAsync("#user-email-save");
            await page.GetByText("Enter one e-mail address, like dsl@school.example").WaitForAsync();
            await Artefacts.ShootBothAsync(page, "admin-user-email-refused", page.Locator("#user-email-save"));
            Assert.DoesNotContain(teacher.Id, (await store.Users.GetEmailsAsync(None)).Keys);

            await page.FillAsync("#user-email", "tom." + suffix + "@school.example");
            await page.ClickAsync("#user-email-save");
            await page.GetByText($"E-mail address of {teacher.UserName} saved.").WaitForAsync();
            Assert.Equal("tom." + suffix + "@school.example", (await store.Users.GetEmailsAsync(None))[teacher.Id]);
            Assert.DoesNotContain(dsl.Id, (await store.Users.GetEmailsAsync(None)).Keys);
            Assert.Empty(errors);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}

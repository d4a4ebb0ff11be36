using ClassroomGuard.Browser.Tests.Support;
using ClassroomGuard.Storage.State;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace ClassroomGuard.Browser.Tests.Classroom;

/// <summary>
/// The incident log end to end, through the real browser, console, DNS filter and influxd: a pupil's device is refused
/// a games site (a real blocked dig from its address); the teacher reports it from the device's tile in two clicks and
/// gets a link to the report; the safeguarding lead finds it in the log with its evidence (the blocked domain, copied
/// from InfluxDB), records an action and an outcome and closes it; another teacher who opens its address is refused.
/// Screenshots of the tile's dialog, the log and the incident at both sizes.
/// </summary>
[Collection(ClassroomCollection.Name)]
public sealed class IncidentEndToEndTests(ClassroomFixture fixture, ITestOutputHelper output)
{
    private const string PupilAddress = "127.0.0.82";
    private const string Mac = "02:00:00:00:82:01";

    [Fact]
    public async Task Incident_ReportedFromATileAfterABlock_LeadSeesEvidenceRecordsAndCloses_OtherTeacherRefused()
    {
        var appliance = fixture.Appliance;
        var site = Appliance.GamesNames[1]; // coolmathgames.com: games, blocked for the default group
        var classroom = await appliance.AddClassroomAsync("Incident room", "incident.teacher");
        var other = await appliance.AddClassroomAsync("Incident other room", "incident.other");
        var device = await appliance.AddDeviceAsync(classroom.Room, Mac, PupilAddress, "incident-pc01");
        await appliance.Store.Devices.ObserveAsync(new DeviceObservation(DateTimeOffset.UtcNow, DeviceSource.Agent, Mac, DisplayName: "Alice Example"), CancellationToken.None);
        await appliance.Store.Users.CreateUserAsync("incident.dsl", "Mrs Okoye", [Role.SafeguardingLead], Appliance.TeacherPassword, mustChangePassword: false, CancellationToken.None);

        var teacher = await NewPageAsync();
        var lead = await NewPageAsync();
        var otherTeacher = await NewPageAsync();
        try
        {
            // The teacher watches the room; the pupil's device is refused the site; its tile shows the block.
            await ClassroomFixture.SignInAsync(teacher, classroom.Teacher.UserName, Appliance.TeacherPassword);
            await ClassroomFixture.OpenRoomAsync(teacher, classroom.Room);
            await Dig.UntilAsync(appliance.DnsPort, site, PupilAddress, a => a.Contains("EDE: 15 (Blocked)", StringComparison.Ordinal));
            var tile = teacher.Locator($"#tiles [data-device-id='{device}']");
            await Expect(tile.Locator(".tile-last-blocked")).ToContainTextAsync(site, new() { Timeout = 20_000 });
            await Expect(tile.Locator(".tile-pupil")).ToHaveTextAsync("Alice Example");

            // Two clicks: Report on the tile, then Report in the dialog (with an optional note). The room is live (its
            // circuit answers: OpenRoomAsync waited for it), so one click opens the dialog.
            var dialog = teacher.GetByRole(AriaRole.Dialog);
            await tile.Locator("button[data-action=report]").ClickAsync();
            await dialog.WaitForAsync();
            await Expect(dialog).ToContainTextAsync("What did you see?");
            await Expect(dialog.Locator("#report-summary")).ToContainTextAsync("Alice Example's device");
            await Expect(dialog.Locator("#report-summary")).ToContainTextAsync(site);
            await Artefacts.ShootBothAsync(teacher, "incident-report-dialog");
            await dialog.Locator("#report-note").FillAsync("Kept trying the games site after being told to stop");
            await dialog.Locator("#report-send").ClickAsync();
            await Expect(dialog).ToHaveCountAsync(0);
            var reported = teacher.Locator("#incident-reported");
            await Expect(reported).ToContainTextAsync("Reported to the safeguarding lead");
            var link = await reported.Locator("a[data-incident-link]").GetAttributeAsync("href");
            Assert.NotNull(link);
            Assert.Matches("^/incidents/[0-9]+$", link);
            await Artefacts.ShootBothAsync(teacher, "incident-reported-snackbar");

            // The teacher's link opens their own report (read-only: no forms, no list of who opened it, and neither the
            // lead's steps nor the pupil's copied activity: their report, its status and its outcome).
            await reported.Locator("a[data-incident-link]").ClickAsync();
            await teacher.WaitForURLAsync("**" + link);
            await Expect(teacher.Locator("#incident [data-fact=pupil]")).ToContainTextAsync("Alice Example");
            await Expect(teacher.Locator("#incident-reporter-note")).ToContainTextAsync("seen only by the safeguarding lead");
            await Expect(teacher.Locator("#step-form")).ToHaveCountAsync(0);
            await Expect(teacher.Locator("#views")).ToHaveCountAsync(0);
            await Expect(teacher.Locator("#chronology")).ToHaveCountAsync(0);
            await Expect(teacher.Locator("#evidence")).ToHaveCountAsync(0);
            await Artefacts.ShootBothAsync(teacher, "incident-reporter-view");

            // The safeguarding lead finds it in the log, with the evidence copied from InfluxDB.
            await ClassroomFixture.SignInAsync(lead, "incident.dsl", Appliance.TeacherPassword);
            await lead.GotoAsync("/incidents");
            var row = lead.Locator("#incident-log tbody tr", new() { HasText = "Alice Example" });
            await Expect(row).ToContainTextAsync("incident-pc01 in Incident room");
            await Expect(row).ToContainTextAsync("Unsuitable site on screen");
            await Expect(row).ToContainTextAsync("Raised");
            await Artefacts.ShootBothAsync(lead, "incident-log");
            await row.Locator("a[data-incident-id]").ClickAsync();
            await lead.WaitForURLAsync("**" + link);
            await lead.Locator("#incident[data-interactive=true]").WaitForAsync();
            await Expect(lead.Locator("#incident [data-fact=site]")).ToHaveTextAsync(site);
            await Expect(lead.Locator("#incident [data-fact=category]")).ToHaveTextAsync("Games"); // the category's name, not its key
            var evidence = lead.Locator("#evidence-table");
            for (var i = 0; i < 30 && !(await evidence.CountAsync() > 0 && (await evidence.InnerTextAsync()).Contains(site, StringComparison.Ordinal)); i++)
            {
                await Task.Delay(1000);
                if (await lead.Locator("#evidence-refresh").CountAsync() > 0)
                {
                    await lead.Locator("#evidence-refresh").ClickAsync();
                }
            }

            await Expect(evidence.Locator("tr:has(.cg-blocked)", new() { HasText = site }).First).ToBeVisibleAsync(); // the blocked query itself, not only the second it was asked in
            await Expect(lead.Locator("#views")).ToContainTextAsync("Ms incident.teacher");
            await Expect(lead.Locator("#views")).ToContainTextAsync("Mrs Okoye");

            // Action, outcome, then closed with a reason; each step in the chronology with her name.
            await lead.Locator("#step-save").ClickAsync();
            await Expect(lead.Locator("#step-form")).ToContainTextAsync("Say what was done"); // refused next to the field: nothing written
            await lead.Locator("#step-text").FillAsync("Spoke to the pupil about the games site");
            await lead.Locator("#step-save").ClickAsync();
            await Expect(lead.Locator("#incident [data-fact=action]")).ToHaveTextAsync("Spoke to the pupil about the games site");
            await lead.Locator("#step-form .mud-select").First.ClickAsync();
            await ChooseAsync(lead, "An outcome");
            await lead.Locator("#step-text").FillAsync("Parents informed; no further action");
            await lead.Locator("#step-save").ClickAsync();
            await Expect(lead.Locator("#incident [data-fact=outcome]")).ToHaveTextAsync("Parents informed; no further action");
            await lead.Locator("#status-form .mud-select").First.ClickAsync();
            await ChooseAsync(lead, "Closed");
            await lead.Locator("#status-reason").FillAsync("Dealt with: parents informed");
            await lead.Locator("#status-save").ClickAsync();
            await lead.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Close the incident" }).ClickAsync();
            await Expect(lead.Locator("#incident")).ToHaveAttributeAsync("data-status", "closed");
            var chronology = lead.Locator("#chronology tbody tr");
            await Expect(chronology).ToHaveCountAsync(4);
            await Expect(chronology.Nth(0)).ToContainTextAsync("Ms incident.teacher");
            await Expect(chronology.Nth(1)).ToContainTextAsync("Action taken");
            await Expect(chronology.Nth(2)).ToContainTextAsync("Outcome");
            await Expect(chronology.Nth(3)).ToContainTextAsync("Closed");
            await Expect(chronology.Nth(3)).ToContainTextAsync("Mrs Okoye");
            await CloseSnackbarsAsync(lead);
            await Artefacts.ShootBothAsync(lead, "incident-closed", fullPage: true);
            await lead.Locator("#pupil-chronology").ClickAsync();
            await Expect(lead.Locator("#pupil-steps tbody tr")).ToHaveCountAsync(4);
            await Artefacts.ShootBothAsync(lead, "incident-pupil");

            // Another teacher cannot open it by its address: refused, in words, and the refusal is logged.
            await ClassroomFixture.SignInAsync(otherTeacher, other.Teacher.UserName, Appliance.TeacherPassword);
            await otherTeacher.GotoAsync(link);
            await Expect(otherTeacher.Locator("#incident-refused")).ToContainTextAsync("This incident is not available to you");
            await Expect(otherTeacher.Locator("#incident")).ToHaveCountAsync(0);
            await Artefacts.ShootBothAsync(otherTeacher, "incident-refused");
            await otherTeacher.GotoAsync("/incidents");
            await Expect(otherTeacher.Locator("#incident-log-empty")).ToContainTextAsync("You have not reported any incidents");
            await Artefacts.ShootBothAsync(otherTeacher, "incident-log-empty");
            Assert.Contains("incident.other was refused incident", appliance.Console.Output, StringComparison.Ordinal);
        }
        catch
        {
            await DumpAsync(teacher, "incident-teacher-failure");
            await DumpAsync(lead, "incident-lead-failure");
            await DumpAsync(otherTeacher, "incident-other-failure");
            throw;
        }
        finally
        {
            await teacher.Context.CloseAsync();
            await lead.Context.CloseAsync();
            await otherTeacher.Context.CloseAsync();
        }
    }

    // Picks an item of the open select list and waits for the list to close (its overlay would take the next click).
    private static async Task ChooseAsync(IPage page, string item)
    {
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = item }).First.ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").First.WaitForAsync(new() { State = WaitForSelectorState.Detached });
    }

    private static async Task CloseSnackbarsAsync(IPage page)
    {
        var close = page.Locator(".mud-snackbar button");
        for (var i = await close.CountAsync() - 1; i >= 0; i--)
        {
            try
            {
                await close.Nth(i).ClickAsync(new() { Force = true, Timeout = 2_000 });
            }
            catch (Exception e) when (e is PlaywrightException or TimeoutException)
            {
                // Gone by itself.
            }
        }

        await Expect(page.Locator(".mud-snackbar")).ToHaveCountAsync(0, new() { Timeout = 15_000 }); // the circuit has removed them, not a guess at how long it takes
    }

    private async Task<IPage> NewPageAsync()
    {
        var page = await fixture.NewPageAsync();
        page.PageError += (_, error) => output.WriteLine("browser error: " + error);
        return page;
    }

    private async Task DumpAsync(IPage page, string name)
    {
        output.WriteLine("console:\n" + fixture.Appliance.Console.Output);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Artefacts.Screenshot(name + ".png"), FullPage = true });
    }
}

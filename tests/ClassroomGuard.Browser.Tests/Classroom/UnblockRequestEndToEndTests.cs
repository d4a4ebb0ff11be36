using System.Globalization;
using ClassroomGuard.Browser.Tests.Support;
using ClassroomGuard.Storage.State;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace ClassroomGuard.Browser.Tests.Classroom;

/// <summary>
/// A teacher's unblock request end to end, through the real browser, console and DNS filter: the teacher asks from the
/// room page for a blocked games site until a few minutes ahead; the safeguarding lead approves it on the approvals
/// page; the teacher's page shows the answer live; dig as the room's device now resolves it while a device of another
/// room stays blocked; at the time asked for it is blocked again and the room page stops showing it. Screenshots of
/// the dialog, the room page's requests and the approvals page at both sizes.
/// </summary>
[Collection(ClassroomCollection.Name)]
public sealed class UnblockRequestEndToEndTests(ClassroomFixture fixture, ITestOutputHelper output)
{
    private const string RoomAddress = "127.0.0.71";
    private const string OtherRoomAddress = "127.0.0.72";
    private static readonly TimeZoneInfo School = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    [Fact]
    public async Task UnblockRequest_ApprovedInTheBrowser_OpensTheSiteForThatRoomOnlyUntilItsEnd()
    {
        var appliance = fixture.Appliance;
        var site = Appliance.GamesNames[0]; // poki.com: games, blocked for the default group
        var classroom = await appliance.AddClassroomAsync("Unblock room", "unblock.teacher");
        var other = await appliance.AddClassroomAsync("Unblock other room", "unblock.other");
        await appliance.AddDeviceAsync(classroom.Room, "02:00:00:00:71:01", RoomAddress, "unblock-pc01");
        await appliance.AddDeviceAsync(other.Room, "02:00:00:00:72:01", OtherRoomAddress, "unblock-pc02");
        await appliance.Store.Users.CreateUserAsync("unblock.dsl", "Mrs Patel", [Role.SafeguardingLead], Appliance.TeacherPassword, mustChangePassword: false, CancellationToken.None);
        await Dig.UntilAsync(appliance.DnsPort, site, RoomAddress, Blocked);
        var until = await UntilAsync();

        var teacher = await NewPageAsync();
        var lead = await NewPageAsync();
        try
        {
            // The teacher asks from the room page: bad values are refused next to their fields first.
            await ClassroomFixture.SignInAsync(teacher, classroom.Teacher.UserName, Appliance.TeacherPassword);
            await ClassroomFixture.OpenRoomAsync(teacher, classroom.Room);
            await Expect(teacher.Locator("#unblock-none")).ToBeVisibleAsync();
            var dialog = teacher.GetByRole(AriaRole.Dialog);
            for (var i = 0; i < 20 && !await dialog.IsVisibleAsync(); i++)
            {
                await ClickSoonAsync(teacher.Locator("#ask-unblock"));
            }

            await Expect(dialog).ToContainTextAsync("For this lesson (until");
            await Artefacts.ShootBothAsync(teacher, "unblock-dialog");
            await dialog.GetByLabel("Site", new() { Exact = true }).FillAsync("poki com");
            await dialog.Locator("#unblock-send").ClickAsync();
            await Expect(dialog).ToContainTextAsync("'poki com' is not a web site's name");
            await Expect(dialog).ToContainTextAsync("Say why the class needs this site");
            await Artefacts.ShootBothAsync(teacher, "unblock-dialog-refused");

            await dialog.GetByLabel("Site", new() { Exact = true }).FillAsync("https://" + site + "/en/g/ratios");
            await dialog.GetByLabel("Why the class needs it").FillAsync("Ratio puzzles for Year 8 maths, set by the department");
            await dialog.GetByText("Until a time today").ClickAsync();
            await dialog.GetByLabel("Until", new() { Exact = true }).FillAsync(until.ToString("HH:mm", CultureInfo.InvariantCulture));
            await Artefacts.ShootBothAsync(teacher, "unblock-dialog-filled");
            await dialog.Locator("#unblock-send").ClickAsync();
            await Expect(dialog).ToHaveCountAsync(0);
            var mine = teacher.Locator($"#unblock-requests tbody tr[data-domain='{site}']");
            await Expect(mine).ToHaveAttributeAsync("data-request-state", "waiting");
            await Expect(mine).ToContainTextAsync("Waiting for the safeguarding lead or a technician");
            Assert.Contains("EDE: 15 (Blocked)", await Dig.QueryAsync(appliance.DnsPort, site, RoomAddress), StringComparison.Ordinal); // nothing opens before approval

            // The safeguarding lead approves it in the browser.
            await ClassroomFixture.SignInAsync(lead, "unblock.dsl", Appliance.TeacherPassword);
            await lead.GotoAsync("/unblock-requests");
            await lead.Locator(".cg-unblock-page[data-interactive=true]").WaitForAsync();
            var row = lead.Locator($"#pending-table tr:has(td[data-domain='{site}'])");
            await Expect(row).ToContainTextAsync("Ms unblock.teacher");
            await Expect(row).ToContainTextAsync("Unblock room");
            await Expect(row).ToContainTextAsync("Ratio puzzles");
            await Expect(lead.Locator("#nav-unblock-count")).Not.ToHaveAttributeAsync("data-count", "0");
            await Artefacts.ShootBothAsync(lead, "unblock-requests");
            await row.GetByRole(AriaRole.Button, new() { Name = $"Approve {site} for Unblock room" }).ClickAsync();
            var decide = lead.GetByRole(AriaRole.Dialog);
            await decide.GetByLabel("Comment (optional)").FillAsync("Fine for this lesson");
            await Artefacts.ShootBothAsync(lead, "unblock-approve-dialog");
            await decide.Locator("#decision-confirm").ClickAsync();
            await Expect(lead.Locator($"#decided-table td[data-state=open]")).ToContainTextAsync("Approved by Mrs Patel");
            await Expect(lead.Locator("#pending-none")).ToBeVisibleAsync();
            await CloseSnackbarsAsync(lead);
            await Artefacts.ShootBothAsync(lead, "unblock-requests-decided", fullPage: true);

            // The teacher's page shows the answer without a reload; the filter opens the site for this room only.
            await Expect(mine).ToHaveAttributeAsync("data-request-state", "open", new() { Timeout = 15_000 });
            var open = teacher.Locator($".cg-open-unblock[data-domain='{site}']");
            await Expect(open).ToContainTextAsync($"{site} open for this room until {until:HH:mm}");
            await CloseSnackbarsAsync(teacher); // so the screenshot shows the list, not the "Asked" message over it
            await Artefacts.ShootBothAsync(teacher, "unblock-room-requests", teacher.Locator("#unblock-panel"));
            var resolved = await Dig.UntilAsync(appliance.DnsPort, site, RoomAddress, a => a.Contains("192.0.2.", StringComparison.Ordinal));
            Assert.DoesNotContain("EDE", resolved, StringComparison.Ordinal);
            Assert.Contains("EDE: 15 (Blocked)", await Dig.QueryAsync(appliance.DnsPort, site, OtherRoomAddress), StringComparison.Ordinal);

            // At the time asked for it closes by itself: blocked again, and the room page no longer shows it open.
            var wait = until - DateTimeOffset.UtcNow;
            output.WriteLine($"waiting {wait} for the unblock to end at {until:HH:mm}");
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            await Dig.UntilAsync(appliance.DnsPort, site, RoomAddress, Blocked);
            await Expect(open).ToHaveCountAsync(0, new() { Timeout = 15_000 });
            await Expect(mine).ToHaveAttributeAsync("data-request-state", "closed");
        }
        catch
        {
            await DumpAsync(teacher, "unblock-teacher-failure");
            await DumpAsync(lead, "unblock-lead-failure");
            throw;
        }
        finally
        {
            await teacher.Context.CloseAsync();
            await lead.Context.CloseAsync();
        }
    }

    private static async Task CloseSnackbarsAsync(IPage page)
    {
        var close = page.Locator(".mud-snackbar button");
        for (var i = 0; i < 10 && await close.CountAsync() > 0; i++)
        {
            try
            {
                // Forced and short: a snackbar that times out by itself meanwhile is sliding away or gone, and
                // Playwright would otherwise wait 30 s for it to become "stable". Only the screenshots care.
                await close.First.ClickAsync(new() { Force = true, Timeout = 2_000 });
            }
            catch (Exception e) when (e is PlaywrightException or TimeoutException)
            {
                // Gone by itself.
            }

            await Task.Delay(300); // the snackbar slides away
        }
    }

    private static bool Blocked(string answer) => answer.Contains("EDE: 15 (Blocked)", StringComparison.Ordinal);

    /// <summary>
    /// A school time on the minute, three to four minutes ahead: long enough for the request and approval on a loaded
    /// machine, short enough to wait out. Not across midnight (the test's school day ends at 23:59).
    /// </summary>
    private static async Task<DateTimeOffset> UntilAsync()
    {
        while (true)
        {
            var local = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, School);
            if (local.TimeOfDay < new TimeSpan(23, 50, 0))
            {
                var ahead = local.AddMinutes(4);
                return ahead.AddSeconds(-ahead.Second).AddMilliseconds(-ahead.Millisecond);
            }

            await Task.Delay(TimeSpan.FromMinutes(1)); // wait for the new day rather than ask past the school day's end
        }
    }

    /// <summary>Clicks unless something (the dialog opening from an earlier click) covers the button; then waits a little.</summary>
    private static async Task ClickSoonAsync(ILocator button)
    {
        try
        {
            await button.ClickAsync(new() { Timeout = 1000 });
        }
        catch (TimeoutException)
        {
            // covered by the dialog that is opening: the loop looks for it
        }

        await Task.Delay(300);
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
        output.WriteLine("dnsfilter:\n" + fixture.Appliance.DnsFilter.Output);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Artefacts.Screenshot(name + ".png"), FullPage = true });
    }
}

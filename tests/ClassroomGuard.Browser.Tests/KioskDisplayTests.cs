using System.Globalization;
using System.Net;
using ClassroomGuard.Browser.Tests.Support;
using ClassroomGuard.Storage.State;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace ClassroomGuard.Browser.Tests;

/// <summary>
/// A classroom display end to end in Chromium: a technician issues its credential on the room's page (the file shown
/// once), the display posts it from a <c>file://</c> page as the kiosk image does and lands on the room live (the
/// SameSite=Strict session cookie is sent after the console's own page moves to the room), other pages refuse it, and
/// revoking the credential on the console takes the display's open page off the room.
/// </summary>
[Collection(ClassroomCollection.Name)]
public sealed class KioskDisplayTests(ClassroomFixture fixture, ITestOutputHelper output)
{
    // 127.0.0.110-115 are this test's (other browser tests use fixed 127.0.0.x addresses of their own).
    private const string DisplayRoomDevice = "127.0.0.110";
    private const string TechnicianPassword = "kiosk technician passphrase";

    [Fact]
    public async Task Technician_IssuesCredential_DisplaySignsInFromFile_SeesOnlyItsRoom_RevokedLeavesTheRoom()
    {
        var appliance = fixture.Appliance;
        var classroom = await appliance.AddClassroomAsync("Room 3", "teacher.kiosk");
        var other = await appliance.AddClassroomAsync("Room 4", "teacher.kiosk4");
        await appliance.AddDeviceAsync(classroom.Room, "02:00:00:00:6e:01", DisplayRoomDevice, "room3-pc-01");
        var (created, tech) = await appliance.Store.Users.CreateUserAsync("kiosk.tech", "Sam Technician", [Role.Technician], TechnicianPassword, mustChangePassword: false, CancellationToken.None);
        Assert.Equal(CreateUserOutcome.Created, created);
        var roomPath = "/rooms/" + classroom.Room.Id.ToString(CultureInfo.InvariantCulture);

        // The technician issues the credential on the room's page and sees its file once.
        var console = await fixture.NewPageAsync();
        await ClassroomFixture.SignInAsync(console, tech!.UserName, TechnicianPassword);
        await console.GotoAsync("/admin/rooms/" + classroom.Room.Id.ToString(CultureInfo.InvariantCulture));
        var panel = console.Locator("#classroom-displays");
        await Expect(panel.Locator("#displays-empty")).ToContainTextAsync("No displays yet");
        await Artefacts.ShootBothAsync(console, "kiosk-displays-empty", panel);
        var file = console.Locator("[data-kiosk-file]");
        await ClickOnceLiveAsync(console.Locator("#display-issue"), file);
        await Expect(file).ToContainTextAsync("CREDENTIAL=");
        await Artefacts.ShootBothAsync(console, "kiosk-displays-issued", console.Locator("#display-issued"));
        var text = await file.InnerTextAsync();
        output.WriteLine(string.Join('\n', text.Split('\n').Select(l => l.StartsWith("CREDENTIAL=", StringComparison.Ordinal) ? "CREDENTIAL=(hidden)" : l)));
        var fields = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.Contains('=', StringComparison.Ordinal) && !l.StartsWith('#'))
            .ToDictionary(l => l[..l.IndexOf('=', StringComparison.Ordinal)], l => l[(l.IndexOf('=', StringComparison.Ordinal) + 1)..]);
        Assert.Equal(appliance.Certificate.Pin, fields["PIN"]);
        Assert.Equal(appliance.ConsoleUrl.GetLeftPart(UriPartial.Authority), fields["CONSOLE"]);
        await Expect(panel.Locator("#displays tr[data-display='Room 3 display']")).ToContainTextAsync("In use");
        await Expect(console.Locator("#display-download")).ToHaveAttributeAsync("download", "classroomguard-kiosk.conf");

        // The display: a page on its own disk posts the credential, as the kiosk image's launcher does.
        var display = await fixture.NewPageAsync();
        var launcher = Path.Combine(appliance.Root, "kiosk-launch.html");
        await File.WriteAllTextAsync(launcher, $"""
            <!DOCTYPE html><html><body>
            <form method="post" action="{WebUtility.HtmlEncode(fields["CONSOLE"])}/kiosk/sign-in"><input type="hidden" name="credential" value="{WebUtility.HtmlEncode(fields["CREDENTIAL"])}"></form>
            <script>document.forms[0].submit();</script>
            </body></html>
            """);
        await display.GotoAsync(new Uri(launcher).AbsoluteUri);
        await display.WaitForURLAsync("**" + roomPath, new() { Timeout = 30_000 });
        await display.Locator("#live-status[data-state=live]").WaitForAsync(new() { Timeout = 30_000 });
        await Expect(display.Locator("#tiles")).ToContainTextAsync("room3-pc-01");
        await Artefacts.ShootBothAsync(display, "kiosk-display-room");

        // Nothing else: the room list, another room, the home page (which sends it back to its room), administration.
        foreach (var refused in new[] { "/rooms", "/admin/rooms", "/account/password", "/incidents", "/change-log" })
        {
            var response = await display.GotoAsync(refused);
            Assert.True(response!.Status == 403, $"{refused} answered {response.Status} to the display");
        }

        await display.GotoAsync("/rooms/" + other.Room.Id.ToString(CultureInfo.InvariantCulture));
        await Expect(display.GetByRole(AriaRole.Heading, new() { Name = "This room is not available to you" })).ToBeVisibleAsync();
        await Expect(display.Locator("body")).Not.ToContainTextAsync(other.Room.Name);
        await display.GotoAsync("/");
        await display.WaitForURLAsync("**" + roomPath);
        await display.Locator("#live-status[data-state=live]").WaitForAsync(new() { Timeout = 30_000 });

        // Revoked on the console: the open room page leaves the room within the revalidation interval (30 s).
        await console.ReloadAsync();
        var row = panel.Locator("#displays tr[data-display='Room 3 display']");
        await Expect(row).Not.ToContainTextAsync("Never"); // its sign-in is listed
        await ClickOnceLiveAsync(row.Locator("button"), console.Locator("[data-confirm]"));
        await console.Locator("[data-confirm]").ClickAsync();
        await Expect(panel.Locator("#displays tr[data-display='Room 3 display']")).ToContainTextAsync("Revoked by Sam Technician");
        await Expect(display.Locator("body")).ToContainTextAsync("This classroom display's credential was revoked or is not known", new() { Timeout = 75_000 });
        Assert.Equal(0, await display.Locator("#room").CountAsync());
        await Artefacts.ShootBothAsync(display, "kiosk-display-revoked");
    }

    // The panel's buttons act over the page's circuit, which connects after the first paint: a click before that does
    // nothing, so click until what it opens is there (each button here is harmless to press twice).
    private async Task ClickOnceLiveAsync(ILocator button, ILocator opens)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await opens.CountAsync() == 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                await button.Page.ScreenshotAsync(new() { Path = Artefacts.Screenshot("kiosk-click-unanswered.png"), FullPage = true });
                Assert.Fail("the page did not answer the click within 60 s; the console said:\n" + fixture.Appliance.Console.Output);
            }

            await button.ClickAsync();
            await opens.First.WaitForAsync(new() { Timeout = 2_000 }).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}

using ClassroomGuard.Agent.Blanking.X11;
using ClassroomGuard.Browser.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace ClassroomGuard.Browser.Tests.Classroom;

/// <summary>
/// Issue #5's end-to-end test, everything real: a teacher signs in in Chromium and opens the room; a DNS query from
/// the pupil's device (dig from the address the state gives it) through the DNS filter changes the device's tile;
/// Blank covers the pupil's X screen with the agent's window (seen in a screenshot of the display) and Unblank removes
/// it; Pause makes the DNS filter block the device's queries and Resume lets them resolve again.
/// </summary>
[Collection(ClassroomCollection.Name)]
public sealed class LiveClassroomTests(ClassroomFixture fixture, ITestOutputHelper output)
{
    private const string PupilAddress = "127.0.0.31";
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Teacher_SeesTheQueryLive_BlanksAndUnblanksTheScreen_PausesAndResumesTheInternet()
    {
        var appliance = fixture.Appliance;
        var classroom = await appliance.AddClassroomAsync("Room 12", "teacher12");
        await using var screen = await XDisplay.StartAsync();
        await using var agent = await PupilAgent.StartAsync(appliance, classroom, screen, "Eyes on your teacher");
        var deviceId = await appliance.AssignAddressAsync(agent.Mac, PupilAddress);
        Assert.Equal(agent.Device.Id, deviceId);

        var page = await fixture.NewPageAsync();
        try
        {
            await ClassroomFixture.SignInAsync(page, classroom.Teacher.UserName, Appliance.TeacherPassword);
            await page.GotoAsync("/rooms");
            await page.ClickAsync("a.tile.room:has-text('Room 12')");
            await Expect(page.Locator("main#room")).ToHaveAttributeAsync("data-room-id", classroom.Room.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await Expect(page.Locator("#live-status")).ToHaveAttributeAsync("data-state", "live", new() { Timeout = 30_000 });
            var tile = page.Locator($"article.tile.device[data-device-id='{deviceId}']");
            await Expect(tile).ToBeVisibleAsync();
            var updatedBefore = long.Parse((await tile.GetAttributeAsync("data-updated"))!, System.Globalization.CultureInfo.InvariantCulture);

            // A pupil's query through the real DNS filter: the tile shows the site within the live view's budget.
            var answer = await Dig.QueryAsync(appliance.DnsPort, "www.bbc.co.uk", PupilAddress);
            Assert.Contains("status: NOERROR", answer, StringComparison.Ordinal);
            Assert.Contains("192.0.2.1", answer, StringComparison.Ordinal);
            await Expect(tile.Locator(".tile-site")).ToHaveTextAsync("www.bbc.co.uk", new() { Timeout = 10_000 });
            Assert.True(long.Parse((await tile.GetAttributeAsync("data-updated"))!, System.Globalization.CultureInfo.InvariantCulture) > updatedBefore, "data-updated advanced");
            await Expect(tile).ToHaveAttributeAsync("data-online", "true");

            // A blocked one shows as the last blocked attempt, with its category.
            var blocked = await Dig.QueryAsync(appliance.DnsPort, "poki.com", PupilAddress);
            Assert.Contains("EDE: 15 (Blocked)", blocked, StringComparison.Ordinal);
            await Expect(tile.Locator(".tile-last-blocked")).ToContainTextAsync("poki.com", new() { Timeout = 10_000 });
            await Expect(tile.Locator(".tile-last-blocked")).ToContainTextAsync("games");
            await ShootAsync(page, "room-live-1920x1080.png");

            // Blank: the agent's window covers the pupil's whole screen.
            using (var windows = XMapWatcher.Start(screen.Name, "ClassroomGuard blank"))
            {
                await tile.Locator("button[data-action=blank]").ClickAsync();
                await windows.NextAsync(mapped: true, Soon);
                await Expect(tile).ToHaveAttributeAsync("data-blanked", "true");
                await Expect(tile.Locator("button[data-action=unblank]")).ToBeVisibleAsync();
                await ShootAsync(page, "room-blanked-1920x1080.png");
                // The background is the server's on map; the message is drawn on the first Expose just after.
                var pixels = await screen.ScreenshotAsync(Artefacts.Screenshot("pupil-screen-blanked.png"));
                for (var i = 0; i < 20 && XDisplay.ShareOf(pixels, 0xFFFFFF) == 0; i++)
                {
                    await Task.Delay(250);
                    pixels = await screen.ScreenshotAsync(Artefacts.Screenshot("pupil-screen-blanked.png"));
                }

                var blankShare = XDisplay.ShareOf(pixels, X11ScreenBlanker.BackgroundRgb);
                output.WriteLine($"blanked: {blankShare:P1} of the pupil's screen is the blank colour");
                Assert.True(blankShare > 0.95, $"only {blankShare:P1} of the screen is covered by the blank window");
                Assert.True(XDisplay.ShareOf(pixels, 0xFFFFFF) > 0, "the message is drawn in white on the blank");

                // Unblank: the window is gone and nothing of it is left on the screen.
                await tile.Locator("button[data-action=unblank]").ClickAsync();
                await windows.NextAsync(mapped: false, Soon);
                await Expect(tile).ToHaveAttributeAsync("data-blanked", "false");
                pixels = await screen.ScreenshotAsync(Artefacts.Screenshot("pupil-screen-unblanked.png"));
                Assert.Equal(0, XDisplay.ShareOf(pixels, X11ScreenBlanker.BackgroundRgb));
            }

            // Pause: the DNS filter refuses the device's queries (block answer naming the pause); Resume: they resolve.
            await tile.Locator("button[data-action=pause]").ClickAsync();
            await Expect(tile).ToHaveAttributeAsync("data-paused", "true");
            await ShootAsync(page, "room-paused-1920x1080.png");
            var paused = await DigUntilAsync(appliance, "www.bbc.com", a => a.Contains("EDE: 15 (Blocked)", StringComparison.Ordinal));
            Assert.Contains("paused", paused, StringComparison.Ordinal);
            Assert.Contains("0.0.0.0", paused, StringComparison.Ordinal);

            await tile.Locator("button[data-action=resume]").ClickAsync();
            await Expect(tile).ToHaveAttributeAsync("data-paused", "false");
            var resumed = await DigUntilAsync(appliance, "www.bbc.com", a => a.Contains("192.0.2.2", StringComparison.Ordinal));
            Assert.DoesNotContain("EDE", resumed, StringComparison.Ordinal);

            // The kiosk's privacy blank hides the class while the display is projected.
            await page.ClickAsync("button#privacy-blank");
            await Expect(page.Locator("#privacy-overlay")).ToBeVisibleAsync();
            await ShootAsync(page, "room-privacy-1920x1080.png");
            await page.Locator("#privacy-overlay").ClickAsync();
            await Expect(page.Locator("#privacy-overlay")).ToBeHiddenAsync();
        }
        catch
        {
            output.WriteLine("agent:\n" + agent.Output);
            output.WriteLine("console:\n" + appliance.Console.Output);
            output.WriteLine("dnsfilter:\n" + appliance.DnsFilter.Output);
            await ShootAsync(page, "failure-1920x1080.png");
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    private static Task ShootAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Artefacts.Screenshot(name) });

    /// <summary>Asks until the answer is as expected: the DNS filter picks up a teacher's action within a second or so.</summary>
    private static async Task<string> DigUntilAsync(Appliance appliance, string name, Func<string, bool> expected)
    {
        var answer = "";
        for (var i = 0; i < 50; i++)
        {
            answer = await Dig.QueryAsync(appliance.DnsPort, name, PupilAddress);
            if (expected(answer))
            {
                return answer;
            }

            await Task.Delay(200);
        }

        Assert.Fail($"dig {name} from {PupilAddress} never gave the expected answer; last:\n{answer}");
        return answer;
    }
}

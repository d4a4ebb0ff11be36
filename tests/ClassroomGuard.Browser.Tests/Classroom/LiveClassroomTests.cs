using System.Globalization;
using ClassroomGuard.Agent.Blanking.X11;
using ClassroomGuard.Browser.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace ClassroomGuard.Browser.Tests.Classroom;

/// <summary>
/// The live classroom view end to end, everything real: a teacher signs in through the form in Chromium and opens the
/// room (interactive, over its Blazor circuit); a DNS query from the pupil's device (dig from the address the state
/// gives it) through the DNS filter changes the device's tile; Blank covers the pupil's X screen with the agent's
/// window (seen in a screenshot of the display) and Unblank removes it; Pause makes the DNS filter block the device's
/// queries and Resume lets them resolve again; whole-room actions ask first. A kiosk survives a console restart.
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

        var page = await NewPageAsync();
        try
        {
            await ClassroomFixture.SignInAsync(page, classroom.Teacher.UserName, Appliance.TeacherPassword);
            await page.GotoAsync("/rooms");
            await Artefacts.ShootBothAsync(page, "rooms");
            await ClassroomFixture.OpenRoomAsync(page, classroom.Room);
            await Expect(page.Locator("#room")).ToHaveAttributeAsync("data-room-id", classroom.Room.Id.ToString(CultureInfo.InvariantCulture));
            var tile = page.Locator($"#tiles [data-device-id='{deviceId}']");
            await Expect(tile).ToBeVisibleAsync();
            var updatedBefore = await UpdatedAsync(tile);

            // A pupil's query through the real DNS filter: the tile shows the site, pushed over the circuit.
            var answer = await Dig.QueryAsync(appliance.DnsPort, "www.bbc.co.uk", PupilAddress);
            Assert.Contains("status: NOERROR", answer, StringComparison.Ordinal);
            Assert.Contains("192.0.2.1", answer, StringComparison.Ordinal);
            await Expect(tile.Locator(".tile-site")).ToHaveTextAsync("www.bbc.co.uk", new() { Timeout = 10_000 });
            Assert.True(await UpdatedAsync(tile) > updatedBefore, "data-updated advanced");
            await Expect(tile).ToHaveAttributeAsync("data-online", "true");

            // A blocked one shows as the last blocked attempt, with its category.
            var blocked = await Dig.QueryAsync(appliance.DnsPort, "poki.com", PupilAddress);
            Assert.Contains("EDE: 15 (Blocked)", blocked, StringComparison.Ordinal);
            await Expect(tile.Locator(".tile-last-blocked")).ToContainTextAsync("poki.com", new() { Timeout = 10_000 });
            await Expect(tile.Locator(".tile-last-blocked")).ToContainTextAsync("games");
            await Artefacts.ShootBothAsync(page, "room-live");

            using (var windows = XMapWatcher.Start(screen.Name, "ClassroomGuard blank"))
            {
                // Blank (the tile's button): the agent's window covers the pupil's whole screen.
                await tile.Locator("button[data-action=blank]").ClickAsync();
                await windows.NextAsync(mapped: true, Soon);
                await Expect(tile).ToHaveAttributeAsync("data-blanked", "true");
                await Expect(tile.Locator("button[data-action=unblank]")).ToBeVisibleAsync();
                await Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("screen blanked until");
                await Artefacts.ShootBothAsync(page, "room-blanked");
                await AssertPupilScreenBlankedAsync(screen);

                // Unblank: the window is gone and nothing of it is left on the screen.
                await tile.Locator("button[data-action=unblank]").ClickAsync();
                await windows.NextAsync(mapped: false, Soon);
                await Expect(tile).ToHaveAttributeAsync("data-blanked", "false");
                var pixels = await screen.ScreenshotAsync(Artefacts.Screenshot("pupil-screen-unblanked.png"));
                Assert.Equal(0, XDisplay.ShareOf(pixels, X11ScreenBlanker.BackgroundRgb));

                // Blank all asks first; Cancel does nothing, the confirmation blanks the room.
                var blankAll = page.Locator("#room-actions button[data-action=blank]");
                await blankAll.ClickAsync();
                var dialog = page.Locator(".mud-dialog");
                await Expect(dialog).ToContainTextAsync("Blank every screen in Room 12?");
                await ShootAsync(page, "room-confirm-blank-all-1920x1080.png");
                await dialog.Locator("button:has-text('Cancel')").ClickAsync();
                await Expect(dialog).ToBeHiddenAsync();
                await Task.Delay(1500);
                await Expect(tile).ToHaveAttributeAsync("data-blanked", "false");

                await blankAll.ClickAsync();
                await dialog.Locator("button:has-text('Blank all screens')").ClickAsync();
                await windows.NextAsync(mapped: true, Soon);
                await Expect(tile).ToHaveAttributeAsync("data-blanked", "true");
                await Expect(page.Locator("#room-state .room-blank-state")).ToContainTextAsync("Room blanked until");
                await Expect(tile.Locator(".tile-blank-state")).ToContainTextAsync("whole room");

                await page.Locator("#room-actions button[data-action=unblank]").ClickAsync(); // ending is not asked about
                await windows.NextAsync(mapped: false, Soon);
                await Expect(tile).ToHaveAttributeAsync("data-blanked", "false");
            }

            // Pause (the tile's button): the DNS filter refuses the device's queries (block answer naming the pause).
            await tile.Locator("button[data-action=pause]").ClickAsync();
            await Expect(tile).ToHaveAttributeAsync("data-paused", "true");
            await ShootAsync(page, "room-paused-1920x1080.png");
            var paused = await Dig.UntilAsync(appliance.DnsPort, "www.bbc.com", PupilAddress, a => a.Contains("EDE: 15 (Blocked)", StringComparison.Ordinal));
            Assert.Contains("paused", paused, StringComparison.Ordinal);
            Assert.Contains("0.0.0.0", paused, StringComparison.Ordinal);

            await tile.Locator("button[data-action=resume]").ClickAsync();
            await Expect(tile).ToHaveAttributeAsync("data-paused", "false");
            var resumed = await Dig.UntilAsync(appliance.DnsPort, "www.bbc.com", PupilAddress, a => a.Contains("192.0.2.2", StringComparison.Ordinal));
            Assert.DoesNotContain("EDE", resumed, StringComparison.Ordinal);

            // Pause internet for the whole room: asked first, then the device's queries are blocked; Resume internet ends it.
            await page.Locator("#room-actions button[data-action=pause]").ClickAsync();
            await Expect(page.Locator(".mud-dialog")).ToContainTextAsync("Pause the internet for all of Room 12?");
            await page.Locator(".mud-dialog button:has-text('Pause the internet')").ClickAsync();
            await Expect(tile).ToHaveAttributeAsync("data-paused", "true");
            await Expect(page.Locator("#room-state .room-pause-state")).ToContainTextAsync("Room paused until");
            await Dig.UntilAsync(appliance.DnsPort, "en.wikipedia.org", PupilAddress, a => a.Contains("EDE: 15 (Blocked)", StringComparison.Ordinal));
            await page.Locator("#room-actions button[data-action=resume]").ClickAsync();
            await Expect(tile).ToHaveAttributeAsync("data-paused", "false");
            await Dig.UntilAsync(appliance.DnsPort, "en.wikipedia.org", PupilAddress, a => a.Contains("status: NOERROR", StringComparison.Ordinal) && !a.Contains("EDE", StringComparison.Ordinal));

            // The kiosk's privacy blank hides the class while the display is projected: the button, then the H key.
            await page.Locator("#privacy-blank").ClickAsync();
            await Expect(page.Locator("#privacy-overlay")).ToBeVisibleAsync();
            await ShootAsync(page, "room-privacy-1920x1080.png");
            await page.Keyboard.PressAsync("h");
            await Expect(page.Locator("#privacy-overlay")).ToBeHiddenAsync();
            await page.Keyboard.PressAsync("H");
            await Expect(page.Locator("#privacy-overlay")).ToBeVisibleAsync();
            await page.Locator("#privacy-overlay").ClickAsync();
            await Expect(page.Locator("#privacy-overlay")).ToBeHiddenAsync();
        }
        catch
        {
            output.WriteLine("agent:\n" + agent.Output);
            await DumpAsync(page);
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task FullRoom_ThirtyTiles_FitTheClassroomDisplay_AndTheLaptopScrolls()
    {
        var appliance = fixture.Appliance;
        var classroom = await appliance.AddClassroomAsync("Room 30", "teacher30");
        for (var i = 1; i <= 30; i++)
        {
            await appliance.AddDeviceAsync(classroom.Room, string.Create(CultureInfo.InvariantCulture, $"02:30:00:00:00:{i:x2}"),
                string.Create(CultureInfo.InvariantCulture, $"127.0.30.{i}"), string.Create(CultureInfo.InvariantCulture, $"R30-PC{i:00}"));
        }

        var page = await NewPageAsync();
        try
        {
            await ClassroomFixture.SignInAsync(page, classroom.Teacher.UserName, Appliance.TeacherPassword);
            await ClassroomFixture.OpenRoomAsync(page, classroom.Room);
            await Dig.QueryAsync(appliance.DnsPort, "classroom.google.com", "127.0.30.3");
            await Dig.QueryAsync(appliance.DnsPort, "coolmathgames.com", "127.0.30.7");
            await Expect(page.Locator("#tiles [data-device-id] .tile-site").Nth(2)).ToHaveTextAsync("classroom.google.com", new() { Timeout = 10_000 });
            await Expect(page.Locator("#tiles [data-device-id]")).ToHaveCountAsync(30);
            await Expect(page.Locator("#tiles")).ToHaveAttributeAsync("data-density", "dense");

            // 1920x1080: the whole class on one screen, no scrolling.
            await ShootAsync(page, "room-30-1920x1080.png");
            var last = await page.Locator("#tiles [data-device-id]").Last.BoundingBoxAsync();
            Assert.NotNull(last);
            Assert.True(last.Y + last.Height <= 1080, $"the 30th tile ends at {last.Y + last.Height} px, below the 1080 px screen");

            // 1366x768: usable (tiles readable at the same size, the page scrolls).
            await page.SetViewportSizeAsync(Artefacts.Laptop.Width, Artefacts.Laptop.Height);
            await ShootAsync(page, "room-30-1366x768.png");
            var first = await page.Locator("#tiles [data-device-id]").First.BoundingBoxAsync();
            Assert.NotNull(first);
            Assert.True(first.Width >= 200, $"a tile is only {first.Width} px wide at 1366x768");
            await page.SetViewportSizeAsync(Chromium.ClassroomDisplay.Width, Chromium.ClassroomDisplay.Height);
        }
        catch
        {
            await DumpAsync(page);
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task Kiosk_ConsoleKilledAndRestarted_SaysReconnectingThenIsLiveAgainWithoutATouch()
    {
        var appliance = fixture.Appliance;
        var classroom = await appliance.AddClassroomAsync("Room 40", "teacher40");
        var deviceId = await appliance.AddDeviceAsync(classroom.Room, "02:40:00:00:00:01", "127.0.0.41", "R40-PC01");
        var page = await NewPageAsync();
        var killed = false;
        try
        {
            await ClassroomFixture.SignInAsync(page, classroom.Teacher.UserName, Appliance.TeacherPassword);
            await ClassroomFixture.OpenRoomAsync(page, classroom.Room);
            var tile = page.Locator($"#tiles [data-device-id='{deviceId}']");
            await Expect(page.Locator("#components-reconnect-modal")).ToBeHiddenAsync();

            // The console dies: the page must say so at once, not go on looking live.
            await appliance.KillConsoleAsync();
            killed = true;
            await Expect(page.Locator("#components-reconnect-modal")).ToBeVisibleAsync(new() { Timeout = 15_000 });
            await Expect(page.Locator("#components-reconnect-modal")).ToContainTextAsync("Reconnecting");
            await Expect(page.Locator("body")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("cg-reconnecting"));
            await Expect(page.Locator("#live-status")).ToHaveCSSAsync("opacity", "0"); // no "Live" left showing on a dead page
            await Artefacts.ShootBothAsync(page, "room-reconnecting");
            await Task.Delay(TimeSpan.FromSeconds(8)); // an outage of some seconds, several retries

            // It comes back on the same address and data: the page resumes by itself (nobody clicks anything).
            var restarted = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            await appliance.StartConsoleAgainAsync();
            killed = false;
            await Expect(page.Locator("#components-reconnect-modal")).ToBeHiddenAsync(new() { Timeout = 60_000 });
            await Expect(page.Locator("body")).Not.ToHaveClassAsync(new System.Text.RegularExpressions.Regex("cg-reconnecting"));
            await Expect(page.Locator("#live-status[data-state=live]")).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await page.WaitForFunctionAsync("t => Number(document.getElementById('room')?.dataset.updated) > t", restarted, new() { Timeout = 15_000 });

            // And it is live: a query now reaches the tile.
            await Dig.QueryAsync(appliance.DnsPort, "www.nationalgeographic.com", "127.0.0.41");
            await Expect(tile.Locator(".tile-site")).ToHaveTextAsync("www.nationalgeographic.com", new() { Timeout = 10_000 });
            await ShootAsync(page, "room-reconnected-1920x1080.png");
        }
        catch
        {
            await DumpAsync(page);
            throw;
        }
        finally
        {
            if (killed)
            {
                await appliance.StartConsoleAgainAsync(); // the other tests of the collection need it
            }

            await page.Context.CloseAsync();
        }
    }

    /// <summary>A fresh browser at 1920x1080 whose console messages (script errors, Blazor's reconnection) go to the test output.</summary>
    private async Task<IPage> NewPageAsync()
    {
        var page = await fixture.NewPageAsync();
        page.Console += (_, message) => output.WriteLine($"browser {message.Type}: {message.Text}");
        page.PageError += (_, error) => output.WriteLine("browser error: " + error);
        return page;
    }

    private static async Task<long> UpdatedAsync(ILocator tile)
        => long.Parse((await tile.GetAttributeAsync("data-updated"))!, CultureInfo.InvariantCulture);

    private static async Task AssertPupilScreenBlankedAsync(XDisplay screen)
    {
        // The background is the server's on map; the message is drawn on the first Expose just after.
        var pixels = await screen.ScreenshotAsync(Artefacts.Screenshot("pupil-screen-blanked.png"));
        for (var i = 0; i < 20 && XDisplay.ShareOf(pixels, 0xFFFFFF) == 0; i++)
        {
            await Task.Delay(250);
            pixels = await screen.ScreenshotAsync(Artefacts.Screenshot("pupil-screen-blanked.png"));
        }

        var blankShare = XDisplay.ShareOf(pixels, X11ScreenBlanker.BackgroundRgb);
        Assert.True(blankShare > 0.95, $"only {blankShare:P1} of the screen is covered by the blank window");
        Assert.True(XDisplay.ShareOf(pixels, 0xFFFFFF) > 0, "the message is drawn in white on the blank");
    }

    private async Task DumpAsync(IPage page)
    {
        output.WriteLine("console:\n" + fixture.Appliance.Console.Output);
        output.WriteLine("dnsfilter:\n" + fixture.Appliance.DnsFilter.Output);
        await ShootAsync(page, "failure-1920x1080.png");
    }

    private static Task ShootAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Artefacts.Screenshot(name) });
}

using System.Globalization;
using ClassroomGuard.Browser.Tests.Support;
using ClassroomGuard.Storage.State;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace ClassroomGuard.Browser.Tests.Classroom;

/// <summary>
/// Two teacher flows of issue #10 through the real browser against the running appliance: a teacher sees and acts on
/// only their rooms (the room list, a room opened by its address, the home page; a technician sees every room), and
/// lesson focus started and ended from the room page's panel, checked with dig through the real DNS filter.
/// </summary>
[Collection(ClassroomCollection.Name)]
public sealed class TeacherFlowTests(ClassroomFixture fixture, ITestOutputHelper output)
{
    private const string FocusAddress = "127.0.0.51";
    private const string OtherRoomAddress = "127.0.0.52";

    [Fact]
    public async Task Teacher_SeesAndActsOnOnlyTheirRooms_TechnicianSeesBoth()
    {
        var appliance = fixture.Appliance;
        var mine = await appliance.AddClassroomAsync("Flow room 1", "flow.teacher.a");
        var theirs = await appliance.AddClassroomAsync("Flow room 2", "flow.teacher.b");
        const string theirDevice = "flow2-pc07";
        await appliance.AddDeviceAsync(theirs.Room, "02:00:00:00:52:01", OtherRoomAddress, theirDevice);
        await appliance.Store.Users.CreateUserAsync("flow.technician", "Mr Flow", [Role.Technician], Appliance.TeacherPassword, mustChangePassword: false, CancellationToken.None);
        var mineCard = $".room-card[data-room-id='{Id(mine.Room)}']";
        var theirCard = $".room-card[data-room-id='{Id(theirs.Room)}']";

        var page = await NewPageAsync();
        try
        {
            await ClassroomFixture.SignInAsync(page, mine.Teacher.UserName, Appliance.TeacherPassword);

            // The room list: room 1 and nothing else.
            await page.GotoAsync("/rooms");
            await Expect(page.Locator(mineCard)).ToContainTextAsync("Flow room 1");
            await Expect(page.Locator(".room-card")).ToHaveCountAsync(1);
            await Expect(page.Locator(theirCard)).ToHaveCountAsync(0);
            await Expect(page.Locator("body")).Not.ToContainTextAsync("Flow room 2");

            // Room 2 by its address: a clear "not available", none of its data and no buttons that act on it, both as
            // prerendered and once the page is interactive.
            await page.GotoAsync("/rooms/" + Id(theirs.Room));
            var heading = page.GetByRole(AriaRole.Heading, new() { Name = "This room is not available to you", Level = 1 });
            await Expect(heading).ToBeVisibleAsync();
            await AssertNothingOfRoomAsync(page, theirDevice);
            await page.WaitForFunctionAsync("() => window.Blazor !== undefined");
            await Task.Delay(2000); // the circuit renders the page again
            await Expect(heading).ToBeVisibleAsync();
            await AssertNothingOfRoomAsync(page, theirDevice);
            await Expect(page.GetByRole(AriaRole.Link, new() { Name = "See your rooms" })).ToBeVisibleAsync();
            await Artefacts.ShootBothAsync(page, "room-not-available");

            // The home page: only room 1 among their rooms.
            await page.GotoAsync("/");
            var homeRooms = page.Locator("section[aria-labelledby=rooms-title] a.room-card");
            await Expect(homeRooms).ToHaveCountAsync(1);
            await Expect(homeRooms).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("/rooms/" + Id(mine.Room) + "$"));
            await Expect(homeRooms).ToContainTextAsync("Flow room 1");
            await Expect(page.Locator("body")).Not.ToContainTextAsync("Flow room 2");
        }
        catch
        {
            await DumpAsync(page, "flow-rooms-failure");
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
        }

        // A technician sees both rooms, and room 2 with its device.
        var technician = await NewPageAsync();
        try
        {
            await ClassroomFixture.SignInAsync(technician, "flow.technician", Appliance.TeacherPassword);
            await technician.GotoAsync("/rooms");
            await Expect(technician.Locator(mineCard)).ToContainTextAsync("Flow room 1");
            await Expect(technician.Locator(theirCard)).ToContainTextAsync("Flow room 2");
            await ClassroomFixture.OpenRoomAsync(technician, theirs.Room);
            await Expect(technician.Locator("#room h1")).ToHaveTextAsync("Flow room 2");
            await Expect(technician.Locator("#tiles [role=group]")).ToContainTextAsync(theirDevice);
        }
        catch
        {
            await DumpAsync(technician, "flow-rooms-technician-failure");
            throw;
        }
        finally
        {
            await technician.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task Teacher_FocusesTheRoomOnTypedSites_FromThePanel_AndEndsItEarly()
    {
        var appliance = fixture.Appliance;
        var classroom = await appliance.AddClassroomAsync("Focus flow room", "focus.flow.teacher");
        await appliance.AddDeviceAsync(classroom.Room, "02:00:00:00:51:01", FocusAddress, "focus-pc01");

        // Before: Wikipedia resolves for the room's device.
        var before = await Dig.QueryAsync(appliance.DnsPort, "en.wikipedia.org", FocusAddress);
        Assert.Contains("192.0.2.3", before, StringComparison.Ordinal);

        var page = await NewPageAsync();
        try
        {
            await ClassroomFixture.SignInAsync(page, classroom.Teacher.UserName, Appliance.TeacherPassword);
            await ClassroomFixture.OpenRoomAsync(page, classroom.Room);
            var panel = page.Locator(".cg-focus-panel");
            await Expect(panel.GetByRole(AriaRole.Heading, new() { Name = "Lesson focus" })).ToBeVisibleAsync();
            await Expect(panel.Locator(".cg-active")).ToHaveCountAsync(0);

            // Typed sites, for the whole room (the default), asked first.
            await panel.GetByText("Sites I type", new() { Exact = true }).ClickAsync();
            var sites = panel.GetByLabel("Sites", new() { Exact = true });
            await sites.FillAsync("bbc.co.uk");
            await panel.GetByRole(AriaRole.Button, new() { Name = "Start focus" }).ClickAsync();
            var dialog = page.Locator(".mud-dialog");
            await Expect(dialog).ToContainTextAsync("Focus the whole of Focus flow room?");
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Start focus" }).ClickAsync();
            await Expect(dialog).ToBeHiddenAsync();

            // The panel shows the focus in force.
            var active = panel.Locator(".cg-active");
            await Expect(active).ToHaveCountAsync(1);
            await Expect(active).ToContainTextAsync("The whole room");
            await Expect(active).ToContainTextAsync("only bbc.co.uk");
            await Expect(active).ToContainTextAsync("until");
            var end = panel.GetByRole(AriaRole.Button, new() { Name = "End the focus on The whole room" });
            await Expect(end).ToBeVisibleAsync();
            await Expect(sites).ToHaveValueAsync(string.Empty); // the form starts afresh

            // The top of the page says so too, beside the room's blank and pause, without scrolling to the panel.
            await Expect(page.Locator(".room-focus-state")).ToContainTextAsync("Room on lesson focus until");

            // The DNS filter: the listed site resolves for the room's device, another (normally allowed) one is blocked.
            var blocked = await Dig.UntilAsync(appliance.DnsPort, "en.wikipedia.org", FocusAddress, a => a.Contains("EDE: 15 (Blocked)", StringComparison.Ordinal));
            Assert.Contains("focus", blocked, StringComparison.Ordinal);
            Assert.Contains("0.0.0.0", blocked, StringComparison.Ordinal);
            var listed = await Dig.QueryAsync(appliance.DnsPort, "www.bbc.co.uk", FocusAddress);
            Assert.Contains("192.0.2.1", listed, StringComparison.Ordinal);
            Assert.DoesNotContain("EDE", listed, StringComparison.Ordinal);

            await Artefacts.ShootBothAsync(page, "room-focus-in-force", panel);

            // Ended early from the page: the panel no longer shows it and Wikipedia resolves again.
            await end.ClickAsync();
            await Expect(active).ToHaveCountAsync(0);
            await Expect(page.Locator(".room-focus-state")).ToHaveCountAsync(0);
            var after = await Dig.UntilAsync(appliance.DnsPort, "en.wikipedia.org", FocusAddress, a => a.Contains("192.0.2.3", StringComparison.Ordinal));
            Assert.DoesNotContain("EDE", after, StringComparison.Ordinal);
        }
        catch
        {
            await DumpAsync(page, "flow-focus-failure");
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    private static string Id(Room room) => room.Id.ToString(CultureInfo.InvariantCulture);

    private static async Task AssertNothingOfRoomAsync(IPage page, string deviceName)
    {
        await Expect(page.Locator("#room")).ToHaveCountAsync(0);
        await Expect(page.Locator("#tiles")).ToHaveCountAsync(0);
        await Expect(page.Locator("#room-actions")).ToHaveCountAsync(0);
        await Expect(page.Locator("[data-device-id]")).ToHaveCountAsync(0);
        await Expect(page.Locator("button[data-action]")).ToHaveCountAsync(0);
        await Expect(page.Locator(".cg-focus-panel")).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Start focus" })).ToHaveCountAsync(0);
        await Expect(page.Locator("body")).Not.ToContainTextAsync(deviceName);
        await Expect(page.Locator("body")).Not.ToContainTextAsync("Flow room 2");
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

using ClassroomGuard.Browser.Tests.Support;
using ClassroomGuard.Console.Classroom;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ClassroomGuard.Browser.Tests.Classroom;

/// <summary>
/// Lesson focus end to end: a focus made by the console's LessonFocus service (with the room access check) over the
/// appliance's state database makes the real DNS filter process answer only the listed sites for that room's device,
/// until the teacher ends it; and screenshots of the pages that keep rooms and lists.
/// </summary>
public sealed class LessonFocusEndToEndTests(ClassroomFixture fixture, ITestOutputHelper output) : IClassFixture<ClassroomFixture>
{
    private const string PupilAddress = "127.0.0.41";
    private const string OtherRoomAddress = "127.0.0.42";

    [Fact]
    public async Task Focus_FromService_FilterAnswersOnlyListedSitesForThatRoomsDevice()
    {
        var appliance = fixture.Appliance;
        var classroom = await appliance.AddClassroomAsync("Focus room", "focus.teacher");
        var other = await appliance.AddClassroomAsync("Other room", "other.teacher");
        var device = await appliance.AssignAddressAsync("02:00:00:00:41:01", PupilAddress);
        var elsewhere = await appliance.AssignAddressAsync("02:00:00:00:41:02", OtherRoomAddress);
        await appliance.Store.Devices.SetRoomAsync(device, classroom.Room.Id, CancellationToken.None);
        await appliance.Store.Devices.SetRoomAsync(elsewhere, other.Room.Id, CancellationToken.None);
        var focus = new LessonFocus(appliance.Store, new RoomAccess(appliance.Store), new SchoolClock(Options.Create(new StateOptions()), TimeProvider.System), Options.Create(new ClassroomGuard.Console.Unblocking.ClassroomOptions()), NullLogger<LessonFocus>.Instance);
        var teacher = ConsoleUser.From(ConsoleUser.CreatePrincipal(classroom.Teacher, DateTimeOffset.UtcNow));
        try
        {
            Assert.Contains("192.0.2.", await Dig.QueryAsync(appliance.DnsPort, "en.wikipedia.org", PupilAddress), StringComparison.Ordinal);

            // Not the teacher's room: refused, nothing changes for its device.
            Assert.False((await focus.StartAsync(teacher, other.Room.Id, null, null, "bbc.co.uk", 30, CancellationToken.None)).Ok);

            var started = await focus.StartAsync(teacher, classroom.Room.Id, null, null, "bbc.co.uk", 30, CancellationToken.None);
            Assert.True(started.Ok, started.Message);

            var blocked = await Dig.UntilAsync(appliance.DnsPort, "en.wikipedia.org", PupilAddress, a => a.Contains("EDE: 15 (Blocked)", StringComparison.Ordinal));
            Assert.Contains("focus", blocked, StringComparison.Ordinal);
            Assert.Contains("0.0.0.0", blocked, StringComparison.Ordinal);
            var listed = await Dig.QueryAsync(appliance.DnsPort, "www.bbc.co.uk", PupilAddress);
            Assert.Contains("192.0.2.", listed, StringComparison.Ordinal);
            Assert.DoesNotContain("EDE", listed, StringComparison.Ordinal);
            var otherRoom = await Dig.QueryAsync(appliance.DnsPort, "en.wikipedia.org", OtherRoomAddress);
            Assert.Contains("192.0.2.", otherRoom, StringComparison.Ordinal); // the other room is not focused

            var view = await focus.ViewAsync(teacher, classroom.Room.Id, CancellationToken.None);
            var ended = await focus.EndAsync(teacher, classroom.Room.Id, Assert.Single(view!.Active).ActionId, CancellationToken.None);
            Assert.True(ended.Ok, ended.Message);
            var after = await Dig.UntilAsync(appliance.DnsPort, "en.wikipedia.org", PupilAddress, a => a.Contains("192.0.2.", StringComparison.Ordinal));
            Assert.DoesNotContain("EDE", after, StringComparison.Ordinal);
        }
        catch
        {
            output.WriteLine("dnsfilter:\n" + appliance.DnsFilter.Output);
            throw;
        }
    }

    [Theory]
    [InlineData(1920, 1080)]
    [InlineData(1366, 768)]
    public async Task TeachersRoomsAndFocusLists_Technician_Screenshots(int width, int height)
    {
        var appliance = fixture.Appliance;
        var name = $"rooms.tech{width}";
        var newcomer = width == 1920 ? "Miss Evans" : "Mr Jones";
        await appliance.Store.Users.CreateUserAsync(name, "Mr Patel", [Role.Technician], Appliance.TeacherPassword, mustChangePassword: false, CancellationToken.None);
        var a = await appliance.AddClassroomAsync($"Science lab {width}", $"j.okafor{width}");
        var b = await appliance.AddClassroomAsync($"Room 12 {width}", $"s.hughes{width}");
        await appliance.Store.TeacherRooms.AssignAsync(a.Teacher.Id, b.Room.Id, CancellationToken.None);
        await appliance.Store.Users.CreateUserAsync($"new.teacher{width}", newcomer, [Role.Teacher], Appliance.TeacherPassword, mustChangePassword: false, CancellationToken.None);
        var technician = (await appliance.Store.Users.FindByNameAsync(name, CancellationToken.None))!;
        await appliance.Store.FocusLists.CreateAsync($"Year 9 maths {width}", ["mathswatch.co.uk", "corbettmaths.com", "www.bbc.co.uk"], technician.Id, CancellationToken.None);
        await appliance.Store.FocusLists.CreateAsync($"KS3 science {width}", ["www.bbc.co.uk", "phet.colorado.edu", "nationalgeographic.com", "kids.nationalgeographic.com", "nasa.gov"], technician.Id, CancellationToken.None);

        var page = await fixture.NewPageAsync();
        try
        {
            await page.SetViewportSizeAsync(width, height);
            await ClassroomFixture.SignInAsync(page, name, Appliance.TeacherPassword);
            await page.GotoAsync("/admin/teachers");
            await page.GetByText(newcomer, new() { Exact = true }).WaitForAsync();
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Artefacts.Screenshot($"admin-teachers-{width}x{height}.png"), FullPage = true });
            for (var i = 0; i < 20 && !await page.GetByRole(AriaRole.Dialog).IsVisibleAsync(); i++)
            {
                await ClickSoonAsync(page.GetByRole(AriaRole.Button, new() { Name = "Add a room for " + newcomer }));
            }

            await page.GetByRole(AriaRole.Dialog).WaitForAsync();
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Artefacts.Screenshot($"admin-teachers-dialog-{width}x{height}.png") });
            await page.Keyboard.PressAsync("Escape");

            await page.GotoAsync("/admin/focus-lists");
            await page.GetByText($"Year 9 maths {width}").WaitForAsync();
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Artefacts.Screenshot($"admin-focus-lists-{width}x{height}.png"), FullPage = true });
            // The page is prerendered before its circuit is live: click again until the dialog opens.
            for (var i = 0; i < 20 && !await page.GetByRole(AriaRole.Dialog).IsVisibleAsync(); i++)
            {
                await ClickSoonAsync(page.GetByRole(AriaRole.Button, new() { Name = "New list" }));
            }

            await page.GetByRole(AriaRole.Dialog).WaitForAsync();
            await page.GetByLabel("Sites").FillAsync("bbc.co.uk\nnot a site");
            await page.GetByRole(AriaRole.Button, new() { Name = "Save list" }).ClickAsync();
            await page.GetByText("'not' is not a web site's name", new() { Exact = false }).First.WaitForAsync();
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Artefacts.Screenshot($"admin-focus-list-dialog-{width}x{height}.png") });
        }
        catch
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Artefacts.Screenshot($"rooms-failure-{width}x{height}.png") });
            output.WriteLine("console:\n" + appliance.Console.Output);
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
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
}

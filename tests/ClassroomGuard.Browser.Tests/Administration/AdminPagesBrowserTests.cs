using ClassroomGuard.Browser.Tests.Support;
using ClassroomGuard.Storage.State;
using Microsoft.Playwright;

namespace ClassroomGuard.Browser.Tests.Administration;

/// <summary>
/// A technician signs in and walks every administration page in Chromium at the two screen sizes schools use most,
/// leaving screenshots in TestResults/screenshots: each page shows its heading, its data in words, and no error.
/// </summary>
[Collection(ClassroomCollection.Name)]
public sealed class AdminPagesBrowserTests(ClassroomFixture fixture)
{
    private const string Password = "kettle umbrella marmalade";

    public static TheoryData<int, int> Sizes => new() { { 1920, 1080 }, { 1366, 768 } };

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task Technician_WalksEveryAdministrationPage_HeadingsAndNoErrors(int width, int height)
    {
        var school = await SchoolAsync();
        var page = await fixture.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add(message.Text);
            }
        };
        page.PageError += (_, error) => errors.Add(error);
        try
        {
            await page.SetViewportSizeAsync(width, height);
            await ClassroomFixture.SignInAsync(page, school.Technician, Password);
            var size = $"{width}x{height}";

            await VisitAsync(page, "/admin/users", "Users", $"admin-users-{size}");
            Assert.True(await page.GetByText("Anna Smith").First.IsVisibleAsync());
            await ClickUntilAsync(page, "button:has-text('Add a user')", ".mud-dialog");
            await page.Locator(".mud-dialog form button[type=submit]").ClickAsync();
            await page.GetByText("Enter a display name.").WaitForAsync(); // each refusal beside its field
            await page.WaitForTimeoutAsync(400);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Artefacts.Screenshot($"admin-user-add-dialog-{size}.png") });
            await page.ClickAsync(".mud-dialog button:has-text('Cancel')");
            await VisitAsync(page, $"/admin/users/{school.TeacherId}", "Tom Teacher", $"admin-user-detail-{size}");
            await ClickUntilAsync(page, "button:has-text('Disable the account')", ".mud-dialog");
            await page.WaitForTimeoutAsync(400); // the dialog's opening animation
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Artefacts.Screenshot($"admin-user-disable-dialog-{size}.png") });
            await page.ClickAsync(".mud-dialog button:has-text('Cancel')");

            await VisitAsync(page, "/admin/rooms", "Rooms & agent enrolment", $"admin-rooms-{size}");
            await VisitAsync(page, $"/admin/rooms/{school.RoomId}", "IT1: agent enrolment", $"admin-room-{size}");
            await ClickUntilAsync(page, "button:has-text('Make an enrolment token')", "[data-command]");
            var command = await page.Locator("[data-command]").InnerTextAsync();
            Assert.StartsWith("sudo classroomguard-agent-enrol --console https://127.0.0.1:", command, StringComparison.Ordinal);
            Assert.Contains("--pin " + fixture.Appliance.Certificate.Pin, command, StringComparison.Ordinal);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Artefacts.Screenshot($"admin-room-token-{size}.png"), FullPage = true });
            await page.ClickAsync("button[aria-label='Use the dark theme']"); // the token and command stay readable in the dark theme
            await page.Locator("button[aria-label='Use the light theme']").WaitForAsync();
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Artefacts.Screenshot($"admin-room-token-dark-{size}.png"), FullPage = true });
            await page.ClickAsync("button[aria-label='Use the light theme']");

            var laptop11 = (await fixture.Appliance.Store.Devices.FindByMacAsync("02:42:ac:11:00:0b", CancellationToken.None))!;
            await VisitAsync(page, "/admin/devices", "Devices", $"admin-devices-{size}");
            Assert.True(await page.GetByText("LAPTOP-07").First.IsVisibleAsync());
            await page.FillAsync("input[aria-label='Search devices']", "LAPTOP-1");
            await page.GetByText("1-10 of 10").WaitForAsync(); // filtered on the server: LAPTOP-10 to LAPTOP-19
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Artefacts.Screenshot($"admin-devices-search-{size}.png") });

            // The room is changed inline: open LAPTOP-11's room list, choose IT1, and the store has it at once.
            await page.ClickAsync("tr:has-text('LAPTOP-11') .mud-select");
            await page.ClickAsync(".mud-popover-open .mud-list-item:has-text('IT1')");
            await page.GetByText("LAPTOP-11 put in IT1.").WaitForAsync();
            Assert.Equal(school.RoomId, (await fixture.Appliance.Store.Devices.FindByMacAsync("02:42:ac:11:00:0b", CancellationToken.None))!.RoomId);
            await fixture.Appliance.Store.Devices.SetRoomAsync(laptop11.Id, null, CancellationToken.None); // as it was, for the other screen size
            await VisitAsync(page, "/admin/changes", "Changes waiting for approval", $"admin-changes-{size}");
            Assert.True(await page.GetByText("Put LAPTOP-07 in the group").First.IsVisibleAsync());
            await VisitAsync(page, "/admin/audit", "Audit log", $"admin-audit-{size}");
            Assert.True(await page.GetByText("Anna Smith added the room 'IT1'").First.IsVisibleAsync());
            Assert.DoesNotContain("room.create", await page.ContentAsync(), StringComparison.Ordinal);

            Assert.Empty(errors);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    private static async Task VisitAsync(IPage page, string path, string heading, string screenshot)
    {
        var response = await page.GotoAsync(path, new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
        Assert.Equal(200, response!.Status);
        Assert.Equal(heading, (await page.Locator("h1").First.InnerTextAsync()).Trim());
        await page.WaitForTimeoutAsync(700); // the circuit has connected and the grids have loaded their first page
        Assert.Equal(0, await page.Locator(".mud-alert-filled-error, #blazor-error-ui[style*='block']").CountAsync());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Artefacts.Screenshot(screenshot + ".png"), FullPage = true });
    }

    // A click before the circuit is connected does nothing: click again until the expected element appears.
    private static async Task ClickUntilAsync(IPage page, string button, string appears)
    {
        for (var attempt = 0; attempt < 10; attempt++)
        {
            await page.ClickAsync(button);
            try
            {
                await page.Locator(appears).First.WaitForAsync(new LocatorWaitForOptions { Timeout = 2_000 });
                return;
            }
            catch (TimeoutException)
            {
                // not interactive yet
            }
        }

        throw new TimeoutException($"{appears} did not appear after clicking {button}");
    }

    private async Task<School> SchoolAsync()
    {
        var store = fixture.Appliance.Store;
        var ct = CancellationToken.None;
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var anna = await UserAsync(store, "anna." + suffix, "Anna Smith", Role.Administrator);
        var tech = await UserAsync(store, "tech." + suffix, "Sam Technician", Role.Technician);
        var teacher = await UserAsync(store, "tom." + suffix, "Tom Teacher", Role.Teacher);
        var site = (await store.Sites.ListSitesAsync(ct)).FirstOrDefault() ?? await store.Sites.CreateSiteAsync("Main school", ct);
        var room = (await store.Sites.ListRoomsAsync(site.Id, ct)).FirstOrDefault(r => r.Name == "IT1") ?? await store.Sites.CreateRoomAsync(site.Id, "IT1", ct);
        await store.AdminAudit.RecordAsync(anna.Id, "room.create", "room 'IT1'", $"site '{site.Name}'", ct);
        await store.AdminAudit.RecordAsync(anna.Id, "user.create", $"user '{teacher.UserName}'", "roles Teacher", ct);
        for (var i = 0; i < 30; i++)
        {
            var id = await store.Devices.ObserveAsync(new DeviceObservation(DateTimeOffset.UtcNow.AddMinutes(-i), DeviceSource.Sniffer, $"02:42:ac:11:00:{i:x2}", $"10.1.20.{i + 10}", $"LAPTOP-{i:00}"), ct);
            await store.Devices.SetRoomAsync(id, i % 2 == 0 ? room.Id : null, ct);
        }

        var laptop = (await store.Devices.FindByMacAsync("02:42:ac:11:00:07", ct))!;
        var group = (await store.Policy.GetSnapshotAsync(ct)).Groups[0];
        if (!(await store.ChangeControl.GetPendingAsync(ct)).Any(p => p.Change is SetDeviceGroupChange d && d.DeviceId == laptop.Id))
        {
            await store.ChangeControl.ProposeAsync(anna.Id, new SetDeviceGroupChange(laptop.Id, group.Key), "Year 8 laptop", ct);
        }

        return new School(tech.UserName, teacher.Id, room.Id);
    }

    private static async Task<UserAccount> UserAsync(StateStore store, string userName, string name, Role role)
    {
        var (_, user) = await store.Users.CreateUserAsync(userName, name, [role], Password, mustChangePassword: false, CancellationToken.None);
        return user!;
    }

    private sealed record School(string Technician, long TeacherId, long RoomId);
}

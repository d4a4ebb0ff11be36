using ClassroomGuard.Browser.Tests.Support;
using Microsoft.Playwright;

namespace ClassroomGuard.Browser.Tests.Console;

/// <summary>A teacher signs in through the real form in Chromium against the running console, and reaches their room.</summary>
[Collection(ClassroomCollection.Name)]
public sealed class SignInTests(ClassroomFixture fixture)
{
    [Fact]
    public async Task Teacher_SignsInThroughTheForm_AndOpensTheRoom()
    {
        var classroom = await fixture.Appliance.AddClassroomAsync("Room 7", "teacher7");
        var page = await fixture.NewPageAsync();
        try
        {
            await page.GotoAsync("/rooms");
            Assert.Contains("/signin", page.Url, StringComparison.Ordinal); // not signed in: sent to the form
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Artefacts.Screenshot("signin-1920x1080.png") });

            await page.FillAsync("#username", "teacher7");
            await page.FillAsync("#password", "wrong password");
            await page.ClickAsync("form button[type=submit]");
            await page.Locator("[role=alert]").WaitForAsync(); // a failed sign-in says so, and stays on the form
            Assert.Contains("/signin", page.Url, StringComparison.Ordinal);

            await ClassroomFixture.SignInAsync(page, "teacher7", Appliance.TeacherPassword);
            await ClassroomFixture.OpenRoomAsync(page, classroom.Room);
            Assert.Equal("Room 7", await page.Locator("h1").First.InnerTextAsync());
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Artefacts.Screenshot("room-empty-1920x1080.png") });

            // The server enforces the role: a teacher is refused administration.
            var admin = await page.GotoAsync("/admin/users");
            Assert.Equal(403, admin!.Status);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}

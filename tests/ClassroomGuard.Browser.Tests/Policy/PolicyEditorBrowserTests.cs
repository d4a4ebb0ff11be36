using ClassroomGuard.Browser.Tests.Support;
using ClassroomGuard.Storage.State;
using Microsoft.Playwright;

namespace ClassroomGuard.Browser.Tests.Policy;

/// <summary>
/// The policy editor's group and calendar pages in Chromium against the real console: a group with several time
/// windows and another technician's proposal waiting, a refused window beside its field, the reason dialog, and the
/// empty school calendar, photographed at 1920x1080 and 1366x768.
/// </summary>
[Collection(ClassroomCollection.Name)]
public sealed class PolicyEditorBrowserTests(ClassroomFixture fixture)
{
    private const string Password = "kettle umbrella marmalade";

    [Fact]
    public async Task Technician_EditsAGroup_SeesWindowsPendingAndRefusals_AndTheEmptyCalendar()
    {
        var store = fixture.Appliance.Store;
        var ct = CancellationToken.None;
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var (_, anna) = await store.Users.CreateUserAsync("anna." + suffix, "Anna Smith", [Role.Administrator], Password, mustChangePassword: false, ct);
        var (_, tech) = await store.Users.CreateUserAsync("sam." + suffix, "Sam Technician", [Role.Technician], Password, mustChangePassword: false, ct);

        // Key stage 3 gets three windows (proposed by Anna, approved by Sam) and a YouTube change waiting for approval.
        var windows = new[]
        {
            new AddScheduleChange("ks3", "social_networking", ScheduleEffect.Allow, SchoolDays.Weekdays, 12 * 60, 13 * 60),
            new AddScheduleChange("ks3", "games", ScheduleEffect.Allow, SchoolDays.Friday, (15 * 60) + 30, 17 * 60, TermTimeOnly: true),
            new AddScheduleChange("ks3", "chat", ScheduleEffect.Allow, SchoolDays.Tuesday | SchoolDays.Thursday, (15 * 60) + 15, 16 * 60, TermTimeOnly: true),
        };
        var existing = (await store.Policy.GetSnapshotAsync(ct)).Groups.Single(g => g.Key == "ks3").Schedules;
        foreach (var window in windows.Where(w => !existing.Any(s => s.Category == w.Category)))
        {
            var proposed = await store.ChangeControl.ProposeAsync(anna!.Id, window, "Clubs after school", ct);
            Assert.True(proposed.Succeeded, proposed.Detail);
            Assert.True((await store.ChangeControl.ApproveAsync(tech!.Id, proposed.Entry!.ChangeId, null, ct)).Succeeded);
        }

        await store.ChangeControl.ProposeAsync(anna!.Id, new SetYouTubeModeChange("ks3", SafeSearchMode.Moderate), "Teachers need to show clips from history channels", ct);

        var page = await fixture.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        try
        {
            await ClassroomFixture.SignInAsync(page, tech!.UserName, Password);

            await OpenAsync(page, "/policy/groups", "Filtering groups");
            Assert.Contains("Default for unknown devices", await page.Locator("tr[data-group='Guests and BYOD']").InnerTextAsync(), StringComparison.Ordinal);
            Assert.Contains("waiting for approval", await page.Locator("tr[data-group='Pupils: Key Stage 3']").InnerTextAsync(), StringComparison.Ordinal);
            await Artefacts.ShootBothAsync(page, "policy-groups", fullPage: true);

            await OpenAsync(page, "/policy/groups/ks3", "Pupils: Key Stage 3");
            var pending = await page.Locator("[data-pending]").First.InnerTextAsync();
            Assert.Contains("Waiting for approval: Set YouTube for Pupils: Key Stage 3 to moderate restricted mode", pending, StringComparison.Ordinal);
            Assert.Contains("proposed by Anna Smith", pending, StringComparison.Ordinal);
            Assert.Contains("Always blocked — cannot be changed", await page.Locator("tr[data-category='Terrorist content (CTIRU list)']").InnerTextAsync(), StringComparison.Ordinal);
            Assert.Equal(0, await page.Locator("tr[data-category='Terrorist content (CTIRU list)'] button, tr[data-category='Terrorist content (CTIRU list)'] input").CountAsync());
            Assert.Contains("Allowed Friday, 15:30 to 17:00, term time only", await page.Locator("tr[data-category='Games']").InnerTextAsync(), StringComparison.Ordinal);
            await Artefacts.ShootBothAsync(page, "policy-group", fullPage: true);

            // A window that overlaps lunchtime social networking: refused beside the start time, nothing proposed.
            await page.ClickAsync("tr[data-category='Social networking'] button:has-text('Add a window')");
            await page.ClickAsync("[data-propose-window]");
            var refusal = page.GetByText("This overlaps the window allowed Monday to Friday, 12:00 to 13:00");
            await refusal.WaitForAsync();
            await Artefacts.ShootBothAsync(page, "policy-group-window-refused", show: page.Locator("#window-form"));

            // Allowing a category asks for the reason first; an empty one is refused in the dialog.
            await page.ClickAsync("tr[data-category='Gambling'] .mud-toggle-item:has-text('Allowed')");
            await page.Locator(".mud-dialog [data-summary]").WaitForAsync();
            Assert.Equal("Allow Gambling for Pupils: Key Stage 3 at all times", (await page.Locator(".mud-dialog [data-summary]").InnerTextAsync()).Trim());
            await page.ClickAsync(".mud-dialog [data-propose]");
            await page.Locator(".mud-dialog").GetByText("Say why").WaitForAsync();
            await page.WaitForTimeoutAsync(400); // the dialog's opening animation
            await Artefacts.ShootBothAsync(page, "policy-propose-dialog");
            await page.ClickAsync(".mud-dialog button:has-text('Cancel')");

            await OpenAsync(page, "/policy/calendar", "School calendar");
            var calendar = await page.Locator(".cg-calendar-page").InnerTextAsync();
            Assert.Contains("Europe/London", calendar, StringComparison.Ordinal);
            Assert.Contains("No term dates yet.", calendar, StringComparison.Ordinal);
            await Artefacts.ShootBothAsync(page, "policy-calendar-empty", fullPage: true);

            Assert.Empty(errors);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    private static async Task OpenAsync(IPage page, string path, string heading)
    {
        var response = await page.GotoAsync(path, new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
        Assert.Equal(200, response!.Status);
        await page.Locator("[data-interactive=true]").WaitForAsync();
        Assert.Equal(heading, (await page.Locator("h1").First.InnerTextAsync()).Trim());
        await page.WaitForTimeoutAsync(500);
    }
}

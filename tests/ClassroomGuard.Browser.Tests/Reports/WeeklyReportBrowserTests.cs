using System.Text.RegularExpressions;
using ClassroomGuard.Browser.Tests.Support;
using ClassroomGuard.Storage.State;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ClassroomGuard.Browser.Tests.Reports;

/// <summary>
/// The weekly traffic report's page in Chromium against the real console: a teacher is refused; a technician's wrongly
/// written week is refused with the reason beside the field, and the week buttons move a week at a time.
/// </summary>
[Collection(ClassroomCollection.Name)]
public sealed class WeeklyReportBrowserTests(ClassroomFixture fixture)
{
    private const string Password = "kettle umbrella marmalade";

    [Fact]
    public async Task Teacher_OpensTheWeeklyReport_IsRefusedInWords()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var (_, teacher) = await fixture.Appliance.Store.Users.CreateUserAsync("wr.teacher." + suffix, "Tess Teacher", [Role.Teacher], Password, mustChangePassword: false, CancellationToken.None);
        var page = await fixture.NewPageAsync();
        try
        {
            await ClassroomFixture.SignInAsync(page, teacher!.UserName, Password);
            await page.GotoAsync("/reports/weekly?week=2026-W49", new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
            await Expect(page.Locator("h1")).ToHaveTextAsync("Not for your role");
            await Expect(page.Locator("main")).ToContainTextAsync("Your account cannot open the page “Weekly traffic report”: it is for other roles.");
            await Expect(page.Locator(".cg-weekly-report")).ToHaveCountAsync(0);
            await Expect(page.Locator("#weekly-week")).ToHaveCountAsync(0);
            await Artefacts.ShootBothAsync(page, "weekly-report-teacher-refused");
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task Technician_WritesAWeekWrongly_IsRefusedBesideTheField_AndTheButtonsMoveAWeek()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var (_, tech) = await fixture.Appliance.Store.Users.CreateUserAsync("wr.tech." + suffix, "Sam Technician", [Role.Technician], Password, mustChangePassword: false, CancellationToken.None);
        var page = await fixture.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        try
        {
            await ClassroomFixture.SignInAsync(page, tech!.UserName, Password);
            await page.GotoAsync("/reports/weekly?week=2026-W10", new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
            await page.Locator(".cg-weekly-page[data-interactive=true]").WaitForAsync();
            await Expect(page.Locator("#weekly-week-label")).ToHaveTextAsync("Mon 2 Mar – Sun 8 Mar 2026");

            await page.FillAsync("#weekly-week", "2026-W54");
            await page.ClickAsync("#weekly-show");
            await Expect(page.Locator(".mud-input-helper-text.mud-input-error, .mud-input-error .mud-input-helper-text")).ToContainTextAsync("2026-W54 is not a week: 2026 has weeks 1 to 53.");
            await page.FillAsync("#weekly-week", "week 49");
            await page.PressAsync("#weekly-week", "Enter");
            await Expect(page.Locator(".mud-input-helper-text.mud-input-error, .mud-input-error .mud-input-helper-text")).ToContainTextAsync("Write the week as YYYY-Www, for example 2026-W49.");
            await Artefacts.ShootBothAsync(page, "weekly-report-week-refused");
            Assert.Contains("week=2026-W10", page.Url, StringComparison.Ordinal); // nothing changed

            await page.ClickAsync("#weekly-previous");
            await page.WaitForURLAsync(new Regex("week=2026-W09"));
            await Expect(page.Locator("#weekly-week-label")).ToHaveTextAsync("Mon 23 Feb – Sun 1 Mar 2026");
            await page.ClickAsync("#weekly-next");
            await page.WaitForURLAsync(new Regex("week=2026-W10"));
            await Expect(page.Locator("#weekly-week-label")).ToHaveTextAsync("Mon 2 Mar – Sun 8 Mar 2026");
            Assert.Empty(errors);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}

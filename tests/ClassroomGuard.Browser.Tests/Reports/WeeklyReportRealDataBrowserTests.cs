using System.Globalization;
using System.Text.RegularExpressions;
using ClassroomGuard.Browser.Tests.Support;
using ClassroomGuard.Console.Components.Pages.Reports.Weekly;
using ClassroomGuard.Console.Reports;
using ClassroomGuard.Console.Tests.Reports.Support;
using ClassroomGuard.Storage.State;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ClassroomGuard.Browser.Tests.Reports;

/// <summary>
/// An appliance of the weekly report's own (its generated school must not meet the classroom tests' school) holding a
/// realistic last complete week and the week before, written by <see cref="ReportWeekGenerator"/> into the appliance's
/// real state database and influxd and rolled up as the appliance does.
/// </summary>
public sealed class WeeklyReportWorldFixture : IAsyncLifetime
{
    public ClassroomFixture Classroom { get; } = new();

    public ReportWeekData Data { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Classroom.InitializeAsync();
        try
        {
            var london = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
            var week = IsoWeek.Containing(DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, london).DateTime)).Previous;
            Data = await ReportWeekGenerator.GenerateAsync(new ReportWeekSpec { Week = week, Devices = 40, Rooms = 4, Sites = 2, Seed = 90 },
                Classroom.Appliance.Store, Classroom.Appliance.Influx.Url, "classroomguard", CancellationToken.None);
        }
        catch
        {
            await Classroom.DisposeAsync();
            throw;
        }
    }

    public Task DisposeAsync() => Classroom.DisposeAsync();
}

/// <summary>
/// The weekly traffic report's page over real data in Chromium: a technician opens it on the last complete week and sees
/// the generator's own totals in words and units, for the whole appliance and for one site; the week before is a click
/// away; a device's name opens the device list searched for it; the PDF link names the week and site. Photographed at
/// 1920x1080 and 1366x768.
/// </summary>
public sealed class WeeklyReportRealDataBrowserTests(WeeklyReportWorldFixture world) : IClassFixture<WeeklyReportWorldFixture>
{
    private const string Password = "kettle umbrella marmalade";

    private ReportWeekData Data => world.Data;

    [Fact]
    public async Task Technician_OpensLastWeek_SeesTheGeneratedTotals_ForTheApplianceAndASite()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var (_, tech) = await world.Classroom.Appliance.Store.Users.CreateUserAsync("wr.real." + suffix, "Sam Technician", [Role.Technician], Password, mustChangePassword: false, CancellationToken.None);
        var page = await world.Classroom.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        try
        {
            await ClassroomFixture.SignInAsync(page, tech!.UserName, Password);
            await page.GotoAsync("/reports/weekly", new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
            await page.Locator(".cg-weekly-page[data-interactive=true]").WaitForAsync();
            var report = page.Locator("article.cg-weekly-report");
            await report.WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });

            // The last complete week by default, compared with the generator's own sums.
            var week = Data.Spec.Week;
            Assert.Equal(week.ToString(), await report.GetAttributeAsync("data-week"));
            await Expect(page.Locator("#weekly-week")).ToHaveValueAsync(week.ToString());
            await Expect(report.Locator("h1")).ToHaveTextAsync($"Week {week.Week}: {Data.Period.Label}");
            var all = Data.Totals(null);
            var before = Data.Totals(null, previous: true);
            await Expect(Headline(page, "devices-seen")).ToHaveTextAsync(WeeklyReportText.Count(all.DevicesSeen.Count));
            await Expect(Headline(page, "queries")).ToHaveTextAsync(WeeklyReportText.Count(all.Queries));
            await Expect(Headline(page, "traffic")).ToHaveTextAsync(WeeklyReportText.Bytes(all.Bytes));
            await Expect(Headline(page, "blocks")).ToHaveTextAsync(WeeklyReportText.Count(all.Blocks));
            await Expect(page.Locator("[data-headline='queries'] .cg-change-text")).ToHaveTextAsync(WeeklyReportText.Change(new(all.Queries, before.Queries)));
            await Expect(page.Locator("section.cg-gaps")).ToContainTextAsync("The DNS filter did not report");
            await Expect(page.Locator("#weekly-pdf")).ToHaveAttributeAsync("href", $"/reports/weekly.pdf?week={week}");
            var text = await report.InnerTextAsync();
            Assert.DoesNotContain("social_networking", text, StringComparison.Ordinal); // names, not keys
            Assert.DoesNotContain("self_harm", text, StringComparison.Ordinal);
            Assert.Equal(7 * 24, await page.Locator("#wr-heat-map rect.cg-heat-cell").CountAsync());
            await Expect(page.Locator("#wr-blocks-per-day g.cg-day")).ToHaveCountAsync(7);
            await Artefacts.ShootBothAsync(page, "weekly-report", fullPage: true);
            await Artefacts.ShootBothAsync(page, "weekly-report-top");

            // One site: its own figures, and the PDF link names it.
            var site = Data.Sites[1];
            await page.Locator(".mud-select:has(#weekly-site)").Last.ClickAsync();
            await page.Locator(".mud-popover-open .mud-list-item", new PageLocatorOptions { HasText = site.Name }).ClickAsync();
            await page.WaitForURLAsync(new Regex("site=" + site.Id.ToString(CultureInfo.InvariantCulture)));
            await Expect(page.Locator(".cg-report-kind")).ToContainTextAsync(site.Name);
            var mine = Data.Totals(site.Id);
            await Expect(Headline(page, "queries")).ToHaveTextAsync(WeeklyReportText.Count(mine.Queries));
            await Expect(Headline(page, "devices-seen")).ToHaveTextAsync(WeeklyReportText.Count(mine.DevicesSeen.Count));
            await Expect(page.Locator("#weekly-pdf")).ToHaveAttributeAsync("href", $"/reports/weekly.pdf?week={week}&site={site.Id.ToString(CultureInfo.InvariantCulture)}");

            // The week before, from the button.
            await page.ClickAsync("#weekly-previous");
            await page.WaitForURLAsync(new Regex("week=" + week.Previous));
            await Expect(page.Locator("article.cg-weekly-report")).ToHaveAttributeAsync("data-week", week.Previous.ToString());
            await Expect(Headline(page, "queries")).ToHaveTextAsync(WeeklyReportText.Count(Data.Totals(site.Id, previous: true).Queries));

            // A device's name opens the device list searched for it.
            await page.GotoAsync($"/reports/weekly?week={week}", new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
            var link = page.Locator("[data-section='top-devices'] a.cg-device-link").First;
            await link.WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
            var name = await link.InnerTextAsync();
            var blocks = await page.Locator("[data-section='top-devices'] a.cg-blocks-link").First.GetAttributeAsync("href");
            Assert.Matches($"^/blocks\\?device=[0-9]+&from={Data.Period.First:yyyy-MM-dd}&to={Data.Period.Last:yyyy-MM-dd}$", blocks);
            await link.ClickAsync();
            await page.WaitForURLAsync(new Regex("/admin/devices\\?search="));
            await Expect(page.Locator("input[aria-label='Search devices']")).ToHaveValueAsync(name);
            await Expect(page.Locator(".mud-table-body tr", new PageLocatorOptions { HasText = name }).First).ToBeVisibleAsync();
            Assert.Empty(errors);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    private static ILocator Headline(IPage page, string key) => page.Locator($"[data-headline='{key}'] .cg-headline-value");
}

using System.Text.RegularExpressions;
using ClassroomGuard.Browser.Tests.Support;
using ClassroomGuard.Storage.State;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ClassroomGuard.Browser.Tests.Safeguarding;

/// <summary>
/// The annual review in Chromium against the real console and the REAL DNS filter of the test appliance (asked over its
/// control socket): a technician starts a review, is refused completion until the filter check has run, runs it and sees
/// circumvention refused and SafeSearch enforced for every group, and the honest failure for adult content (no adult list
/// is loaded in the test appliance); records an action, completes the review, and the home card then says when the next
/// one is due. The review list, a review with its check and the home card are photographed at both sizes.
/// </summary>
[Collection(ClassroomCollection.Name)]
public sealed class AnnualReviewBrowserTests(ClassroomFixture fixture)
{
    private const string Password = "kettle umbrella marmalade";

    [Fact]
    public async Task Technician_RunsTheFilterCheck_CompletesTheReview_AndTheHomeCardShowsTheNextDueDate()
    {
        var store = fixture.Appliance.Store;
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var (_, tech) = await store.Users.CreateUserAsync("review." + suffix, "Sam Technician", [Role.Technician], Password, mustChangePassword: false, CancellationToken.None);
        var (_, governor) = await store.Users.CreateUserAsync("review.gov." + suffix, "Gil Governor", [Role.Governor], Password, mustChangePassword: false, CancellationToken.None);
        // The filter agrees with dig from this test's own loopback address: the Firefox canary is refused.
        Assert.Contains("status: NXDOMAIN", await Dig.QueryAsync(fixture.Appliance.DnsPort, "use-application-dns.net", "127.0.0.87"), StringComparison.Ordinal);

        var page = await fixture.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        try
        {
            await ClassroomFixture.SignInAsync(page, tech!.UserName, Password);
            await page.GotoAsync("/review", new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
            await page.Locator(".cg-review-page[data-interactive=true]").WaitForAsync();
            await Expect(page.Locator("#review-due")).ToContainTextAsync("The annual review is due now");
            await Expect(page.Locator("#reviews-none")).ToContainTextAsync("No review has been recorded yet");
            await Artefacts.ShootBothAsync(page, "review-list-empty", fullPage: true);

            await page.ClickAsync("#review-start");
            await page.WaitForURLAsync(new Regex("/review/[0-9]+$"));
            await page.Locator(".cg-review-record[data-interactive=true]").WaitForAsync();
            await Expect(page.Locator("#review-title")).ToContainTextAsync("Annual review of ");

            // Completing before anything is there: refused, with the reasons next to the fields.
            await page.ClickAsync("#review-complete");
            await page.ClickAsync(".mud-dialog [data-confirm]");
            await Expect(page.Locator("#check-error")).ToContainTextAsync("Run the filter check first");
            await Expect(page.Locator("#complete-error")).ToContainTextAsync("cannot be completed yet");
            await Expect(page.Locator("text=Name the governor who took part")).ToBeVisibleAsync();

            await page.FillAsync("#review-senior", "Ann Head");
            await page.FillAsync("#review-dsl", "Dee Lead");
            await page.FillAsync("#review-tech", "Sam Technician");
            await page.FillAsync("#review-governor", "Gil Governor");
            await page.ClickAsync("#details-save");
            await Expect(page.Locator(".mud-snackbar", new() { HasText = "Saved." })).ToHaveCountAsync(1);

            // The filter check, through the real DNS filter.
            await page.ClickAsync("#run-check");
            var grid = page.Locator("#check-grid");
            await grid.WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
            var text = await grid.InnerTextAsync();
            Assert.Contains("Guests and BYOD", text, StringComparison.Ordinal);
            Assert.Contains("Pupils: Key Stage 3", text, StringComparison.Ordinal);
            Assert.Contains("Pornography and adult", text, StringComparison.Ordinal);
            Assert.Contains("Failed: no list loaded", text, StringComparison.Ordinal);
            Assert.Contains("Circumvention names", text, StringComparison.Ordinal);
            Assert.Contains("SafeSearch", text, StringComparison.Ordinal);
            Assert.DoesNotContain("self_harm", text, StringComparison.Ordinal); // names, not keys
            Assert.DoesNotContain(" ks3", text, StringComparison.Ordinal);
            var circumvention = await ColumnCellsAsync(page, "Circumvention names");
            Assert.NotEmpty(circumvention);
            Assert.All(circumvention, c => Assert.Equal("true", c)); // blocked for every group, by the real filter
            Assert.All(await ColumnCellsAsync(page, "SafeSearch"), c => Assert.Equal("true", c));
            Assert.All(await ColumnCellsAsync(page, "Pornography and adult"), c => Assert.Equal("false", c));
            await Expect(page.Locator("#check-failures")).ToContainTextAsync("No list is loaded for Pornography and adult");
            await Expect(page.Locator("#check-summary")).ToContainTextAsync("through the running DNS filter");

            await page.FillAsync("#action-what", "Load the UT1 adult list and run the check again");
            await page.FillAsync("#action-owner", "Sam Technician");
            await page.ClickAsync("#action-form button[type=submit]");
            await Expect(page.Locator("#actions-table")).ToContainTextAsync("Load the UT1 adult list");
            await page.FillAsync("#review-summary", "Filtering blocks circumvention and enforces SafeSearch; the adult list is missing (action agreed).");
            await page.ClickAsync("form[aria-label=Summary] button[type=submit]");
            var saved = page.Locator(".mud-snackbar", new() { HasText = "Saved." }).Last;
            await Expect(saved).ToBeVisibleAsync();
            await saved.EvaluateAsync("e => Promise.all(e.getAnimations({ subtree: true }).map(a => a.finished))"); // faded in, without a sleep
            await Artefacts.ShootBothAsync(page, "review-with-check", fullPage: true);

            await page.ClickAsync("#review-complete");
            await page.ClickAsync(".mud-dialog [data-confirm]");
            await Expect(page.Locator("#review-status")).ToContainTextAsync("Completed by Sam Technician");
            await Expect(page.Locator("#run-check")).ToHaveCountAsync(0); // read-only now
            await Artefacts.ShootBothAsync(page, "review-completed", fullPage: true);

            await page.GotoAsync("/review", new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
            await Expect(page.Locator("#review-due")).ToContainTextAsync(new Regex("The next annual review is due in 36[56] days"));
            await Expect(page.Locator("#reviews-table")).ToContainTextAsync("Completed by Sam Technician");
            await Artefacts.ShootBothAsync(page, "review-list", fullPage: true);

            await page.GotoAsync("/", new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
            var card = page.Locator("#review-card");
            await Expect(card).ToContainTextAsync(new Regex("Annual review due in 36[56] days"));
            await Expect(card).ToContainTextAsync("A year after the review of ");
            await Artefacts.ShootBothAsync(page, "review-home-card", card);

            // A significant change brings the next review forward to now.
            await page.GotoAsync("/review", new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
            await page.Locator(".cg-review-page[data-interactive=true]").WaitForAsync();
            await page.ClickAsync("#review-mark-change");
            await page.ClickAsync(".mud-dialog [data-confirm]");
            await Expect(page.Locator(".mud-dialog")).ToContainTextAsync("Say what changed"); // the reason is required
            await page.FillAsync("#change-reason", "New filtering provider");
            await page.FillAsync("#change-entry", "999999");
            await page.ClickAsync(".mud-dialog [data-confirm]");
            await Expect(page.Locator(".mud-dialog")).ToContainTextAsync("There is no entry 999999 in the change-control log");
            await Artefacts.ShootBothAsync(page, "review-mark-change-dialog");
            await page.FillAsync("#change-entry", "");
            await page.ClickAsync(".mud-dialog [data-confirm]");
            await Expect(page.Locator("#review-due")).ToContainTextAsync("The annual review is due now");
            await Expect(page.Locator("#review-due")).ToContainTextAsync("by Sam Technician: New filtering provider.");
            await Expect(page.Locator("#changes-list")).ToContainTextAsync("Sam Technician: New filtering provider");
            await Artefacts.ShootBothAsync(page, "review-list-after-change", fullPage: true);
            Assert.Empty(errors);
        }
        finally
        {
            await page.Context.CloseAsync();
        }

        // The governor reads the completed review, and cannot change it.
        var governorPage = await fixture.NewPageAsync();
        try
        {
            await ClassroomFixture.SignInAsync(governorPage, governor!.UserName, Password);
            await governorPage.GotoAsync("/review", new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
            await Expect(governorPage.Locator("#review-start")).ToHaveCountAsync(0);
            await governorPage.Locator(".cg-review-link").First.ClickAsync();
            await Expect(governorPage.Locator("#check-grid")).ToContainTextAsync("Pornography and adult");
            await Expect(governorPage.Locator("#review-people")).ToContainTextAsync("Gil Governor (governor)");
            await Expect(governorPage.Locator("#details-form, #review-complete, #review-delete, #action-form")).ToHaveCountAsync(0);
            await Artefacts.ShootBothAsync(governorPage, "review-governor", fullPage: true);
        }
        finally
        {
            await governorPage.Context.CloseAsync();
        }
    }

    /// <summary>The data-passed of each group's cell in the column headed <paramref name="column"/>.</summary>
    private static async Task<IReadOnlyList<string?>> ColumnCellsAsync(IPage page, string column)
    {
        var headers = await page.Locator("#check-grid thead th").AllInnerTextsAsync();
        var index = headers.ToList().FindIndex(h => h.Trim() == column);
        Assert.True(index > 0, $"no column '{column}' in: {string.Join(" | ", headers)}");
        var cells = page.Locator($"#check-grid tbody tr > :nth-child({index + 1})");
        var values = new List<string?>();
        foreach (var cell in await cells.AllAsync())
        {
            values.Add(await cell.GetAttributeAsync("data-passed"));
        }

        return values;
    }
}

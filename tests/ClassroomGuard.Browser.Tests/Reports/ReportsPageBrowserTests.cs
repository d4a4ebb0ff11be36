using System.Security.Cryptography;
using System.Text;
using ClassroomGuard.Browser.Tests.Support;
using ClassroomGuard.Storage.State;
using Microsoft.Playwright;

namespace ClassroomGuard.Browser.Tests.Reports;

/// <summary>
/// The Reports page in Chromium against the real console: a technician sees the weekly reports only, a governor the
/// governors' only; each sees the schedule in words, the kept reports with who made them and where their e-mail is,
/// and download links; a bad week in "Generate now" is refused beside its field. Photographed at 1920x1080 and 1366x768.
/// </summary>
[Collection(ClassroomCollection.Name)]
public sealed class ReportsPageBrowserTests(ClassroomFixture fixture)
{
    private const string Password = "kettle umbrella marmalade";

    [Fact]
    public async Task TechnicianAndGovernor_EachSeeOnlyTheirKinds_WithTheScheduleInWords()
    {
        var store = fixture.Appliance.Store;
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var (_, tech) = await store.Users.CreateUserAsync("reports.tech." + suffix, "Sam Okafor", [Role.Technician], Password, mustChangePassword: false, CancellationToken.None);
        var (_, governor) = await store.Users.CreateUserAsync("reports.gov." + suffix, "Priya Shah", [Role.Governor], Password, mustChangePassword: false, CancellationToken.None);
        await store.Users.SetEmailAsync(tech!.Id, $"sam.{suffix}@school.example", CancellationToken.None);
        await store.Users.SetEmailAsync(governor!.Id, $"priya.{suffix}@school.example", CancellationToken.None);
        await SeedAsync(store, tech.Id, suffix);

        var page = await fixture.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        try
        {
            await ClassroomFixture.SignInAsync(page, tech.UserName, Password);
            await page.GotoAsync("/reports", new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
            await page.Locator("#report-list .mud-table-body tr").First.WaitForAsync();
            await page.WaitForTimeoutAsync(500);
            await Artefacts.ShootBothAsync(page, "reports-technician", fullPage: true);
            var text = await page.Locator(".cg-reports").InnerTextAsync();
            Assert.Contains("Every Monday at 07:00, for the week before (Monday to Sunday); not e-mailed, because e-mail is off", text, StringComparison.Ordinal); // no Mail:Host here
            Assert.Contains("Weekly traffic report", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Governors' report", text, StringComparison.Ordinal);
            Assert.Contains("By the schedule", text, StringComparison.Ordinal);
            Assert.Contains("By Sam Okafor", text, StringComparison.Ordinal);
            Assert.Contains("E-mailed to 2 addresses", text, StringComparison.Ordinal);
            Assert.Contains("Not e-mailed yet (tried again by itself): could not connect", text, StringComparison.Ordinal);
            Assert.Equal(0, await page.Locator("[data-report-kind=Governors]").CountAsync());
            Assert.True(await page.Locator("a[data-download]").CountAsync() >= 3);

            // Generate now: a week that does not exist is refused beside the field; nothing is generated.
            await page.ClickAsync("[data-generate-kind=Weekly]");
            await page.FillAsync("#generate-week", "2026-W99");
            await page.ClickAsync("#generate-go");
            await page.GetByText("2026 has weeks 1 to 53").WaitForAsync();
            await Artefacts.ShootBothAsync(page, "reports-generate-refused");
            await page.Keyboard.PressAsync("Escape");
        }
        finally
        {
            await page.Context.CloseAsync();
        }

        var governorPage = await fixture.NewPageAsync();
        governorPage.PageError += (_, error) => errors.Add(error);
        try
        {
            await ClassroomFixture.SignInAsync(governorPage, governor.UserName, Password);
            await governorPage.GotoAsync("/reports", new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
            await governorPage.Locator("#report-list .mud-table-body tr").First.WaitForAsync();
            await governorPage.WaitForTimeoutAsync(500);
            await Artefacts.ShootBothAsync(governorPage, "reports-governor", fullPage: true);
            var text = await governorPage.Locator(".cg-reports").InnerTextAsync();
            Assert.Contains("On the 1st of every month at 07:00, for the month before; not e-mailed", text, StringComparison.Ordinal);
            Assert.Contains("Governors' report", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Weekly traffic report", text, StringComparison.Ordinal);
            Assert.Equal(0, await governorPage.Locator("[data-report-kind=Weekly]").CountAsync());

            await governorPage.ClickAsync("[data-generate-kind=Governors]");
            await governorPage.Locator("#generate-from").WaitForAsync();
            await governorPage.WaitForTimeoutAsync(300);
            await Artefacts.ShootBothAsync(governorPage, "reports-generate-governors");

            // Generated for real (the console's Chromium prints it), kept and listed, by her.
            await governorPage.ClickAsync("#generate-go");
            await governorPage.GetByText("Generated and kept: Governors' report").WaitForAsync(new() { Timeout = 120_000 });
            await governorPage.Locator("#report-list :text('By Priya Shah')").First.WaitForAsync();
            await Artefacts.ShootBothAsync(governorPage, "reports-governor-generated");
        }
        finally
        {
            await governorPage.Context.CloseAsync();
        }

        Assert.Empty(errors);
    }

    /// <summary>Kept reports as the schedule and a person would have left them: files in the folder, rows, e-mails.</summary>
    private async Task SeedAsync(StateStore store, long techId, string suffix)
    {
        var folder = Path.Combine(fixture.Appliance.Root, "reports");
        async Task<KeptReport> KeepAsync(ReportKind kind, DateOnly first, DateOnly last, string title, ReportTrigger trigger, long? by)
        {
            var name = $"{kind.ToString().ToLowerInvariant()}-{first:yyyy-MM-dd}-{suffix}-{Guid.NewGuid():N}.pdf";
            var bytes = Encoding.ASCII.GetBytes("%PDF-1.4\n% " + title + "\n" + new string('x', 180_000) + "\n%%EOF\n");
            await File.WriteAllBytesAsync(Path.Combine(folder, name), bytes);
            return (await store.Reports.AddAsync(
                new NewReport(kind, null, first, last, title, name, bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes)), trigger, by), CancellationToken.None))!;
        }

        var sent = await KeepAsync(ReportKind.Weekly, new DateOnly(2026, 11, 23), new DateOnly(2026, 11, 29), "Weekly traffic report, Mon 23 Nov – Sun 29 Nov 2026", ReportTrigger.Manual, techId);
        var mail = await store.MailOutbox.EnqueueAsync(new NewMail(MailKind.Report, ["a@school.example", "b@school.example"], "s", "b"), CancellationToken.None);
        await store.MailOutbox.MarkSentAsync(mail, CancellationToken.None);
        await store.Reports.SetMailAsync(sent.Id, mail, 2, CancellationToken.None);

        var failing = await KeepAsync(ReportKind.Weekly, new DateOnly(2026, 11, 16), new DateOnly(2026, 11, 22), "Weekly traffic report, Mon 16 Nov – Sun 22 Nov 2026", ReportTrigger.Schedule, null);
        var stuck = await store.MailOutbox.EnqueueAsync(new NewMail(MailKind.Report, ["a@school.example"], "s", "b"), CancellationToken.None);
        await store.MailOutbox.MarkFailedAsync(stuck, "could not connect to smtp.school.example:587 (nothing is listening there: is the server up, and the port right?)",
            TimeSpan.FromMinutes(1), TimeSpan.FromHours(1), CancellationToken.None);
        await store.Reports.SetMailAsync(failing.Id, stuck, 1, CancellationToken.None);

        await KeepAsync(ReportKind.Weekly, new DateOnly(2026, 11, 30), new DateOnly(2026, 12, 6), "Weekly traffic report, Mon 30 Nov – Sun 6 Dec 2026", ReportTrigger.Manual, techId);
        await KeepAsync(ReportKind.Governors, new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30), "Governors' report, Sun 1 Nov – Mon 30 Nov 2026", ReportTrigger.Schedule, null);
    }
}

using ClassroomGuard.Browser.Tests.Support;
using ClassroomGuard.Storage.State;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ClassroomGuard.Browser.Tests.Reports;

/// <summary>
/// The governors' report in Chromium against the real console and the real DNS filter (its lists, asked over the
/// control socket): a governor follows the home card to the report, picks this month, sees the change approved and the
/// incidents counted with small numbers withheld — and none of the pupil's, device's, address's or staff's names planted
/// in the state; days typed the wrong way round are refused beside their fields; the head hash checks out against the
/// log; a teacher is refused the page (403). Photographed at 1920x1080 and 1366x768. Pupil device: 127.0.0.92.
/// </summary>
[Collection(ClassroomCollection.Name)]
public sealed class GovernorsReportBrowserTests(ClassroomFixture fixture)
{
    private const string Password = "kettle umbrella marmalade";
    private const string PupilAddress = "127.0.0.92";

    [Fact]
    public async Task Governor_OpensTheReport_SeesItAnonymised_ChecksTheHash_TeacherIsRefused()
    {
        var store = fixture.Appliance.Store;
        var token = CancellationToken.None;
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var (_, governor) = await store.Users.CreateUserAsync("gov." + suffix, "Gwen Ashworth", [Role.Governor], Password, mustChangePassword: false, token);
        var (_, sam) = await store.Users.CreateUserAsync("gtech." + suffix, "Samir Okafor", [Role.Technician], Password, mustChangePassword: false, token);
        var (_, kim) = await store.Users.CreateUserAsync("gtech2." + suffix, "Kimberley Adebayo", [Role.Technician], Password, mustChangePassword: false, token);
        var (_, dsl) = await store.Users.CreateUserAsync("gdsl." + suffix, "Priyanka Sharma", [Role.SafeguardingLead], Password, mustChangePassword: false, token);
        var classroom = await fixture.Appliance.AddClassroomAsync("Mr Whitcombe's room " + suffix, "gteacher" + suffix);
        var device = await fixture.Appliance.AddDeviceAsync(classroom.Room, "02:92:00:00:00:" + suffix[..2], PupilAddress, "JAMIE-LAPTOP-" + suffix);

        // A change approved by a second technician, with a reason that names a pupil; three self-harm incidents and one of
        // gambling for a named pupil, with typed notes.
        var proposed = await store.ChangeControl.ProposeAsync(sam!.Id, new SetDomainRuleChange("report-" + suffix + ".example", "ks3", RuleAction.Deny), "Jamie Lee-Thompson found it", token);
        Assert.True(proposed.Succeeded, proposed.Detail);
        Assert.True((await store.ChangeControl.ApproveAsync(kim!.Id, proposed.Entry!.ChangeId, "Agreed with Priyanka", token)).Succeeded);
        var now = DateTimeOffset.UtcNow.AddMinutes(-30);
        for (var i = 0; i < 3; i++)
        {
            await store.Incidents.RecordAsync(new NewIncident(classroom.Teacher.Id, now.AddSeconds(-i), "Reported to the safeguarding lead from the classroom view", device,
                "Jamie Lee-Thompson", "selfharm.example", "self_harm", "JAMIE-LAPTOP screen", classroom.Room.Id, "Jamie Lee-Thompson was upset"), token);
        }

        var gambling = await store.Incidents.RecordAsync(new NewIncident(dsl!.Id, now, "Reported", device, "Amira Okonkwo", "bet.example", "gambling", Description: "Amira Okonkwo betting"), token);
        await store.Incidents.AddStepAsync(gambling.Id, dsl.Id, IncidentEventKind.Action, "Phoned Amira Okonkwo's father", token);
        string[] planted = ["Jamie", "Lee-Thompson", "Amira", "Okonkwo", "JAMIE-LAPTOP", PupilAddress, "02:92:00", "Gwen Ashworth", "Samir", "Kimberley", "Priyanka", "Whitcombe", "Phoned"];

        var page = await fixture.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        try
        {
            await ClassroomFixture.SignInAsync(page, governor!.UserName, Password);
            await page.GotoAsync("/", new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
            await page.ClickAsync("[data-open-report]");
            await page.WaitForURLAsync("**/reports/governors");
            await page.Locator(".gr-page[data-interactive=true]").WaitForAsync();
            await Expect(page.Locator("[data-period=last-month]")).ToHaveAttributeAsync("aria-current", "page");
            await Expect(page.Locator("article[data-report=governors] h1")).ToHaveTextAsync("Governors' e-safety report");
            await Artefacts.ShootBothAsync(page, "governors-report-last-month", fullPage: true);

            await page.ClickAsync("[data-period=this-month]");
            await page.WaitForURLAsync("**/reports/governors?from=*");
            await page.Locator("[data-counts=category]").WaitForAsync();
            var report = await page.Locator("article[data-report=governors]").InnerTextAsync();
            Assert.Contains($"Always block report-{suffix}.example for the group Pupils: Key Stage 3", report, StringComparison.Ordinal);
            Assert.Contains("Proposed by a technician", report, StringComparison.Ordinal);
            Assert.Contains("by a technician", report, StringComparison.Ordinal);
            var categories = await page.Locator("[data-counts=category]").InnerTextAsync();
            Assert.Contains("Self-harm and suicide", categories, StringComparison.Ordinal);
            // The one gambling incident: "fewer than 3", or, when the total and the other rows would give it away (4 = 3 + 1),
            // "not shown" with the rest (other tests' incidents may add to the others).
            Assert.Matches("fewer than 3|not shown", categories);
            Assert.DoesNotMatch("Gambling\\s*1\\b", categories);
            Assert.Contains("Blocklist version in force:", report, StringComparison.Ordinal);
            // The report itself (the menu bar around it names the signed-in governor, as every page does).
            var html = System.Net.WebUtility.HtmlDecode(await page.Locator("article[data-report=governors]").InnerHTMLAsync());
            Assert.All(planted, p => Assert.DoesNotContain(p, html, StringComparison.OrdinalIgnoreCase));
            var pdf = await page.Locator("[data-pdf]").GetAttributeAsync("href");
            Assert.Matches("^/reports/governors\\.pdf\\?from=\\d{4}-\\d{2}-01&to=\\d{4}-\\d{2}-\\d{2}$", pdf);
            await Artefacts.ShootBothAsync(page, "governors-report", fullPage: true);

            // The head hash, copied into the check: it matches the log.
            var head = (await page.Locator("[data-head-hash]").InnerTextAsync()).Trim();
            var sequence = (await store.ChangeControl.VerifyChainAsync(null, token)).Head.Sequence;
            await page.FillAsync("#governors-check-entry", sequence.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await page.FillAsync("#governors-check-hash", head);
            await page.ClickAsync("[data-check-button]");
            await Expect(page.Locator("[data-check-result]")).ToHaveAttributeAsync("data-check-result", "matches");
            await Artefacts.ShootBothAsync(page, "governors-report-hash-checked", page.Locator("[data-check]"));

            // Nothing went wrong while the page was in use. (Leaving it by a full navigation below may make Blazor's
            // script report that the old page's circuit is no longer connected, when the machine is busy; that is the
            // page being unloaded, not a fault of the report.)
            Assert.Empty(errors);
            var whileInUse = errors.Count;

            // Days the wrong way round, from an address: refused next to the field, no report.
            var later = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-2);
            var earlier = later.AddDays(-10);
            await page.GotoAsync($"/reports/governors?from={later:yyyy-MM-dd}&to={earlier:yyyy-MM-dd}", new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
            await page.GetByText($"The last day ({earlier.ToString("d MMMM yyyy", System.Globalization.CultureInfo.InvariantCulture)}) is before the first ({later.ToString("d MMMM yyyy", System.Globalization.CultureInfo.InvariantCulture)}).").WaitForAsync();
            Assert.Equal(0, await page.Locator("article[data-report=governors]").CountAsync());
            await Artefacts.ShootBothAsync(page, "governors-report-days-refused");
            Assert.All(errors.Skip(whileInUse), e => Assert.Contains("Cannot send data if the connection is not in the 'Connected' State", e, StringComparison.Ordinal));
        }
        finally
        {
            await page.Context.CloseAsync();
        }

        var teacher = await fixture.NewPageAsync();
        try
        {
            await ClassroomFixture.SignInAsync(teacher, classroom.Teacher.UserName, Appliance.TeacherPassword);
            var refused = await teacher.GotoAsync("/reports/governors");
            Assert.Equal(403, refused!.Status);
            var refusal = await teacher.ContentAsync();
            Assert.Contains("Not for your role", refusal, StringComparison.Ordinal);
            Assert.Contains("Your account cannot open the page \u201cGovernors' report\u201d", System.Net.WebUtility.HtmlDecode(refusal), StringComparison.Ordinal);
            await Artefacts.ShootBothAsync(teacher, "governors-report-teacher-refused");
        }
        finally
        {
            await teacher.Context.CloseAsync();
        }
    }
}

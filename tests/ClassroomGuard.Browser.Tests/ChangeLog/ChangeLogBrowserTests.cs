using System.Globalization;
using ClassroomGuard.Browser.Tests.Support;
using ClassroomGuard.Storage.State;
using Microsoft.Playwright;

namespace ClassroomGuard.Browser.Tests.ChangeLog;

/// <summary>
/// A governor reads the change-control log in Chromium against the real console; then a row of the change table is
/// altered with the sqlite3 CLI, and both the page and <c>verify-log</c> report the break. The row is put back
/// afterwards (with its append-only trigger), so the appliance the other tests share verifies again.
/// </summary>
[Collection(ClassroomCollection.Name)]
public sealed class ChangeLogBrowserTests(ClassroomFixture fixture)
{
    private const string Password = "kettle umbrella marmalade";
    private const string Trigger = "CREATE TRIGGER change_log_no_update BEFORE UPDATE ON change_log BEGIN SELECT RAISE(ABORT, 'change_log is append-only'); END;";

    private StateStore Store => fixture.Appliance.Store;

    private string StatePath => Path.Combine(fixture.Appliance.Root, "state.db");

    [Fact]
    public async Task Governor_ReadsTheLog_ThenATamperedRowIsReportedByThePageAndVerifyLog()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var sam = await UserAsync($"log.sam.{suffix}", "Sam Okafor", Role.Technician);
        var kim = await UserAsync($"log.kim.{suffix}", "Kim Hughes", Role.Administrator);
        await UserAsync($"log.gill.{suffix}", "Gill Patel", Role.Governor);
        var domain = $"quiz-{suffix}.example.org";
        var proposed = await Store.ChangeControl.ProposeAsync(sam.Id, new SetDomainRuleChange(domain, "ks3", RuleAction.Deny), "Answers site Year 9 use in tests", CancellationToken.None);
        Assert.True(proposed.Succeeded, proposed.Detail);
        var approval = await Store.ChangeControl.ApproveAsync(kim.Id, proposed.Entry!.ChangeId, "Agreed with the head of Year 9", CancellationToken.None);
        Assert.True(approval.Succeeded, approval.Detail);
        var withdrawn = await Store.ChangeControl.ProposeAsync(kim.Id, new SetSafeSearchChange("staff", SafeSearchMode.Off), "Staff searches for health education filtered", CancellationToken.None);
        await Store.ChangeControl.RejectAsync(kim.Id, withdrawn.Entry!.ChangeId, "Proposed for the wrong group", CancellationToken.None);
        Assert.True((await VerifyLogAsync()).ExitCode == 0);

        var page = await fixture.NewPageAsync();
        await ClassroomFixture.SignInAsync(page, $"log.gill.{suffix}", Password);
        await page.GotoAsync("/change-log");
        await page.Locator("[data-chain=intact]").WaitForAsync(new() { Timeout = 30_000 });
        await page.GetByText($"Always block {domain} for the group Pupils: Key Stage 3").WaitForAsync();
        Assert.True(await page.GetByText("Approved by Kim Hughes and applied").First.IsVisibleAsync());
        Assert.Equal(0, await page.Locator("a[href='/admin/changes']").CountAsync()); // a governor never approves
        Assert.Equal(0, await page.GetByRole(AriaRole.Button, new() { Name = "Approve" }).CountAsync());
        await Artefacts.ShootBothAsync(page, "change-log");

        var seq = approval.Entry!.Sequence;
        var original = await Sqlite3Async($"SELECT actor_name FROM change_log WHERE seq = {seq.ToString(CultureInfo.InvariantCulture)};");
        try
        {
            await Sqlite3Async($"DROP TRIGGER change_log_no_update; UPDATE change_log SET actor_name = 'mallory' WHERE seq = {seq.ToString(CultureInfo.InvariantCulture)};");

            await page.ReloadAsync();
            await page.Locator("[data-chain=broken]").WaitForAsync(new() { Timeout = 30_000 });
            await page.Locator("[data-untrusted]").First.WaitForAsync(); // the rows load too, the changed one marked
            var warning = await page.Locator("[data-broken]").InnerTextAsync();
            Assert.StartsWith($"Entry {seq} (approval of change {proposed.Entry.ChangeId} on ", warning, StringComparison.Ordinal);
            Assert.EndsWith("by Kim Hughes) has been altered or removed.", warning.Trim(), StringComparison.Ordinal);
            await Artefacts.ShootBothAsync(page, "change-log-tampered");

            var broken = await VerifyLogAsync();
            Assert.True(broken.ExitCode == 65, broken.Output);
            Assert.Contains($"first bad entry={seq}", broken.Output, StringComparison.Ordinal);
        }
        finally
        {
            await Sqlite3Async($"UPDATE change_log SET actor_name = '{original.Trim().Replace("'", "''", StringComparison.Ordinal)}' WHERE seq = {seq.ToString(CultureInfo.InvariantCulture)}; {Trigger}");
        }

        var repaired = await VerifyLogAsync();
        Assert.True(repaired.ExitCode == 0, repaired.Output);
        Assert.StartsWith("change log intact: entries=", repaired.Output, StringComparison.Ordinal);
    }

    private async Task<UserAccount> UserAsync(string userName, string displayName, Role role)
    {
        var (outcome, user) = await Store.Users.CreateUserAsync(userName, displayName, [role], Password, mustChangePassword: false, CancellationToken.None);
        Assert.Equal(CreateUserOutcome.Created, outcome);
        return user!;
    }

    private Task<(int ExitCode, string Output)> VerifyLogAsync()
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h ? h : "dotnet";
        return ServiceProcess.RunAsync(host, [Path.Combine(AppContext.BaseDirectory, "console", "ClassroomGuard.Console.dll"), "verify-log", "--State:Path=" + StatePath], TimeSpan.FromSeconds(60));
    }

    private async Task<string> Sqlite3Async(string sql)
    {
        var (exit, output) = await ServiceProcess.RunAsync("sqlite3", ["-cmd", ".timeout 10000", StatePath, sql]);
        Assert.True(exit == 0, output);
        return output;
    }
}

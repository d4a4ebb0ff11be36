using System.Globalization;
using System.Security.Claims;
using Bunit;
using ClassroomGuard.Console.Components.Pages.Reports;
using ClassroomGuard.Console.Reports;
using ClassroomGuard.Console.Reports.Delivery;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace ClassroomGuard.Console.Tests.Reports.Delivery;

/// <summary>
/// The Reports page rendered (bUnit) over a real state and the delivery services: the empty state says when the first
/// report comes and what to do meanwhile; a governor's list holds the governors' reports only, in words.
/// </summary>
public sealed class ReportsPageTests : IAsyncLifetime
{
    private readonly ReportWorld world = new(new DateTimeOffset(2026, 10, 20, 9, 0, 0, TimeSpan.Zero));
    private readonly BunitContext bunit = new();

    public ReportsPageTests()
    {
        bunit.JSInterop.Mode = JSRuntimeMode.Loose;
        bunit.Services.AddMudServices();
        bunit.Services.AddSingleton(world.Reports);
        bunit.Services.AddScoped<CurrentUser>();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await bunit.DisposeAsync();
        world.Dispose();
    }

    [Fact]
    public async Task NoReportsYet_SaysWhenTheFirstComesAndWhatToDo()
    {
        await SignInAsync("tech", Role.Technician);

        var page = bunit.Render<ReportsPage>();

        page.WaitForAssertion(() => Assert.Contains(
            "No report has been kept yet. Weekly traffic report: The next one comes Mon 26 Oct 2026 at 07:00. Press Generate now to make one for a period you choose.",
            page.Find("#report-list-empty").TextContent, StringComparison.Ordinal));
        Assert.Empty(page.FindAll("[data-report-kind=Governors]"));
        Assert.Single(page.FindAll("[data-generate-kind=Weekly]"));
    }

    [Fact]
    public async Task Governor_SeesTheGovernorsReportsOnly_InWords()
    {
        await world.Archive.KeepWeeklyAsync(null, new IsoWeek(2026, 42), ReportTrigger.Schedule, null, ReportWorld.None);
        await world.Archive.KeepGovernorsAsync(new DateOnly(2026, 9, 1), new DateOnly(2026, 9, 30), ReportTrigger.Schedule, null, ReportWorld.None);
        await SignInAsync("governor", Role.Governor);

        var page = bunit.Render<ReportsPage>();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("a[data-download]")));
        var text = page.Find("#report-list").TextContent;
        Assert.Contains("Governors' report", text, StringComparison.Ordinal);
        Assert.Contains("Tue 1 Sep – Wed 30 Sep 2026", text, StringComparison.Ordinal);
        Assert.Contains("By the schedule", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Weekly", text, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("[data-report-kind=Weekly]"));
    }

    private async Task SignInAsync(string name, Role role)
    {
        var user = await world.UserAsync(name, role, null);
        var auth = bunit.AddAuthorization();
        auth.SetAuthorized(user.UserName);
        auth.SetRoles(role.ToString());
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, user.Id.ToString(CultureInfo.InvariantCulture)));
    }
}

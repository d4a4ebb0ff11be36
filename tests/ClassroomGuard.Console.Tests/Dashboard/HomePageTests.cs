using System.Security.Claims;
using Bunit;
using ClassroomGuard.Console.Classroom;
using ClassroomGuard.Console.Components.Pages.Home;
using ClassroomGuard.Console.Dashboard;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Console.Tests.Support;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace ClassroomGuard.Console.Tests.Dashboard;

/// <summary>
/// The home page rendered for each role (bUnit, with a fake authentication state for the role) over the console's real
/// services and state database. InfluxDB is a dead port here, so the series-based figures must say they are unavailable.
/// </summary>
public sealed class HomePageTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    [Fact]
    public async Task Technician_SeesTheApplianceHealth_AndSaysWhatCannotBeHad()
    {
        using var context = Context(1, Role.Technician);

        var page = context.Render<Home>();

        page.WaitForAssertion(() => Assert.NotNull(page.Find("#health-title")), TimeSpan.FromSeconds(10));
        var tiles = page.FindAll(".health-tile").Select(t => t.TextContent).ToList();
        Assert.Equal(6, tiles.Count);
        Assert.Contains(tiles, t => t.Contains("Upstream DNS resolvers", StringComparison.Ordinal) && t.Contains("Not known", StringComparison.Ordinal)); // no Dns:Upstreams here
        Assert.Contains(tiles, t => t.Contains("DNS filter", StringComparison.Ordinal) && t.Contains("Not known", StringComparison.Ordinal));
        Assert.Contains(tiles, t => t.Contains("InfluxDB", StringComparison.Ordinal) && t.Contains("Not reachable", StringComparison.Ordinal));
        Assert.Contains("Not available: InfluxDB did not answer", page.Find(".blocks").TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("#rooms-title, #alerts-title, #governor-title"));
        Assert.Contains("E-mail is off", page.Find("[data-mail-status='info']").TextContent, StringComparison.Ordinal); // Mail:Host is empty here
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Teacher_SeesTheirRoomsAsLinks_OrTheEmptyState()
    {
        var store = ConsoleSession.Store(fixture.Factory);
        var site = await store.Sites.CreateSiteAsync("Home Site", CancellationToken.None);
        var room = await store.Sites.CreateRoomAsync(site.Id, "Music 1", CancellationToken.None);
        var teacher = await ConsoleSession.UserAsync(fixture.Factory, "home.teacher", Role.Teacher);
        await RefreshOverviewAsync();
        using var context = Context(teacher.Id, Role.Teacher);
        var user = new ConsoleUser(teacher.Id, teacher.UserName, "Display", new HashSet<Role> { Role.Teacher }, false);
        var theirs = await context.Services.GetRequiredService<RoomAccess>().RoomsForAsync(user, CancellationToken.None);

        var page = context.Render<Home>();

        page.WaitForAssertion(() => Assert.NotNull(page.Find("#rooms-title")), TimeSpan.FromSeconds(10));
        if (theirs.Count == 0)
        {
            Assert.Contains("No rooms are assigned to you yet", page.Find(".home-section").TextContent, StringComparison.Ordinal);
        }
        else
        {
            var links = page.FindAll("a.room-card");
            Assert.Equal(theirs.Count, links.Count);
            var music = Assert.Single(links, a => a.TextContent.Contains("Music 1", StringComparison.Ordinal));
            Assert.Equal("/rooms/" + room.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), music.GetAttribute("href"));
            Assert.Contains("No devices in this room yet", music.TextContent, StringComparison.Ordinal);
            Assert.Contains("Blocked attempts not available", music.TextContent, StringComparison.Ordinal);
        }

        Assert.Empty(page.FindAll("#health-title, #alerts-title, #governor-title"));
    }

    [Fact]
    public async Task SafeguardingLead_SeesOpenAlerts_NewestFirst()
    {
        var store = ConsoleSession.Store(fixture.Factory);
        var before = (await store.Alerts.ListUnacknowledgedAsync(CancellationToken.None)).Count;
        await store.Alerts.RaiseAsync(new NewAlert(AlertKind.HighRiskCategory, DateTimeOffset.UtcNow.AddMinutes(-3), "e", null, "self_harm", "older.example"), CancellationToken.None);
        await store.Alerts.RaiseAsync(new NewAlert(AlertKind.Circumvention, DateTimeOffset.UtcNow.AddMinutes(-1), "e", null, "vpn", "newer.example"), CancellationToken.None);
        await RefreshOverviewAsync();
        using var context = Context(2, Role.SafeguardingLead);

        var page = context.Render<Home>();

        page.WaitForAssertion(() => Assert.NotNull(page.Find("#alerts-title")), TimeSpan.FromSeconds(10));
        var rows = page.FindAll(".alerts-table tbody tr");
        Assert.Equal(before + 2, rows.Count);
        Assert.Contains("newer.example", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("Tried to get round the filter", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("A device no longer in the inventory", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("older.example", rows[1].TextContent, StringComparison.Ordinal);
        Assert.Contains($"{before + 2} open", page.Find(".kind.total").TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("#health-title, #rooms-title, #governor-title"));
    }

    [Fact]
    public async Task Governor_SeesTheLogLinkWithItsCheck_TheReportNotYetProduced_AndNothingElse()
    {
        var chain = await ConsoleSession.Store(fixture.Factory).ChangeControl.VerifyChainAsync(null, CancellationToken.None);
        using var context = Context(3, Role.Governor);

        var page = context.Render<Home>();

        if (chain.EntryCount == 0)
        {
            page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-chain-summary=empty]")), TimeSpan.FromSeconds(10));
            Assert.Contains("No filtering changes yet", page.Find("[data-chain-summary]").TextContent, StringComparison.Ordinal);
        }
        else
        {
            page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-chain-summary=intact]")), TimeSpan.FromSeconds(10));
            var entries = chain.EntryCount.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
            Assert.Contains($"Log intact, {entries} {(chain.EntryCount == 1 ? "entry" : "entries")}", page.Find("[data-chain-summary]").TextContent, StringComparison.Ordinal);
        }
        var links = page.FindAll(".home a[href]"); // the things to follow: the log, the annual review and the report, no dead links
        Assert.Equal(["/change-log", "/reports/governors", "/review"], links.Select(a => a.GetAttribute("href")).Order());
        var link = Assert.Single(links, a => a.GetAttribute("href") == "/change-log");
        Assert.Contains("Open the change-control log", link.TextContent, StringComparison.Ordinal);
        var report = page.Find("[data-governor-report]").TextContent;
        Assert.DoesNotContain("does not produce this report yet", report, StringComparison.Ordinal);
        Assert.Contains("Open the governors' report", Assert.Single(links, a => a.GetAttribute("href") == "/reports/governors").TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("will be delivered", page.Find(".governor-card").TextContent, StringComparison.Ordinal); // no promise of a date
        Assert.Empty(page.FindAll("#health-title, #rooms-title, #alerts-title"));
    }

    /// <summary>Reads the shared overview again now (pages share one read for up to 25 s by design).</summary>
    private Task RefreshOverviewAsync() => fixture.Factory.Services.GetRequiredService<DashboardFeed>().GetAsync(CancellationToken.None, TimeSpan.Zero);

    private BunitContext Context(long userId, params Role[] roles)
    {
        _ = ConsoleSession.Store(fixture.Factory); // starts the console's host: its singletons serve the page
        var context = new BunitContext();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddMudServices();
        var authorization = context.AddAuthorization();
        authorization.SetAuthorized("home.user" + userId);
        authorization.SetRoles([.. roles.Select(r => r.ToString())]);
        authorization.SetClaims(
            new Claim(ClaimTypes.NameIdentifier, userId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new Claim(ClaimTypes.GivenName, "Home User " + userId));
        context.Services.AddScoped<CurrentUser>();
        context.Services.AddScoped<RoomAccess>();
        context.Services.AddScoped<DashboardService>();
        // The console's own singletons (state database, the shared overview feed, the school's clock) serve the page.
        var console = fixture.Factory.Services;
        context.Services.AddSingleton(console.GetRequiredService<StateStore>());
        context.Services.AddSingleton(console.GetRequiredService<DashboardFeed>());
        context.Services.AddSingleton(console.GetRequiredService<SchoolClock>());
        context.Services.AddSingleton(console.GetRequiredService<ClassroomGuard.Console.Unblocking.UnblockFeed>()); // the safeguarding lead's count
        context.Services.AddSingleton(console.GetRequiredService<ClassroomGuard.Console.Unblocking.UnblockTimes>());
        context.Services.AddSingleton(console.GetRequiredService<ClassroomGuard.Console.ChangeLog.ChangeLogService>()); // the governor's log check
        context.Services.AddSingleton(console.GetRequiredService<ClassroomGuard.Console.Policy.Lists.ListsProbe>()); // the technician's lists alarm
        context.Services.AddSingleton(console.GetRequiredService<ClassroomGuard.Console.Upstreams.UpstreamMonitor>()); // the upstream resolvers' tile
        context.Services.AddSingleton(console.GetRequiredService<ClassroomGuard.Console.Mail.MailStatusService>()); // the technician's e-mail card
        context.Services.AddSingleton(console.GetRequiredService<ClassroomGuard.Console.Reports.Delivery.ReportStatusService>()); // the technician's reports card
        context.Services.AddSingleton(console.GetRequiredService<ClassroomGuard.Console.Policy.Why.DnsFilterClient>()); // the annual review card
        ClassroomGuard.Console.Safeguarding.Review.ReviewServiceCollectionExtensions.AddAnnualReview(context.Services);
        context.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", true)); // the unblock count asks whether it is interactive
        return context;
    }
}

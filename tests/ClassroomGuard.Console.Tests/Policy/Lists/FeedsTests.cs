using Bunit;
using ClassroomGuard.Console.Classroom;
using ClassroomGuard.Console.Components.Pages.Policy.Why;
using ClassroomGuard.Console.Policy;
using ClassroomGuard.Console.Policy.Lists;
using ClassroomGuard.Console.Policy.Why;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Console.Tests.Policy.Why;
using ClassroomGuard.Storage.Control;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MudBlazor;

namespace ClassroomGuard.Console.Tests.Policy.Lists;

/// <summary>
/// The Blocklists page's list health and feeds over a real state database, with the DNS filter's control socket answered by
/// <see cref="FakeDnsFilterControl"/> (a reply the test builds, as the filter would send it): the red banner for missing
/// required lists, a failed download in words and school time, a filter that reports no health, the feeds, proposing and
/// removing a feed through change control, and the roles that may not.
/// </summary>
public sealed class FeedsTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private static readonly CategoryName ChildAbuse = new("child_abuse", "Child sexual abuse content (IWF list)");
    private static readonly CategoryName Games = new("games", "Games");

    // 1 July 2026 02:00 UTC is 03:00 in London (BST): times are shown in the school's time zone.
    private static readonly DateTimeOffset July = new(2026, 7, 1, 2, 0, 0, TimeSpan.Zero);

    private readonly PolicyTestContext school = new();
    private readonly string socket;

    public FeedsTests() => socket = Path.Combine(school.School.Root, "dnsfilter.sock");

    private static CancellationToken Token => PolicyTestContext.Token;

    public void Dispose() => school.Dispose();

    [Fact]
    public async Task Page_RequiredListsMissing_RedBannerNamesEachAndSaysWhatToDo()
    {
        var tech = await school.UserAsync("sam.tech", "Sam Technician", Role.Technician);
        var refresh = new ListRefreshInfo("https://dsi.ut-capitole.fr/blacklists/download/blacklists.tar.gz", null, null, null, July, true);
        await using var filter = FakeDnsFilterControl.Replying(socket, Reply(Health(missing: ["UT1 adult", "UT1 malware", "UT1 phishing"], refresh: refresh)));
        await using var ctx = Components(tech);

        var page = ctx.Render<Blocklists>();

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-required-missing]")), Wait);
        var banner = page.Find("[data-required-missing]");
        Assert.Contains("Adult content, malware and phishing lists are not loaded: pupils can reach these sites.", banner.TextContent, StringComparison.Ordinal);
        Assert.Contains("UT1 adult, UT1 malware and UT1 phishing", banner.TextContent, StringComparison.Ordinal);
        Assert.Contains("Check for updates now", banner.TextContent, StringComparison.Ordinal);
        Assert.Contains("dsi.ut-capitole.fr", banner.TextContent, StringComparison.Ordinal);
        Assert.Equal("alert", banner.GetAttribute("role"));
        Assert.Contains("UT1 copy installed by set-up (not yet refreshed)", page.Find("[data-version]").TextContent, StringComparison.Ordinal);
        Assert.True(page.Markup.IndexOf("data-required-missing", StringComparison.Ordinal) < page.Markup.IndexOf("Always on", StringComparison.Ordinal)); // at the top
    }

    [Fact]
    public async Task Page_LastDownloadFailed_SaysTheProblemAndTimesInSchoolTime()
    {
        var tech = await school.UserAsync("sam.tech", "Sam Technician", Role.Technician);
        var refresh = new ListRefreshInfo("https://dsi.ut-capitole.fr/blacklists/download/blacklists.tar.gz", July, July.AddDays(-2), "the archive was 1,024 bytes, less than the 4 MiB expected: truncated?", July.AddDays(1), false);
        await using var filter = FakeDnsFilterControl.Replying(socket, Reply(Health(refresh: refresh) with { Version = "UT1 of 29 June 2026 (sha256 1a2b3c4d)" }));
        await using var ctx = Components(tech);

        var page = ctx.Render<Blocklists>();

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-refresh]")), Wait);
        Assert.Empty(page.FindAll("[data-required-missing]"));
        Assert.Contains("The last list download failed.", page.Find("[data-download-failed]").TextContent, StringComparison.Ordinal);
        var facts = page.Find("[data-refresh]").TextContent;
        Assert.Contains("dsi.ut-capitole.fr", facts, StringComparison.Ordinal);
        Assert.Contains("Wednesday 1 July 2026 at 03:00", facts, StringComparison.Ordinal); // last checked, BST
        Assert.Contains("Monday 29 June 2026 at 03:00", facts, StringComparison.Ordinal); // last success
        Assert.Contains("Thursday 2 July 2026 at 03:00", facts, StringComparison.Ordinal); // next
        Assert.Contains("less than the 4 MiB expected", page.Find("[data-refresh-problem]").TextContent, StringComparison.Ordinal);
        Assert.NotEmpty(page.FindAll("[data-refresh-now]"));
    }

    [Fact]
    public async Task Page_FilterReportsNoHealth_SaysItIsNotKnown_AndListsTheSchoolsFeedsFromTheState()
    {
        var tech = await school.UserAsync("sam.tech", "Sam Technician", Role.Technician);
        await ApplyAsync(new AddListFeedChange("Trust list", "https://trust.example.org/block.txt", "Plain", "games"));
        await using var filter = FakeDnsFilterControl.Replying(socket, Reply(null));
        await using var ctx = Components(tech);

        var page = ctx.Render<Blocklists>();

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-no-health]")), Wait);
        Assert.Contains("not known", page.Find("[data-no-health]").TextContent, StringComparison.Ordinal);
        Assert.Contains("does not report its feeds", page.Find("[data-feeds-note]").TextContent, StringComparison.Ordinal);
        var row = page.Find("tr[data-feed='Trust list']");
        Assert.Contains("Games", row.TextContent, StringComparison.Ordinal);
        Assert.Contains("not fetched yet", row.TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("[data-refresh-now]")); // nothing to show the result of
        Assert.DoesNotContain(">games<", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_Feeds_SettingsFeedsMarkedAlwaysOn_SchoolFeedsWithTheirReport()
    {
        var tech = await school.UserAsync("sam.tech", "Sam Technician", Role.Technician);
        await ApplyAsync(new AddListFeedChange("Trust list", "https://trust.example.org/block.txt", "Hosts", "games"));
        var feedId = (await school.Store.Policy.GetSnapshotAsync(Token)).ListFeeds.Single().Id;
        var feeds = new List<FeedInfo>
        {
            new("IWF URL list", "https://iwf.example.org/list", ChildAbuse, true, null, 12345, July, null),
            new("Trust list", "https://trust.example.org/block.txt", Games, false, feedId, null, null, "the address answered 404 Not Found"),
        };
        await using var filter = FakeDnsFilterControl.Replying(socket, Reply(Health() with { Feeds = feeds }));
        await using var ctx = Components(tech);

        var page = ctx.Render<Blocklists>();

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("tr[data-feed]")), Wait);
        var iwf = page.Find("tr[data-feed='IWF URL list']");
        Assert.Contains("From the appliance's settings", iwf.TextContent, StringComparison.Ordinal);
        Assert.Contains("always on — cannot be switched off", iwf.TextContent, StringComparison.Ordinal);
        Assert.Contains("12,345 names", iwf.TextContent, StringComparison.Ordinal);
        Assert.Contains("Child sexual abuse content (IWF list)", iwf.TextContent, StringComparison.Ordinal);
        Assert.Empty(iwf.QuerySelectorAll("button")); // nothing switches it off
        var trust = page.Find("tr[data-feed='Trust list']");
        Assert.Contains("Added in the console", trust.TextContent, StringComparison.Ordinal);
        Assert.Contains("a hosts file", trust.TextContent, StringComparison.Ordinal);
        Assert.Contains("404 Not Found", trust.QuerySelector("[data-feed-problem]")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(trust.QuerySelector("[data-remove-feed]"));
        Assert.True(page.Markup.IndexOf("IWF URL list", StringComparison.Ordinal) < page.Markup.IndexOf("Trust list", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Page_AddAFeed_AsksForAReason_ProposesAndShowsItWaiting()
    {
        var tech = await school.UserAsync("sam.tech", "Sam Technician", Role.Technician);
        await using var filter = FakeDnsFilterControl.Replying(socket, Reply(Health()));
        await using var ctx = Components(tech);
        var dialogs = ctx.Render<MudDialogProvider>();
        var page = ctx.Render<Blocklists>();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("input[data-feed-url]")), Wait);
        var categories = page.FindComponent<MudSelect<string>>();
        Assert.DoesNotContain(await AlwaysOnNamesAsync(), n => page.Find(".cg-feed-form").TextContent.Contains(n, StringComparison.Ordinal));

        await page.InvokeAsync(() => page.Find("input[data-feed-name]").Input("Trust list"));
        await page.InvokeAsync(() => page.Find("input[data-feed-url]").Input("https://trust.example.org/block.txt"));
        await page.InvokeAsync(() => categories.Instance.SelectOption("gambling"));
        await page.InvokeAsync(() => page.Find("form").Submit());

        dialogs.WaitForAssertion(() => Assert.Contains("Add the feed Trust list (a domain list at https://trust.example.org/block.txt), its names listed as Gambling", dialogs.Find("[data-summary]").TextContent, StringComparison.Ordinal), Wait);
        await dialogs.InvokeAsync(() => dialogs.Find("textarea").Input("Trust asks every school to block these"));
        await dialogs.InvokeAsync(() => dialogs.Find("form").Submit());
        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("form")), Wait);

        var pending = await school.SinglePendingAsync();
        Assert.Equal(new AddListFeedChange("Trust list", "https://trust.example.org/block.txt", "Plain", "gambling"), pending.Change);
        Assert.Equal("Trust asks every school to block these", pending.Reason);
        page.WaitForAssertion(() => Assert.Contains("Waiting for approval: Add the feed Trust list", page.Find("[data-pending]").TextContent, StringComparison.Ordinal), Wait);
        Assert.Empty((await school.Store.Policy.GetSnapshotAsync(Token)).ListFeeds); // not used until approved
    }

    [Fact]
    public async Task Page_AddressWithCredentials_RefusedBesideTheField_NothingProposed()
    {
        var tech = await school.UserAsync("sam.tech", "Sam Technician", Role.Technician);
        await using var filter = FakeDnsFilterControl.Replying(socket, Reply(Health()));
        await using var ctx = Components(tech);
        ctx.Render<MudDialogProvider>();
        var page = ctx.Render<Blocklists>();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("input[data-feed-url]")), Wait);

        await page.InvokeAsync(() => page.Find("input[data-feed-name]").Input("IWF"));
        await page.InvokeAsync(() => page.Find("input[data-feed-url]").Input("https://member:hunter2@iwf.example.org/list"));
        await page.InvokeAsync(() => page.FindComponent<MudSelect<string>>().Instance.SelectOption("games"));
        await page.InvokeAsync(() => page.Find("form").Submit());

        page.WaitForAssertion(() => Assert.Contains(page.FindAll(".mud-input-error"), e => e.TextContent.Contains("secrets file", StringComparison.Ordinal)), Wait);
        Assert.Empty(await school.Store.ChangeControl.GetPendingAsync(Token));
    }

    [Fact]
    public async Task Page_RemoveAFeed_ProposalWithReason_ShownAsWaiting()
    {
        var tech = await school.UserAsync("sam.tech", "Sam Technician", Role.Technician);
        await ApplyAsync(new AddListFeedChange("Trust list", "https://trust.example.org/block.txt", "Plain", "games"));
        await using var filter = FakeDnsFilterControl.Replying(socket, Reply(Health()));
        await using var ctx = Components(tech);
        var dialogs = ctx.Render<MudDialogProvider>();
        var page = ctx.Render<Blocklists>();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-remove-feed]")), Wait);

        await page.InvokeAsync(() => page.Find("[data-remove-feed]").Click());
        dialogs.WaitForAssertion(() => Assert.Contains("Remove the feed Trust list", dialogs.Find("[data-summary]").TextContent, StringComparison.Ordinal), Wait);
        await dialogs.InvokeAsync(() => dialogs.Find("textarea").Input("The trust stopped publishing it"));
        await dialogs.InvokeAsync(() => dialogs.Find("form").Submit());
        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("form")), Wait);

        Assert.IsType<RemoveListFeedChange>((await school.SinglePendingAsync()).Change);
        page.WaitForAssertion(() => Assert.Contains("removal waiting for approval", page.Find("tr[data-feed='Trust list']").TextContent, StringComparison.Ordinal), Wait);
        Assert.Single((await school.Store.Policy.GetSnapshotAsync(Token)).ListFeeds); // still in use until approved
    }

    [Fact]
    public async Task Refresh_Technician_SendsRefreshLists()
    {
        var tech = await school.UserAsync("sam.tech", "Sam Technician", Role.Technician);
        await using var filter = FakeDnsFilterControl.Replying(socket, Reply(Health()));

        var result = await Editor(tech).RefreshAsync(Token);

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal(ControlRequestKind.RefreshLists, Assert.Single(filter.Requests).Kind);
    }

    [Fact]
    public async Task Refresh_FilterRefuses_SaysWhy()
    {
        var tech = await school.UserAsync("sam.tech", "Sam Technician", Role.Technician);
        await using var filter = FakeDnsFilterControl.Replying(socket, new ControlReply("a download is already running"));

        var result = await Editor(tech).RefreshAsync(Token);

        Assert.False(result.Succeeded);
        Assert.Contains("a download is already running", result.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Role.Teacher)]
    [InlineData(Role.Governor)]
    [InlineData(Role.SafeguardingLead)]
    public async Task OtherRoles_CannotProposeAFeedOrRefresh_ServerSide(Role role)
    {
        var user = await school.UserAsync("someone", "Some One", role);
        await using var filter = FakeDnsFilterControl.Replying(socket, Reply(Health()));
        var editor = Editor(user);

        var refreshed = await editor.RefreshAsync(Token);
        var prepared = await editor.PrepareAddAsync(new FeedForm { Name = "Trust list", Url = "https://trust.example.org/block.txt", Category = "games" }, Token);
        var proposed = await school.EditorFor(user).ProposeAsync(prepared.Proposal!, "please", Token);
        var view = await editor.FeedsAsync(null, true, Token);

        Assert.False(refreshed.Succeeded);
        Assert.Contains("Only a technician or administrator", refreshed.Message, StringComparison.Ordinal);
        Assert.Empty(filter.Requests); // the filter was never asked to download
        Assert.False(proposed.Succeeded);
        Assert.Empty(await school.Store.ChangeControl.GetPendingAsync(Token));
        if (role == Role.SafeguardingLead)
        {
            Assert.False(view!.MayEdit); // sees the lists, cannot change them
        }
        else
        {
            Assert.Null(view); // may not see the lists at all
        }
    }

    [Fact]
    public async Task Page_SafeguardingLead_SeesFeedsWithoutFormOrButtons()
    {
        var lead = await school.UserAsync("dsl", "Dee Lead", Role.SafeguardingLead);
        await ApplyAsync(new AddListFeedChange("Trust list", "https://trust.example.org/block.txt", "Plain", "games"));
        await using var filter = FakeDnsFilterControl.Replying(socket, Reply(Health(missing: ["UT1 adult"])));
        await using var ctx = Components(lead);

        var page = ctx.Render<Blocklists>();

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("tr[data-feed]")), Wait);
        Assert.Contains("Adult content list is not loaded", page.Find("[data-required-missing]").TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("[data-remove-feed]"));
        Assert.Empty(page.FindAll("[data-refresh-now]"));
        Assert.Empty(page.FindAll(".cg-feed-form"));
    }

    [Theory]
    [InlineData(Role.Technician, true)]
    [InlineData(Role.Administrator, true)]
    [InlineData(Role.Teacher, false)]
    [InlineData(Role.Governor, false)]
    [InlineData(Role.SafeguardingLead, false)]
    public async Task HomeAlarm_RequiredListsMissing_ShownToTechniciansAndAdministratorsOnly(Role role, bool shown)
    {
        var user = await school.UserAsync("someone", "Some One", role);
        await using var filter = FakeDnsFilterControl.Replying(socket, Reply(Health(missing: ["UT1 adult", "UT1 malware", "UT1 phishing"])));
        await using var ctx = Components(user);

        var alarm = ctx.Render<ClassroomGuard.Console.Components.Pages.Home.ListsAlarm>();

        if (shown)
        {
            alarm.WaitForAssertion(() => Assert.NotEmpty(alarm.FindAll("[data-lists-alarm]")), Wait);
            Assert.Contains("Adult content, malware and phishing lists are not loaded", alarm.Markup, StringComparison.Ordinal);
            Assert.Contains("href=\"/policy/lists\"", alarm.Markup, StringComparison.Ordinal);
        }
        else
        {
            Assert.Empty(alarm.FindAll("[data-lists-alarm]"));
            Assert.Empty(filter.Requests); // not even asked for someone who may not see it
        }
    }

    [Fact]
    public async Task HomeAlarm_LastDownloadFailed_Shown_AllWell_Silent()
    {
        var tech = await school.UserAsync("sam.tech", "Sam Technician", Role.Technician);
        var failed = new ListRefreshInfo("https://lists.example.org/a.tar.gz", July, July.AddDays(-1), "checksum mismatch", null, false);
        await using (FakeDnsFilterControl.Replying(socket, Reply(Health(refresh: failed))))
        {
            await using var ctx = Components(tech);
            var alarm = ctx.Render<ClassroomGuard.Console.Components.Pages.Home.ListsAlarm>();
            alarm.WaitForAssertion(() => Assert.Contains("The last list download failed.", alarm.Markup, StringComparison.Ordinal), Wait);
            Assert.Contains("checksum mismatch", alarm.Markup, StringComparison.Ordinal);
        }

        await using var well = FakeDnsFilterControl.Replying(socket, Reply(Health(refresh: failed with { Problem = null })));
        await using var ctx2 = Components(tech);
        var quiet = ctx2.Render<ClassroomGuard.Console.Components.Pages.Home.ListsAlarm>();
        quiet.WaitForAssertion(() => Assert.Single(well.Requests), Wait);
        quiet.WaitForAssertion(() => Assert.Empty(quiet.FindAll("[data-lists-alarm]")), Wait);
    }

    [Theory]
    [InlineData("", "https://a.example.org/x", "games", "Name")]
    [InlineData("Trust", "ftp://a.example.org/x", "games", "Url")]
    [InlineData("Trust", "https://a.example.org/x", "", "Category")]
    [InlineData("Trust", "https://a.example.org/x", "terrorism", "Category")]
    [InlineData("Trust", "https://a.example.org/x", "no_such", "Category")]
    public async Task PrepareAdd_BadValues_RefusedBesideTheirField(string name, string url, string category, string field)
    {
        var tech = await school.UserAsync("sam.tech", "Sam Technician", Role.Technician);

        var prepared = await Editor(tech).PrepareAddAsync(new FeedForm { Name = name, Url = url, Category = category }, Token);

        Assert.Null(prepared.Proposal);
        Assert.Equal(field, prepared.Problem!.Field);
    }

    [Fact]
    public void FeedSourceNames_AHashNamedFeedCopy_ShownByTheFeedsName()
    {
        var gambling = new CategoryName("gambling", "Gambling");
        var hashed = new ListSourceInfo("7ce0660636920b3b59ece827.list", "/var/lib/classroomguard/lists/feeds/7ce0660636920b3b59ece827.list", "Plain", [gambling], 2, July, false);
        var other = new ListSourceInfo("games.list", "/etc/classroomguard/games.list", "Plain", [Games], 2, July, false);
        var lists = new ListsReply(July, false, 4, [hashed, other], [new ListCategoryInfo(gambling, false, 2, [new ListSourceName(hashed.Name, July)])], 1,
            Health() with { Feeds = [new FeedInfo("Trust list", "https://trust.example.org/x", gambling, false, 3, 2, July, null)] });

        var named = FeedSourceNames.Named(lists);

        Assert.Equal(["Trust list (feed)", "games.list"], named.Sources.Select(s => s.Name));
        Assert.Equal("Trust list (feed)", named.Categories.Single().Sources.Single().Name);
        Assert.Equal("a feed (see Feeds)", FeedSourceNames.Named(lists with { Health = null }).Sources[0].Name);
    }

    [Fact]
    public void FeedSentences_And_Headline_ReadAsPlainEnglish()
    {
        Assert.Equal("IWF URL list is not loaded: pupils can reach these sites.", ListsHealthWords.MissingHeadline(["IWF URL list"]));
        Assert.Equal("Adult content list is not loaded: pupils can reach these sites.", ListsHealthWords.MissingHeadline(["UT1 adult"]));
        Assert.Equal("UT1 of 6 December 2026", ListsHealthWords.ShortVersion("UT1 of 6 December 2026 (sha256 1a2b3c4d)"));
        Assert.Equal("the configured address", ListsHealthWords.Source("not a url"));
    }

    private static ControlReply Reply(ListsHealth? health)
        => new(Lists: new ListsReply(DateTimeOffset.UtcNow, false, 10, [], [new ListCategoryInfo(Games, false, 10, [])], 1, health));

    private static ListsHealth Health(IReadOnlyList<string>? missing = null, ListRefreshInfo? refresh = null)
        => new("UT1 copy installed by set-up (not yet refreshed)", missing ?? [], refresh, []);

    private async Task<IReadOnlyList<string>> AlwaysOnNamesAsync()
        => [.. (await school.Store.Policy.GetSnapshotAsync(Token)).Categories.Where(c => c.AlwaysOn).Select(c => c.Name)];

    private async Task ApplyAsync(PolicyChange change)
    {
        var a = await school.UserAsync("feeds.a", "Feeds A", Role.Technician);
        var b = await school.UserAsync("feeds.b", "Feeds B", Role.Administrator);
        var proposed = await school.Store.ChangeControl.ProposeAsync(a.Id, change, "set up", Token);
        Assert.True(proposed.Succeeded, proposed.Detail);
        Assert.True((await school.Store.ChangeControl.ApproveAsync(b.Id, proposed.Entry!.ChangeId, null, Token)).Succeeded);
    }

    private DnsFilterClient Client()
        => new(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Dns:ControlSocket"] = socket }).Build(), NullLogger<DnsFilterClient>.Instance);

    private FeedEditor Editor(UserAccount account)
        => new(school.Store, new CurrentUser(new SignedIn(ConsoleUser.CreatePrincipal(account, DateTimeOffset.UtcNow))), Client(), Clock(), NullLogger<FeedEditor>.Instance);

    private SchoolClock Clock() => new(Options.Create(school.School.StateOptions), TimeProvider.System);

    private BunitContext Components(UserAccount account)
    {
        var ctx = school.School.Components(account);
        ctx.Services.AddPolicyEditor();
        ctx.Services.AddSingleton(Client());
        ctx.Services.AddSingleton(Clock());
        ctx.Services.AddScoped<ListsService>();
        ctx.Services.AddListFeeds();
        ctx.Renderer.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
        return ctx;
    }

    private sealed class SignedIn(System.Security.Claims.ClaimsPrincipal principal) : Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider
    {
        public override Task<Microsoft.AspNetCore.Components.Authorization.AuthenticationState> GetAuthenticationStateAsync()
            => Task.FromResult(new Microsoft.AspNetCore.Components.Authorization.AuthenticationState(principal));
    }
}

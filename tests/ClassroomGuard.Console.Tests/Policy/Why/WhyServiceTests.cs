using ClassroomGuard.Console.Classroom;
using ClassroomGuard.Console.Policy.Why;
using ClassroomGuard.Console.Tests.Administration;
using ClassroomGuard.Storage.Control;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Tests.Policy.Why;

/// <summary>"Why is this blocked?" and the lists page at the service: the form's checks, the roles, the sentences, and a filter that is down.</summary>
public sealed class WhyServiceTests : IDisposable
{
    private static readonly DateTimeOffset Monday = new(2026, 3, 2, 10, 15, 0, TimeSpan.Zero);
    private static readonly CategoryName Games = new("games", "Games");
    private static readonly GroupName Ks3 = new("ks3", "Pupils: Key Stage 3");

    private readonly AdminTestContext _context = new();
    private readonly string _socket;

    public WhyServiceTests()
    {
        _socket = Path.Combine(_context.Root, "dnsfilter.sock");
    }

    public void Dispose() => _context.Dispose();

    [Fact]
    public async Task Explain_CategoryBlockedOutsideTheWindow_SaysItInOneSentenceWithListAndWindow()
    {
        var reply = new ControlReply(Explain: Explain(ExplainOutcome.Blocked, ExplainRule.Category) with
        {
            Category = Games,
            Listings = [new ExplainListing(Games, "poki.com", false, [new ListSourceName("UT1 games", new DateTimeOffset(2026, 11, 12, 0, 0, 0, TimeSpan.Zero))])],
            Schedules = [new ExplainSchedule(Games, true, 31, 720, 780, false)],
            BlockedCategories = [Games],
        });
        await using var filter = FakeDnsFilterControl.Replying(_socket, reply);
        var tech = await ActorAsync(Role.Technician);

        var result = await Service().ExplainAsync(tech, new WhyQuery { Domain = "https://poki.com/game", Who = WhoKind.Group, GroupKey = "ks3", Date = new DateTime(2026, 3, 2), Time = new TimeSpan(10, 15, 0) }, default);

        var answer = result.Answer!;
        Assert.True(answer.Blocked);
        Assert.Equal("Blocked for Pupils: Key Stage 3 at 10:15 on Monday 2 March 2026", answer.Headline);
        Assert.Equal("‘poki.com’ is in the Games list (UT1 games, 12 Nov 2026). Games is blocked for Pupils: Key Stage 3 outside its allowed window (12:00–13:00, weekdays).", answer.Because);
        Assert.Equal("As if a device in Pupils: Key Stage 3 asked.", answer.Client);
        Assert.Equal("Games: allowed 12:00–13:00, weekdays — not in force then.", Assert.Single(answer.Schedules));
        Assert.Equal("ks3", answer.GroupKey);
        var request = Assert.Single(filter.Requests);
        Assert.Equal(("poki.com", "ks3", Monday), (request.Domain, request.GroupKey, request.At)); // 10:15 school time (GMT in March)
    }

    [Theory]
    [InlineData(ExplainRule.AlwaysOn, "always on: it cannot be switched off")]
    [InlineData(ExplainRule.Deny, "A deny entry blocks it: ‘poki.com’ and its subdomains are denied for every group.")]
    [InlineData(ExplainRule.Pause, "A teacher paused the internet for this device or its room until 10:25.")]
    [InlineData(ExplainRule.Circumvention, "get round the school's filtering")]
    public async Task Explain_EachBlockingRule_NamedInWords(ExplainRule rule, string expected)
    {
        var explain = Explain(ExplainOutcome.Blocked, rule) with
        {
            RuleEntry = "poki.com",
            ActionEnds = Monday.AddMinutes(10),
            Category = rule == ExplainRule.AlwaysOn ? new CategoryName("child_abuse", "Child sexual abuse content (IWF list)") : null,
        };
        await using var filter = FakeDnsFilterControl.Replying(_socket, new ControlReply(Explain: explain));

        var result = await Service().ExplainAsync(await ActorAsync(Role.SafeguardingLead), new WhyQuery { Domain = "poki.com", Who = WhoKind.Address, Address = "10.3.0.20" }, default);

        Assert.Contains(expected, result.Answer!.Because, StringComparison.Ordinal);
        Assert.DoesNotContain("ks3", result.Answer.Because + result.Answer.Client, StringComparison.Ordinal); // names, not keys
    }

    [Fact]
    public async Task Explain_DeviceBySubnet_SaysHowTheDeviceGotItsGroup()
    {
        var device = await _context.Store.Devices.ObserveAsync(new DeviceObservation(DateTimeOffset.UtcNow, DeviceSource.Manual, "02:00:00:00:00:31", "10.3.0.31", Hostname: "ks3-laptop-31"), default);
        var explain = Explain(ExplainOutcome.Allowed, ExplainRule.Default) with
        {
            Domain = "bbc.co.uk",
            Client = new ExplainClient(Ks3, GroupSource.Subnet, "10.3.0.0/16", "10.3.0.31", device, true),
        };
        await using var filter = FakeDnsFilterControl.Replying(_socket, new ControlReply(Explain: explain));
        var service = Service();
        var tech = await ActorAsync(Role.Technician);
        var choice = Assert.Single(await service.SearchDevicesAsync(tech, "laptop-31", default));

        var result = await service.ExplainAsync(tech, new WhyQuery { Domain = "bbc.co.uk", Who = WhoKind.Device, Device = choice }, default);

        Assert.Equal("ks3-laptop-31 (10.3.0.31)", choice.Label);
        Assert.Equal("ks3-laptop-31 (10.3.0.31) is in Pupils: Key Stage 3 because 10.3.0.31 is in the subnet 10.3.0.0/16, mapped to Pupils: Key Stage 3.", result.Answer!.Client);
        Assert.Equal("‘bbc.co.uk’ is on none of the block lists, and no deny entry, pause or focus applies to it.", result.Answer.Because);
        Assert.Equal(device, Assert.Single(filter.Requests).DeviceId);
    }

    [Theory]
    [InlineData("", "Domain")]
    [InlineData("not a site", "Domain")]
    [InlineData("10.0.0.1", "Domain")]
    [InlineData("ftp://poki.com", "Domain")]
    [InlineData("-bad-.com", "Domain")]
    public async Task Explain_MalformedDomain_RefusedNextToTheFieldWithoutAskingTheFilter(string domain, string field)
    {
        await using var filter = FakeDnsFilterControl.Replying(_socket, new ControlReply("should not be asked"));

        var result = await Service().ExplainAsync(await ActorAsync(Role.Technician), new WhyQuery { Domain = domain, Who = WhoKind.Group, GroupKey = "ks3" }, default);

        Assert.Equal(field, result.Field);
        Assert.False(string.IsNullOrEmpty(result.Problem));
        Assert.Empty(filter.Requests);
    }

    [Theory]
    [InlineData(WhoKind.Address, "999.1.1.1", "Address")]
    [InlineData(WhoKind.Address, "", "Address")]
    [InlineData(WhoKind.Group, null, "GroupKey")]
    [InlineData(WhoKind.Device, null, "Device")]
    public async Task Explain_MissingOrMalformedClient_RefusedNextToItsField(WhoKind who, string? value, string field)
    {
        var result = await Service().ExplainAsync(await ActorAsync(Role.Technician), new WhyQuery { Domain = "poki.com", Who = who, Address = value, GroupKey = value }, default);

        Assert.Equal(field, result.Field);
    }

    [Fact]
    public async Task Explain_TimeTheClocksSkip_RefusedNextToTheTime()
    {
        var result = await Service().ExplainAsync(await ActorAsync(Role.Technician),
            new WhyQuery { Domain = "poki.com", Who = WhoKind.Group, GroupKey = "ks3", Date = new DateTime(2026, 3, 29), Time = new TimeSpan(1, 30, 0) }, default);

        Assert.Equal(nameof(WhyQuery.Time), result.Field);
    }

    [Theory]
    [InlineData(Role.Teacher)]
    [InlineData(Role.Governor)]
    public async Task Explain_RoleWithoutFilteringInsight_RefusedAndNothingAsked(Role role)
    {
        await using var filter = FakeDnsFilterControl.Replying(_socket, new ControlReply("should not be asked"));
        var actor = await ActorAsync(role);

        var result = await Service().ExplainAsync(actor, new WhyQuery { Domain = "poki.com", Who = WhoKind.Group, GroupKey = "ks3" }, default);

        Assert.Null(result.Answer);
        Assert.Empty(await Service().SearchDevicesAsync(actor, "", default));
        Assert.Null(await Lists().GetAsync(actor, default));
        Assert.Empty(filter.Requests);
    }

    [Fact]
    public async Task Explain_FilterNotRunning_SaysSoAndWhatToDo()
    {
        var result = await Service().ExplainAsync(await ActorAsync(Role.Technician), new WhyQuery { Domain = "poki.com", Who = WhoKind.Group, GroupKey = "ks3" }, default);

        Assert.True(result.Unreachable);
        Assert.Contains("The DNS filter is not running", result.Problem, StringComparison.Ordinal);
        Assert.Contains("systemctl start classroomguard-dnsfilter", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_FilterAnswersGarbage_SaysItCannotReadIt()
    {
        await using var filter = new FakeDnsFilterControl(_socket, _ => "<html>not json</html>"u8.ToArray());

        var result = await Service().ExplainAsync(await ActorAsync(Role.Technician), new WhyQuery { Domain = "poki.com", Who = WhoKind.Group, GroupKey = "ks3" }, default);

        Assert.True(result.Unreachable);
        Assert.Contains("cannot read", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_FilterRefusesTheRequest_ShowsItsReason()
    {
        await using var filter = FakeDnsFilterControl.Replying(_socket, new ControlReply("There is no such device."));

        var result = await Service().ExplainAsync(await ActorAsync(Role.Technician), new WhyQuery { Domain = "poki.com", Who = WhoKind.Device, Device = new DeviceChoice(99, "gone") }, default);

        Assert.False(result.Unreachable);
        Assert.Contains("There is no such device.", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lists_AlwaysOnUnconfigured_SaysNotConfiguredAndWhatToDo()
    {
        var loaded = new DateTimeOffset(2026, 12, 7, 6, 0, 0, TimeSpan.Zero);
        var lists = new ListsReply(loaded, false, 3,
            [new ListSourceInfo("UT1 games", "/lists/ut1/games/domains", "Ut1", [Games], 3, loaded.AddDays(-25), false)],
            [
                new ListCategoryInfo(new CategoryName("child_abuse", "Child sexual abuse content (IWF list)"), true, 0, []),
                new ListCategoryInfo(new CategoryName("terrorism", "Terrorist content (CTIRU list)"), true, 2, [new ListSourceName("ctiru.txt", loaded)]),
                new ListCategoryInfo(Games, false, 3, [new ListSourceName("UT1 games", loaded.AddDays(-25))]),
                new ListCategoryInfo(new CategoryName("dating", "Dating"), false, 0, []),
            ], 12);
        await using var filter = FakeDnsFilterControl.Replying(_socket, new ControlReply(Lists: lists));

        var view = (await Lists().GetAsync(await ActorAsync(Role.SafeguardingLead), default))!;

        Assert.Null(view.Unreachable);
        Assert.False(view.AlwaysOn[0].Configured);
        Assert.Contains("Internet Watch Foundation", view.AlwaysOn[0].Source, StringComparison.Ordinal);
        Assert.Contains("Dns:Lists:Sources", view.AlwaysOn[0].Source, StringComparison.Ordinal);
        Assert.Equal(("2 names", "ctiru.txt, updated 7 Dec 2026"), (view.AlwaysOn[1].Entries, view.AlwaysOn[1].Source));
        Assert.Equal(new CategoryRow("Games", "UT1 games, updated 12 Nov 2026", "3 names", false), Assert.Single(view.Categories));
        Assert.Equal("Dating", Assert.Single(view.Unused));
        Assert.Equal("UT1 folder", Assert.Single(view.Sources).Format);
        Assert.Contains("Monday 7 December 2026 at 06:00", view.Loaded, StringComparison.Ordinal);
    }

    private static ExplainReply Explain(ExplainOutcome outcome, ExplainRule rule)
        => new("poki.com", Monday, "Europe/London", outcome, rule, null, null, null, null, null,
            new ExplainClient(Ks3, GroupSource.Chosen, null, null, null, true), [], [], [], 12, false);

    private WhyService Service()
        => new(_context.Store, Client(), Clock(), Options.Create(_context.StateOptions), NullLogger<WhyService>.Instance);

    private ListsService Lists() => new(Client(), Clock());

    private DnsFilterClient Client()
        => new(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Dns:ControlSocket"] = _socket }).Build(), NullLogger<DnsFilterClient>.Instance);

    private SchoolClock Clock() => new(Options.Create(_context.StateOptions), TimeProvider.System);

    private async Task<ClassroomGuard.Console.Security.ConsoleUser> ActorAsync(Role role)
        => AdminTestContext.Actor(await _context.UserAsync("why." + role.ToString().ToLowerInvariant(), role.ToString(), role));
}

using ClassroomGuard.Console.Classroom;
using ClassroomGuard.Console.Policy.Why;
using ClassroomGuard.Console.Safeguarding.Review;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Console.Tests.Administration;
using ClassroomGuard.Console.Tests.Policy.Why;
using ClassroomGuard.Storage.Control;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Tests.Safeguarding.Review;

/// <summary>
/// The annual review's service over a real state database: roles enforced on every call (a governor reads, a teacher
/// has no access), forms refused with reasons next to their fields, completion refused until the record is whole, and
/// the built-in check's rules against a stand-in control socket (the real DNS filter answers it in the browser tests).
/// </summary>
public sealed class ReviewServiceTests : IDisposable
{
    private static CancellationToken Token => CancellationToken.None;
    private readonly AdminTestContext context = new();
    private readonly string socket;

    public ReviewServiceTests() => socket = Path.Combine(context.Root, "dnsfilter.sock");

    public void Dispose() => context.Dispose();

    private ReviewService Service()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Dns:ControlSocket"] = socket }).Build();
        var client = new DnsFilterClient(configuration, NullLogger<DnsFilterClient>.Instance);
        var clock = new SchoolClock(Options.Create(context.StateOptions), TimeProvider.System);
        return new ReviewService(context.Store, new FilterCheck(client, context.Store, NullLogger<FilterCheck>.Instance), clock, NullLogger<ReviewService>.Instance);
    }

    private async Task<ConsoleUser> ActorAsync(string name, Role role) => AdminTestContext.Actor(await context.UserAsync(name, name + " Person", role));

    [Fact]
    public async Task Governor_ReadsButCannotChangeAnything()
    {
        var service = Service();
        var dsl = await ActorAsync("dsl", Role.SafeguardingLead);
        var governor = await ActorAsync("gov", Role.Governor);
        var id = (await service.StartAsync(dsl, Token)).Id!.Value;

        Assert.NotNull(await service.ListAsync(governor, Token));
        var page = (await service.GetAsync(governor, id, Token))!;
        Assert.False(page.CanEdit);
        Assert.False(page.CanMarkActionsDone);
        Assert.False(page.CanMarkChange);
        Assert.NotNull(await service.DueAsync(governor, Token));

        var refusals = new[]
        {
            await service.StartAsync(governor, Token),
            await service.SaveDetailsAsync(governor, id, new ReviewForm { HeldOn = DateTime.Today, Governor = "Me" }, Token),
            await service.AddCheckAsync(governor, id, new ManualCheckForm { What = "x" }, Token),
            await service.AddActionAsync(governor, id, new ActionForm { Action = "x", Owner = "y" }, Token),
            await service.RunFilterCheckAsync(governor, id, Token),
            await service.CompleteAsync(governor, id, Token),
            await service.MarkSignificantChangeAsync(governor, "new provider", Token),
        };
        Assert.All(refusals, r => Assert.False(r.Ok));
        Assert.Contains("may read the annual review but not change it", refusals[0].Message, StringComparison.Ordinal);
        var detail = (await context.Store.Reviews.GetAsync(id, Token))!;
        Assert.Empty(detail.Review.Participants);
        Assert.Empty(detail.Checks);
        Assert.Empty(detail.Actions);
        Assert.Single(await context.Store.Reviews.ListAsync(Token));
        Assert.Empty(await context.Store.Reviews.ListTriggersAsync(Token));
    }

    [Fact]
    public async Task Teacher_HasNoAccessAtAll()
    {
        var service = Service();
        var dsl = await ActorAsync("dsl", Role.SafeguardingLead);
        var teacher = await ActorAsync("teacher", Role.Teacher);
        var id = (await service.StartAsync(dsl, Token)).Id!.Value;

        Assert.Null(await service.ListAsync(teacher, Token));
        Assert.Null(await service.GetAsync(teacher, id, Token));
        Assert.Null(await service.DueAsync(teacher, Token));
        Assert.Null(await service.DueAsync(null, Token));
        var refused = await service.SaveDetailsAsync(teacher, id, new ReviewForm { HeldOn = DateTime.Today }, Token);
        Assert.False(refused.Ok);
        Assert.Equal("You do not have access to the annual review.", refused.Message);
        Assert.False((await service.StartAsync(null, Token)).Ok);
    }

    [Fact]
    public async Task Start_WhileADraftExists_OpensIt()
    {
        var service = Service();
        var dsl = await ActorAsync("dsl", Role.SafeguardingLead);
        var tech = await ActorAsync("tech", Role.Technician);

        var first = await service.StartAsync(dsl, Token);
        var second = await service.StartAsync(tech, Token);

        Assert.Equal(first.Id, second.Id);
        Assert.Contains("already being written", second.Message, StringComparison.Ordinal);
        Assert.Single(await context.Store.Reviews.ListAsync(Token));
    }

    [Fact]
    public async Task DeleteDraft_OnlyEditors_AndNeverACompletedReview()
    {
        var service = Service();
        var dsl = await ActorAsync("dsl", Role.SafeguardingLead);
        var governor = await ActorAsync("gov", Role.Governor);
        var draft = (await service.StartAsync(dsl, Token)).Id!.Value;

        Assert.False((await service.DeleteDraftAsync(governor, draft, Token)).Ok);
        Assert.True((await service.DeleteDraftAsync(dsl, draft, Token)).Ok);
        Assert.Null(await context.Store.Reviews.GetAsync(draft, Token));

        var done = await context.Store.Reviews.CreateDraftAsync(DateOnly.FromDateTime(DateTime.Today), dsl.Id, Token);
        await context.Store.Reviews.CompleteAsync(done.Id, dsl.Id, Token);
        var refused = await service.DeleteDraftAsync(dsl, done.Id, Token);
        Assert.False(refused.Ok);
        Assert.Contains("completed", refused.Message, StringComparison.Ordinal);
        Assert.NotNull(await context.Store.Reviews.GetAsync(done.Id, Token));
    }

    [Fact]
    public async Task SaveDetails_BadValues_AreRefusedNextToTheirFields()
    {
        var service = Service();
        var tech = await ActorAsync("tech", Role.Technician);
        var id = (await service.StartAsync(tech, Token)).Id!.Value;

        var result = await service.SaveDetailsAsync(tech, id, new ReviewForm
        {
            HeldOn = DateTime.Today.AddDays(3),
            SeniorLeader = new string('a', ReviewRepository.MaxNameLength + 1),
            Governor = "Gil\u0007",
            Others = "One, Tw\to",
            Summary = "ok\nfine",
        }, Token);

        Assert.False(result.Ok);
        Assert.Contains("cannot be in the future", result.Fields[nameof(ReviewForm.HeldOn)], StringComparison.Ordinal);
        Assert.Contains("At most 100 characters", result.Fields[nameof(ReviewForm.SeniorLeader)], StringComparison.Ordinal);
        Assert.Contains("one line", result.Fields[nameof(ReviewForm.Governor)], StringComparison.Ordinal);
        Assert.Contains("commas", result.Fields[nameof(ReviewForm.Others)], StringComparison.Ordinal);
        Assert.False(result.Fields.ContainsKey(nameof(ReviewForm.Summary))); // line breaks belong in a summary
        Assert.Empty((await context.Store.Reviews.GetAsync(id, Token))!.Review.Participants);

        var noDate = await service.SaveDetailsAsync(tech, id, new ReviewForm(), Token);
        Assert.Equal("Choose the day the review was held.", noDate.Fields[nameof(ReviewForm.HeldOn)]);
    }

    [Fact]
    public async Task AddAction_WithoutOwner_IsRefused_AndManualCheckNeedsWhat()
    {
        var service = Service();
        var dsl = await ActorAsync("dsl", Role.SafeguardingLead);
        var id = (await service.StartAsync(dsl, Token)).Id!.Value;

        var action = await service.AddActionAsync(dsl, id, new ActionForm { Action = "Load the adult list", Owner = "  " }, Token);
        var check = await service.AddCheckAsync(dsl, id, new ManualCheckForm { What = "", Result = "fine" }, Token);

        Assert.Contains("owner", action.Fields[nameof(ActionForm.Owner)], StringComparison.Ordinal);
        Assert.True(check.Fields.ContainsKey(nameof(ManualCheckForm.What)));
        var detail = (await context.Store.Reviews.GetAsync(id, Token))!;
        Assert.Empty(detail.Actions);
        Assert.Empty(detail.Checks);
    }

    [Fact]
    public async Task Complete_IsRefusedWithReasons_UntilPeopleAndTheFilterCheckAreThere_ThenReadOnly()
    {
        var service = Service();
        var tech = await ActorAsync("tech", Role.Technician);
        var id = (await service.StartAsync(tech, Token)).Id!.Value;

        var refused = await service.CompleteAsync(tech, id, Token);
        Assert.False(refused.Ok);
        Assert.Contains("senior leader", refused.Fields[nameof(ReviewForm.SeniorLeader)], StringComparison.Ordinal);
        Assert.Contains("governor", refused.Fields[nameof(ReviewForm.Governor)], StringComparison.Ordinal);
        Assert.True(refused.Fields.ContainsKey(nameof(ReviewForm.SafeguardingLead)));
        Assert.True(refused.Fields.ContainsKey(nameof(ReviewForm.Technician)));
        Assert.Contains("Run the filter check first", refused.Fields["FilterCheck"], StringComparison.Ordinal);

        Assert.True((await service.SaveDetailsAsync(tech, id, new ReviewForm
        {
            HeldOn = DateTime.Today, SeniorLeader = "Ann Head", SafeguardingLead = "Dee Lead", Technician = "Sam Tech", Governor = "Gil Gov",
        }, Token)).Ok);
        var stillRefused = await service.CompleteAsync(tech, id, Token);
        Assert.Equal(["FilterCheck"], stillRefused.Fields.Keys);

        // No DNS filter here (no socket): the check says so and stores nothing.
        var check = await service.RunFilterCheckAsync(tech, id, Token);
        Assert.False(check.Ok);
        Assert.Contains("DNS filter is not running", check.Message, StringComparison.Ordinal);
        Assert.Empty((await context.Store.Reviews.GetAsync(id, Token))!.Checks);

        await using (FilterWith(adultNames: 0, selfHarmFile: WriteList("selfharm.list", "# self-harm\nselfharm-one.test\nselfharm-two.test\n")))
        {
            Assert.True((await service.RunFilterCheckAsync(tech, id, Token)).Ok);
        }

        Assert.True((await service.CompleteAsync(tech, id, Token)).Ok);
        var page = (await service.GetAsync(tech, id, Token))!;
        Assert.True(page.Completed);
        Assert.False(page.CanEdit);
        Assert.True(page.CanMarkActionsDone);
        Assert.False((await service.SaveDetailsAsync(tech, id, new ReviewForm { HeldOn = DateTime.Today }, Token)).Ok);
        Assert.StartsWith("The next annual review is due in ", (await service.DueAsync(tech, Token))!.Headline, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FilterCheck_FailsACategoryWithNoList_AndChecksSamplesConfirmedByTheFilter()
    {
        var service = Service();
        var dsl = await ActorAsync("dsl", Role.SafeguardingLead);
        var id = (await service.StartAsync(dsl, Token)).Id!.Value;
        var list = WriteList("selfharm.list", "# comment\n0.0.0.0 selfharm-one.test\nnot-listed.test\n||selfharm-two.test^\nselfharm-three.test\nselfharm-four.test\n");

        await using (var filter = FilterWith(adultNames: 0, selfHarmFile: list))
        {
            Assert.True((await service.RunFilterCheckAsync(dsl, id, Token)).Ok);
            Assert.DoesNotContain(filter.Requests, r => r.Kind == ControlRequestKind.Explain && r.Domain == "selfharm-four.test"); // three samples are enough
        }

        var checks = (await context.Store.Reviews.GetAsync(id, Token))!.Checks;
        var adult = Assert.Single(checks, c => c.What == "Pornography and adult is blocked");
        Assert.False(adult.Passed);
        Assert.Null(adult.GroupName);
        Assert.Contains("No list is loaded for Pornography and adult", adult.Actual, StringComparison.Ordinal);
        var groups = (await context.Store.Policy.GetSnapshotAsync(Token)).ActiveGroups;
        var selfHarm = checks.Where(c => c.What == "Self-harm and suicide is blocked").ToList();
        Assert.Equal(groups.Count * 3, selfHarm.Count);
        Assert.Equal(["selfharm-one.test", "selfharm-three.test", "selfharm-two.test"], selfHarm.Select(c => c.Domain!).Distinct().Order());
        Assert.All(selfHarm, c => Assert.True(c.Passed));
        Assert.All(checks.Where(c => c.What == "SafeSearch is enforced"), c => Assert.True(c.Passed));
        Assert.Equal(groups.Count * 3, checks.Count(c => c.What == FilterCheck.CircumventionWhat));
        Assert.Contains(checks, c => c.What == "Child sexual abuse content (IWF list) is blocked" && !c.Passed && c.Actual!.StartsWith("Not configured", StringComparison.Ordinal));

        var grid = (await service.GetAsync(dsl, id, Token))!.Grid!;
        var adultColumn = grid.Columns.ToList().IndexOf("Pornography and adult is blocked");
        Assert.All(grid.Rows, row => Assert.False(row.Cells[adultColumn]!.Passed)); // no list fails it for every group
        Assert.Equal(groups.Select(g => g.Name), grid.Rows.Select(r => r.Group));
        Assert.DoesNotContain(grid.Columns, c => c.Contains("self_harm", StringComparison.Ordinal)); // names, not keys
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task FilterCheck_AlwaysOnList_NamesAreNeitherStoredNorShown(bool staffLeaks)
    {
        var service = Service();
        var dsl = await ActorAsync("dsl", Role.SafeguardingLead);
        var id = (await service.StartAsync(dsl, Token)).Id!.Value;
        var selfHarm = WriteList("selfharm.list", "selfharm-one.test\n");
        var iwf = WriteList("iwf.list", "iwf-secret-one.test\niwf-secret-two.test\niwf-secret-three.test\n");

        await using (FilterWith(adultNames: 0, selfHarmFile: selfHarm, iwfFile: iwf, iwfLeaks: staffLeaks))
        {
            Assert.True((await service.RunFilterCheckAsync(dsl, id, Token)).Ok);
        }

        var checks = (await context.Store.Reviews.GetAsync(id, Token))!.Checks;
        var always = checks.Where(c => c.What == "Child sexual abuse content (IWF list) is blocked").ToList();
        var groups = (await context.Store.Policy.GetSnapshotAsync(Token)).ActiveGroups;
        Assert.Equal(groups.Count, always.Count); // one row per group, no names
        Assert.All(always, c => Assert.Null(c.Domain));
        Assert.All(checks, c => Assert.DoesNotContain("iwf-", $"{c.What} {c.Domain} {c.Expected} {c.Actual}", StringComparison.Ordinal));
        Assert.Equal(staffLeaks, always.Any(c => !c.Passed));
        if (staffLeaks)
        {
            Assert.False(Assert.Single(always, c => c.GroupName == "Staff").Passed);
            Assert.Contains("3 of 3 sample names from the list were not blocked", always.Single(c => c.GroupName == "Staff").Actual, StringComparison.Ordinal);
        }

        var page = (await service.GetAsync(dsl, id, Token))!;
        var column = page.Grid!.Columns.ToList().IndexOf("Child sexual abuse content (IWF list) is blocked");
        Assert.All(page.Grid.Rows, r => Assert.Equal(!(staffLeaks && r.Group == "Staff"), r.Cells[column]!.Passed));
        Assert.All(page.Grid.Failures, f => Assert.DoesNotContain("iwf-", f, StringComparison.Ordinal));
    }

    [Fact]
    public async Task SignificantChange_OnlyTechnicianOrAdministrator_ReasonRequired_MakesTheReviewDueNow()
    {
        var service = Service();
        var dsl = await ActorAsync("dsl", Role.SafeguardingLead);
        var tech = await ActorAsync("sam", Role.Technician);

        Assert.False((await service.MarkSignificantChangeAsync(dsl, "new provider", Token)).Ok);
        var empty = await service.MarkSignificantChangeAsync(tech, "  ", Token);
        Assert.False(empty.Ok);
        Assert.True(empty.Fields.ContainsKey("Reason"));
        var noSuchEntry = await service.MarkSignificantChangeAsync(tech, "new filtering provider", 4242, Token);
        Assert.Contains("no entry 4242", noSuchEntry.Fields["LogEntry"], StringComparison.Ordinal);
        Assert.Empty(await context.Store.Reviews.ListTriggersAsync(Token));
        Assert.True((await service.MarkSignificantChangeAsync(tech, "new filtering provider", Token)).Ok);

        // Never reviewed: due now anyway; after a completed review, the change made later brings it forward.
        var review = await context.Store.Reviews.CreateDraftAsync(DateOnly.FromDateTime(DateTime.Today), dsl.Id, Token);
        await context.Store.Reviews.CompleteAsync(review.Id, dsl.Id, Token);
        Assert.False((await service.DueAsync(dsl, Token))!.Overdue);
        await Task.Delay(5); // the change must be marked after the completion (milliseconds)
        await service.MarkSignificantChangeAsync(tech, "new network", Token);

        var due = (await service.DueAsync(dsl, Token))!;
        Assert.True(due.Overdue);
        Assert.StartsWith("After a significant change marked on ", due.Why, StringComparison.Ordinal);
        Assert.EndsWith("by sam Person: new network.", due.Why, StringComparison.Ordinal);

        // A change made through change control can be named by its log entry.
        var admin = await context.UserAsync("admin", "Ada Admin", Role.Administrator);
        var proposed = await context.Store.ChangeControl.ProposeAsync(tech.Id, new SetBlockPageTextChange("ks3", "Ask in IT."), "wording", Token);
        Assert.True((await context.Store.ChangeControl.ApproveAsync(admin.Id, proposed.Entry!.Sequence, "ok", Token)).Succeeded);
        var entry = (await context.Store.ChangeControl.GetEntriesAsync(0, 100, Token))[^1].Sequence;
        Assert.True((await service.MarkSignificantChangeAsync(tech, "new block page", entry, Token)).Ok);
        var list = (await service.ListAsync(dsl, Token))!;
        Assert.Contains($"new block page (change-control log entry {entry})", list.Triggers[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignificantChange_AfterTheYearWasAlreadyUp_OverdueSinceTheYearlyDateNotTheChange()
    {
        var service = Service();
        var dsl = await ActorAsync("dsl", Role.SafeguardingLead);
        var tech = await ActorAsync("sam", Role.Technician);
        var held = DateOnly.FromDateTime(DateTime.Today).AddYears(-2); // the yearly date passed a year ago
        var review = await context.Store.Reviews.CreateDraftAsync(held, dsl.Id, Token);
        await context.Store.Reviews.CompleteAsync(review.Id, dsl.Id, Token);
        await Task.Delay(5); // the change must be marked after the completion (milliseconds)
        Assert.True((await service.MarkSignificantChangeAsync(tech, "new network", Token)).Ok);

        var due = (await service.DueAsync(dsl, Token))!;

        var yearly = ReviewService.Date(held.AddYears(1));
        Assert.True(due.Overdue);
        Assert.Equal($"The annual review is due now: overdue since {yearly}", due.Headline);
        Assert.Equal($"Annual review overdue since {yearly}", due.Short);
        Assert.StartsWith($"A year after the review of {ReviewService.Date(held)}, and since then a significant change marked on ", due.Why, StringComparison.Ordinal);
        Assert.EndsWith("by sam Person: new network.", due.Why, StringComparison.Ordinal);
        Assert.True(due.DaysLeft < -300);
    }

    private string WriteList(string name, string content)
    {
        var path = Path.Combine(context.Root, name);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>A stand-in filter: self-harm loaded from <paramref name="selfHarmFile"/> (its 'selfharm-' names listed and blocked), adult with the names given, no always-on feed; SafeSearch on for the search engines; circumvention names refused.</summary>
    private FakeDnsFilterControl FilterWith(int adultNames, string selfHarmFile, string? iwfFile = null, bool iwfLeaks = false)
    {
        var selfHarm = new CategoryName("self_harm", "Self-harm and suicide");
        var childAbuse = new CategoryName("child_abuse", "Child sexual abuse content (IWF list)");
        var lists = new ListsReply(DateTimeOffset.UtcNow, false, 10,
            [
                new ListSourceInfo("selfharm.list", selfHarmFile, "Plain", [selfHarm], 4, DateTimeOffset.UtcNow, false),
                .. iwfFile is null ? Array.Empty<ListSourceInfo>() : [new ListSourceInfo("IWF URL list", iwfFile, "Plain", [childAbuse], 3, DateTimeOffset.UtcNow, false)],
            ],
            [
                new ListCategoryInfo(childAbuse, true, iwfFile is null ? 0 : 3, []),
                new ListCategoryInfo(new CategoryName("terrorism", "Terrorist content (CTIRU list)"), true, 0, []),
                new ListCategoryInfo(new CategoryName("adult", "Pornography and adult"), false, adultNames, []),
                new ListCategoryInfo(selfHarm, false, 4, [new ListSourceName("selfharm.list", null)]),
                new ListCategoryInfo(new CategoryName("circumvention", "Proxies, VPN, DoH and other circumvention"), false, 0, []),
            ], 1);
        return new FakeDnsFilterControl(socket, request =>
        {
            if (request.Kind == ControlRequestKind.Lists)
            {
                return DnsFilterControl.Encode(new ControlReply(Lists: lists));
            }

            var domain = request.Domain!;
            var client = new ExplainClient(new GroupName(request.GroupKey!, request.GroupKey!), GroupSource.Chosen, null, null, null, true);
            var iwf = domain.StartsWith("iwf-", StringComparison.Ordinal);
            if (iwf)
            {
                var leaked = iwfLeaks && request.GroupKey == "staff"; // a filter that wrongly lets staff through
                var verdict = new ExplainReply(domain, DateTimeOffset.UtcNow, "Europe/London", leaked ? ExplainOutcome.Allowed : ExplainOutcome.Blocked,
                    leaked ? ExplainRule.Allow : ExplainRule.AlwaysOn, childAbuse, leaked ? domain : null, null, null, null, client,
                    [new ExplainListing(childAbuse, domain, true, [])], [], [childAbuse], 1, false);
                return DnsFilterControl.Encode(new ControlReply(Explain: verdict));
            }

            var listed = domain.StartsWith("selfharm-", StringComparison.Ordinal);
            var (outcome, rule) = listed ? (ExplainOutcome.Blocked, ExplainRule.Category)
                : FilterCheck.CircumventionNames.Contains(domain) ? (ExplainOutcome.Blocked, ExplainRule.Circumvention)
                : domain is "www.google.com" or "www.bing.com" or "www.youtube.com" ? (ExplainOutcome.SafeSearch, ExplainRule.SafeSearch)
                : (ExplainOutcome.Allowed, ExplainRule.Default);
            var reply = new ExplainReply(domain, DateTimeOffset.UtcNow, "Europe/London", outcome, rule, listed ? selfHarm : null, null, null, null,
                outcome == ExplainOutcome.SafeSearch ? "Google" : null, client,
                listed ? [new ExplainListing(selfHarm, domain, false, [])] : [], [], listed ? [selfHarm] : [], 1, false);
            return DnsFilterControl.Encode(new ControlReply(Explain: reply));
        });
    }
}

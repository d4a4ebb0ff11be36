using System.Net;
using ClassroomGuard.DnsFilter.Policy;
using ClassroomGuard.DnsFilter.Tests.Policy.Support;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.DnsFilter.Tests.Policy;

/// <summary>
/// The policy editor's settings through the compiled policy: term-time-only windows with the school calendar
/// (Europe/London, across October half term and the end of summer time), YouTube restricted mode apart from web
/// SafeSearch, and retired groups. Clients: 10.1.0.0/16 → ks3, 10.2.0.0/16 → staff, 10.3.0.0/16 → ks5.
/// </summary>
public sealed class EditorPolicyTests : IClassFixture<EditorPolicyTests.World>
{
    private readonly World _world;

    public EditorPolicyTests(World world) => _world = world;

    public sealed class World : IAsyncLifetime
    {
        public PolicyWorld Policy { get; } = new();

        public CompiledPolicy Compiled { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            await Policy.MustChangeAsync(new SetClientMappingChange(ClientMappingKind.Subnet, "10.1.0.0/16", "ks3"));
            await Policy.MustChangeAsync(new SetClientMappingChange(ClientMappingKind.Subnet, "10.2.0.0/16", "staff"));
            await Policy.MustChangeAsync(new SetClientMappingChange(ClientMappingKind.Subnet, "10.3.0.0/16", "ks5"));
            await Policy.MustChangeAsync(new AddCalendarEntryChange(CalendarEntryKind.Term, "Autumn term", new DateOnly(2026, 9, 2), new DateOnly(2026, 12, 18)));
            await Policy.MustChangeAsync(new AddCalendarEntryChange(CalendarEntryKind.Holiday, "October half term", new DateOnly(2026, 10, 26), new DateOnly(2026, 10, 30)));
            await Policy.MustChangeAsync(new AddScheduleChange("ks3", "games", ScheduleEffect.Allow, SchoolDays.Weekdays, 720, 780, TermTimeOnly: true));
            await Policy.MustChangeAsync(new AddScheduleChange("ks3", "social_networking", ScheduleEffect.Allow, SchoolDays.All, 0, 60, TermTimeOnly: true));
            await Policy.MustChangeAsync(new SetYouTubeModeChange("ks3", SafeSearchMode.Off));   // SafeSearch stays strict
            await Policy.MustChangeAsync(new SetSafeSearchChange("staff", SafeSearchMode.Off));  // YouTube stays moderate
            await Policy.MustChangeAsync(new SetYouTubeModeChange("staff", SafeSearchMode.Strict));
            await Policy.MustChangeAsync(new CreateGroupChange("trial", "Trial", GroupKind.Pupils, SafeSearchMode.Off, "ks3"));
            await Policy.MustChangeAsync(new SetDomainRuleChange("games.test", "trial", RuleAction.Deny));
            await Policy.MustChangeAsync(new RetireGroupChange("trial"));
            Compiled = await Policy.CompileAsync();
        }

        public Task DisposeAsync()
        {
            Policy.Dispose();
            return Task.CompletedTask;
        }
    }

    private PolicyVerdict Evaluate(string client, string name, DateTimeOffset now)
    {
        var policy = _world.Compiled;
        policy.Evaluate(PolicyWorld.Wire(name), policy.ResolveClient(ClientKey.From(IPAddress.Parse(client))), now, out var verdict);
        return verdict;
    }

    [Theory]
    [InlineData("2026-10-23T11:30:00Z", PolicyOutcome.Forward)] // Friday 12:30 BST, term time
    [InlineData("2026-10-23T12:30:00Z", PolicyOutcome.Block)]   // Friday 13:30 BST
    [InlineData("2026-10-26T12:30:00Z", PolicyOutcome.Block)]   // Monday after the clocks went back: half term
    [InlineData("2026-10-30T12:00:00Z", PolicyOutcome.Block)]   // last day of half term
    [InlineData("2026-11-02T12:00:00Z", PolicyOutcome.Forward)] // Monday 12:00 GMT, term again
    [InlineData("2026-11-02T11:30:00Z", PolicyOutcome.Block)]   // 11:30 GMT
    [InlineData("2026-12-21T12:30:00Z", PolicyOutcome.Block)]   // after the term
    public void Evaluate_TermTimeOnlyWindow_FollowsCalendarAndSummerTime(string instant, PolicyOutcome outcome)
    {
        var verdict = Evaluate("10.1.0.5", "games.test", DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(outcome, verdict.Outcome);
    }

    // ks3 may use social networking 00:00–01:00 school time on term-time days.
    [Theory]
    [InlineData("2026-09-01T23:30:00Z", PolicyOutcome.Forward)] // Wed 2 Sep 00:30 BST: the first day of term (1 Sep in UTC)
    [InlineData("2026-08-31T23:30:00Z", PolicyOutcome.Block)]   // Tue 1 Sep 00:30 BST: before the term
    [InlineData("2026-10-24T23:30:00Z", PolicyOutcome.Forward)] // Sun 25 Oct 00:30 BST, the night the clocks go back: still term
    [InlineData("2026-10-25T00:30:00Z", PolicyOutcome.Block)]   // 01:30 BST: outside the window
    [InlineData("2026-10-26T00:30:00Z", PolicyOutcome.Block)]   // Mon 26 Oct 00:30 GMT: half term
    [InlineData("2026-10-31T00:30:00Z", PolicyOutcome.Forward)] // Sat 31 Oct 00:30 GMT: term again
    public void Evaluate_TermTimeAtMidnight_UsesTheSchoolsDateNotUtcs(string instant, PolicyOutcome outcome)
        => Assert.Equal(outcome, Evaluate("10.1.0.5", "social.test", DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture)).Outcome);

    [Fact]
    public void Evaluate_YouTubeModeAndSafeSearch_AreIndependent()
    {
        var now = new DateTimeOffset(2026, 11, 2, 10, 0, 0, TimeSpan.Zero);

        // ks3: web SafeSearch strict, YouTube off.
        Assert.Equal(PolicyOutcome.Forward, Evaluate("10.1.0.5", "www.youtube.com", now).Outcome);
        var google = Evaluate("10.1.0.5", "www.google.co.uk", now);
        Assert.Equal((PolicyOutcome.Rewrite, SafeSearchEngine.Google, SafeSearchMode.Strict), (google.Outcome, google.Engine, google.Mode));

        // staff: web SafeSearch off, YouTube strict.
        Assert.Equal(PolicyOutcome.Forward, Evaluate("10.2.0.5", "www.bing.com", now).Outcome);
        var youtube = Evaluate("10.2.0.5", "m.youtube.com", now);
        Assert.Equal((PolicyOutcome.Rewrite, SafeSearchEngine.YouTube, SafeSearchMode.Strict), (youtube.Outcome, youtube.Engine, youtube.Mode));
        Assert.Equal("restrict.youtube.com.", Dns.Protocol.DnsName.ToText(_world.Compiled.SafeSearch.TargetOf(youtube.Engine, youtube.Mode)));

        // ks5: moderate for both, as before the editor.
        var moderate = Evaluate("10.3.0.5", "www.youtube.com", now);
        Assert.Equal(SafeSearchMode.Moderate, moderate.Mode);
        Assert.Equal("restrictmoderate.youtube.com.", Dns.Protocol.DnsName.ToText(_world.Compiled.SafeSearch.TargetOf(moderate.Engine, moderate.Mode)));
    }

    [Fact]
    public void Compile_RetiredGroup_IsLeftOutAndItsRulesFilterNobody()
    {
        var policy = _world.Compiled;

        Assert.DoesNotContain(policy.Groups, g => g.Key == "trial");
        Assert.Equal(8, policy.Groups.Count);
        Assert.Equal("guests", policy.Groups[policy.ResolveClient(ClientKey.From(IPAddress.Parse("10.9.9.9"))).Group].Key);
        Assert.Equal(PolicyOutcome.Forward, Evaluate("10.1.0.5", "games.test", new DateTimeOffset(2026, 11, 2, 12, 0, 0, TimeSpan.Zero)).Outcome);
    }

    [Fact]
    public async Task Compile_ThirtyTwoActiveGroupsAndRetiredOnes_Compiles()
    {
        using var world = new PolicyWorld();
        for (var i = 0; i < CompiledPolicy.MaxGroups - 8; i++)
        {
            await world.MustChangeAsync(new CreateGroupChange($"g{i}", $"Group {i}", GroupKind.Pupils, SafeSearchMode.Strict, null));
        }

        await world.MustChangeAsync(new RetireGroupChange("g0"));
        await world.MustChangeAsync(new CreateGroupChange("last", "Last", GroupKind.Staff, SafeSearchMode.Off, null));
        await world.MustChangeAsync(new SetClientMappingChange(ClientMappingKind.Ip, "10.5.5.5", "last"));

        var policy = await world.CompileAsync();

        Assert.Equal(CompiledPolicy.MaxGroups, policy.Groups.Count);
        Assert.Equal("last", policy.Groups[policy.ResolveClient(ClientKey.From(IPAddress.Parse("10.5.5.5"))).Group].Key);
        Assert.Equal(33, (await world.Store.Policy.GetSnapshotAsync(CancellationToken.None)).Groups.Count);
    }

    [Fact]
    public void Evaluate_WithTermTimeWindows_DoesNotAllocate()
    {
        var policy = _world.Compiled;
        var client = policy.ResolveClient(ClientKey.From(IPAddress.Parse("10.1.0.5")));
        var games = PolicyWorld.Wire("www.games.test");
        var youtube = PolicyWorld.Wire("www.youtube.com");
        var now = new DateTimeOffset(2026, 11, 2, 12, 15, 0, TimeSpan.Zero);
        policy.Evaluate(games, client, now, out _);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            policy.Evaluate(games, client, now, out _);
            policy.Evaluate(youtube, client, now, out _);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}

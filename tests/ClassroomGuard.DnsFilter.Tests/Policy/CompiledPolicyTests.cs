using System.Net;
using ClassroomGuard.DnsFilter.Policy;
using ClassroomGuard.DnsFilter.Tests.Policy.Support;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.DnsFilter.Tests.Policy;

/// <summary>
/// Table-driven: (client, local school time, name) → verdict, against the seeded state policy changed through change
/// control. Clients: 10.1.0.0/16 → ks3, 10.1.2.0/24 → ks5 (longest prefix), 10.1.2.9 → staff (IP), 10.9.9.9 → default (guests).
/// </summary>
public sealed class CompiledPolicyTests : IClassFixture<CompiledPolicyTests.World>
{
    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
    private readonly World _world;

    public CompiledPolicyTests(World world) => _world = world;

    public sealed class World : IAsyncLifetime
    {
        public PolicyWorld Policy { get; } = new();

        public CompiledPolicy Compiled { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            await Policy.MustChangeAsync(new SetClientMappingChange(ClientMappingKind.Subnet, "10.1.0.0/16", "ks3"));
            await Policy.MustChangeAsync(new SetClientMappingChange(ClientMappingKind.Subnet, "10.1.2.0/24", "ks5"));
            await Policy.MustChangeAsync(new SetClientMappingChange(ClientMappingKind.Ip, "10.1.2.9", "staff"));
            await Policy.MustChangeAsync(new SetDomainRuleChange("blocked.test", null, RuleAction.Deny));
            await Policy.MustChangeAsync(new SetDomainRuleChange("games.test", "ks3", RuleAction.Allow));
            await Policy.MustChangeAsync(new SetDomainRuleChange("bad.games.test", "ks3", RuleAction.Deny));
            await Policy.MustChangeAsync(new SetDomainRuleChange("adult.test", null, RuleAction.Allow)); // allowed everywhere…
            await Policy.MustChangeAsync(new SetDomainRuleChange("adult.test", "ks3", RuleAction.Deny)); // …except ks3, where deny wins
            Compiled = await Policy.CompileAsync();
        }

        public Task DisposeAsync()
        {
            Policy.Dispose();
            return Task.CompletedTask;
        }
    }

    // client, local time (Europe/London), name, outcome, reason, category
    public static TheoryData<string, string, string, PolicyOutcome, BlockReason, string?> Cases => new()
    {
        // Always-on: every group, every time, subdomains, whatever allow entries say.
        { "10.1.0.5", "2026-03-02 10:00", "csam.test", PolicyOutcome.Block, BlockReason.AlwaysOn, "child_abuse" },
        { "10.1.2.9", "2026-03-02 12:30", "www.CSAM.test", PolicyOutcome.Block, BlockReason.AlwaysOn, "child_abuse" },
        { "10.9.9.9", "2026-03-07 03:00", "a.b.terror.test", PolicyOutcome.Block, BlockReason.AlwaysOn, "terrorism" },
        // Circumvention names: NXDOMAIN for everyone.
        { "10.1.2.9", "2026-03-02 10:00", "use-application-dns.net", PolicyOutcome.Block, BlockReason.Circumvention, null },
        { "10.1.0.5", "2026-03-02 10:00", "mask.icloud.com", PolicyOutcome.Block, BlockReason.Circumvention, null },
        { "10.1.0.5", "2026-03-02 10:00", "mask-h2.icloud.com", PolicyOutcome.Block, BlockReason.Circumvention, null },
        { "10.1.0.5", "2026-03-02 10:00", "icloud.com", PolicyOutcome.Forward, BlockReason.None, null },
        // Deny entries win over allow entries.
        { "10.1.2.9", "2026-03-02 10:00", "blocked.test", PolicyOutcome.Block, BlockReason.Deny, null },
        { "10.1.0.5", "2026-03-02 10:00", "x.bad.games.test", PolicyOutcome.Block, BlockReason.Deny, null },
        { "10.1.0.5", "2026-03-02 10:00", "adult.test", PolicyOutcome.Block, BlockReason.Deny, null },
        // Allow entries win over category blocks.
        { "10.1.0.5", "2026-03-02 10:00", "games.test", PolicyOutcome.Forward, BlockReason.None, null },
        { "10.1.0.5", "2026-03-02 10:00", "www.games.test", PolicyOutcome.Forward, BlockReason.None, null },
        { "10.9.9.9", "2026-03-02 10:00", "adult.test", PolicyOutcome.Forward, BlockReason.None, null },
        // Categories per group: ks5 may use social networking, ks3 may not (longest subnet match decides).
        { "10.1.2.7", "2026-03-02 10:00", "social.test", PolicyOutcome.Forward, BlockReason.None, null },
        { "10.1.0.5", "2026-03-02 10:00", "m.social.test", PolicyOutcome.Block, BlockReason.Category, "social_networking" },
        { "10.9.9.9", "2026-03-02 10:00", "selfharm.test", PolicyOutcome.Block, BlockReason.Category, "self_harm" },
        { "10.1.2.9", "2026-03-02 10:00", "unlisted.test", PolicyOutcome.Forward, BlockReason.None, null },
        // Staff games schedule: allowed Mon–Fri 12:00–13:00 school time; boundaries exact to the minute; DST.
        { "10.1.2.9", "2026-03-02 11:59", "games.test", PolicyOutcome.Block, BlockReason.Category, "games" },
        { "10.1.2.9", "2026-03-02 12:00", "games.test", PolicyOutcome.Forward, BlockReason.None, null },
        { "10.1.2.9", "2026-03-02 12:59", "games.test", PolicyOutcome.Forward, BlockReason.None, null },
        { "10.1.2.9", "2026-03-02 13:00", "games.test", PolicyOutcome.Block, BlockReason.Category, "games" },
        { "10.1.2.9", "2026-06-01 12:00", "games.test", PolicyOutcome.Forward, BlockReason.None, null }, // BST: 11:00 UTC
        { "10.1.2.9", "2026-06-01 11:59", "games.test", PolicyOutcome.Block, BlockReason.Category, "games" },
        { "10.1.2.9", "2026-03-07 12:30", "games.test", PolicyOutcome.Block, BlockReason.Category, "games" }, // Saturday
        { "10.1.2.7", "2026-03-02 12:30", "games.test", PolicyOutcome.Block, BlockReason.Category, "games" }, // ks5: no schedule
        // Circumvention categories from the lists: per group.
        { "10.1.0.5", "2026-03-02 10:00", "doh.test", PolicyOutcome.Block, BlockReason.Category, "circumvention" },
        // SafeSearch (exact names; the target depends on the group's mode).
        { "10.1.0.5", "2026-03-02 10:00", "www.google.co.uk", PolicyOutcome.Rewrite, BlockReason.None, null },
        { "10.1.0.5", "2026-03-02 10:00", "google.com.au", PolicyOutcome.Rewrite, BlockReason.None, null },
        { "10.1.0.5", "2026-03-02 10:00", "mail.google.com", PolicyOutcome.Forward, BlockReason.None, null },
        { "10.1.2.9", "2026-03-02 10:00", "www.youtube.com", PolicyOutcome.Rewrite, BlockReason.None, null },
        { "10.9.9.9", "2026-03-02 10:00", "www.bing.com", PolicyOutcome.Rewrite, BlockReason.None, null },
        { "10.9.9.9", "2026-03-02 10:00", "duckduckgo.com", PolicyOutcome.Rewrite, BlockReason.None, null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Evaluate_ClientTimeName_GivesVerdict(string client, string localTime, string name, PolicyOutcome outcome, BlockReason reason, string? category)
    {
        var policy = _world.Compiled;
        var local = DateTime.ParseExact(localTime, "yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);
        var now = new DateTimeOffset(local, London.GetUtcOffset(local));

        policy.Evaluate(PolicyWorld.Wire(name), policy.ResolveClient(ClientKey.From(IPAddress.Parse(client))), now, out var verdict);

        Assert.Equal(outcome, verdict.Outcome);
        Assert.Equal(reason, verdict.Reason);
        Assert.Equal(category, verdict.Category < 0 ? null : policy.Lists.Categories.Keys[verdict.Category]);
    }

    [Theory]
    [InlineData("10.1.0.5", "ks3")]
    [InlineData("10.1.2.7", "ks5")]
    [InlineData("10.1.2.9", "staff")]
    [InlineData("10.9.9.9", "guests")]
    [InlineData("2001:db8::1", "guests")]
    public void ResolveClient_Address_GivesGroupByIpThenLongestSubnetThenDefault(string address, string group)
    {
        var policy = _world.Compiled;

        var client = policy.ResolveClient(ClientKey.From(IPAddress.Parse(address)));

        Assert.Equal(group, policy.Groups[client.Group].Key);
    }

    [Fact]
    public void SafeSearch_GroupMode_ChoosesYouTubeTarget()
    {
        var policy = _world.Compiled;
        var staff = policy.Groups.Single(g => g.Key == "staff");
        var ks3 = policy.Groups.Single(g => g.Key == "ks3");

        Assert.Equal("restrictmoderate.youtube.com.", Dns.Protocol.DnsName.ToText(policy.SafeSearch.TargetOf(SafeSearchEngine.YouTube, staff.SafeSearch)));
        Assert.Equal("restrict.youtube.com.", Dns.Protocol.DnsName.ToText(policy.SafeSearch.TargetOf(SafeSearchEngine.YouTube, ks3.SafeSearch)));
        Assert.Equal("forcesafesearch.google.com.", Dns.Protocol.DnsName.ToText(policy.SafeSearch.TargetOf(SafeSearchEngine.Google, ks3.SafeSearch)));
    }

    [Fact]
    public void Evaluate_BlockedAndAllowed_DoesNotAllocate()
    {
        var policy = _world.Compiled;
        var client = policy.ResolveClient(ClientKey.From(IPAddress.Parse("10.1.0.5")));
        var blocked = PolicyWorld.Wire("www.m.social.test");
        var allowed = PolicyWorld.Wire("www.example.org");
        var now = DateTimeOffset.UtcNow;
        policy.Evaluate(blocked, client, now, out _);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            policy.Evaluate(blocked, client, now, out _);
            policy.Evaluate(allowed, client, now, out _);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}

using System.Diagnostics;
using ClassroomGuard.DnsFilter.Events;
using ClassroomGuard.DnsFilter.Policy;
using ClassroomGuard.DnsFilter.Tests.Policy.Support;
using ClassroomGuard.DnsFilter.Tests.Support;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.DependencyInjection;

namespace ClassroomGuard.DnsFilter.Tests.Policy;

/// <summary>The real host (AddDnsFilter) with the state database and a list file, asked by dig and kdig; unbound upstream.</summary>
public sealed class PolicyEndToEndTests : IClassFixture<UnboundFixture>, IDisposable
{
    private readonly UnboundFixture _unbound;
    private readonly PolicyWorld _world = new(DateTimeOffset.UtcNow);
    private readonly string _list;

    public PolicyEndToEndTests(UnboundFixture unbound)
    {
        _unbound = unbound;
        _list = Path.Combine(_world.Directory, "adult.hosts");
        File.WriteAllText(_list, "# test list\n0.0.0.0 adult.test\n0.0.0.0 10.0.0.1\n");
    }

    public void Dispose() => _world.Dispose();

    [Fact]
    public async Task Dig_BlockedName_AnswersNullAddressWithExtendedErrorNamingCategory()
    {
        await using var host = await StartAsync();

        var dig = await Tool.DigAsync(host.Port, "www.adult.test", "A");
        var kdig = await Tool.KdigAsync(host.Port, "+edns", "www.adult.test", "AAAA");
        var nxdomain = await Tool.DigAsync(host.Port, "use-application-dns.net", "A");

        Assert.Contains("status: NOERROR", dig, StringComparison.Ordinal);
        Assert.Matches(@"www\.adult\.test\.\s+10\s+IN\s+A\s+0\.0\.0\.0", dig);
        Assert.Contains("EDE: 15 (Blocked): (ClassroomGuard: blocked, category adult)", dig, StringComparison.Ordinal);
        Assert.Matches(@"www\.adult\.test\.\s+10\s+IN\s+AAAA\s+::", kdig);
        Assert.Contains("EDE: 15 (Blocked): 'ClassroomGuard: blocked, category adult'", kdig, StringComparison.Ordinal);
        Assert.Contains("status: NXDOMAIN", nxdomain, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dig_PolicyChangedThroughChangeControl_TakesEffectWithinASecond()
    {
        await using var host = await StartAsync();
        Assert.Contains("192.0.2.1", await Tool.DigAsync(host.Port, "a.test", "A"), StringComparison.Ordinal);

        await _world.MustChangeAsync(new SetDomainRuleChange("a.test", null, RuleAction.Deny));
        var changed = Stopwatch.StartNew();
        string answer;
        do
        {
            await Task.Delay(100);
            answer = await Tool.DigAsync(host.Port, "a.test", "A");
        }
        while (!answer.Contains("0.0.0.0", StringComparison.Ordinal) && changed.Elapsed < TimeSpan.FromSeconds(15));

        Assert.Contains("EDE: 15 (Blocked): (ClassroomGuard: blocked, deny entry)", answer, StringComparison.Ordinal);
        Assert.True(host.Counter("policy_answered") > 0);
    }

    [Fact]
    public async Task Host_StateUnreadable_FailsClosedAndKeepsAnswering()
    {
        await using var host = await StartAsync(new Dictionary<string, string?> { ["State:Path"] = "/nonexistent/dir/state.db" });

        var blocked = await Tool.DigAsync(host.Port, "adult.test", "A");
        var allowed = await Tool.DigAsync(host.Port, "a.test", "A");

        Assert.Contains("0.0.0.0", blocked, StringComparison.Ordinal);
        Assert.Contains("192.0.2.1", allowed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Host_Restarted_ReadsCompiledListsFromCacheAndStillBlocks()
    {
        await using (var first = await StartAsync())
        {
            Assert.NotEmpty(first.Get<PolicyService>().Lists!.Statistics); // parsed
        }

        var cache = Path.Combine(_world.Directory, "dns-lists.cache");
        Assert.True(File.Exists(cache));
        await using (var second = await StartAsync())
        {
            Assert.Empty(second.Get<PolicyService>().Lists!.Statistics); // read from the cache
            Assert.Contains("EDE: 15 (Blocked): (ClassroomGuard: blocked, category adult)", await Tool.DigAsync(second.Port, "www.adult.test", "A"), StringComparison.Ordinal);
        }

        File.AppendAllText(_list, "0.0.0.0 more.test\n"); // a changed list is parsed again
        await using var third = await StartAsync();
        Assert.NotEmpty(third.Get<PolicyService>().Lists!.Statistics);
        Assert.Contains("0.0.0.0", await Tool.DigAsync(third.Port, "more.test", "A"), StringComparison.Ordinal);
    }

    /// <summary>A list changes while the filter answers: the reload swaps it in, and no query goes unanswered meanwhile.</summary>
    [Fact]
    public async Task Host_ListsReloadedWhileAnswering_NewNameBlockedAndEveryQueryAnswered()
    {
        await using var host = await StartAsync();
        Assert.Contains("192.0.2.1", await Tool.DigAsync(host.Port, "a.test", "A"), StringComparison.Ordinal);
        File.AppendAllText(_list, "0.0.0.0 a.test\n");
        using var stop = new CancellationTokenSource();
        var answers = 0;
        var unanswered = 0;
        var asking = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var reply = await Tool.DigAsync(host.Port, "www.adult.test", "A");
                if (reply.Contains("0.0.0.0", StringComparison.Ordinal))
                {
                    answers++;
                }
                else
                {
                    unanswered++;
                }
            }
        });

        var lists = await host.Get<PolicyService>().ReloadListsAsync(CancellationToken.None);
        await Task.Delay(300);
        await stop.CancelAsync();
        await asking;

        Assert.NotEmpty(lists.Statistics); // parsed again: the file changed
        Assert.Same(lists, host.Get<PolicyService>().Lists);
        Assert.Contains("EDE: 15 (Blocked): (ClassroomGuard: blocked, category adult)", await Tool.DigAsync(host.Port, "a.test", "A"), StringComparison.Ordinal);
        Assert.True(answers > 0);
        Assert.Equal(0, unanswered);
    }

    private Task<DnsTestHost> StartAsync(Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["State:Path"] = _world.StateOptions.Path,
            ["Dns:Lists:Sources:0:Path"] = _list,
            ["Dns:Lists:Sources:0:Format"] = "Hosts",
            ["Dns:Lists:Sources:0:Category"] = "adult",
        };
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        return DnsTestHost.StartAsync([_unbound.Upstream], settings);
    }
}

using System.Net;
using ClassroomGuard.DnsFilter.Policy;
using ClassroomGuard.DnsFilter.Tests.Policy.Support;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.DnsFilter.Tests.Policy;

/// <summary>Teacher actions (pause, focus, temporary unblock) and their expiry by the clock; always-on lists nobody can switch off.</summary>
public sealed class TeacherActionPolicyTests : IDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly PolicyWorld _world = new(options: new DnsPolicyOptions { PauseAllowList = ["vle.school.test"] });

    public void Dispose() => _world.Dispose();

    [Fact]
    public async Task Pause_Device_BlocksAllButPauseAllowListUntilExpiry()
    {
        var device = await _world.AddDeviceAsync("10.1.0.20", "aa:bb:cc:00:00:01");
        var other = await _world.AddDeviceAsync("10.1.0.21", "aa:bb:cc:00:00:02");
        var action = await _world.Store.TeacherActions.StartAsync(
            new NewTeacherAction(TeacherActionKind.Pause, _world.Teacher, "calm down", ActionScope.Device, device, null, _world.Clock.GetUtcNow().AddMinutes(10)), Ct);
        var policy = await _world.CompileAsync();

        Assert.Equal((PolicyOutcome.Block, BlockReason.Pause), Decide(policy, "10.1.0.20", "unlisted.test", out var verdict));
        Assert.Equal(action.Id, verdict.ActionId);
        Assert.Equal((PolicyOutcome.Forward, BlockReason.None), Decide(policy, "10.1.0.20", "www.vle.school.test", out _));
        Assert.Equal((PolicyOutcome.Forward, BlockReason.None), Decide(policy, "10.1.0.21", "unlisted.test", out _));
        _ = other;

        _world.Clock.Advance(TimeSpan.FromMinutes(10)); // expired: no recompile needed
        Assert.Equal((PolicyOutcome.Forward, BlockReason.None), Decide(policy, "10.1.0.20", "unlisted.test", out _));
    }

    [Fact]
    public async Task Focus_Room_AllowsOnlyLessonListAndDenyStillWins()
    {
        var site = await _world.Store.Sites.CreateSiteAsync("Main", Ct);
        var room = await _world.Store.Sites.CreateRoomAsync(site.Id, "Room 12", Ct);
        var device = await _world.AddDeviceAsync("10.1.0.30", "aa:bb:cc:00:00:03");
        await _world.Store.Devices.SetRoomAsync(device, room.Id, Ct);
        await _world.MustChangeAsync(new SetDomainRuleChange("bad.lesson.test", null, RuleAction.Deny));
        await _world.MustChangeAsync(new SetDomainRuleChange("allowed.test", null, RuleAction.Allow));
        await _world.Store.TeacherActions.StartAsync(
            new NewTeacherAction(TeacherActionKind.Focus, _world.Teacher, "maths", ActionScope.Room, null, room.Id, _world.Clock.GetUtcNow().AddMinutes(45), ["lesson.test"]), Ct);
        var policy = await _world.CompileAsync();

        Assert.Equal((PolicyOutcome.Forward, BlockReason.None), Decide(policy, "10.1.0.30", "www.lesson.test", out _));
        Assert.Equal((PolicyOutcome.Block, BlockReason.Focus), Decide(policy, "10.1.0.30", "other.test", out _));
        Assert.Equal((PolicyOutcome.Block, BlockReason.Focus), Decide(policy, "10.1.0.30", "allowed.test", out _)); // focus sits above allow entries
        Assert.Equal((PolicyOutcome.Block, BlockReason.Deny), Decide(policy, "10.1.0.30", "bad.lesson.test", out _));

        _world.Clock.Advance(TimeSpan.FromMinutes(45));
        Assert.Equal((PolicyOutcome.Forward, BlockReason.None), Decide(policy, "10.1.0.30", "other.test", out _));
    }

    [Fact]
    public async Task TemporaryUnblock_Device_AllowsCategoryUntilLessonEnds()
    {
        var device = await _world.AddDeviceAsync("10.1.0.40", "aa:bb:cc:00:00:04");
        var now = _world.Clock.GetUtcNow();
        await _world.MustChangeAsync(new TemporaryUnblockChange("games.test", ActionScope.Device, device, null, now, now.AddHours(1)));
        var policy = await _world.CompileAsync();

        Assert.Equal((PolicyOutcome.Forward, BlockReason.None), Decide(policy, "10.1.0.40", "www.games.test", out _));
        Assert.Equal((PolicyOutcome.Block, BlockReason.Category), Decide(policy, "10.1.0.41", "www.games.test", out _)); // other clients

        _world.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal((PolicyOutcome.Block, BlockReason.Category), Decide(policy, "10.1.0.40", "www.games.test", out _));
    }

    [Fact]
    public async Task AlwaysOn_EveryWayToSwitchItOff_StillBlocks()
    {
        var device = await _world.AddDeviceAsync("10.1.0.50", "aa:bb:cc:00:00:05");
        var now = _world.Clock.GetUtcNow();

        // Allowed: entries and a temporary unblock naming the domain (the store cannot know the lists' content).
        await _world.MustChangeAsync(new SetDomainRuleChange("csam.test", null, RuleAction.Allow));
        await _world.MustChangeAsync(new SetDomainRuleChange("terror.test", "staff", RuleAction.Allow));
        await _world.MustChangeAsync(new TemporaryUnblockChange("csam.test", ActionScope.Device, device, null, now, now.AddHours(1)));
        await _world.MustChangeAsync(new SetSafeSearchChange("guests", SafeSearchMode.Off));
        // Refused by change control: unblocking the category, or an allow schedule, even by an administrator.
        Assert.Equal(ChangeRefusal.AlwaysOnCategory, (await _world.ChangeAsync(new UnblockCategoryChange("guests", "child_abuse"))).Refusal);
        Assert.Equal(ChangeRefusal.AlwaysOnCategory, (await _world.ChangeAsync(new AddScheduleChange("staff", "terrorism", ScheduleEffect.Allow, SchoolDays.All, 0, 1440))).Refusal);
        var policy = await _world.CompileAsync();

        foreach (var client in new[] { "10.1.0.50", "10.9.9.9" })
        {
            Assert.Equal((PolicyOutcome.Block, BlockReason.AlwaysOn), Decide(policy, client, "www.csam.test", out _));
            Assert.Equal((PolicyOutcome.Block, BlockReason.AlwaysOn), Decide(policy, client, "terror.test", out _));
        }

        // And the fail-closed fallback (state unreadable) blocks them too.
        var fallback = CompiledPolicy.Fallback(_world.Lists, _world.Options, _world.SafeSearch);
        Assert.Equal((PolicyOutcome.Block, BlockReason.AlwaysOn), Decide(fallback, "10.9.9.9", "csam.test", out _));
        Assert.Equal((PolicyOutcome.Block, BlockReason.Category), Decide(fallback, "10.9.9.9", "games.test", out _));
        Assert.Equal((PolicyOutcome.Forward, BlockReason.None), Decide(fallback, "10.9.9.9", "unlisted.test", out _));
    }

    [Fact]
    public async Task DeviceGroup_ThenMac_ThenIp_DecideTheGroup()
    {
        var byMac = await _world.AddDeviceAsync("10.1.0.60", "aa:bb:cc:00:00:06");
        var byOwnGroup = await _world.AddDeviceAsync("10.1.0.61", "aa:bb:cc:00:00:07");
        await _world.MustChangeAsync(new SetClientMappingChange(ClientMappingKind.Subnet, "10.1.0.0/16", "ks3"));
        await _world.MustChangeAsync(new SetClientMappingChange(ClientMappingKind.Ip, "10.1.0.60", "ks4"));
        await _world.MustChangeAsync(new SetClientMappingChange(ClientMappingKind.Mac, "aa:bb:cc:00:00:06", "staff"));
        await _world.MustChangeAsync(new SetClientMappingChange(ClientMappingKind.Mac, "aa:bb:cc:00:00:07", "staff"));
        await _world.MustChangeAsync(new SetDeviceGroupChange(byOwnGroup, "ks1"));
        var policy = await _world.CompileAsync();

        Assert.Equal("staff", Group(policy, "10.1.0.60"));
        Assert.Equal("ks1", Group(policy, "10.1.0.61"));
        Assert.Equal("ks3", Group(policy, "10.1.0.62"));
        Assert.Equal(byMac, policy.ResolveClient(ClientKey.From(IPAddress.Parse("10.1.0.60"))).DeviceId);
    }

    private static string Group(CompiledPolicy policy, string ip) => policy.Groups[policy.ResolveClient(ClientKey.From(IPAddress.Parse(ip))).Group].Key;

    private (PolicyOutcome, BlockReason) Decide(CompiledPolicy policy, string ip, string name, out PolicyVerdict verdict)
    {
        policy.Evaluate(PolicyWorld.Wire(name), policy.ResolveClient(ClientKey.From(IPAddress.Parse(ip))), _world.Clock.GetUtcNow(), out verdict);
        return (verdict.Outcome, verdict.Reason);
    }
}

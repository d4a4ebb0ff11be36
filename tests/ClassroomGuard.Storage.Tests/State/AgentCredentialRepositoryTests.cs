using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Storage.Tests.State;

public sealed class AgentCredentialRepositoryTests
{
    private static CancellationToken Token => StateTestContext.Token;

    [Fact]
    public async Task IssueAsync_Device_ReturnsSecretOnceAndStoresOnlyItsHash()
    {
        using var context = new StateTestContext();
        var device = await DeviceAsync(context.Store);

        var issued = await context.Store.AgentCredentials.IssueAsync(device, null, Token);

        Assert.NotNull(issued);
        Assert.Equal(43, issued!.Secret.Length);
        Assert.Equal(device, issued.Credential.DeviceId);
        var dump = StateTestContext.Sqlite3(context.DbPath, ".dump").Output;
        Assert.DoesNotContain(issued.Secret, dump, StringComparison.Ordinal);
        Assert.Contains(EnrolmentTokenRepository.Hash(issued.Secret), dump, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IssueAsync_UnknownDevice_ReturnsNull()
    {
        using var context = new StateTestContext();

        Assert.Null(await context.Store.AgentCredentials.IssueAsync(999, null, Token));
    }

    [Fact]
    public async Task VerifyAsync_RightSecret_ReturnsCredentialAndRecordsUse()
    {
        using var context = new StateTestContext();
        var issued = (await context.Store.AgentCredentials.IssueAsync(await DeviceAsync(context.Store), null, Token))!;
        context.Clock.Advance(TimeSpan.FromMinutes(5));

        var verified = await context.Store.AgentCredentials.VerifyAsync(issued.Credential.Id, issued.Secret, Token);

        Assert.Equal(context.Clock.Now, verified!.LastUsedAt);
    }

    [Fact]
    public async Task VerifyAsync_WrongSecretOrId_ReturnsNull()
    {
        using var context = new StateTestContext();
        var issued = (await context.Store.AgentCredentials.IssueAsync(await DeviceAsync(context.Store), null, Token))!;

        Assert.Null(await context.Store.AgentCredentials.VerifyAsync(issued.Credential.Id, issued.Secret + "x", Token));
        Assert.Null(await context.Store.AgentCredentials.VerifyAsync(issued.Credential.Id + 1, issued.Secret, Token));
        Assert.Null(await context.Store.AgentCredentials.VerifyAsync(issued.Credential.Id, string.Empty, Token));
    }

    [Fact]
    public async Task VerifyAsync_Revoked_ReturnsNull()
    {
        using var context = new StateTestContext();
        var issued = (await context.Store.AgentCredentials.IssueAsync(await DeviceAsync(context.Store), null, Token))!;

        Assert.True(await context.Store.AgentCredentials.RevokeAsync(issued.Credential.Id, Token));
        Assert.False(await context.Store.AgentCredentials.RevokeAsync(issued.Credential.Id, Token));
        Assert.Null(await context.Store.AgentCredentials.VerifyAsync(issued.Credential.Id, issued.Secret, Token));
    }

    [Fact]
    public async Task EnrolAsync_NewDevice_ObservesPutsInRoomAndIssues()
    {
        using var context = new StateTestContext();
        var room = await RoomAsync(context.Store);

        var enrolment = await context.Store.AgentCredentials.EnrolAsync([Agent("02:00:00:00:00:10", "10.0.0.10")], room, null, Token);

        Assert.Equal(AgentEnrolmentOutcome.Enrolled, enrolment.Outcome);
        var device = await context.Store.Devices.GetAsync(enrolment.DeviceId!.Value, Token);
        Assert.Equal(room, device!.RoomId);
        Assert.Equal(["10.0.0.10"], device.Ips);
        Assert.NotNull(await context.Store.AgentCredentials.VerifyAsync(enrolment.Credential!.Credential.Id, enrolment.Credential.Secret, Token));
        Assert.True(await context.Store.AgentCredentials.HasAgentAsync(device.Id, Token));
    }

    [Fact]
    public async Task EnrolAsync_SniffedDeviceWithoutAgent_TakesItOver()
    {
        using var context = new StateTestContext();
        var room = await RoomAsync(context.Store);
        var sniffed = await context.Store.Devices.ObserveAsync(new DeviceObservation(context.Clock.Now, DeviceSource.Sniffer, "02:00:00:00:00:11", "10.0.0.11"), Token);

        var enrolment = await context.Store.AgentCredentials.EnrolAsync([Agent("02:00:00:00:00:11", "10.0.0.11")], room, null, Token);

        Assert.Equal(AgentEnrolmentOutcome.Enrolled, enrolment.Outcome);
        Assert.Equal(sniffed, enrolment.DeviceId);
    }

    public static TheoryData<string?, string?> Claims => new()
    {
        { "02:00:00:00:00:12", null }, // its MAC
        { "02:00:00:00:00:12", "10.0.0.99" }, // its MAC, another address
        { null, "10.0.0.12" }, // its address, no MAC
    };

    [Theory]
    [MemberData(nameof(Claims))]
    public async Task EnrolAsync_ClaimsDeviceWithAgent_IsRefusedAndChangesNothing(string? mac, string? ip)
    {
        using var context = new StateTestContext();
        var (first, second) = (await RoomAsync(context.Store, "Lab 1"), await RoomAsync(context.Store, "Lab 2"));
        var victim = await context.Store.AgentCredentials.EnrolAsync([Agent("02:00:00:00:00:12", "10.0.0.12", "pupil-pc")], first, null, Token);
        var revision = await context.Store.GetRevisionAsync(Token);

        var attempt = await context.Store.AgentCredentials.EnrolAsync([Agent(mac, ip, "intruder")], second, null, Token);

        Assert.Equal(AgentEnrolmentOutcome.DeviceHasAgent, attempt.Outcome);
        Assert.Equal(victim.DeviceId, attempt.DeviceId);
        Assert.Null(attempt.Credential);
        Assert.Equal(revision, await context.Store.GetRevisionAsync(Token));
        var device = await context.Store.Devices.GetAsync(victim.DeviceId!.Value, Token);
        Assert.Equal((first, "pupil-pc"), (device!.RoomId, device.Hostname));
        Assert.Equal(["10.0.0.12"], device.Ips);
        Assert.Equal(1L, context.RawScalar("SELECT count(*) FROM agent_credentials"));
    }

    [Fact]
    public async Task EnrolAsync_NewMacWithAddressOfDeviceWithAgent_EnrolsWithoutTakingTheAddress()
    {
        using var context = new StateTestContext();
        var room = await RoomAsync(context.Store);
        var victim = await context.Store.AgentCredentials.EnrolAsync([Agent("02:00:00:00:00:13", "10.0.0.13")], room, null, Token);

        var other = await context.Store.AgentCredentials.EnrolAsync([Agent("02:00:00:00:00:14", "10.0.0.13")], room, null, Token);

        Assert.Equal(AgentEnrolmentOutcome.Enrolled, other.Outcome);
        Assert.NotEqual(victim.DeviceId, other.DeviceId);
        Assert.Equal(victim.DeviceId, (await context.Store.Devices.FindByIpAsync("10.0.0.13", Token))!.Id);
    }

    [Fact]
    public async Task EnrolAsync_AfterAgentReset_EnrolsTheSameDeviceAgain()
    {
        using var context = new StateTestContext();
        var room = await RoomAsync(context.Store);
        var first = await context.Store.AgentCredentials.EnrolAsync([Agent("02:00:00:00:00:15", "10.0.0.15")], room, null, Token);

        Assert.Equal(1, await context.Store.AgentCredentials.RevokeForDeviceAsync(first.DeviceId!.Value, Token));
        Assert.Equal(0, await context.Store.AgentCredentials.RevokeForDeviceAsync(first.DeviceId.Value, Token));
        Assert.False(await context.Store.AgentCredentials.HasAgentAsync(first.DeviceId.Value, Token));
        Assert.Null(await context.Store.AgentCredentials.VerifyAsync(first.Credential!.Credential.Id, first.Credential.Secret, Token));
        var again = await context.Store.AgentCredentials.EnrolAsync([Agent("02:00:00:00:00:15", "10.0.0.15")], room, null, Token);

        Assert.Equal(AgentEnrolmentOutcome.Enrolled, again.Outcome);
        Assert.Equal(first.DeviceId, again.DeviceId);
    }

    [Fact]
    public async Task EnrolAsync_NoValidAddress_SaysSo()
    {
        using var context = new StateTestContext();
        var room = await RoomAsync(context.Store);

        var enrolment = await context.Store.AgentCredentials.EnrolAsync([Agent("nonsense", "not-an-ip")], room, null, Token);

        Assert.Equal(AgentEnrolmentOutcome.NoAddress, enrolment.Outcome);
        Assert.Equal(0L, context.RawScalar("SELECT count(*) FROM devices"));
    }

    private static DeviceObservation Agent(string? mac, string? ip, string? hostname = null)
        => new(DateTimeOffset.UnixEpoch.AddYears(56), DeviceSource.Agent, mac, ip, hostname);

    private static async Task<long> RoomAsync(StateStore store, string name = "Lab 1")
    {
        var site = await store.Sites.CreateSiteAsync("Main", Token);
        return (await store.Sites.CreateRoomAsync(site.Id, name, Token)).Id;
    }

    private static Task<long> DeviceAsync(StateStore store)
        => store.Devices.ObserveAsync(new DeviceObservation(DateTimeOffset.UnixEpoch.AddYears(56), DeviceSource.Agent, Mac: "02:00:00:00:00:01", Hostname: "pc1"), Token);
}

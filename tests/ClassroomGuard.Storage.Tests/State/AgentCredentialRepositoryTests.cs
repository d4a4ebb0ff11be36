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

    private static Task<long> DeviceAsync(StateStore store)
        => store.Devices.ObserveAsync(new DeviceObservation(DateTimeOffset.UnixEpoch.AddYears(56), DeviceSource.Agent, Mac: "02:00:00:00:00:01", Hostname: "pc1"), Token);
}

using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Storage.Tests.State;

public sealed class EnrolmentTokenRepositoryTests
{
    private static CancellationToken Token => StateTestContext.Token;

    [Fact]
    public async Task CreateAsync_Room_ReturnsSecretOnceAndStoresOnlyItsHash()
    {
        using var context = new StateTestContext();
        var tech = await context.UserAsync("tech", Role.Technician);
        var room = await RoomAsync(context.Store, "IT1");

        var made = await context.Store.EnrolmentTokens.CreateAsync(room.Id, tech.Id, TimeSpan.FromDays(7), Token);

        Assert.NotNull(made);
        Assert.Equal(43, made!.Secret.Length);
        Assert.Equal(made.Secret[^4..], made.Token.Hint);
        Assert.Equal(context.Clock.Now.AddDays(7), made.Token.ExpiresAt);
        var dump = StateTestContext.Sqlite3(context.DbPath, ".dump").Output;
        Assert.DoesNotContain(made.Secret, dump, StringComparison.Ordinal);
        Assert.Contains(EnrolmentTokenRepository.Hash(made.Secret), dump, StringComparison.Ordinal);
        var audit = Assert.Single(await context.Store.AdminAudit.ListAsync(10, Token));
        Assert.Equal(("tech", "token.create", "room 'IT1'"), (audit.ActorName, audit.Action, audit.Target));
        Assert.DoesNotContain(made.Secret, audit.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_UnknownRoom_ReturnsNull()
    {
        using var context = new StateTestContext();
        var tech = await context.UserAsync("tech", Role.Technician);

        Assert.Null(await context.Store.EnrolmentTokens.CreateAsync(999, tech.Id, TimeSpan.FromDays(1), Token));
    }

    [Fact]
    public async Task RedeemAsync_ValidToken_CountsUseAndNamesRoom()
    {
        using var context = new StateTestContext();
        var tech = await context.UserAsync("tech", Role.Technician);
        var room = await RoomAsync(context.Store, "IT1");
        var made = (await context.Store.EnrolmentTokens.CreateAsync(room.Id, tech.Id, TimeSpan.FromHours(1), Token))!;

        var first = await context.Store.EnrolmentTokens.RedeemAsync(made.Secret, Token);
        var second = await context.Store.EnrolmentTokens.RedeemAsync(made.Secret, Token);

        Assert.Equal(room.Id, first!.RoomId);
        Assert.Equal(2, second!.UseCount);
        Assert.Null(await context.Store.EnrolmentTokens.RedeemAsync(made.Secret + "x", Token));
    }

    [Fact]
    public async Task RedeemAsync_ExpiredOrRevoked_ReturnsNull()
    {
        using var context = new StateTestContext();
        var tech = await context.UserAsync("tech", Role.Technician);
        var room = await RoomAsync(context.Store, "IT1");
        var expiring = (await context.Store.EnrolmentTokens.CreateAsync(room.Id, tech.Id, TimeSpan.FromHours(1), Token))!;
        var revoked = (await context.Store.EnrolmentTokens.CreateAsync(room.Id, tech.Id, TimeSpan.FromDays(1), Token))!;

        Assert.True(await context.Store.EnrolmentTokens.RevokeAsync(revoked.Token.Id, tech.Id, Token));
        Assert.False(await context.Store.EnrolmentTokens.RevokeAsync(revoked.Token.Id, tech.Id, Token));
        context.Clock.Advance(TimeSpan.FromHours(1));

        Assert.Null(await context.Store.EnrolmentTokens.RedeemAsync(expiring.Secret, Token));
        Assert.Null(await context.Store.EnrolmentTokens.RedeemAsync(revoked.Secret, Token));
        var listed = await context.Store.EnrolmentTokens.ListAsync(room.Id, Token);
        Assert.All(listed, t => Assert.False(t.IsUsableAt(context.Clock.Now)));
        Assert.Equal(["token.revoke", "token.create", "token.create"], (await context.Store.AdminAudit.ListAsync(10, Token)).Select(a => a.Action));
    }

    internal static async Task<Room> RoomAsync(StateStore store, string name)
    {
        var site = await store.Sites.CreateSiteAsync("Main", Token);
        return await store.Sites.CreateRoomAsync(site.Id, name, Token);
    }
}

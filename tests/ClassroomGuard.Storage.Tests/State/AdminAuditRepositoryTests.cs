using ClassroomGuard.Storage.State;
using Microsoft.Data.Sqlite;

namespace ClassroomGuard.Storage.Tests.State;

public sealed class AdminAuditRepositoryTests
{
    private static CancellationToken Token => StateTestContext.Token;

    [Fact]
    public async Task RecordAsync_ByUser_ListsNewestFirstWithActorName()
    {
        using var context = new StateTestContext();
        var admin = await context.UserAsync("admin", Role.Administrator);

        Assert.True(await context.Store.AdminAudit.RecordAsync(admin.Id, "user.create", "user 'jsmith'", "roles Teacher", Token));
        context.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.True(await context.Store.AdminAudit.RecordAsync(admin.Id, "user.disable", "user 'jsmith'", string.Empty, Token));

        var entries = await context.Store.AdminAudit.ListAsync(10, Token);
        Assert.Equal(["user.disable", "user.create"], entries.Select(e => e.Action));
        Assert.All(entries, e => Assert.Equal("admin", e.ActorName));
        Assert.Equal(context.Clock.Now, entries[0].At);
    }

    [Fact]
    public async Task RecordAsync_UnknownActor_ReturnsFalse()
    {
        using var context = new StateTestContext();

        Assert.False(await context.Store.AdminAudit.RecordAsync(42, "room.create", "room 'IT1'", string.Empty, Token));
    }

    [Fact]
    public async Task AdminAudit_UpdateOrDelete_RefusedByTheDatabase()
    {
        using var context = new StateTestContext();
        var admin = await context.UserAsync("admin", Role.Administrator);
        await context.Store.AdminAudit.RecordAsync(admin.Id, "room.create", "room 'IT1'", string.Empty, Token);

        Assert.Throws<SqliteException>(() => context.RawSql("UPDATE admin_audit SET actor_name = 'someone else'"));
        Assert.Throws<SqliteException>(() => context.RawSql("DELETE FROM admin_audit"));
    }

    [Fact]
    public async Task QueryAsync_ByActorKindAndPeriod_PagesWithTotal()
    {
        using var context = new StateTestContext();
        var anna = await context.UserAsync("anna", Role.Administrator);
        var tom = await context.UserAsync("tom", Role.Technician);
        var start = context.Clock.Now;
        for (var i = 0; i < 5; i++)
        {
            await context.Store.AdminAudit.RecordAsync(anna.Id, "user.create", $"user 'u{i}'", "roles Teacher", Token);
            await context.Store.AdminAudit.RecordAsync(tom.Id, "room.create", $"room 'R{i}'", "site 'Main'", Token);
            context.Clock.Advance(TimeSpan.FromHours(1));
        }

        var audit = context.Store.AdminAudit;
        var firstPage = await audit.QueryAsync(new AuditQuery(Offset: 0, Limit: 4), Token);
        var lastPage = await audit.QueryAsync(new AuditQuery(Offset: 8, Limit: 4), Token);
        var annas = await audit.QueryAsync(new AuditQuery(ActorId: anna.Id), Token);
        var rooms = await audit.QueryAsync(new AuditQuery(ActionPrefix: "room."), Token);
        var period = await audit.QueryAsync(new AuditQuery(From: start.AddHours(1), Until: start.AddHours(3), OldestFirst: true), Token);
        var none = await audit.QueryAsync(new AuditQuery(ActionPrefix: "token."), Token);

        Assert.Equal(10, firstPage.Total);
        Assert.Equal(["room 'R4'", "user 'u4'", "room 'R3'", "user 'u3'"], firstPage.Entries.Select(e => e.Target));
        Assert.Equal(["room 'R0'", "user 'u0'"], lastPage.Entries.Select(e => e.Target));
        Assert.Equal(5, annas.Total);
        Assert.All(annas.Entries, e => Assert.Equal("anna", e.ActorName));
        Assert.All(rooms.Entries, e => Assert.Equal("room.create", e.Action));
        Assert.Equal(5, rooms.Total);
        Assert.Equal(["user 'u1'", "room 'R1'", "user 'u2'", "room 'R2'"], period.Entries.Select(e => e.Target));
        Assert.Equal(0, none.Total);
        Assert.Empty(none.Entries);
    }

    [Fact]
    public async Task QueryAsync_PrefixWithLikeWildcards_MatchesLiterally()
    {
        using var context = new StateTestContext();
        var anna = await context.UserAsync("anna", Role.Administrator);
        await context.Store.AdminAudit.RecordAsync(anna.Id, "user.create", "user 'a'", string.Empty, Token);

        var page = await context.Store.AdminAudit.QueryAsync(new AuditQuery(ActionPrefix: "%"), Token);

        Assert.Equal(0, page.Total);
    }
}

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
}

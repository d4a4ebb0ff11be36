using ClassroomGuard.Storage.State.Internal;
using Microsoft.Data.Sqlite;

namespace ClassroomGuard.Storage.Tests.State.Internal;

public sealed class StateMigrationsTests
{
    [Fact]
    public void Migrate_ScriptFailsHalfway_LeavesPreviousVersionAndNoPartialSchema()
    {
        using var context = new StateTestContext();
        using var connection = new SqliteConnection($"Data Source={context.DbPath};Pooling=False");
        connection.Open();
        var broken = new List<Migration>(StateMigrations.All)
        {
            new(StateMigrations.LatestVersion + 1, "Broken", "CREATE TABLE half_done (x INTEGER); INSERT INTO no_such_table VALUES (1);"),
        };

        Assert.Throws<SqliteException>(() => StateMigrations.Migrate(connection, StateMigrations.LatestVersion + 1, 0, broken));

        Assert.Equal(StateMigrations.LatestVersion, StateMigrations.ReadVersion(connection));
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE name = 'half_done'";
        Assert.Equal(0L, command.ExecuteScalar());
    }

    [Fact]
    public void All_EmbeddedScripts_NumberedFromOneWithoutGaps()
    {
        Assert.Equal(Enumerable.Range(1, StateMigrations.All.Count), StateMigrations.All.Select(m => m.Version));
        Assert.Equal("Model", StateMigrations.All[0].Description);
    }
}

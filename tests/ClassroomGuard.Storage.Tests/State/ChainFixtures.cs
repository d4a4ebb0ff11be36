using ClassroomGuard.Storage.State;
using ClassroomGuard.Storage.State.Internal;
using Microsoft.Data.Sqlite;

namespace ClassroomGuard.Storage.Tests.State;

/// <summary>Databases and chains the tests start from.</summary>
public static class ChainFixtures
{
    /// <summary>Builds a V1-only database (as an earlier release left it) with a room, a user and one chain entry.</summary>
    public static ChainCheckpoint CreateV1DatabaseWithData(StateTestContext context)
    {
        using var connection = new SqliteConnection($"Data Source={context.DbPath};Pooling=False");
        connection.Open();
        StateMigrations.Migrate(connection, 1, 0);
        Assert.Equal(1, StateMigrations.ReadVersion(connection));
        const string body = """{"after":{"blocked":true},"before":{"blocked":false},"change":{"$kind":"blockCategory","category":"games","groupKey":"ks5"},"reason":"v1"}""";
        var hash = ChangeChain.Hash(1, 1, "proposed", 1000, 1, "tech", false, body, ChangeChain.Genesis);
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            INSERT INTO sites (name) VALUES ('Main');
            INSERT INTO rooms (site_id, name) VALUES (1, 'Room 12');
            INSERT INTO users (user_name, display_name, password_hash, created_at) VALUES ('tech', 'Tech', 'x', 0);
            INSERT INTO user_roles (user_id, role) VALUES (1, 'Technician');
            INSERT INTO change_log (seq, change_id, event, at, actor_id, actor_name, single_approver, body, prev_hash, hash)
            VALUES (1, 1, 'proposed', 1000, 1, 'tech', 0, '{body}', '{ChangeChain.Genesis}', '{hash}');
            """;
        command.ExecuteNonQuery();
        return new ChainCheckpoint(1, hash);
    }

    /// <summary>Writes a chain of <paramref name="changes"/> proposals, each approved by a second technician: 2 entries per change.</summary>
    public static async Task<(UserAccount Proposer, UserAccount Approver)> WriteApprovedChangesAsync(StateTestContext context, int changes)
    {
        var proposer = await context.UserAsync("alice", Role.Technician);
        var approver = await context.UserAsync("bob", Role.Technician);
        for (var i = 0; i < changes; i++)
        {
            var proposed = await context.Store.ChangeControl.ProposeAsync(
                proposer.Id, new SetDomainRuleChange($"site{i}.example", null, RuleAction.Deny), $"reason {i}", StateTestContext.Token);
            Assert.True(proposed.Succeeded, proposed.Detail);
            var approved = await context.Store.ChangeControl.ApproveAsync(approver.Id, proposed.Entry!.ChangeId, "ok", StateTestContext.Token);
            Assert.True(approved.Succeeded, approved.Detail);
        }

        return (proposer, approver);
    }
}

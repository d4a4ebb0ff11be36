using System.Globalization;
using Microsoft.Data.Sqlite;

namespace ClassroomGuard.Storage.State.Internal;

/// <summary>One embedded migration script.</summary>
internal sealed record Migration(int Version, string Description, string Script);

/// <summary>
/// Applies the embedded scripts V0001_*.sql, V0002_*.sql, ... in order. Each runs in its own
/// BEGIN IMMEDIATE transaction together with PRAGMA user_version and a schema_version row, so a
/// failed script leaves the database at the previous version and two processes starting at once
/// cannot apply one twice.
/// </summary>
internal static class StateMigrations
{
    private const string ResourcePrefix = "ClassroomGuard.Storage.State.Migrations.";

    public static IReadOnlyList<Migration> All { get; } = Load();

    public static int LatestVersion => All[^1].Version;

    public static int ReadVersion(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version";
        return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <summary>Migrates up to <paramref name="target"/>; returns the migrations applied by this call.</summary>
    public static List<Migration> Migrate(SqliteConnection connection, int target, long nowMs, IReadOnlyList<Migration>? migrations = null)
    {
        var applied = new List<Migration>();
        foreach (var migration in migrations ?? All)
        {
            if (migration.Version > target || migration.Version <= ReadVersion(connection))
            {
                continue;
            }

            using var transaction = connection.BeginTransaction(); // BEGIN IMMEDIATE
            if (ReadVersion(connection) >= migration.Version)
            {
                continue; // another process got here first
            }

            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = migration.Script;
            command.ExecuteNonQuery();
            command.CommandText = FormattableString.Invariant(
                $"INSERT INTO schema_version (version, description, applied_at) VALUES ({migration.Version}, $d, {nowMs}); PRAGMA user_version = {migration.Version};");
            command.Parameters.AddWithValue("$d", migration.Description);
            command.ExecuteNonQuery();
            transaction.Commit();
            applied.Add(migration);
        }

        return applied;
    }

    private static List<Migration> Load()
    {
        var assembly = typeof(StateMigrations).Assembly;
        var list = new List<Migration>();
        foreach (var name in assembly.GetManifestResourceNames())
        {
            if (!name.StartsWith(ResourcePrefix, StringComparison.Ordinal) || !name.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            // V0002_ChainHeadAndExpiry.sql -> version 2, "ChainHeadAndExpiry"
            var file = name[ResourcePrefix.Length..^4];
            var underscore = file.IndexOf('_', StringComparison.Ordinal);
            var version = int.Parse(file.AsSpan(1, underscore - 1), NumberStyles.None, CultureInfo.InvariantCulture);
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            list.Add(new Migration(version, file[(underscore + 1)..], reader.ReadToEnd()));
        }

        list.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i].Version != i + 1)
            {
                throw new InvalidOperationException($"State migrations must be numbered 1, 2, 3, ... without gaps; found V{list[i].Version} at position {i + 1}.");
            }
        }

        return list;
    }
}

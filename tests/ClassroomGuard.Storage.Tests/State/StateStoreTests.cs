using ClassroomGuard.Storage.State;
using ClassroomGuard.Storage.State.Internal;
using Microsoft.Data.Sqlite;

namespace ClassroomGuard.Storage.Tests.State;

public sealed class StateStoreTests
{
    [Fact]
    public void Open_EmptyDirectory_CreatesWalDatabaseAtLatestVersionWithSeeds()
    {
        using var context = new StateTestContext();

        var store = context.Store;

        Assert.Equal(StateStore.LatestSchemaVersion, store.SchemaVersion);
        Assert.Equal("wal", context.RawScalar("PRAGMA journal_mode"));
        Assert.Equal((long)StateStore.LatestSchemaVersion, context.RawScalar("PRAGMA user_version"));
        Assert.Equal((long)StateStore.LatestSchemaVersion, context.RawScalar("SELECT count(*) FROM schema_version"));
        Assert.Equal(8L, context.RawScalar("SELECT count(*) FROM groups"));
        Assert.Equal("guests", context.RawScalar("SELECT key FROM groups WHERE is_default = 1"));
    }

    [Fact]
    public void OpenConnection_Always_SetsForeignKeysBusyTimeoutAndSynchronousNormal()
    {
        using var context = new StateTestContext(o => o.BusyTimeout = TimeSpan.FromSeconds(7));
        _ = context.Store;
        var db = new StateDb(context.Options, TimeProvider.System);

        using var connection = db.OpenConnection();
        using var command = connection.CreateCommand();

        command.CommandText = "PRAGMA foreign_keys";
        Assert.Equal(1L, command.ExecuteScalar());
        command.CommandText = "PRAGMA busy_timeout";
        Assert.Equal(7000L, command.ExecuteScalar());
        command.CommandText = "PRAGMA synchronous";
        Assert.Equal(1L, command.ExecuteScalar()); // NORMAL
    }

    [Fact]
    public async Task Open_V1DatabaseWithData_MigratesToLatestAndKeepsData()
    {
        using var context = new StateTestContext();
        var v1 = ChainFixtures.CreateV1DatabaseWithData(context);

        var store = context.Store;

        Assert.Equal(StateStore.LatestSchemaVersion, store.SchemaVersion);
        var rooms = await store.Sites.ListRoomsAsync(null, StateTestContext.Token);
        Assert.Equal("Room 12", Assert.Single(rooms).Name);
        Assert.NotNull(await store.Users.FindByNameAsync("tech", StateTestContext.Token));
        // V2 carried the V1 chain's head into its anchor, so the old entry still verifies and new ones link to it.
        Assert.Equal(1L, context.RawScalar("SELECT seq FROM change_log_head"));
        Assert.Equal(v1.Hash, context.RawScalar("SELECT hash FROM change_log_head"));
        var verification = await store.ChangeControl.VerifyChainAsync(null, StateTestContext.Token);
        Assert.True(verification.IsValid, verification.Problem);
        Assert.Equal(1L, context.RawScalar("SELECT count(*) FROM sqlite_master WHERE name = 'teacher_actions_expiry'"));
    }

    [Fact]
    public async Task Open_V2DatabaseWithData_MigratesToV3AddingCircumventionCategories()
    {
        using var context = new StateTestContext();
        using (var connection = new SqliteConnection($"Data Source={context.DbPath};Pooling=False"))
        {
            connection.Open();
            StateMigrations.Migrate(connection, 2, 0);
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO domain_rules (domain, group_id, action) VALUES ('kept.test', NULL, 'deny')";
            insert.ExecuteNonQuery();
        }

        var snapshot = await context.Store.Policy.GetSnapshotAsync(StateTestContext.Token);

        Assert.True(context.Store.SchemaVersion >= 3);
        foreach (var key in new[] { "doh", "vpn", "proxy" })
        {
            Assert.False(Assert.Single(snapshot.Categories, c => c.Key == key).AlwaysOn);
        }

        Assert.Contains(snapshot.DomainRules, r => r.Domain == "kept.test");
        Assert.Contains("circumvention", snapshot.Groups.Single(g => g.Key == "ks3").BlockedCategories);
    }

    [Fact]
    public async Task Open_V3DatabaseWithUsers_MigratesToV4AndUsersAreUnchanged()
    {
        using var context = new StateTestContext();
        var admin = await context.Store.Users.CreateFirstAdministratorAsync("admin", "Admin", StateTestContext.Token);
        context.CloseStore();
        // Roll the file back to its V3 shape: the users table without the V4 column, V4's (and later) tables gone.
        context.RawSql("""
            DROP TABLE kiosk_credentials; DROP TABLE reports; DROP TABLE review_triggers; DROP TABLE review_actions; DROP TABLE review_checks; DROP TABLE reviews; DROP TABLE incident_views;
            DROP TABLE incident_evidence; DROP TABLE incident_events; DROP TABLE mail_outbox; DROP INDEX incidents_person; DROP INDEX incidents_reported_by;
            ALTER TABLE incidents DROP COLUMN room_id; ALTER TABLE incidents DROP COLUMN room_label; ALTER TABLE incidents DROP COLUMN description;
            ALTER TABLE incidents DROP COLUMN alert_id; ALTER TABLE incidents DROP COLUMN closed_at; ALTER TABLE users DROP COLUMN email;
            DROP TABLE list_feeds; DROP TRIGGER groups_default_not_retired; DROP TABLE school_calendar;
            ALTER TABLE groups DROP COLUMN retired_at; ALTER TABLE groups DROP COLUMN youtube_mode; ALTER TABLE groups DROP COLUMN block_page_text;
            ALTER TABLE schedules DROP COLUMN term_time_only; ALTER TABLE domain_rules DROP COLUMN reason; ALTER TABLE domain_rules DROP COLUMN change_id;
            DROP TABLE focus_lists; DROP TABLE teacher_rooms; DROP TABLE agent_credentials; DROP TABLE admin_audit; DROP TABLE enrolment_tokens; ALTER TABLE users DROP COLUMN must_change_password;
            DELETE FROM schema_version WHERE version >= 4; PRAGMA user_version = 3;
            """);

        var store = context.Store;

        Assert.Equal(StateStore.LatestSchemaVersion, store.SchemaVersion);
        var user = await store.Users.FindByNameAsync("admin", StateTestContext.Token);
        Assert.False(user!.MustChangePassword); // accounts from before V4 are not forced to change
        Assert.Equal(SignInOutcome.Succeeded, (await store.Users.VerifyPasswordAsync("admin", admin.Password!, StateTestContext.Token)).Outcome);
        Assert.Empty(await store.EnrolmentTokens.ListAsync(null, StateTestContext.Token));
    }

    [Fact]
    public async Task Open_V5DatabaseWithData_MigratesToV6WithNoAssignmentsNorFocusLists()
    {
        using var context = new StateTestContext();
        using (var connection = new SqliteConnection($"Data Source={context.DbPath};Pooling=False"))
        {
            connection.Open();
            StateMigrations.Migrate(connection, 5, 0);
            using var insert = connection.CreateCommand();
            insert.CommandText = """
                INSERT INTO sites (id, name) VALUES (1, 'Main');
                INSERT INTO rooms (id, site_id, name) VALUES (7, 1, 'Lab 1');
                INSERT INTO users (id, user_name, display_name, password_hash, created_at) VALUES (3, 't.one', 'T One', 'x', 0);
                INSERT INTO user_roles (user_id, role) VALUES (3, 'Teacher');
                INSERT INTO devices (id, room_id, source, first_seen, last_seen) VALUES (5, 7, 'agent', 0, 0);
                INSERT INTO agent_credentials (device_id, secret_hash, created_at) VALUES (5, 'ab', 0);
                """;
            insert.ExecuteNonQuery();
        }

        var store = context.Store;

        Assert.Equal(StateStore.LatestSchemaVersion, store.SchemaVersion);
        Assert.True(store.SchemaVersion >= 6);
        Assert.Empty(await store.TeacherRooms.RoomsOfAsync(3, StateTestContext.Token)); // nobody is assigned until a technician says so
        Assert.Empty(await store.FocusLists.ListAsync(StateTestContext.Token));
        Assert.True(await store.AgentCredentials.HasAgentAsync(5, StateTestContext.Token));
        Assert.Equal(TeacherRoomOutcome.Assigned, await store.TeacherRooms.AssignAsync(3, 7, StateTestContext.Token));
        Assert.Equal("Lab 1", Assert.Single(await store.TeacherRooms.RoomsOfAsync(3, StateTestContext.Token)).Name);
    }

    [Fact]
    public void Migrate_EachEarlierVersion_UpgradesToLatest()
    {
        for (var from = 0; from < StateMigrations.LatestVersion; from++)
        {
            using var context = new StateTestContext();
            using (var connection = new SqliteConnection($"Data Source={context.DbPath};Pooling=False"))
            {
                connection.Open();
                StateMigrations.Migrate(connection, from, 0);
                Assert.Equal(from, StateMigrations.ReadVersion(connection));
            }

            Assert.Equal(StateMigrations.LatestVersion, context.Store.SchemaVersion);
            Assert.Equal((long)StateMigrations.LatestVersion, context.RawScalar("SELECT count(*) FROM schema_version"));
            Assert.Equal(2L, context.RawScalar("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('teacher_rooms', 'focus_lists')"));
        }
    }

    [Fact]
    public void Open_AlreadyMigrated_AppliesNothingAndKeepsRevision()
    {
        using var context = new StateTestContext();
        _ = context.Store;
        context.RawSql("UPDATE state_revision SET revision = 41");
        context.CloseStore();

        var store = context.Store;

        Assert.Equal(StateStore.LatestSchemaVersion, store.SchemaVersion);
        Assert.Equal(41L, context.RawScalar("SELECT revision FROM state_revision"));
        Assert.Equal((long)StateStore.LatestSchemaVersion, context.RawScalar("SELECT count(*) FROM schema_version"));
    }

    [Fact]
    public void Open_NewerSchemaVersion_RefusesNamingPathAndVersions()
    {
        using var context = new StateTestContext();
        _ = context.Store;
        context.CloseStore();
        context.RawSql($"PRAGMA user_version = {StateStore.LatestSchemaVersion + 1}");

        var error = Assert.Throws<StateStoreException>(() => StateStore.Open(context.Options));

        Assert.Equal(StateOpenFailure.TooNew, error.Failure);
        Assert.Contains(context.DbPath, error.Message, StringComparison.Ordinal);
        Assert.Contains($"version {StateStore.LatestSchemaVersion + 1}", error.Message, StringComparison.Ordinal);
        Assert.Contains("upgrade", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal((long)StateStore.LatestSchemaVersion + 1, context.RawScalar("PRAGMA user_version"));
    }

    [Fact]
    public void Open_GarbageFile_RefusesAsCorruptNamingPathAndLeavesFileUntouched()
    {
        using var context = new StateTestContext();
        var garbage = new byte[8192];
        new Random(7).NextBytes(garbage);
        File.WriteAllBytes(context.DbPath, garbage);

        var error = Assert.Throws<StateStoreException>(() => StateStore.Open(context.Options));

        Assert.Equal(StateOpenFailure.Corrupt, error.Failure);
        Assert.Equal(context.DbPath, error.Path);
        Assert.Contains(context.DbPath, error.Message, StringComparison.Ordinal);
        Assert.Contains("has not been changed", error.Message, StringComparison.Ordinal);
        Assert.Equal(garbage, File.ReadAllBytes(context.DbPath));
    }

    [Fact]
    public void Open_DamagedPages_RefusesAsCorrupt()
    {
        using var context = new StateTestContext();
        _ = context.Store;
        context.CloseStore();
        SqliteConnection.ClearAllPools();
        context.RawSql("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE;");
        var bytes = File.ReadAllBytes(context.DbPath);
        var pageSize = 4096;
        for (var i = pageSize * 2; i < Math.Min(bytes.Length, pageSize * 6); i++)
        {
            bytes[i] = 0x5A; // scribble over b-tree pages, keep the header valid
        }

        File.WriteAllBytes(context.DbPath, bytes);

        var error = Assert.Throws<StateStoreException>(() => StateStore.Open(context.Options));

        Assert.Equal(StateOpenFailure.Corrupt, error.Failure);
        Assert.Contains(context.DbPath, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_MissingDirectory_RefusesNamingDirectory()
    {
        var options = new StateOptions { Path = Path.Combine(Path.GetTempPath(), "cg-missing-" + Guid.NewGuid().ToString("N"), "state.db") };

        var error = Assert.Throws<StateStoreException>(() => StateStore.Open(options));

        Assert.Equal(StateOpenFailure.DirectoryMissing, error.Failure);
        Assert.Contains(Path.GetDirectoryName(options.Path)!, error.Message, StringComparison.Ordinal);
        Assert.Contains("State:Path", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.GetDirectoryName(options.Path)));
    }

    [Fact]
    public void Open_ReadOnlyLocation_RefusesAsNotWritable()
    {
        // /proc refuses new files even to root (the tests may run as root, for whom chmod means nothing).
        var options = new StateOptions { Path = "/proc/cg-state-test.db" };

        var error = Assert.Throws<StateStoreException>(() => StateStore.Open(options));

        Assert.Equal(StateOpenFailure.NotWritable, error.Failure);
        Assert.Contains("/proc/cg-state-test.db", error.Message, StringComparison.Ordinal);
        Assert.Contains("writable", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_PathIsDirectory_RefusesAsNotWritable()
    {
        using var context = new StateTestContext();
        Directory.CreateDirectory(context.DbPath);

        var error = Assert.Throws<StateStoreException>(() => StateStore.Open(context.Options));

        Assert.Equal(StateOpenFailure.NotWritable, error.Failure);
        Assert.Contains(context.DbPath, error.Message, StringComparison.Ordinal);
    }
}

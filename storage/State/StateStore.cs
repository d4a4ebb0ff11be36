using ClassroomGuard.Storage.State.Internal;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClassroomGuard.Storage.State;

/// <summary>Rows deleted by <see cref="StateStore.PruneAsync"/>, per kind.</summary>
/// <param name="TeacherActions">Teacher actions ended more than the retention ago.</param>
/// <param name="Alerts">Acknowledged alerts.</param>
/// <param name="UnblockRequests">Decided unblock requests.</param>
/// <param name="Incidents">Closed incidents.</param>
/// <param name="IpHistory">Earlier IP assignments.</param>
/// <param name="Devices">Devices not seen for the retention period.</param>
public sealed record PruneResult(int TeacherActions, int Alerts, int UnblockRequests, int Incidents, int IpHistory, int Devices);

/// <summary>
/// The ClassroomGuard state database: one SQLite file in WAL mode, opened only through this class.
/// Opening checks the file, applies pending migrations and refuses a database newer than this code.
/// Thread-safe: every call opens a pooled connection and runs in its own transaction.
/// </summary>
public sealed class StateStore : IDisposable
{
    private readonly StateDb db;
    private readonly ILoggerFactory loggerFactory;

    private StateStore(StateDb db, ILoggerFactory loggerFactory, int schemaVersion)
    {
        this.db = db;
        this.loggerFactory = loggerFactory;
        SchemaVersion = schemaVersion;
        var logger = loggerFactory.CreateLogger<StateStore>();
        Sites = new SiteRepository(db);
        Devices = new DeviceRepository(db);
        Users = new UserRepository(db, logger);
        Policy = new PolicyRepository(db);
        ChangeControl = new ChangeControl(db, logger);
        TeacherActions = new TeacherActionRepository(db);
        Incidents = new IncidentRepository(db);
        Alerts = new AlertRepository(db);
        UnblockRequests = new UnblockRequestRepository(db, ChangeControl);
        EnrolmentTokens = new EnrolmentTokenRepository(db);
        AdminAudit = new AdminAuditRepository(db);
        AgentCredentials = new AgentCredentialRepository(db);
        KioskCredentials = new KioskCredentialRepository(db);
        TeacherRooms = new TeacherRoomRepository(db);
        FocusLists = new FocusListRepository(db);
        MailOutbox = new MailOutboxRepository(db);
        Reviews = new ReviewRepository(db);
        Reports = new ReportRepository(db);
    }

    /// <summary>The schema version this code writes (the newest migration).</summary>
    public static int LatestSchemaVersion => StateMigrations.LatestVersion;

    /// <summary>Full path of the database file.</summary>
    public string Path => db.Path;

    /// <summary>Schema version of the open database.</summary>
    public int SchemaVersion { get; }

    /// <summary>Sites and rooms.</summary>
    public SiteRepository Sites { get; }

    /// <summary>Devices, their MACs, IPs and IP history.</summary>
    public DeviceRepository Devices { get; }

    /// <summary>Users, roles, passwords, lockout.</summary>
    public UserRepository Users { get; }

    /// <summary>Filtering policy (read; changes go through <see cref="ChangeControl"/>).</summary>
    public PolicyRepository Policy { get; }

    /// <summary>Two-person, hash-chained change control.</summary>
    public ChangeControl ChangeControl { get; }

    /// <summary>Blank, pause, focus, temporary unblock.</summary>
    public TeacherActionRepository TeacherActions { get; }

    /// <summary>Incident log.</summary>
    public IncidentRepository Incidents { get; }

    /// <summary>Safeguarding alerts.</summary>
    public AlertRepository Alerts { get; }

    /// <summary>Unblock requests.</summary>
    public UnblockRequestRepository UnblockRequests { get; }

    /// <summary>Agent enrolment tokens per room (hashes only).</summary>
    public EnrolmentTokenRepository EnrolmentTokens { get; }

    /// <summary>Audit of administrative actions (users, rooms, devices, tokens).</summary>
    public AdminAuditRepository AdminAudit { get; }

    /// <summary>Credentials of enrolled pupil agents.</summary>
    public AgentCredentialRepository AgentCredentials { get; }

    /// <summary>Classroom display (kiosk) credentials.</summary>
    public KioskCredentialRepository KioskCredentials { get; }

    /// <summary>Which rooms each teacher is assigned.</summary>
    public TeacherRoomRepository TeacherRooms { get; }

    /// <summary>Saved lesson-focus allow-lists.</summary>
    public FocusListRepository FocusLists { get; }

    /// <summary>The e-mail outbox: messages kept until the SMTP server accepts them.</summary>
    public MailOutboxRepository MailOutbox { get; }

    /// <summary>The annual reviews of filtering and monitoring.</summary>
    public ReviewRepository Reviews { get; }

    /// <summary>The kept reports (issue #14): what each PDF in the reports folder is, and its e-mail.</summary>
    public ReportRepository Reports { get; }

    /// <summary>Opens (creating if absent) and migrates the database. See <see cref="Open"/>.</summary>
    public static Task<StateStore> OpenAsync(StateOptions options, TimeProvider? timeProvider, ILoggerFactory? loggerFactory, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Open(options, timeProvider, loggerFactory));
    }

    /// <summary>
    /// Opens (creating if absent) and migrates the database. The directory must exist. A file that is not a
    /// SQLite database, fails its integrity check, cannot be written, or was written by a newer version is
    /// refused with a <see cref="StateStoreException"/> naming the file and what to do; it is never modified.
    /// </summary>
    public static StateStore Open(StateOptions options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        loggerFactory ??= NullLoggerFactory.Instance;
        var logger = loggerFactory.CreateLogger<StateStore>();
        var db = new StateDb(options, timeProvider ?? TimeProvider.System);
        try
        {
            var version = Prepare(db, logger);
            var store = new StateStore(db, loggerFactory, version);
            Log.Opened(logger, db.Path, version, store.GetRevision());
            return store;
        }
        catch (StateStoreException e)
        {
            Log.OpenFailed(logger, e.Path, e.Failure, e.Message);
            ClearPool(db);
            throw;
        }
    }

    /// <summary>The current state revision (bumped once by every committed write that changed state).</summary>
    public Task<long> GetRevisionAsync(CancellationToken cancellationToken)
        => db.ReadAsync(tx => tx.Long(Sql.ReadRevision) ?? 0, cancellationToken);

    /// <summary>A watcher that reports revision changes made by any process. Dispose it when done.</summary>
    public RevisionWatcher CreateRevisionWatcher() => new(db, loggerFactory.CreateLogger<RevisionWatcher>());

    /// <summary>
    /// Deletes data past its retention (<see cref="StateOptions"/>), measured back from <paramref name="now"/>:
    /// teacher actions ended (expired or released) before the cut-off; acknowledged alerts; decided unblock requests;
    /// closed incidents closed before it (with their chronology, evidence and views: ON DELETE CASCADE); earlier IP assignments; devices not seen since. Never touches the
    /// change-control log (audit, kept for the life of the appliance), users, policy, sites or rooms, open
    /// incidents, unacknowledged alerts or pending requests.
    /// </summary>
    public Task<PruneResult> PruneAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var o = db.Options;
        long Cutoff(int days) => Sql.Ms(now - TimeSpan.FromDays(days));
        return db.WriteAsync(tx =>
        {
            var result = new PruneResult(
                tx.Execute("DELETE FROM teacher_actions WHERE min(expires_at, ifnull(released_at, expires_at)) < $c", ("$c", Cutoff(o.TeacherActionRetentionDays))),
                tx.Execute("DELETE FROM alerts WHERE acknowledged_at IS NOT NULL AND at < $c AND acknowledged_at < $c", ("$c", Cutoff(o.AlertRetentionDays))),
                tx.Execute("DELETE FROM unblock_requests WHERE status <> 'pending' AND lesson_end < $c AND ifnull(decided_at, 0) < $c", ("$c", Cutoff(o.UnblockRequestRetentionDays))),
                tx.Execute("DELETE FROM incidents WHERE status = 'closed' AND coalesce(closed_at, updated_at) < $c", ("$c", Cutoff(o.IncidentRetentionDays))),
                tx.Execute("DELETE FROM device_ip_history WHERE to_time < $c", ("$c", Cutoff(o.IpHistoryRetentionDays))),
                tx.Execute("DELETE FROM devices WHERE last_seen < $c", ("$c", Cutoff(o.InactiveDeviceRetentionDays))));
            tx.Changed = result != new PruneResult(0, 0, 0, 0, 0, 0);
            Log.Pruned(loggerFactory.CreateLogger<StateStore>(), result.TeacherActions, result.Alerts, result.UnblockRequests, result.Incidents, result.IpHistory, result.Devices);
            return result;
        }, cancellationToken);
    }

    /// <summary>Closes this store's pooled connections.</summary>
    public void Dispose() => ClearPool(db);

    private static void ClearPool(StateDb db)
    {
        using var connection = new SqliteConnection(db.ConnectionString);
        SqliteConnection.ClearPool(connection);
    }

    private static int Prepare(StateDb db, ILogger logger)
    {
        var path = db.Path;
        var directory = System.IO.Path.GetDirectoryName(path) ?? "/";
        if (!Directory.Exists(directory))
        {
            throw new StateStoreException(path, StateOpenFailure.DirectoryMissing,
                $"The state database directory '{directory}' does not exist (State:Path = '{path}'). Create it, writable by the ClassroomGuard service user, or set State:Path to a file in an existing directory.");
        }

        if (Directory.Exists(path))
        {
            throw new StateStoreException(path, StateOpenFailure.NotWritable, $"State:Path '{path}' is a directory; it must name the database file.");
        }

        try
        {
            using var connection = db.OpenConnection();
            using (var command = connection.CreateCommand())
            {
                command.CommandText = "PRAGMA journal_mode = WAL";
                if (command.ExecuteScalar() as string != "wal")
                {
                    throw new StateStoreException(path, StateOpenFailure.NotWritable, $"The state database '{path}' could not be switched to WAL mode. Check that it is on a local file system the service can write.");
                }

                command.CommandText = "PRAGMA quick_check";
                if (command.ExecuteScalar() as string is var check && check != "ok")
                {
                    throw Corrupt(path, $"the integrity check reports: {check}", null);
                }
            }

            var version = StateMigrations.ReadVersion(connection);
            if (version > StateMigrations.LatestVersion)
            {
                throw new StateStoreException(path, StateOpenFailure.TooNew,
                    $"The state database '{path}' has schema version {version}, but this ClassroomGuard knows versions up to {StateMigrations.LatestVersion}. It was written by a newer release: upgrade ClassroomGuard (or restore a backup made by this release). The file has not been changed.");
            }

            try
            {
                foreach (var migration in StateMigrations.Migrate(connection, StateMigrations.LatestVersion, db.NowMs))
                {
                    Log.MigrationApplied(logger, path, migration.Version, migration.Description);
                }
            }
            catch (SqliteException e) when (e.SqliteErrorCode is not (11 or 26 or 8 or 14 or 3 or 23))
            {
                throw new StateStoreException(path, StateOpenFailure.MigrationFailed,
                    $"Migrating the state database '{path}' from version {StateMigrations.ReadVersion(connection)} failed: {e.Message}. The database was left at that version; report this with the log.", e);
            }

            return StateMigrations.ReadVersion(connection);
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 11 or 26)
        {
            throw Corrupt(path, e.Message, e);
        }
        catch (SqliteException e)
        {
            throw new StateStoreException(path, StateOpenFailure.NotWritable,
                $"The state database '{path}' cannot be opened for writing ({e.Message}). Check that the file and its directory exist and are writable by the ClassroomGuard service user (SQLite also creates '{path}-wal' and '{path}-shm' next to it).", e);
        }
    }

    private static StateStoreException Corrupt(string path, string reason, Exception? inner) => new(path, StateOpenFailure.Corrupt,
        $"The state database '{path}' is not a usable SQLite database ({reason}). It has not been changed. Stop the ClassroomGuard services, move the file (and any '-wal'/'-shm' files) aside, restore the latest backup or let the appliance start with an empty database, and keep the damaged file for investigation.",
        inner);

    private long GetRevision() => db.Read(tx => tx.Long(Sql.ReadRevision) ?? 0, CancellationToken.None);
}

using System.Runtime.CompilerServices;
using ClassroomGuard.Storage.State.Internal;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace ClassroomGuard.Storage.State;

/// <summary>
/// Tells a process when any process committed a change to the state database.
/// <para>
/// How: every write that changes state bumps the one-row <c>state_revision</c> table in the same transaction. The
/// watcher keeps its own connection and reads that single row every <see cref="StateOptions.RevisionPollInterval"/>
/// (250 ms by default), so a change is seen within about a quarter of a second, at the cost of one indexed
/// single-row read (microseconds in WAL mode, never blocked by writers). Polling was chosen over watching the
/// <c>-wal</c> file with a FileSystemWatcher because inotify misses nothing only on local file systems, fires
/// for checkpoints and for uncommitted writes, and still needs a confirming read; the poll is simpler and exact.
/// </para>
/// </summary>
public sealed class RevisionWatcher : IDisposable
{
    private readonly StateDb db;
    private readonly ILogger logger;
    private SqliteConnection? connection;

    internal RevisionWatcher(StateDb db, ILogger logger)
    {
        this.db = db;
        this.logger = logger;
    }

    /// <summary>
    /// Yields the current revision at once, then every new revision as it is seen (changes committed between two
    /// polls are reported once, as the latest revision). Ends when <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public async IAsyncEnumerable<long> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var last = ReadWithRetry();
        while (last is null)
        {
            await Task.Delay(db.Options.RevisionPollInterval, db.Time, cancellationToken);
            last = ReadWithRetry();
        }

        yield return last.Value;
        while (true)
        {
            try
            {
                await Task.Delay(db.Options.RevisionPollInterval, db.Time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }

            if (ReadWithRetry() is { } current && current != last)
            {
                last = current;
                yield return current;
            }
        }
    }

    /// <summary>Waits until the revision differs from <paramref name="knownRevision"/> and returns the new one.</summary>
    public async Task<long> WaitForChangeAsync(long knownRevision, CancellationToken cancellationToken)
    {
        await foreach (var revision in WatchAsync(cancellationToken))
        {
            if (revision != knownRevision)
            {
                return revision;
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        throw new OperationCanceledException(cancellationToken);
    }

    /// <summary>Closes the watcher's connection.</summary>
    public void Dispose()
    {
        connection?.Dispose();
        connection = null;
    }

    private long? ReadWithRetry()
    {
        try
        {
            connection ??= db.OpenConnection();
            using var command = connection.CreateCommand();
            command.CommandText = Sql.ReadRevision;
            return (long?)command.ExecuteScalar();
        }
        catch (SqliteException e)
        {
            // Transient (e.g. the file briefly locked during a checkpoint): reopen and try on the next tick.
            Log.RevisionReadFailed(logger, e);
            connection?.Dispose();
            connection = null;
            return null;
        }
    }
}

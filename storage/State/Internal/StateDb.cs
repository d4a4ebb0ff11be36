using Microsoft.Data.Sqlite;

namespace ClassroomGuard.Storage.State.Internal;

/// <summary>
/// Opens connections with the store's pragmas and runs each unit of work in one transaction.
/// Writes use BEGIN IMMEDIATE (take the write lock up front, so WAL readers never deadlock an upgrade)
/// and bump the revision row in the same transaction when they changed state.
/// </summary>
internal sealed class StateDb
{
    private readonly string pragmas;

    public StateDb(StateOptions options, TimeProvider time)
    {
        Options = options;
        Time = time;
        Path = System.IO.Path.GetFullPath(options.Path);
        ConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(options.BusyTimeout.TotalSeconds)),
        }.ToString();
        pragmas = FormattableString.Invariant(
            $"PRAGMA foreign_keys = ON; PRAGMA busy_timeout = {(long)options.BusyTimeout.TotalMilliseconds}; PRAGMA synchronous = NORMAL;");
        TimeZone = TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone);
    }

    public StateOptions Options { get; }

    public TimeProvider Time { get; }

    public TimeZoneInfo TimeZone { get; }

    public string Path { get; }

    public string ConnectionString { get; }

    public long NowMs => Time.GetUtcNow().ToUnixTimeMilliseconds();

    public SqliteConnection OpenConnection()
    {
        var connection = new SqliteConnection(ConnectionString);
        try
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = pragmas;
            command.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public T Read<T>(Func<Tx, T> work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = OpenConnection();
        using var transaction = connection.BeginTransaction(deferred: true);
        var result = work(new Tx(connection, transaction, NowMs));
        transaction.Commit();
        return result;
    }

    public T Write<T>(Func<Tx, T> work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = OpenConnection();
        using var transaction = connection.BeginTransaction(); // BEGIN IMMEDIATE
        var tx = new Tx(connection, transaction, NowMs);
        var result = work(tx);
        if (tx.Changed)
        {
            tx.Long(Sql.BumpRevision, ("$now", tx.Now));
        }

        transaction.Commit();
        return result;
    }

    public Task<T> ReadAsync<T>(Func<Tx, T> work, CancellationToken cancellationToken)
        => Task.FromResult(Read(work, cancellationToken));

    // Microsoft.Data.Sqlite is synchronous underneath; statements here take microseconds, and a
    // writer waits at most BusyTimeout for another process's lock.
    public Task<T> WriteAsync<T>(Func<Tx, T> work, CancellationToken cancellationToken)
        => Task.FromResult(Write(work, cancellationToken));
}

using Microsoft.Data.Sqlite;

namespace ClassroomGuard.Storage.State.Internal;

/// <summary>One open transaction: the only way the store runs SQL, so every command is enlisted.</summary>
internal sealed class Tx(SqliteConnection connection, SqliteTransaction transaction, long now)
{
    /// <summary>The time of this transaction, in Unix milliseconds (from the injected clock).</summary>
    public long Now { get; } = now;

    /// <summary>Set by a write that changed state other processes act on; the revision is bumped once on commit.</summary>
    public bool Changed { get; set; }

    public SqliteConnection Connection => connection;

    public SqliteCommand Command(string sql, params (string Name, object? Value)[] args)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in args)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    public int Execute(string sql, params (string Name, object? Value)[] args)
    {
        using var command = Command(sql, args);
        return command.ExecuteNonQuery();
    }

    public object? Scalar(string sql, params (string Name, object? Value)[] args)
    {
        using var command = Command(sql, args);
        var value = command.ExecuteScalar();
        return value is DBNull ? null : value;
    }

    public long? Long(string sql, params (string Name, object? Value)[] args)
        => Scalar(sql, args) is { } value ? Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) : null;

    public List<T> Query<T>(string sql, Func<SqliteDataReader, T> map, params (string Name, object? Value)[] args)
    {
        using var command = Command(sql, args);
        using var reader = command.ExecuteReader();
        var list = new List<T>();
        while (reader.Read())
        {
            list.Add(map(reader));
        }

        return list;
    }

    public T? Single<T>(string sql, Func<SqliteDataReader, T> map, params (string Name, object? Value)[] args)
        where T : class
    {
        var list = Query(sql, map, args);
        return list.Count == 0 ? null : list[0];
    }
}

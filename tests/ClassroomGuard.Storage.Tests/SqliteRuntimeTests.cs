using Microsoft.Data.Sqlite;

namespace ClassroomGuard.Storage.Tests;

/// <summary>Guards the pinned SQLitePCLRaw 3 bundle: the native library loads and WAL works.</summary>
public sealed class SqliteRuntimeTests
{
    [Fact]
    public void OpenFileDatabase_WalMode_ReportsWalAndRoundTrips()
    {
        var path = Path.Combine(Path.GetTempPath(), $"cg-sqlite-{Guid.NewGuid():N}.db");
        try
        {
            using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode=WAL;";
            Assert.Equal("wal", command.ExecuteScalar() as string);
            command.CommandText = "CREATE TABLE t(v TEXT); INSERT INTO t VALUES('ok'); SELECT v FROM t;";
            Assert.Equal("ok", command.ExecuteScalar() as string);
        }
        finally
        {
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(path + suffix);
            }
        }
    }
}

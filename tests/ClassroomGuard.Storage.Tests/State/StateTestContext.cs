using System.Diagnostics;
using ClassroomGuard.Storage.State;
using Microsoft.Data.Sqlite;

namespace ClassroomGuard.Storage.Tests.State;

/// <summary>A clock the test moves by hand.</summary>
public sealed class TestClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;
}

/// <summary>A real state database in its own temporary directory, deleted afterwards.</summary>
public sealed class StateTestContext : IDisposable
{
    public const string TestPassword = "correct horse battery staple";

    private StateStore? store;

    public StateTestContext(Action<StateOptions>? configure = null)
    {
        Directory = Path.Combine(Path.GetTempPath(), "cg-state-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        Options = new StateOptions { Path = Path.Combine(Directory, "state.db"), BusyTimeout = TimeSpan.FromSeconds(10), RevisionPollInterval = TimeSpan.FromMilliseconds(50) };
        configure?.Invoke(Options);
    }

    public string Directory { get; }

    public StateOptions Options { get; }

    public string DbPath => Options.Path;

    public TestClock Clock { get; } = new(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero)); // a Monday

    public StateStore Store => store ??= StateStore.Open(Options, Clock);

    public static CancellationToken Token => CancellationToken.None;

    public Task<UserAccount> UserAsync(string name, params Role[] roles) => UserAsync(Store, name, roles);

    public static async Task<UserAccount> UserAsync(StateStore store, string name, params Role[] roles)
    {
        var (outcome, user) = await store.Users.CreateUserAsync(name, name, roles, TestPassword, CancellationToken.None);
        Assert.Equal(CreateUserOutcome.Created, outcome);
        return user!;
    }

    /// <summary>Runs SQL on a raw connection, bypassing the store (tampering, old schemas).</summary>
    public void RawSql(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={DbPath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public object? RawScalar(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={DbPath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    /// <summary>Runs SQL in a separate process: the sqlite3 command-line shell.</summary>
    public static (int ExitCode, string Output) Sqlite3(string path, string sql)
    {
        var start = new ProcessStartInfo("/usr/bin/sqlite3") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(path);
        using var process = Process.Start(start)!;
        process.StandardInput.WriteLine(".timeout 10000");
        process.StandardInput.WriteLine(sql);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }

    /// <summary>Runs the TestWriter helper: a second .NET process writing through the storage library.</summary>
    public static Task<(int ExitCode, string Output)> RunWriterAsync(string path, int count, string prefix) => Task.Run(() =>
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h ? h : "dotnet";
        var start = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ClassroomGuard.Storage.TestWriter.dll"));
        start.ArgumentList.Add(path);
        start.ArgumentList.Add(count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        start.ArgumentList.Add(prefix);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Result + error);
    });

    public void CloseStore()
    {
        store?.Dispose();
        store = null;
    }

    public void Dispose()
    {
        CloseStore();
        SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // best effort: a temp directory left behind is harmless
        }
    }
}

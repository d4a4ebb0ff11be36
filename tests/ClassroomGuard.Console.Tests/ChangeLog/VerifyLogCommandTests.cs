using ClassroomGuard.Console.Tests.Support;
using ClassroomGuard.Storage.State;
using System.Diagnostics;

namespace ClassroomGuard.Console.Tests.ChangeLog;

/// <summary><c>ClassroomGuard.Console verify-log</c> as a real process, before and after a row is altered with the sqlite3 CLI.</summary>
public sealed class VerifyLogCommandTests : IDisposable
{
    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("cg-verify-log-");

    private string StatePath => Path.Combine(root.FullName, "state.db");

    public void Dispose() => root.Delete(recursive: true);

    [Fact]
    public async Task VerifyLog_IntactThenAlteredWithSqlite3_Exit0ThenExit65NamingTheEntry()
    {
        string head;
        using (var store = StateStore.Open(new StateOptions { Path = StatePath, TimeZone = "Europe/London" }))
        {
            var (_, sam) = await store.Users.CreateUserAsync("sam.tech", "Sam Technician", [Role.Technician], "correct horse battery staple", CancellationToken.None);
            var (_, kim) = await store.Users.CreateUserAsync("kim.tech", "Kim Technician", [Role.Technician], "correct horse battery staple", CancellationToken.None);
            for (var i = 0; i < 2; i++)
            {
                var proposed = await store.ChangeControl.ProposeAsync(sam!.Id, new SetDomainRuleChange($"site{i}.example", null, RuleAction.Deny), "r", CancellationToken.None);
                await store.ChangeControl.ApproveAsync(kim!.Id, proposed.Entry!.ChangeId, "ok", CancellationToken.None);
            }

            head = (await store.ChangeControl.VerifyChainAsync(null, CancellationToken.None)).Head.Hash;
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var intact = await ConsoleProcess.RunAsync("verify-log", $"--State:Path={StatePath}");
        Sqlite3(StatePath, "DROP TRIGGER change_log_no_update; UPDATE change_log SET actor_name = 'mallory' WHERE seq = 2;");
        var broken = await ConsoleProcess.RunAsync("verify-log", $"--State:Path={StatePath}");

        Assert.True(intact.ExitCode == 0, intact.Stdout + intact.Stderr);
        Assert.Equal($"change log intact: entries=4 head={head}", intact.Stdout.Trim());
        Assert.Equal(65, broken.ExitCode);
        Assert.Contains("first bad entry=2", broken.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"Entry 2 \(approval on \w{3} \d{1,2} \w{3} \d{4} at \d{2}:\d{2} by Kim Technician, of the change proposed in entry 1\) has been altered or removed\.", broken.Stdout);
    }

    [Fact]
    public async Task VerifyLog_NoDatabase_Exit66AndCreatesNothing()
    {
        var result = await ConsoleProcess.RunAsync("verify-log", $"--State:Path={StatePath}");

        Assert.Equal(66, result.ExitCode);
        Assert.Contains(StatePath, result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(StatePath));
    }

    [Fact]
    public async Task VerifyLog_BadArgument_Exit64()
    {
        var result = await ConsoleProcess.RunAsync("verify-log", "--entries", "3");

        Assert.Equal(64, result.ExitCode);
        Assert.Contains("Usage:", result.Stderr, StringComparison.Ordinal);
    }

    private static void Sqlite3(string path, string sql)
    {
        var info = new ProcessStartInfo("sqlite3") { RedirectStandardError = true, RedirectStandardOutput = true };
        info.ArgumentList.Add(path);
        info.ArgumentList.Add(sql);
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, error);
    }
}

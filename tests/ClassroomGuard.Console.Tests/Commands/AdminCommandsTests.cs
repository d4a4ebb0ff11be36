using System.Runtime.Versioning;
using System.Text.RegularExpressions;
using ClassroomGuard.Console.Tests.Support;
using ClassroomGuard.Storage.State;
using ClassroomGuard.Storage.Tests.TimeSeries.Support;

namespace ClassroomGuard.Console.Tests.Commands;

/// <summary>The console program's commands and start-up failures, run as real processes.</summary>
public sealed partial class AdminCommandsTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("cg-commands-");

    private string StatePath => Path.Combine(_root.FullName, "state.db");

    [Fact]
    public async Task CreateFirstAdmin_RunTwice_ShowsAWorkingPasswordOnlyTheFirstTime()
    {
        var deadInflux = $"--Influx:Url=http://127.0.0.1:{InfluxdServer.FreePort()}";

        var first = await ConsoleProcess.RunAsync("create-first-admin", "--username", "head.of.it", $"--State:Path={StatePath}", deadInflux);
        var second = await ConsoleProcess.RunAsync("create-first-admin", $"--State:Path={StatePath}", deadInflux);

        Assert.Equal(0, first.ExitCode);
        var password = PasswordLine().Match(first.Stdout);
        Assert.True(password.Success, first.Stdout + first.Stderr);
        Assert.Equal(0, second.ExitCode);
        Assert.DoesNotMatch(PasswordLine(), second.Stdout);
        Assert.Contains("already exists", second.Stdout, StringComparison.Ordinal);

        using var store = StateStore.Open(new StateOptions { Path = StatePath });
        var signIn = await store.Users.VerifyPasswordAsync("head.of.it", password.Groups["pw"].Value, CancellationToken.None);
        Assert.Equal(SignInOutcome.Succeeded, signIn.Outcome);
        Assert.Contains(Role.Administrator, signIn.User!.Roles);
        Assert.Equal(SignInOutcome.Failed, (await store.Users.VerifyPasswordAsync("head.of.it", "guess-" + password.Groups["pw"].Value, CancellationToken.None)).Outcome);
    }

    [Fact]
    public async Task Migrate_RealInflux_CreatesStateAndProvisionsRetentionPolicies()
    {
        await using var influxd = await InfluxdServer.StartNewAsync();

        var result = await ConsoleProcess.RunAsync("migrate", $"--State:Path={StatePath}", $"--Influx:Url={influxd.Url}");

        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        Assert.Contains($"schema version {StateStore.LatestSchemaVersion}", result.Stdout, StringComparison.Ordinal);
        var policies = await influxd.QueryRawAsync("SHOW RETENTION POLICIES ON classroomguard");
        Assert.Contains("\"raw\"", policies, StringComparison.Ordinal);
        Assert.Contains("\"rollup_1m\"", policies, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_InfluxUnreachable_Exits69NamingTheAddress()
    {
        var port = InfluxdServer.FreePort();

        var result = await ConsoleProcess.RunAsync("migrate", $"--State:Path={StatePath}", $"--Influx:Url=http://127.0.0.1:{port}");

        Assert.Equal(69, result.ExitCode);
        Assert.Contains($"127.0.0.1:{port}", result.Stderr, StringComparison.Ordinal);
        Assert.True(File.Exists(StatePath), "the state database should still have been created");
    }

    [Fact]
    public async Task Service_CorruptStateDatabase_Exits65NamingThePathAndKeepsTheFile()
    {
        var garbage = new byte[8192];
        new Random(42).NextBytes(garbage);
        await File.WriteAllBytesAsync(StatePath, garbage);

        var result = await ConsoleProcess.RunAsync($"--State:Path={StatePath}", "--Console:Listen=http://127.0.0.1:0",
            $"--Influx:Url=http://127.0.0.1:{InfluxdServer.FreePort()}", $"--Influx:SpoolDirectory={_root.FullName}/spool");

        Assert.Equal(65, result.ExitCode);
        Assert.Contains(StatePath, result.Stderr, StringComparison.Ordinal);
        Assert.Equal(garbage, await File.ReadAllBytesAsync(StatePath));
    }

    [Theory]
    [InlineData("--State:LockoutThreshold=0", "State:LockoutThreshold")]
    [InlineData("--Console:Listen=http://0.0.0.0:8080", "Console:Listen")]
    [InlineData("--Console:Listen=https://127.0.0.1:0", "Console:CertificatePath")]
    [InlineData("--Influx:Url=ftp://127.0.0.1:21", "Influx:Url")]
    [InlineData("--Influx:BatchSize=0", "Influx:BatchSize")]
    [InlineData("--State:TimeZone=Mars/Olympus_Mons", "State:TimeZone")]
    [InlineData("--Console:DataProtectionKeysPath=relative/keys", "Console:DataProtectionKeysPath")]
    [InlineData("--Console:DataProtectionKeysPath=/nonexistent/classroomguard/keys", "Console:DataProtectionKeysPath")]
    [InlineData("--Console:SignInAttemptsPerMinute=0", "Console:SignInAttemptsPerMinute")]
    [InlineData("--Console:SessionAbsoluteLimit=00:10:00", "Console:SessionAbsoluteLimit")]
    [InlineData("--Classroom:SchoolDayEnd=banana", "Classroom:SchoolDayEnd")] // not a time at all: the binder's failure
    [InlineData("--Console:ChangeExpiry=soon", "Console:ChangeExpiry")]
    public async Task Service_BadSetting_Exits78NamingTheSetting(string setting, string named)
    {
        var result = await ConsoleProcess.RunAsync($"--State:Path={StatePath}", "--Console:Listen=http://127.0.0.1:0",
            $"--Influx:SpoolDirectory={_root.FullName}/spool", setting);

        Assert.Equal(78, result.ExitCode);
        Assert.Contains(named, result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [SupportedOSPlatform("linux")]
    [InlineData("")] // the service
    [InlineData("migrate")] // set-up's command
    public async Task UnreadableConfigFolder_Exits78NamingTheFolder(string command)
    {
        // As on an appliance whose /etc/classroomguard the service's user cannot read: a message, not exit 134.
        var config = Directory.CreateDirectory(Path.Combine(_root.FullName, "etc"));
        File.SetUnixFileMode(config.FullName, UnixFileMode.None);

        var result = await ConsoleProcess.RunAsync(config.FullName, withoutPrivileges: true, [.. command.Length > 0 ? [command] : Array.Empty<string>(), $"--State:Path={StatePath}",
            "--Console:Listen=http://127.0.0.1:0", $"--Influx:SpoolDirectory={_root.FullName}/spool"]);

        File.SetUnixFileMode(config.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Assert.True(result.ExitCode == 78, $"exit {result.ExitCode}: {result.Stderr}");
        Assert.Contains($"cannot read the configuration folder {config.FullName}", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Command_UnknownArgument_Exits64WithUsage()
    {
        var result = await ConsoleProcess.RunAsync("migrate", "--frobnicate");

        Assert.Equal(64, result.ExitCode);
        Assert.Contains("Usage:", result.Stderr, StringComparison.Ordinal);
    }

    public void Dispose() => _root.Delete(recursive: true);

    [GeneratedRegex(@"shown only this once: (?<pw>\S+)")]
    private static partial Regex PasswordLine();
}

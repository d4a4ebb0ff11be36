using ClassroomGuard.Console.Commands;

namespace ClassroomGuard.Console.Tests.Commands;

/// <summary>The program's command line read by System.CommandLine, in process: nothing but parsing runs here.</summary>
public sealed class ConsoleCommandLineTests
{
    public static TheoryData<string[]> BadCommandLines => new()
    {
        { ["frobnicate"] },
        { ["migrate", "--frobnicate"] },
        { ["migrate", "extra"] },
        { ["create-first-admin", "--username"] },
        { ["create-first-admin", "--username", " "] },
        { ["verify-log", "--State:Path"] },
        { ["verify-log", "State:Path=/tmp/x"] },
        { ["--=x"] },
        { ["--:State=x"] },
        { ["--State:=x"] },
        { ["--State Path=x"] },
        { ["@/etc/passwd"] },
        { ["-x"] },
        { ["migrate", "verify-log"] },
    };

    [Theory]
    [MemberData(nameof(BadCommandLines))]
    public async Task RunAsync_BadArguments_Exit64WithUsageAndRunNothing(string[] args)
    {
        var (exit, output, error, ran) = await RunAsync(args);

        Assert.Equal(64, exit);
        Assert.Contains("Usage:", error, StringComparison.Ordinal);
        Assert.Empty(output);
        Assert.Null(ran);
    }

    [Fact]
    public async Task RunAsync_NoCommand_RunsTheServiceWithExactlyTheSettings()
    {
        string[] args = ["--State:Path=/tmp/cg state.db", "--Console:Listen=http://127.0.0.1:0", "--applicationName=ClassroomGuard.Console"];

        var (exit, _, error, ran) = await RunAsync(args);

        Assert.Equal(0, exit);
        Assert.Empty(error);
        Assert.Equal(args, ran);
    }

    [Fact]
    public async Task RunAsync_ServiceFails_ExceptionReachesTheProgram()
    {
        // The program turns a bad setting into exit 78: System.CommandLine must not swallow it as exit 1.
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            ConsoleCommandLine.RunAsync([], _ => throw new InvalidOperationException("bad"), new StringWriter(), new StringWriter()));
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public async Task RunAsync_Help_ListsTheCommandsAndExits0(string help)
    {
        var (exit, output, _, ran) = await RunAsync([help]);

        Assert.Equal(0, exit);
        Assert.Null(ran);
        Assert.Contains("migrate", output, StringComparison.Ordinal);
        Assert.Contains("create-first-admin", output, StringComparison.Ordinal);
        Assert.Contains("verify-log", output, StringComparison.Ordinal);
        Assert.Contains("--Section:Key=value", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_CommandHelp_DescribesIt()
    {
        var (exit, output, _, _) = await RunAsync(["verify-log", "--help"]);

        Assert.Equal(0, exit);
        Assert.Contains("change log intact: entries=N head=H", output, StringComparison.Ordinal);
        Assert.Contains("65", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--State:Path=/var/lib/classroomguard/state.db", true)]
    [InlineData("--Influx:Url=http://127.0.0.1:8086", true)]
    [InlineData("--contentRoot=/opt/classroomguard/console", true)]
    [InlineData("--State:Path=", true)]
    [InlineData("--State:Path", false)]
    [InlineData("--=value", false)]
    [InlineData("-State:Path=x", false)]
    [InlineData("State:Path=x", false)]
    [InlineData("--:Path=x", false)]
    [InlineData("--State:=x", false)]
    [InlineData("--Sta te:Path=x", false)]
    [InlineData("", false)]
    public void IsSetting_Table(string token, bool expected) => Assert.Equal(expected, ClassroomGuard.Storage.Hosting.SettingArguments.IsSetting(token));

    private static async Task<(int Exit, string Output, string Error, string[]? Ran)> RunAsync(string[] args)
    {
        string[]? ran = null;
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await ConsoleCommandLine.RunAsync(args, settings =>
        {
            ran = settings;
            return Task.FromResult(0);
        }, output, error);
        return (exit, output.ToString(), error.ToString(), ran);
    }
}

namespace ClassroomGuard.Sniffer.Tests.Support;

/// <summary>
/// The sniffer tests' name for <see cref="ProcessRunner"/> (tests/ClassroomGuard.TestSupport, where the runner moved):
/// <c>Tool.RunAsync</c>, <c>Tool.CheckAsync</c>, <c>Tool.Start</c> and <c>Tool.Result</c> are the runner's own.
/// </summary>
internal sealed class Tool : ProcessRunner
{
    private Tool()
    {
    }
}

/// <summary>The sniffer tests' name for <see cref="BackgroundProcess"/>.</summary>
internal sealed class BackgroundTool(string file, params string[] arguments) : BackgroundProcess(file, arguments);

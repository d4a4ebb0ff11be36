using System.Diagnostics;

namespace ClassroomGuard.EndToEnd.Support;

/// <summary>Runs the repository's shell scripts the way a technician would, and captures what they print.</summary>
internal static class ScriptRunner
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    /// <summary>The repository root (the folder holding ClassroomGuard.sln).</summary>
    public static string RepoRoot { get; } = RepositoryRoot.Find();

    public static async Task<Result> RunAsync(string script, IReadOnlyDictionary<string, string?> environment, TimeSpan timeout)
    {
        var info = new ProcessStartInfo("/bin/bash", [Path.Combine(RepoRoot, script)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepoRoot,
        };
        foreach (var (key, value) in environment)
        {
            if (value is null)
            {
                info.Environment.Remove(key);
            }
            else
            {
                info.Environment[key] = value;
            }
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{script} did not finish within {timeout}: {await stdout}{await stderr}");
        }

        return new Result(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>A TCP port on loopback that nothing listens on right now.</summary>
    public static int FreeLoopbackPort() => LoopbackPorts.FreeTcp();

    /// <summary>A port free for both UDP and TCP on loopback (DNS needs both).</summary>
    public static int FreeUdpLoopbackPort() => LoopbackPorts.FreeUdpAndTcp();

    /// <summary>Runs a program (not a script) and returns what it printed; fails the test if it fails.</summary>
    public static Task<string> RunProcessAsync(string program, string[] arguments) => ProcessRunner.CheckAsync(program, arguments);
}

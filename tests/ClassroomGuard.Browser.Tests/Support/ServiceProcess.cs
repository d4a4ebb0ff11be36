using System.Diagnostics;

namespace ClassroomGuard.Browser.Tests.Support;

/// <summary>
/// One of our programs (<c>dotnet X.dll</c> from this output folder) or a system tool run as its own process, as on the
/// appliance; keeps the last lines it printed for failure messages and kills its whole tree on dispose.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private const int KeptLines = 200;
    private readonly Process process;
    private readonly Queue<string> lines = new();

    private ServiceProcess(string name, Process process)
    {
        Name = name;
        this.process = process;
    }

    public string Name { get; }

    public bool HasExited => process.HasExited;

    public int Id => process.Id;

    /// <summary>The last lines it printed (stdout and stderr interleaved).</summary>
    public string Output
    {
        get
        {
            lock (lines)
            {
                return string.Join('\n', lines);
            }
        }
    }

    /// <summary>Starts <c>dotnet &lt;dll&gt; args</c> for one of our programs copied beside the tests.</summary>
    public static ServiceProcess StartDotnet(string dll, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h ? h : "dotnet";
        return Start(Path.GetFileNameWithoutExtension(dll), host, [Path.Combine(AppContext.BaseDirectory, dll), .. arguments], environment);
    }

    public static ServiceProcess Start(string name, string file, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException(name + " did not start");
        var started = new ServiceProcess(name, process);
        process.OutputDataReceived += (_, e) => started.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => started.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return started;
    }

    /// <summary>Polls <paramref name="ready"/> until it holds; fails naming the process and its output if it exits or times out.</summary>
    public async Task WaitUntilAsync(Func<Task<bool>> ready, string what, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with {process.ExitCode} before {what}:\n{Output}");
            }

            if (await ready())
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"{Name}: not {what} within {timeout.TotalSeconds:0} s:\n{Output}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                // Killed; its zombie is reaped when the test host exits.
            }
        }

        process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (lines)
        {
            lines.Enqueue(line);
            while (lines.Count > KeptLines)
            {
                lines.Dequeue();
            }
        }
    }

    /// <summary>Runs a tool to its end (at most <paramref name="timeout"/>) and returns its exit code and everything it printed.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string file, IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        var result = await ProcessRunner.RunAsync(file, arguments, timeout: timeout);
        return (result.ExitCode, result.Output + result.Error);
    }
}

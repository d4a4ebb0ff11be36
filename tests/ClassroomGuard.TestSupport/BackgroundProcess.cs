using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace ClassroomGuard.TestSupport;

/// <summary>A long-running tool (server, capture) started by a test and stopped by it, by its own process id.</summary>
public class BackgroundProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _error = new();
    private readonly StringBuilder _output = new();
    private readonly Lock _lock = new();

    /// <summary>Starts <paramref name="file"/> with <paramref name="arguments"/>, collecting what it prints.</summary>
    public BackgroundProcess(string file, params string[] arguments)
    {
        _process = ProcessRunner.Start(file, arguments);
        _process.ErrorDataReceived += (_, e) => Append(_error, e.Data);
        _process.OutputDataReceived += (_, e) => Append(_output, e.Data);
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
    }

    /// <summary>The process id (the program itself when started through exec-ing wrappers such as ip netns exec and setpriv).</summary>
    public int Id => _process.Id;

    /// <summary>The exit code, once the tool has exited.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>What it wrote to standard error so far.</summary>
    public string Error
    {
        get
        {
            lock (_lock)
            {
                return _error.ToString();
            }
        }
    }

    /// <summary>What it wrote to standard output so far.</summary>
    public string Output
    {
        get
        {
            lock (_lock)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Waits until the tool's output or error contains <paramref name="text"/>.</summary>
    public async Task WaitForAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Error.Contains(text, StringComparison.Ordinal) && !Output.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"'{_process.StartInfo.FileName} {string.Join(' ', _process.StartInfo.ArgumentList)}' never said '{text}': {Error}{Output}");
            }

            await Task.Delay(50).ConfigureAwait(false);
        }
    }

    /// <summary>Sends SIGINT (tcpdump then writes out what it holds) and waits for the exit.</summary>
    public async Task InterruptAsync()
    {
        if (!_process.HasExited)
        {
            await ProcessRunner.RunAsync("kill", ["-INT", _process.Id.ToString(CultureInfo.InvariantCulture)]).ConfigureAwait(false);
            using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(cancellation.Token).ConfigureAwait(false);
        }
    }

    /// <summary>Kills the tool if it still runs.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }

        _process.Dispose();
        GC.SuppressFinalize(this);
    }

    private void Append(StringBuilder builder, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lock)
        {
            builder.AppendLine(line);
        }
    }
}
